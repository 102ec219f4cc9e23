"""The CI health screen (`H`): one row per CI and per job over the last week — runs,
failures, success rate, flaky count, changes failing now, last seen, a 7-day trend. Sort
by any column (`s` cycles, `S` reverses), `p` filters by project, enter lists a row's
recent failures (enter there opens the change). CIs that stopped reporting are marked."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from vstui.core.timefmt import age_of
from vstui.ui.safe_text import plain_line
from vstui.ui.widgets.status_bar import BottomBar
from vstui.ui.widgets.virtual_table import Column, Styled, TableRow, VirtualTable

if TYPE_CHECKING:
    from vstui.ui.app import VstuiApp

WINDOW_DAYS = 7.0

COLUMNS = (
    Column("name", "CI / job", ratio=3, min_width=16),
    Column("runs", "Runs", width=6, justify="right"),
    Column("failed", "Failed", width=6, justify="right"),
    Column("rate", "Success", width=7, justify="right"),
    Column("flaky", "Flaky", width=5, justify="right"),
    Column("failing", "Failing now", width=11, justify="right"),
    Column("seen", "Last seen", width=15, justify="right"),
    Column("trend", "7 days", width=8),
)
# Sort keys, in the order `s` cycles through them (the first is the default: worst first).
SORTS: tuple[tuple[str, str], ...] = (
    ("rate", "success rate"),
    ("name", "name"),
    ("runs", "runs"),
    ("failed", "failed"),
    ("flaky", "flaky"),
    ("failing", "failing now"),
    ("seen", "last seen"),
)


def _sort_value(item: Any, key: str) -> Any:
    if key == "name":
        return (getattr(item, "ci_name", None) or item.job or "").casefold()
    if key == "rate":
        return item.success_rate if item.success_rate is not None else 2.0
    if key == "runs":
        return -item.runs
    if key == "failed":
        return -item.failed
    if key == "flaky":
        return -item.flaky
    if key == "failing":
        return -item.changes_failing_now
    if key == "seen":
        return -(item.last_seen or 0)
    return 0


def _rate_cell(rate: float | None) -> Styled | str:
    if rate is None:
        return "-"
    role = "success" if rate >= 0.9 else ("warning" if rate >= 0.6 else "error-strong")
    return Styled.of(f"{rate:.0%}", role)


def health_table_rows(cis: list[Any], now: float, sort: str, reverse: bool) -> list[TableRow]:
    from vstui.history.health import sparkline

    rows: list[TableRow] = []
    ordered = sorted(cis, key=lambda c: _sort_value(c, sort), reverse=reverse)
    for c in ordered:
        seen = age_of_ts(c.last_seen, now)
        seen_cell: Styled | str = (
            Styled(((f"stopped {seen}", "error-strong"),)) if c.stopped else seen
        )
        rows.append(
            TableRow(
                ("ci", c.ci),
                (
                    Styled.of(
                        plain_line(c.ci_name), "success-strong" if not c.stopped else "muted"
                    ),
                    str(c.runs),
                    str(c.failed),
                    _rate_cell(c.success_rate),
                    str(c.flaky),
                    str(c.changes_failing_now),
                    seen_cell,
                    sparkline(c.trend),
                ),
            )
        )
        for j in sorted(c.jobs, key=lambda j: _sort_value(j, sort), reverse=reverse):
            rows.append(
                TableRow(
                    ("job", c.ci, j.job),
                    (
                        "  " + plain_line(j.job or "(overall)"),
                        str(j.runs),
                        str(j.failed),
                        _rate_cell(j.success_rate),
                        str(j.flaky),
                        str(j.changes_failing_now),
                        age_of_ts(j.last_seen, now),
                        sparkline(j.trend),
                    ),
                )
            )
    return rows


def age_of_ts(t: float | None, now: float) -> str:
    if not t:
        return "-"
    from datetime import UTC, datetime

    return age_of(datetime.fromtimestamp(t, UTC), now) + " ago"


class HealthTable(VirtualTable):
    HELP_TITLE = "CI health"


class HealthScreen(Screen[None]):
    """Per server; `project` filters (None: every project)."""

    HELP_TITLE = "CI health"
    DEFAULT_CSS: ClassVar[str] = """
    HealthScreen #health-title { height: 1; padding: 0 1; background: $panel; }
    HealthScreen #health-project { display: none; height: 1; border: none; padding: 0 1; }
    HealthScreen #health-project.editing { display: block; }
    HealthScreen HealthTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back", id="health.back"),
        Binding("enter", "failures", "Failures", tooltip="Recent failures of the row", id="health.failures"),
        Binding("s", "sort", "Sort", tooltip="Sort by the next column", id="health.sort"),
        Binding("S", "reverse", "Reverse", tooltip="Reverse the sort", show=False, id="health.reverse"),
        Binding("p", "project", "Project", tooltip="Filter by project", id="health.project"),
        Binding("r", "reload", "Reload", tooltip="Recompute from the history", show=False, id="health.reload"),
    ]  # fmt: skip

    app: VstuiApp

    def __init__(self, project: str | None = None) -> None:
        super().__init__()
        self.project = project
        self.sort = SORTS[0][0]
        self.reverse = False
        self.cis: list[Any] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static("", id="health-title", markup=False)
        yield Input(placeholder="project (empty: every project)", id="health-project")
        yield HealthTable(COLUMNS, empty_text="Loading CI health…", id="health-table")
        yield BottomBar(self.app.clock)

    @property
    def table(self) -> HealthTable:
        return self.query_one("#health-table", HealthTable)

    def on_mount(self) -> None:
        self._title()
        self.table.focus()
        self.action_reload()

    def _title(self) -> None:
        sort = dict(SORTS)[self.sort] + (" ↑" if self.reverse else "")
        where = self.project or "every project"
        stopped = sum(1 for c in self.cis if c.stopped)
        extra = f" · {stopped} stopped" if stopped else ""
        self.query_one("#health-title", Static).update(
            Text(
                f"CI health — last {WINDOW_DAYS:g} days · {plain_line(where)} · "
                f"{len(self.cis)} CIs{extra} · sorted by {sort}"
            )
        )

    def action_reload(self) -> None:
        session = self.app.session
        history = getattr(session, "history", None)
        if history is None:
            self.table.empty_text = "No history for this server (see the log)"
            self.table.set_rows([])
            return
        from vstui.core.session_history import health_rows

        project = self.project

        async def work() -> None:
            now = session.clock()  # type: ignore[union-attr]
            cis = await asyncio.to_thread(
                health_rows, history.store, now=now, window_days=WINDOW_DAYS, project=project
            )
            self.cis = cis
            self.loaded = True
            self.table.empty_text = "No CI runs in the history for this window"
            self._show()

        self.run_worker(work(), group="health", exclusive=True, exit_on_error=False)

    def _show(self) -> None:
        now = self.app.session.clock() if self.app.session else self.app.clock()
        self.table.set_rows(health_table_rows(self.cis, now, self.sort, self.reverse))
        self._title()

    def action_sort(self) -> None:
        keys = [k for k, _ in SORTS]
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self._show()

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self._show()

    def action_back(self) -> None:
        box = self.query_one("#health-project", Input)
        if box.has_class("editing"):
            box.remove_class("editing")
            self.table.focus()
            return
        self.dismiss(None)

    def action_project(self) -> None:
        box = self.query_one("#health-project", Input)
        box.value = self.project or ""
        box.add_class("editing")
        box.focus()

    @on(Input.Submitted, "#health-project")
    def _project_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.input.remove_class("editing")
        self.project = event.value.strip() or None
        self.table.focus()
        self.action_reload()

    def selected(self) -> tuple[Any, Any] | None:
        """(CIHealth, JobHealth or None) under the cursor."""
        key = self.table.cursor_key
        if not isinstance(key, tuple):
            return None
        for c in self.cis:
            if c.ci == key[1]:
                if key[0] == "ci":
                    return c, None
                for j in c.jobs:
                    if j.job == key[2]:
                        return c, j
        return None

    def action_failures(self) -> None:
        picked = self.selected()
        session = self.app.session
        history = getattr(session, "history", None)
        if picked is None or history is None:
            return
        ci, job = picked
        job_ids = list(job.job_ids) if job is not None else [i for j in ci.jobs for i in j.job_ids]
        title = ci.ci_name + (f" — {job.job}" if job is not None else "")
        from vstui.core.session_history import job_failures

        async def work() -> None:
            now = session.clock()  # type: ignore[union-attr]
            failures = await asyncio.to_thread(job_failures, history.store, job_ids, now=now)
            self.app.push_screen(FailuresScreen(title, failures, now))

        self.run_worker(work(), group="health-failures", exclusive=True, exit_on_error=False)


FAILURE_COLUMNS = (
    Column("change", "Change", width=8),
    Column("ps", "PS", width=3, justify="right"),
    Column("job", "Job", ratio=2, min_width=10),
    Column("result", "Result", width=12),
    Column("age", "Age", width=9, justify="right"),
    Column("url", "URL", ratio=2, min_width=6),
)


class FailuresScreen(ModalScreen[None]):
    """A CI's (or job's) recent failures; enter opens the change, `o` the log."""

    HELP_TITLE = "Recent failures"
    DEFAULT_CSS: ClassVar[str] = """
    FailuresScreen { align: center middle; }
    FailuresScreen > #failures-box { width: 95%; height: 80%; border: thick $warning;
        background: $surface; }
    FailuresScreen HealthTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="failures.close"),
        Binding("enter", "open_change", "Open change", id="failures.open"),
        Binding("o", "open_log", "Open log", id="failures.log"),
    ]

    app: VstuiApp

    def __init__(self, title: str, failures: list[Any], now: float) -> None:
        super().__init__()
        self.title_text = title
        self.failures = failures
        self.now = now

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(id="failures-box"):
            yield Static(
                Text(f"Recent failures — {plain_line(self.title_text)} ({len(self.failures)})"),
                markup=False,
            )
            yield HealthTable(FAILURE_COLUMNS, empty_text="No failures", id="failures-table")

    def on_mount(self) -> None:
        table = self.query_one("#failures-table", HealthTable)
        table.set_rows(
            [
                TableRow(
                    i,
                    (
                        str(f.change),
                        str(f.patch_set),
                        plain_line(f.job or "(overall)"),
                        Styled.of(plain_line(f.result), "error-strong"),
                        age_of_ts(f.time, self.now),
                        plain_line(f.url or ""),
                    ),
                )
                for i, f in enumerate(self.failures)
            ]
        )
        table.focus()

    def _current(self) -> Any:
        key = self.query_one("#failures-table", HealthTable).cursor_key
        return self.failures[key] if isinstance(key, int) and key < len(self.failures) else None

    def action_close(self) -> None:
        self.dismiss(None)

    def action_open_change(self) -> None:
        f = self._current()
        if f is not None:
            self.dismiss(None)
            self.app.open_change(f.change)

    def action_open_log(self) -> None:
        f = self._current()
        if f is not None:
            self.app.open_untrusted_url(f.url, what=f"log of change {f.change}")
