"""`h` on a CI in the CI pane: every run of that CI on this patch set, side by side.

A column per run (oldest first: the rechecks, then the current one), a row per job, so a
reviewer sees what a recheck changed. `l` (or enter) on a cell reads that run's log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from vstui.core.job_logs import RunsTable
from vstui.sanitize import is_safe_url
from vstui.ui.safe_text import plain_line, safe_line

if TYPE_CHECKING:
    from vstui.ui.app import VstuiApp

_STYLES = {"success": "green", "failure": "bold red", "running": "cyan", "unstable": "yellow"}


def _result_text(result: str) -> Text:
    from vstui.ci.fields import status_of

    return Text(plain_line(result, 24), style=_STYLES.get(status_of(result), ""))


class EarlierRunsScreen(ModalScreen[None]):
    """The runs of one CI on one patch set, results side by side."""

    HELP_TITLE = "Earlier runs"
    AUTO_FOCUS = "DataTable"
    DEFAULT_CSS: ClassVar[str] = """
    EarlierRunsScreen { align: center middle; }
    EarlierRunsScreen > Vertical {
        width: 95%; height: 80%; border: round $primary; background: $surface;
    }
    EarlierRunsScreen #runs-note { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,h", "close", "Close", id="runs.close"),
        Binding("l,enter", "view_log", "Log", tooltip="Read this run's log", id="runs.log"),
    ]

    app: VstuiApp

    def __init__(self, table: RunsTable, number: int, patch_set: int | None) -> None:
        super().__init__()
        self.runs = table
        self.number = number
        self.patch_set = patch_set

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = safe_line(
                f"{self.runs.ci} on {self.number},{self.patch_set}: "
                f"{len(self.runs.headers)} run(s), oldest first",
                limit=120,
            )
            yield DataTable(cursor_type="cell", zebra_stripes=True)
            yield Static(Text("l/enter: that run's log · escape: back"), id="runs-note")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column(Text("job"), key="job")
        for i, header in enumerate(self.runs.headers):
            table.add_column(safe_line(header, limit=40), key=f"run{i}")
        for name, cells in self.runs.rows:
            table.add_row(
                safe_line(name, limit=60), *(_result_text(result) for result, _url in cells)
            )
        if self.runs.headers:
            table.move_cursor(column=len(self.runs.headers))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_view_log(self) -> None:
        from vstui.ui.screens.log_viewer import LogRequest, LogViewerScreen

        table = self.query_one(DataTable)
        row, column = table.cursor_coordinate
        if not self.runs.rows or column == 0:
            return
        name, cells = self.runs.rows[row]
        result, url = cells[column - 1]
        if not url or not is_safe_url(url):
            self.notify("This run has no log URL for that job", severity="warning")
            return
        session = self.app.session
        mirror = session.log_mirror if session is not None else None
        title = (
            f"{self.number},{self.patch_set} · {self.runs.ci} · {name} · run {column} · {result}"
        )
        self.app.push_screen(LogViewerScreen(LogRequest(url, title, None, mirror)))
