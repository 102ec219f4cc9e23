"""The CI results pane: title with filter state and counts, regex box, grouped results table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input

from vstui.core.ci_filter import CIFilter
from vstui.core.views import CIJobItem
from vstui.sanitize import is_safe_url, one_line
from vstui.ui.screens.ci_picker import CIPickerScreen
from vstui.ui.screens.raw import RawScreen
from vstui.ui.widgets.ci_table import CIResultsTable, grouped_rows, job_row
from vstui.ui.widgets.virtual_table import TableRow

if TYPE_CHECKING:
    from vstui.ui.app import VstuiApp


def pane_title(ci_filter: CIFilter, shown: int, total: int) -> str:
    """`CI results — hide failing non-voting (showing 31 of 173)`."""
    description = ci_filter.describe()
    if description:
        return f"CI results — {description} (showing {shown} of {total})"
    return f"CI results ({total} job{'' if total == 1 else 's'})"


class CIPane(Vertical):
    """Owns the filter; `set_jobs` gives it a patch set's jobs, filtering is local and instant.

    The filter keys (f n x / s c) are the change screen's bindings, so they work whichever
    pane has focus; they call the `action_*` methods here."""

    HELP_TITLE = "CI results"
    DEFAULT_CSS: ClassVar[str] = """
    CIPane { border: round $secondary; border-title-color: $text; height: 1fr; }
    CIPane:focus-within { border: round $accent; }
    CIPane #ci-regex { display: none; height: 1; border: none; padding: 0 1; }
    CIPane #ci-regex.editing { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # description: the footer's short word; tooltip: the help screen's wording.
        Binding("enter,o", "open_log", "Open log", tooltip="Open log URL", id="ci.open"),
        Binding(
            "l", "view_log", "Log", tooltip="Read the log here: failing lines first", id="ci.log"
        ),
        Binding(
            "h",
            "earlier_runs",
            "Runs",
            tooltip="Every run of this CI here, side by side",
            show=False,
            id="ci.runs",
        ),
        Binding("y", "copy_url", "Copy", tooltip="Copy log URL", show=False, id="ci.copy"),
        Binding(
            "v",
            "show_raw",
            "Raw",
            tooltip="Raw message / verification",
            show=False,
            id="ci.raw",
        ),
        Binding(
            "i",
            "explain",
            "Why",
            tooltip="Explain the selected job's verdicts (flaky, failing elsewhere, ...)",
            show=False,
            id="ci.explain",
        ),
        Binding("escape", "cancel_regex", "Cancel regex", show=False, id="ci.cancel_regex"),
    ]

    app: VstuiApp

    class LogRequested(Message):
        """The user asked to read `job`'s log in the terminal (the screen knows the change)."""

        def __init__(self, job: CIJobItem) -> None:
            super().__init__()
            self.job = job

    class RunsRequested(Message):
        """The user asked for every run of a CI on this patch set (the screen knows which)."""

        def __init__(self, ci_name: str) -> None:
            super().__init__()
            self.ci_name = ci_name

    class FilterChanged(Message):
        """The user changed the filter (the screen saves it for the server)."""

        def __init__(self, ci_filter: CIFilter) -> None:
            super().__init__()
            self.ci_filter = ci_filter

    def __init__(self, ci_filter: CIFilter | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ci_filter = ci_filter or CIFilter()
        self._jobs: tuple[CIJobItem, ...] = ()
        self._shown: list[CIJobItem] = []
        self._rows: dict[int, TableRow] = {}  # id(job) -> row, for the jobs in `_jobs`
        self._regex_before = ""
        self.loading_text = "Loading CI results…"
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="regex over CI and job names (enter keeps, escape cancels)", id="ci-regex"
        )
        table = CIResultsTable(id="ci-table")
        table.empty_text = self.loading_text
        yield table

    @property
    def table(self) -> CIResultsTable:
        return self.query_one("#ci-table", CIResultsTable)

    @property
    def regex_input(self) -> Input:
        return self.query_one("#ci-regex", Input)

    @property
    def jobs(self) -> tuple[CIJobItem, ...]:
        return self._jobs

    @property
    def shown_jobs(self) -> list[CIJobItem]:
        """The jobs visible under the current filter, in display order."""
        return self._shown

    def on_mount(self) -> None:
        self._update_title()

    def set_jobs(self, jobs: Sequence[CIJobItem], *, loaded: bool = True) -> None:
        self._jobs = tuple(jobs)
        self.loaded = loaded
        self._rows = {}
        self.table.empty_text = (
            self.loading_text if not loaded else "No CI results on this patch set"
        )
        self.apply_filter()

    def apply_filter(self) -> None:
        self._shown = self.ci_filter.apply(self._jobs)
        table = self.table
        if self._jobs and not self._shown:
            table.empty_text = "No CI results match the filters (c clears them)"
        now = self.app.clock()
        rows = self._rows

        def row_for(job: CIJobItem) -> TableRow:
            row = rows.get(id(job))
            if row is None:
                row = rows[id(job)] = job_row(job, now)
            return row

        table.set_rows(grouped_rows(self._shown, self._jobs, now, row_for))
        self._update_title()

    def _update_title(self) -> None:
        if not self.loaded and not self._jobs:
            self.border_title = Text("CI results — loading…")
            return
        self.border_title = Text(pane_title(self.ci_filter, len(self._shown), len(self._jobs)))

    def _set_filter(self, ci_filter: CIFilter) -> None:
        if ci_filter == self.ci_filter:
            return
        self.ci_filter = ci_filter
        self.apply_filter()
        self.post_message(self.FilterChanged(ci_filter))

    # ------------------------------------------------------------ the selected job

    def selected_job(self) -> CIJobItem | None:
        key = self.table.cursor_key
        for job in self._shown:
            if job.key == key:
                return job
        return None

    def action_open_log(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        self.app.open_untrusted_url(job.url, what=f"log of {one_line(job.name, 60)}")

    def action_view_log(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        if job.source == "zuul-status":
            # Zuul streams a running job's console over a websocket, not as a file.
            self.app.say(
                "Zuul streams this running job's log live in the browser: press o to open it; "
                "l reads it here once the job reports",
                severity="information",
            )
        elif not job.url:
            self.app.say("This job has no log URL", severity="warning")
        elif not is_safe_url(job.url):
            self.app.say("Not reading: only http/https log URLs", severity="warning")
        else:
            self.post_message(self.LogRequested(job))

    def action_earlier_runs(self) -> None:
        key = self.table.cursor_key
        job = self.selected_job()
        if job is not None:
            self.post_message(self.RunsRequested(job.ci_name))
        elif isinstance(key, tuple) and len(key) == 2 and key[0] == "ci":
            self.post_message(self.RunsRequested(str(key[1])))

    def action_copy_url(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        if not job.url:
            self.app.say("This job has no log URL", severity="warning")
        elif not is_safe_url(job.url):
            self.app.say("Not copying: only http/https URLs are copied", severity="warning")
        else:
            self.app.copy_to_clipboard(job.url)
            self.app.say(f"Copied {one_line(job.url, 100)}")

    def action_explain(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        if not job.verdicts:
            self.app.say(f"{one_line(job.name, 60)}: no verdict from the history")
            return
        self.app.say("\n".join(one_line(v.explanation, 200) for v in job.verdicts))

    def action_show_raw(self) -> None:
        job = self.selected_job()
        if job is not None:
            self.app.push_screen(RawScreen(job.raw_title, job.raw_text))

    # ------------------------------------------------------------ filters

    def action_toggle(self, name: str) -> None:
        self._set_filter(self.ci_filter.toggled(name))

    def action_clear_filters(self) -> None:
        self._set_filter(CIFilter())
        self.regex_input.value = ""

    def action_pick_ci(self) -> None:
        counts: dict[str, int] = {}
        for job in self._jobs:
            counts[job.ci_name] = counts.get(job.ci_name, 0) + 1
        names = sorted(counts.items(), key=lambda kv: kv[0].lower())

        def picked(selected: frozenset[str] | None) -> None:
            if selected is not None:
                self._set_filter(self.ci_filter.with_(ci_names=selected))

        self.app.push_screen(CIPickerScreen(names, self.ci_filter.ci_names), picked)

    def action_edit_regex(self) -> None:
        box = self.regex_input
        self._regex_before = self.ci_filter.regex
        box.value = self.ci_filter.regex
        box.add_class("editing")
        # Now, not `box.focus()` (deferred): the keys after "/" go where focus is when the
        # app routes them.
        self.screen.set_focus(box)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_regex":
            return self.regex_input.has_class("editing")
        return True

    def action_cancel_regex(self) -> None:
        self._close_regex()
        self._set_filter(self.ci_filter.with_(regex=self._regex_before))

    def _close_regex(self) -> None:
        self.regex_input.remove_class("editing")
        self.screen.set_focus(self.table)

    @on(Input.Changed, "#ci-regex")
    def _regex_changed(self, event: Input.Changed) -> None:
        event.stop()
        # Filtering 1,000 rows takes well under a frame, so apply on every key press; an
        # incomplete pattern simply shows "(invalid)" in the title until it compiles.
        candidate = self.ci_filter.with_(regex=event.value)
        if candidate.pattern is not None or not event.value:
            self._set_filter(candidate)
        else:
            self.ci_filter = candidate
            self._update_title()

    @on(Input.Submitted, "#ci-regex")
    def _regex_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        error = self.ci_filter.regex_error
        if error:
            self.app.say(error, severity="warning")
        self._close_regex()
        self.post_message(self.FilterChanged(self.ci_filter))
