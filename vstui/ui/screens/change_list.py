"""The first screen: the changes of a query, live."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from vstui.core.dashboards import KEYS as DASHBOARD_KEYS
from vstui.core.query_history import HistoryCursor
from vstui.core.views import ChangeListItem
from vstui.ui.safe_text import safe_line
from vstui.ui.widgets.change_table import ChangeTable, change_row
from vstui.ui.widgets.status_bar import BottomBar
from vstui.ui.widgets.virtual_table import TableRow, VirtualTable

if TYPE_CHECKING:
    from vstui.ui.app import VstuiApp


class ChangeListScreen(Screen[None]):
    """Query title, the change table and the status bar; `/` edits the query."""

    HELP_TITLE = "Change list"
    AUTO_FOCUS = "#changes"
    DEFAULT_CSS: ClassVar[str] = """
    ChangeListScreen #list-title { height: 1; padding: 0 1; background: $primary-background; color: $text; }
    ChangeListScreen #query { display: none; }
    ChangeListScreen #query.editing { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # description: the footer's short word; tooltip: the help screen's wording.
        Binding("enter,o", "open_change", "Open", tooltip="Open change", id="list.open"),
        # priority: handled by the app in key order, before the next key is routed, so that
        # every key of a burst ("/owner:jb" pasted, a laggy link) lands in the box and none
        # fires a list binding ("o" open, "w" web, "q" quit).
        Binding(
            "slash",
            "edit_query",
            "Query",
            tooltip="Edit query",
            priority=True,
            id="list.query",
        ),
        Binding("r", "refresh", "Refresh", id="list.refresh"),
        Binding("w", "open_web", "Web", tooltip="Open in web UI", id="list.web"),
        # While the box is open, enter and escape close it in key order too: focus is back
        # on the list before the next key is routed, and the box applies what was typed
        # before them (its own queue) once it has taken those keys.
        Binding(
            "escape",
            "close_query(False)",
            "Cancel query edit",
            show=False,
            priority=True,
            id="list.cancel_query",
        ),
        Binding(
            "enter",
            "close_query(True)",
            "Run the query",
            show=False,
            priority=True,
            id="list.submit_query",
        ),
        Binding("up", "history(1)", "Older query", show=False, id="list.history_older"),
        Binding("down", "history(-1)", "Newer query", show=False, id="list.history_newer"),
        *(
            Binding(
                key,
                f"dashboard('{key}')",
                f"Dashboard {key}",
                tooltip=f"Dashboard {key} (sections: [[servers.NAME.dashboards]])",
                show=False,
                id=f"list.dashboard_{key}",
            )
            for key in DASHBOARD_KEYS
        ),
        Binding(
            "s",
            "toggle_star",
            "Star",
            tooltip="Star / unstar the change",
            show=False,
            id="list.star",
        ),
    ]

    # While pages of a long query arrive, new rows are handed to the table at most this
    # often: each hand-over grows the scrollbar, which costs Textual a full layout and
    # repaint (~5 ms); rows beyond the screen gain nothing from being shown sooner.
    APPEND_INTERVAL = 0.25

    app: VstuiApp

    def __init__(self) -> None:
        super().__init__()
        self._items: dict[int, ChangeListItem] = {}
        self._rows: dict[int, TableRow] = {}
        self._order: list[int] = []
        self._unshown: list[int] = []  # in `_order`, not handed to the table yet
        self._last_append = 0.0
        self._append_timer: Timer | None = None
        self._title: Text | None = None
        # Rows that arrived above the top of the view since the reviewer last saw the top:
        # the table keeps the cursor row where it is on screen, so the title says so.
        self.new_above: set[int] = set()
        self.loading_changes = True
        self.failed = False
        self.marks: set[int] = set()
        self._history: HistoryCursor | None = None
        self._prefetch_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="list-title", markup=False)
        yield Input(
            placeholder="Gerrit query, e.g. status:open project:openstack/cinder", id="query"
        )
        table = ChangeTable(id="changes")
        table.empty_text = "Loading changes…"
        yield table
        yield BottomBar(self.app.clock)

    @property
    def table(self) -> ChangeTable:
        return self.query_one("#changes", ChangeTable)

    @property
    def query_input(self) -> Input:
        return self.query_one("#query", Input)

    def on_mount(self) -> None:
        self.update_title()

    def update_title(self) -> None:
        title = Text(end="", no_wrap=True, overflow="ellipsis")
        title.append("vstui", style="bold")
        title.append(" · ")
        title.append_text(safe_line(self.app.server_label))
        board = self.app.current_dashboard
        if board is not None:
            title.append(f" · {board.key} ")
            title.append_text(safe_line(board.title, style="bold"))
            title.append(" (")
            title.append_text(safe_line(self.app.current_query, style="dim"))
            title.append(")")
        else:
            title.append(" · query: ")
            title.append_text(safe_line(self.app.current_query, style="bold"))
        if self.loading_changes:
            title.append(" · loading…", style="italic")
        elif self.failed:
            title.append(" · failed", style="bold red")
        else:
            count = len(self._order)
            title.append(f" · {count} change" + ("" if count == 1 else "s"))
        if self.new_above:
            title.append(f" · {len(self.new_above)} new above ↑ (g: top)", style="bold")
        if title != self._title:
            self._title = title
            self.query_one("#list-title", Static).update(title, layout=False)

    # ------------------------------------------------------------ data from the app

    def _has_table(self) -> bool:
        """False before compose and while the app shuts down (late session notices)."""
        try:
            self.query_one("#changes", ChangeTable)
        except NoMatches:
            return False
        return True

    def show_changes(self, items: Sequence[ChangeListItem], *, done: bool = True) -> None:
        """Replace the whole list (a new query result)."""
        if not self._has_table():
            return
        self.failed = False
        now, tz = self.app.clock(), self.app.tz
        self._items = {item.number: item for item in items}
        self._rows = {item.number: change_row(item, now, tz, self._mark(item)) for item in items}
        self._order = [item.number for item in items]
        self.new_above.clear()
        self.loading_changes = not done
        self.table.empty_text = "Loading changes…" if not done else "No changes match this query"
        self._show_all_rows()
        self.update_title()

    def _show_all_rows(self) -> None:
        """Give the table every row of `_order` (pending page hand-overs included)."""
        self._unshown.clear()
        if self._append_timer is not None:
            self._append_timer.stop()
            self._append_timer = None
        table = self.table
        above_before = set(self._keys_above())
        table.set_rows([self._rows[n] for n in self._order])
        above = self._keys_above()
        if not self.loading_changes:
            self.new_above |= set(above) - above_before
        self.new_above &= set(above)

    def _keys_above(self) -> list[object]:
        """Keys of the rows hidden above the top of the view."""
        table = self.table
        return [row.key for row in table.rows[: int(table.scroll_y)]]

    def append_changes(self, items: Sequence[ChangeListItem]) -> None:
        """Another page of the query arrived: rows are built now, while the next loads, and
        handed to the table at once for the first screenful, then every `APPEND_INTERVAL`."""
        if not self._has_table() or not items:
            return
        now, tz = self.app.clock(), self.app.tz
        table = self.table
        for item in items:
            number = item.number
            row = change_row(item, now, tz, self._mark(item))
            known = number in self._rows
            self._items[number] = item
            self._rows[number] = row
            if known:
                table.update_row(row)  # no-op while it waits in `_unshown`
            else:
                self._order.append(number)
                self._unshown.append(number)
        wait = self._last_append + self.APPEND_INTERVAL - time.monotonic()
        if wait <= 0 or table.row_count < table.size.height:
            self._append_unshown()
        elif self._append_timer is None:
            self._append_timer = self.set_timer(wait, self._append_unshown)

    def _append_unshown(self) -> None:
        self._append_timer = None
        if not self._unshown or not self._has_table():
            return
        numbers, self._unshown = self._unshown, []
        self.table.append_rows([self._rows[n] for n in numbers])
        self._last_append = time.monotonic()

    def loading_failed(self) -> None:
        """The query failed (the app shows why): stop saying "loading", say what to do."""
        if not self._has_table():
            return
        self.loading_changes = False
        self.failed = True
        self.table.empty_text = "Could not load the changes: r retries, / edits the query"
        self._show_all_rows()
        self.update_title()

    def finish_loading(self, order: Sequence[int]) -> None:
        """The query is complete: `order` is the session's final list."""
        if not self._has_table():
            return
        self.loading_changes = False
        self.table.empty_text = "No changes match this query"
        missing = [n for n in order if n not in self._rows]
        if missing:
            self.update_changes(self.app.session.list_items(missing), order)
        if list(order) != self._order:
            self._order = [n for n in order if n in self._rows]
        self._show_all_rows()
        self.update_title()

    def update_changes(self, items: Iterable[ChangeListItem], order: Sequence[int]) -> None:
        """Changed rows (rebuilt) and the new order; other rows reuse their cached strips."""
        if not self._has_table():
            return
        now, tz = self.app.clock(), self.app.tz
        for item in items:
            self._items[item.number] = item
            self._rows[item.number] = change_row(item, now, tz, self._mark(item))
        if list(order) == self._order:
            table = self.table
            for item in items:
                row = self._rows.get(item.number)
                if row is not None:
                    table.update_row(row)
            return
        self._order = [n for n in order if n in self._rows]
        self._show_all_rows()
        self.update_title()

    # ------------------------------------------------------------ actions

    def action_open_change(self) -> None:
        number = self.table.cursor_key
        if isinstance(number, int):
            self.app.open_change(number)

    @on(VirtualTable.RowSelected, "#changes")
    def _row_selected(self, event: VirtualTable.RowSelected) -> None:
        if isinstance(event.key, int):
            self.app.open_change(event.key)

    # The cursor resting this long on a row prefetches its inline comments.
    PREFETCH_DELAY = 0.1

    @on(VirtualTable.CursorMoved, "#changes")
    def _cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
        key = event.key
        if isinstance(key, int) and not self.loading_changes:
            self._prefetch_timer = self.set_timer(
                self.PREFETCH_DELAY, lambda: self.app.prefetch_comments(key)
            )

    @on(VirtualTable.Scrolled, "#changes")
    def _scrolled(self, event: VirtualTable.Scrolled) -> None:
        if self.new_above:
            self.new_above &= set(self._keys_above())  # seen once they scroll into view
            self.update_title()
        if self.loading_changes:
            # The list itself first: summaries start once every page is in.
            return
        wanted = [k for k in self.table.visible_keys() if isinstance(k, int)]
        self.app.visible_changes(wanted)
        missing = [
            n for n in wanted if (item := self._items.get(n)) is not None and item.ci is None
        ]
        if missing:
            self.app.load_summaries(missing)

    def action_refresh(self) -> None:
        self.app.run_query(self.app.current_query, dashboard=self.app.current_dashboard)

    def action_open_web(self) -> None:
        number = self.table.cursor_key
        if isinstance(number, int):
            self.app.open_web(number)

    def action_edit_query(self) -> None:
        box = self.query_input
        box.value = self.app.current_query
        box.add_class("editing")
        # Now, not `box.focus()` (deferred with call_later): the keys after "/" are routed
        # to whatever has focus when the app takes them from its queue.
        self.set_focus(box)
        self._history = HistoryCursor(self.app.query_history_entries(), box.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close_query":
            return self.is_current and self.focused is self.query_input
        if action == "history":
            return self.query_input.has_class("editing") and self.focused is self.query_input
        if action == "edit_query":
            # While the box is open "/" is a character of the query (the binding has
            # priority, so it must step aside: False lets the key through to the box).
            return not self.query_input.has_class("editing") and self.is_current
        return True

    def action_history(self, step: int) -> None:
        cursor = self._history
        if cursor is None:
            return
        value = cursor.older() if step > 0 else cursor.newer()
        if value is None:
            self.app.bell()
            return
        box = self.query_input
        box.value = value
        box.cursor_position = len(value)

    def action_dashboard(self, key: str) -> None:
        self.app.run_dashboard(key)

    def action_toggle_star(self) -> None:
        number = self.table.cursor_key
        if isinstance(number, int):
            self.app.toggle_star(number)

    def _mark(self, item: ChangeListItem) -> str:
        if item.number in self.marks:
            return "●"
        return self.app.unread_mark(item)

    def set_marks(self, numbers: Iterable[int], on: bool = True) -> None:
        """Mark rows (a notification, an unread update) or clear their marks."""
        if not self._has_table():
            return
        now, tz = self.app.clock(), self.app.tz
        for number in numbers:
            if on:
                self.marks.add(number)
            else:
                self.marks.discard(number)
            item = self._items.get(number)
            if item is not None:
                row = self._rows[number] = change_row(item, now, tz, self._mark(item))
                self.table.update_row(row)

    def action_close_query(self, submit: bool) -> None:
        box = self.query_input
        box.remove_class("editing")
        self.set_focus(self.table)
        if submit:
            # After the keys the box has not taken yet ("/abc⏎" in one burst).
            box.call_later(self._submit_query)

    def action_cancel_query(self) -> None:
        self.action_close_query(False)

    def _submit_query(self) -> None:
        query = self.query_input.value.strip()
        if query:
            self.app.remember_query(query)
            self.app.run_query(query)

    @on(Input.Submitted, "#query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        # Only if enter reached the box anyway (the priority binding was remapped away).
        self.action_close_query(True)
