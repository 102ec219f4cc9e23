"""Who may vote what: per-label permitted ranges by group, as Gerrit's `label-X` rules.

A project (or `*`, every project) may restrict a label to ranges granted to groups; the
caller's range is the union over its groups. A label without rules keeps the emulator's
historical behaviour: every registered user may vote its whole range. Used for
`permitted_labels` (ChangeInfo), `permitted_voting_range` (DETAILED_LABELS) and to refuse
a vote out of range in `post_review` with Gerrit's text `Applying label "X": 2 is restricted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vstui.fake.errors import AuthError
from vstui.fake.model import REGISTERED_USERS, Account, LabelType

if TYPE_CHECKING:
    from vstui.fake.store import GerritStore


@dataclass(frozen=True, slots=True)
class Grant:
    group: str
    min: int
    max: int


def _rules(store: GerritStore) -> dict[tuple[str, str], list[Grant]]:
    found: dict[tuple[str, str], list[Grant]] = store.__dict__.setdefault("_vstui_label_rules", {})
    return found


def grant(store: GerritStore, project: str, label: str, group: str, lo: int, hi: int) -> None:
    """Allow `group` to vote `label` from `lo` to `hi` on `project` (`*` = every project)."""
    with store.lock:
        _rules(store).setdefault((project, label.lower()), []).append(Grant(group, lo, hi))


def permitted_range(
    store: GerritStore, project: str, label: LabelType, account: Account | None
) -> tuple[int, int] | None:
    """(min, max) `account` may vote on `label`, or None if it may not vote it at all."""
    if account is None:
        return None
    with store.lock:
        rules = _rules(store)
        grants = rules.get((project, label.name.lower()))
        if grants is None:
            grants = rules.get(("*", label.name.lower()))
    if grants is None:
        return (label.min, label.max)
    groups = set(account.groups) | {REGISTERED_USERS}
    ranges = [(g.min, g.max) for g in grants if g.group in groups]
    if not ranges:
        return None
    lo = max(label.min, min(r[0] for r in ranges))
    hi = min(label.max, max(r[1] for r in ranges))
    return (lo, hi) if lo <= hi else None


def check_vote(
    store: GerritStore, project: str, label: LabelType, account: Account, value: int
) -> None:
    """Refuse a vote outside the caller's range (0 is always allowed: it removes a vote)."""
    if value == 0:
        return
    allowed = permitted_range(store, project, label, account)
    if allowed is None or not allowed[0] <= value <= allowed[1]:
        raise AuthError(f'Applying label "{label.name}": {value} is restricted')
