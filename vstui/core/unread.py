"""Unread marks: which changes moved since the user last opened them (persisted per server).

Opening a change records its `updated` time and current patch set; a change opened before
whose `updated` is newer is unread, `P` when a new patch set came, `M` otherwise (messages,
votes, CI reports all bump `updated`). Changes never opened carry no mark (a fresh list is
not a wall of marks). JSON in the user state dir, 0600 in a 0700 directory; bounded.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path

from vstui.core.query_history import read_json_dict, write_private_json

log = logging.getLogger(__name__)

LIMIT = 5000  # remembered changes per server (oldest forgotten first)


def default_seen_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("vstui")) / "seen.json"


class SeenStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_seen_path()
        self._data: dict[str, dict[str, list[float | int | None]]] | None = None
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict[str, list[float | int | None]]]:
        if self._data is None:
            raw = read_json_dict(self.path)
            data: dict[str, dict[str, list[float | int | None]]] = {}
            for server, entries in raw.items():
                if isinstance(entries, dict):
                    data[server] = {
                        k: v
                        for k, v in entries.items()
                        if isinstance(v, list) and len(v) == 2 and k.isdigit()
                    }
            self._data = data
        return self._data

    def mark(
        self, server: str, number: int, updated: datetime | None, patch_set: int | None
    ) -> str:
        """The row mark for a change: "" (seen, or never opened), "P" or "M"."""
        entry = self._read().get(server, {}).get(str(number))
        if entry is None or updated is None:
            return ""
        seen_at, seen_ps = entry
        if isinstance(seen_at, (int, float)) and updated.timestamp() <= seen_at:
            return ""
        if isinstance(seen_ps, int) and patch_set is not None and patch_set > seen_ps:
            return "P"
        return "M"

    def record(
        self, server: str, number: int, updated: datetime | None, patch_set: int | None
    ) -> None:
        """The user opened `number`: remember what it looked like, and save."""
        self.remember(server, number, updated, patch_set)
        self.save()

    def remember(
        self, server: str, number: int, updated: datetime | None, patch_set: int | None
    ) -> None:
        """In memory only (cheap, for the UI loop); `save()` writes the file."""
        with self._lock:
            entries = self._read().setdefault(server, {})
            entries.pop(str(number), None)
            entries[str(number)] = [updated.timestamp() if updated else None, patch_set]
            while len(entries) > LIMIT:
                entries.pop(next(iter(entries)))

    def save(self) -> None:
        """Write the file (failures are logged, never raised)."""
        with self._lock:
            data = {server: dict(entries) for server, entries in self._read().items()}
        try:
            write_private_json(self.path, data)
        except OSError as exc:
            log.warning("could not save unread marks to %s: %s", self.path, exc)
