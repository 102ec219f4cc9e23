"""The change list: one virtualized row per change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import ClassVar

from vstui.core.views import ChangeListItem, CICounts
from vstui.ui.safe_text import plain_line
from vstui.ui.widgets.virtual_table import Column, Styled, TableRow, VirtualTable

COLUMNS = (
    Column("mark", "", width=1),  # ● a notification or an unread update since last opened
    Column("number", "#", width=7, justify="right"),
    Column("project", "Project", ratio=2, min_width=8),
    Column("subject", "Subject", ratio=5, min_width=10),
    Column("owner", "Owner", ratio=2, min_width=6),
    Column("updated", "Updated", width=7, justify="right"),
    Column("cr", "CR", width=3, justify="right"),
    Column("v", "V", width=3, justify="right"),
    Column("unresolved", "⚑", width=2, justify="right"),  # unresolved inline threads
    Column("ci", "CI ✓   ✗   !   …   ↻", width=20),
)

#: The CI column, symbol by symbol: every count is in jobs (the help screen's legend).
CI_LEGEND = (
    ("✓", "CI column: passing jobs"),
    ("✗", "CI column: failing voting jobs"),
    ("!", "CI column: failing non-voting jobs"),
    ("…", "CI column: running jobs"),
    ("↻", "CI column: jobs of a CI asked to run again (recheck) that has not answered yet"),
    ("·", "CI column: results not loaded yet (they load when the row is on screen)"),
    ("–", "CI column: no CI has reported on the current patch set"),
)
SLOT = 4  # cells per count: each count ends under its symbol in the header

# Theme roles (see `VirtualTable`): votes read like Gerrit's own colours.
_VOTE_ROLES = {"+2": "success-strong", "+1": "success", "-1": "error", "-2": "error-strong"}


@lru_cache(maxsize=64)
def vote_cell(vote: str) -> Styled | str:
    # Cached: rows share these immutable cells, which keeps 10,000 rows cheap to build.
    role = _VOTE_ROLES.get(vote)
    if role is None and vote:
        role = "success" if vote.startswith("+") else "error" if vote.startswith("-") else ""
    return Styled.of(vote, role) if role else vote


@lru_cache(maxsize=4096)
def ci_cell(ci: CICounts | None) -> Styled:
    """`  12   2        3` under `CI ✓   ✗   !   …   ↻`: passing, failing voting, failing
    non-voting (softer), running, awaiting a recheck; all in jobs, each count right-aligned
    in its own slot so it ends under its symbol; zeros blank. `·` until loaded, `–` when
    nothing reported."""
    if ci is None:
        return Styled.of("·".rjust(SLOT), "muted")
    counts = (
        (ci.passing, "success"),
        (ci.failing_voting, "error-strong"),
        (ci.failing_non_voting, "error-soft"),
        (ci.running, "running"),
        (ci.pending, "pending"),
    )
    if not any(count for count, _role in counts):
        return Styled.of("–".rjust(SLOT), "muted")
    parts: list[tuple[str, str]] = []
    for count, role in counts:
        text = (str(count) if count < 1000 else "999+")[-SLOT:] if count else ""
        parts.append((text.rjust(SLOT), role if count else ""))
    return Styled(tuple(parts))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_updated(when: datetime | None, now: float, tz: tzinfo | None) -> str:
    """`14:32` today, `Mar 05` this year, `2015-03` before: stable, so rows never go stale.

    (f-strings, not strftime: a third of the cost, for 10,000 rows; English month names as
    strftime gives them in the C locale Python starts with.)"""
    if when is None:
        return ""
    local = when.astimezone(tz)
    today = _today(int(now // 60), tz)
    if local.date() == today:
        return f"{local.hour:02d}:{local.minute:02d}"
    if local.year == today.year:
        return f"{_MONTHS[local.month - 1]} {local.day:02d}"
    return f"{local.year:04d}-{local.month:02d}"


@lru_cache(maxsize=8)
def _today(minute: int, tz: tzinfo | None) -> date:
    return datetime.fromtimestamp(minute * 60, tz=tz).astimezone(tz).date()


@lru_cache(maxsize=64)
def unresolved_cell(count: int) -> Styled | str:
    return Styled.of(str(count), "pending") if count > 0 else ""


# ● something to tell (a notification); P / M: a new patch set / new activity since the
# change was last opened.
MARK_CELLS = {
    "●": Styled.of("●", "running"),
    "P": Styled.of("P", "pending"),
    "M": Styled.of("M", "pending"),
}


def change_row(item: ChangeListItem, now: float, tz: tzinfo | None, mark: str = "") -> TableRow:
    subject = plain_line(item.subject)
    if item.starred:
        subject = "★ " + subject
    if item.work_in_progress:
        subject = "WIP: " + subject
    style = "" if item.status == "NEW" else "dim"
    return TableRow(
        item.number,
        (
            MARK_CELLS.get(mark, ""),
            str(item.number),
            plain_line(item.project),
            subject,
            plain_line(item.owner),
            format_updated(item.updated, now, tz),
            vote_cell(item.code_review),
            vote_cell(item.verified),
            unresolved_cell(item.unresolved),
            ci_cell(item.ci),
        ),
        style=style,
    )


class ChangeTable(VirtualTable):
    """Changes of the current query, in the order given (newest update first)."""

    HELP_TITLE = "Change list"
    HELP_LEGEND = CI_LEGEND
    DEFAULT_CSS: ClassVar[str] = """
    ChangeTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(COLUMNS, empty_text="No changes match this query", id=id)

    def show(self, items: Sequence[ChangeListItem], now: float, tz: tzinfo | None) -> None:
        self.set_rows([change_row(item, now, tz) for item in items])
