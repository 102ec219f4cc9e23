"""`ChangeStore`: the changes a session knows so far, keyed by (server, number).

An entry holds the latest `Change` (from a query or a detail fetch), its messages once
loaded, verify-status rows per patch set once loaded, and the CI results computed from them.
Entries are replaced, never mutated in place by readers; the session is the only writer and
runs on one event loop, so no locking is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vstui.gerrit.models import Change, ChangeMessage, Verification

if TYPE_CHECKING:  # vstui.ci loads lazily, off the first paint
    from vstui.ci.results import ChangeResults
    from vstui.core.views import ChangeListItem

ChangeKey = tuple[str, int]


@dataclass
class ChangeEntry:
    """What is known about one change. `messages is None` means "not fetched yet"."""

    key: ChangeKey
    change: Change
    messages: tuple[ChangeMessage, ...] | None = None
    verifications: dict[int, tuple[Verification, ...]] = field(default_factory=dict)
    results: ChangeResults | None = None  # recomputed after each fetch
    version: int = 0  # bumped by every change to the entry
    list_item: tuple[int, ChangeListItem] | None = None  # (version, item) cached by the session
    detail_loaded: bool = False  # every patch set and message fetched (the change screen)

    @property
    def number(self) -> int:
        return self.key[1]

    @property
    def details_loaded(self) -> bool:
        return self.messages is not None

    @property
    def current_patch_set(self) -> int | None:
        return self.change.current_patch_set_number


class ChangeStore:
    """Changes by (server, number)."""

    def __init__(self) -> None:
        self._entries: dict[ChangeKey, ChangeEntry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[ChangeEntry]:
        return iter(self._entries.values())

    def get(self, key: ChangeKey) -> ChangeEntry | None:
        return self._entries.get(key)

    def put_change(self, server: str, change: Change) -> ChangeEntry:
        """Store `change` (from a query or detail). Messages it carries replace the old ones;
        a change without messages (a plain query row) keeps the messages already known."""
        key = (server, change.number)
        entry = self._entries.get(key)
        if entry is None:
            entry = ChangeEntry(key, change)
            self._entries[key] = entry
        else:
            known = entry.change.patch_sets
            if known and {ps.number for ps in change.patch_sets} != {ps.number for ps in known}:
                # A list row carries no revisions, a summary only the current one: keep the
                # patch sets a detail fetch gave us (Gerrit never removes a patch set).
                merged = {ps.number: ps for ps in known}
                merged.update((ps.number, ps) for ps in change.patch_sets)
                change = _with(change, patch_sets=tuple(merged[n] for n in sorted(merged)))
            entry.change = change
        if change.messages:
            entry.messages = change.messages
        entry.version += 1
        return entry

    def set_messages(self, key: ChangeKey, messages: tuple[ChangeMessage, ...]) -> None:
        entry = self._entries.get(key)
        if entry is not None:
            entry.messages = messages
            entry.version += 1

    def set_verifications(
        self, key: ChangeKey, patch_set: int, rows: tuple[Verification, ...]
    ) -> None:
        entry = self._entries.get(key)
        if entry is not None:
            entry.verifications[patch_set] = rows
            entry.version += 1

    def remove(self, key: ChangeKey) -> None:
        self._entries.pop(key, None)


def _with(change: Change, **changes: Any) -> Change:
    import msgspec

    return msgspec.structs.replace(change, **changes)
