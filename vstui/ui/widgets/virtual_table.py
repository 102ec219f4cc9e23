"""A virtualized, keyed table: only the lines on screen are ever rendered.

Textual's DataTable builds every row up front (~1 s per 10,000 `add_row` calls, measured in
STYLE.md), which is too slow for a 10,000-change list or a CI table re-filtered on every
key press. `VirtualTable` follows toolong's `LogLines`: a `ScrollView` whose
`render_line(y)` builds (and caches) the strip of the one row at `y`, so replacing all rows
costs one list assignment and a dict of keys, whatever the row count.

Rows are keyed. `set_rows` replaces the content and keeps the cursor on the same key at the
same screen position, so live updates do not move what the reviewer is looking at. Group
header rows (`TableRow(group=True)`) span the width and are skipped by the cursor.

Cells are plain `str` (rendered verbatim: never parsed as markup), `Styled` (plain text in
theme roles: `vtable--success`, `vtable--error`, ... component classes, so colours follow the
theme) or `rich.text.Text`. Callers pass text that already went through `vstui.ui.safe_text`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True, slots=True)
class Styled:
    """Cell text drawn in theme roles: `parts` are (text, role) pairs.

    A role names the table's component class `vtable--<role>` (see `ROLES`), resolved when
    the row is drawn, so a theme switch recolours every table; "" keeps the row's style.
    The text is data, never markup."""

    parts: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, text: str, role: str = "") -> Styled:
        return cls(((text, role),))

    @property
    def plain(self) -> str:
        return "".join(text for text, _role in self.parts)


#: Roles a `Styled` cell may use (each a `vtable--<role>` component class).
ROLES = (
    "success",
    "success-strong",
    "error",
    "error-strong",
    "error-soft",
    "warning",
    "running",
    "pending",
    "muted",
)

Cell = str | Text | Styled


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: fixed `width`, or a share (`ratio`) of the width left over."""

    key: str
    label: str
    width: int | None = None
    ratio: int = 0
    min_width: int = 3
    justify: Literal["left", "right"] = "left"


@dataclass(frozen=True, slots=True, eq=False)
class TableRow:
    """One row. `eq=False`: rows are compared (and cached) by identity, so a changed row must be
    a new object; that keeps the render cache exact without hashing cell contents."""

    key: Hashable
    cells: tuple[Cell, ...]
    style: str = ""
    group: bool = False


def cursor_strip(strip: Strip, cursor: Style) -> Strip:
    """`strip` drawn as the cursor row: the cursor's background (and bold) over every cell.

    Applied after the cells' own styles: as a base style (`Strip.apply_style`) the cells'
    background (the table's surface) won, and the cursor showed only as bold text, which
    reads as nothing in 256 colours. Cell colours (a red FAILURE) are kept."""
    over = Style(bgcolor=cursor.bgcolor, bold=cursor.bold)
    return Strip(Segment.apply_style(strip, post_style=over), strip.cell_length)


def _fit_plain(text: str, width: int, justify: str) -> str:
    """Cut or pad a plain string to exactly `width` cells, with an ellipsis when cut."""
    length = len(text) if text.isascii() else cell_len(text)
    if length > width:
        if width <= 1:
            return set_cell_size(text, width)
        return set_cell_size(text, width - 1) + "…"
    pad = " " * (width - length)
    return pad + text if justify == "right" else text + pad


class VirtualTable(ScrollView, can_focus=True, inherit_bindings=False):
    """A keyed, virtualized table with a row cursor, a fixed header and group header rows."""

    DEFAULT_CSS = """
    VirtualTable {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        background: $surface;
        height: 1fr;
        & > .vtable--header { text-style: bold; color: $text-accent; background: $panel; }
        & > .vtable--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
        & > .vtable--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .vtable--group { text-style: bold; color: $text-primary; background: $boost; }
        & > .vtable--empty { color: $text-muted; text-style: italic; }
        & > .vtable--success { color: $text-success; }
        & > .vtable--success-strong { color: $text-success; text-style: bold; }
        & > .vtable--error { color: $text-error; }
        & > .vtable--error-strong { color: $text-error; text-style: bold; }
        & > .vtable--error-soft { color: $text-error 55%; }
        & > .vtable--warning { color: $text-warning; }
        & > .vtable--running { color: $text-primary; }
        & > .vtable--pending { color: $text-secondary; text-style: italic; }
        & > .vtable--muted { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "vtable--header",
        "vtable--cursor",
        "vtable--cursor-blurred",
        "vtable--group",
        "vtable--empty",
        *(f"vtable--{role}" for role in ROLES),
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.cursor_up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.cursor_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "first", "First row", show=False, id="table.first"),
        Binding("end,G", "last", "Last row", show=False, id="table.last"),
    ]

    class CursorMoved(Message):
        """The cursor moved to another row (or the row under it was replaced)."""

        def __init__(self, table: VirtualTable, key: Hashable | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            # Under a burst of cursor moves only the latest position matters.
            return isinstance(message, VirtualTable.CursorMoved) and message.table is self.table

    class Scrolled(Message):
        """The visible rows changed (scroll, resize or new rows); collapses under floods."""

        def __init__(self, table: VirtualTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> VirtualTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, VirtualTable.Scrolled) and message.table is self.table

    class RowSelected(Message):
        """A row was clicked twice or chosen with a binding that calls `select_cursor`."""

        def __init__(self, table: VirtualTable, key: Hashable) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        empty_text: str = "Nothing to show",
        show_header: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._columns: tuple[Column, ...] = tuple(columns)
        self._rows: list[TableRow] = []
        self._index: dict[Hashable, int] = {}
        self._cursor = 0
        self._widths: tuple[int, ...] = ()
        self._width = 0
        # (id(row), width, cursor state) -> (row, strip). Rows are immutable and reused
        # across `set_rows`, so their strips stay valid when rows are reordered; the row is
        # kept in the value so a recycled id() can never return another row's strip.
        self._strip_cache: LRUCache[tuple[int, int, int], tuple[TableRow, Strip]] = LRUCache(1024)
        # (id(cell), width, justify) -> (cell, segments) for `Text` and `Styled` cells:
        # shared cells (votes, CI summaries) are rendered once per width, not once per row.
        self._cell_cache: LRUCache[tuple[int, int, str], tuple[Any, Any]] = LRUCache(1024)
        self._role_styles: dict[str, Style] = {}
        self.empty_text = empty_text
        self.show_header = show_header

    # ----------------------------------------------------------------- data

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = tuple(columns)
        self._widths = ()
        self._strip_cache.clear()
        self.refresh()

    @property
    def rows(self) -> Sequence[TableRow]:
        """The rows in display order (including group headers)."""
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def data_row_count(self) -> int:
        """Rows that are not group headers."""
        return sum(1 for row in self._rows if not row.group)

    @property
    def cursor_index(self) -> int:
        return self._cursor

    @property
    def cursor_row(self) -> TableRow | None:
        if 0 <= self._cursor < len(self._rows) and not self._rows[self._cursor].group:
            return self._rows[self._cursor]
        return None

    @property
    def cursor_key(self) -> Hashable | None:
        row = self.cursor_row
        return None if row is None else row.key

    def index_of(self, key: Hashable) -> int | None:
        return self._index.get(key)

    def get_row(self, key: Hashable) -> TableRow | None:
        index = self._index.get(key)
        return None if index is None else self._rows[index]

    def set_rows(self, rows: Sequence[TableRow]) -> None:
        """Replace all rows, keeping the cursor on the same key at the same screen position."""
        old_key = self.cursor_key
        old_screen_pos = self._cursor - int(self.scroll_y)
        self._rows = list(rows)
        self._index = {row.key: i for i, row in enumerate(self._rows) if not row.group}
        new_index = self._index.get(old_key) if old_key is not None else None
        if new_index is None:
            new_index = min(self._cursor, max(0, len(self._rows) - 1))
        self._update_virtual_size()
        self._cursor = self._nearest_data_row(new_index, 1)
        target_scroll = max(0, self._cursor - max(0, old_screen_pos))
        self.scroll_to(y=min(target_scroll, self._max_scroll()), animate=False, force=True)
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Scrolled(self))
        if self.cursor_key != old_key:
            self.post_message(self.CursorMoved(self, self.cursor_key))

    def append_rows(self, rows: Sequence[TableRow]) -> None:
        """Add rows (with keys not shown yet) at the end; cursor and scroll stay put.

        Costs O(len(rows)), whatever is shown already (a 10,000-row list arrives in pages),
        and repaints only when a new row lands on screen."""
        if not rows:
            return
        start = len(self._rows)
        self._rows.extend(rows)
        index = self._index
        for i, row in enumerate(rows, start):
            if not row.group:
                index[row.key] = i
        self._update_virtual_size()
        if start == 0:
            self._cursor = self._nearest_data_row(0, 1)
            self.post_message(self.CursorMoved(self, self.cursor_key))
        if start < int(self.scroll_y) + self._visible_rows():
            self.refresh()
            self.post_message(self.Scrolled(self))

    def update_row(self, row: TableRow) -> bool:
        """Replace the row with the same key in place; False if the key is not shown."""
        index = self._index.get(row.key)
        if index is None:
            return False
        self._rows[index] = row
        self.refresh_line_for(index)
        return True

    def visible_keys(self) -> list[Hashable]:
        """Keys of the data rows on screen now (for loading details lazily)."""
        top = int(self.scroll_y)
        return [row.key for row in self._rows[top : top + self._visible_rows()] if not row.group]

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self.post_message(self.Scrolled(self))

    def move_cursor_to_key(self, key: Hashable) -> bool:
        index = self._index.get(key)
        if index is None:
            return False
        self._move_cursor(index)
        return True

    # ----------------------------------------------------------------- geometry

    def _header_height(self) -> int:
        return 1 if self.show_header else 0

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - self._header_height())

    def _max_scroll(self) -> int:
        return max(0, len(self._rows) - self._visible_rows())

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width
        self.virtual_size = Size(width, len(self._rows) + self._header_height())

    def _compute_widths(self, total: int) -> tuple[int, ...]:
        columns = self._columns
        if not columns:
            return ()
        gaps = len(columns) - 1
        fixed = sum(c.width for c in columns if c.width is not None)
        flexible = [c for c in columns if c.width is None]
        remaining = max(0, total - fixed - gaps)
        ratios = sum(max(1, c.ratio) for c in flexible) or 1
        widths: list[int] = []
        given = 0
        for i, column in enumerate(columns):
            if column.width is not None:
                widths.append(column.width)
                continue
            if column is flexible[-1]:
                share = remaining - given
            else:
                share = remaining * max(1, column.ratio) // ratios
            share = max(column.min_width, share)
            given += share
            widths.append(share)
            del i
        return tuple(widths)

    def on_resize(self, event: events.Resize) -> None:
        self._widths = ()
        self._strip_cache.clear()
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.post_message(self.Scrolled(self))

    # ----------------------------------------------------------------- rendering

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._width or not self._widths:
            self._width = width
            self._widths = self._compute_widths(width)
            self._strip_cache.clear()
        base = self.rich_style
        header = self._header_height()
        if y < header:
            return self._render_header(width, base)
        index = int(self.scroll_y) + y - header
        if not self._rows:
            if index == 0 and self.empty_text:
                style = base + self.get_component_rich_style("vtable--empty")
                text = _fit_plain(" " + self.empty_text, width, "left")
                return Strip([Segment(text, style)], width)
            return Strip.blank(width, base)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        cursor_state = 0
        if index == self._cursor:
            cursor_state = 1 if self.has_focus else 2
        row = self._rows[index]
        cache_key = (id(row), width, cursor_state)
        cached = self._strip_cache.get(cache_key)
        if cached is not None and cached[0] is row:
            return cached[1]
        strip = self._render_row(row, width, base, cursor_state)
        self._strip_cache[cache_key] = (row, strip)
        return strip

    def _render_header(self, width: int, base: Style) -> Strip:
        style = base + self.get_component_rich_style("vtable--header")
        parts = [
            _fit_plain(column.label, w, column.justify)
            for column, w in zip(self._columns, self._widths, strict=False)
        ]
        text = _fit_plain(" ".join(parts), width, "left")
        return Strip([Segment(text, style)], width)

    def _render_row(self, row: TableRow, width: int, base: Style, cursor_state: int) -> Strip:
        row_style = base + Style.parse(row.style) if row.style else base
        if row.group:
            style = row_style + self.get_component_rich_style("vtable--group")
            label = row.cells[0] if row.cells else ""
            plain = label.plain if isinstance(label, Text) else label
            return Strip([Segment(_fit_plain(plain, width, "left"), style)], width)
        segments: list[Segment] = []
        console = self.app.console
        for n, (column, w) in enumerate(zip(self._columns, self._widths, strict=False)):
            if n:
                segments.append(Segment(" ", row_style))
            cell = row.cells[n] if n < len(row.cells) else ""
            if isinstance(cell, Styled):
                segments.extend(
                    Segment(text, row_style + style if style else row_style)
                    for text, style in self._styled_segments(cell, w, column.justify)
                )
            elif isinstance(cell, Text):
                segments.extend(
                    Segment(seg.text, row_style + seg.style if seg.style else row_style)
                    for seg in self._text_segments(cell, w, column.justify, console)
                )
            else:
                segments.append(Segment(_fit_plain(cell, w, column.justify), row_style))
        strip = Strip(segments).adjust_cell_length(width, row_style)
        if cursor_state:
            name = "vtable--cursor" if cursor_state == 1 else "vtable--cursor-blurred"
            strip = cursor_strip(strip, self.get_component_rich_style(name))
        return strip.simplify()

    def _text_segments(self, cell: Text, width: int, justify: str, console: Any) -> list[Segment]:
        key = (id(cell), width, justify)
        cached = self._cell_cache.get(key)
        if cached is not None and cached[0] is cell:
            return cached[1]
        text = cell.copy()
        text.truncate(width, overflow="ellipsis")
        if justify == "right":
            text.pad_left(width - text.cell_len)
        else:
            text.pad_right(width - text.cell_len)
        segments = list(text.render(console, end=""))
        self._cell_cache[key] = (cell, segments)
        return segments

    def role_style(self, role: str) -> Style | None:
        """The theme's style for a `Styled` role (None for "" or an unknown role)."""
        if not role:
            return None
        style = self._role_styles.get(role)
        if style is None:
            name = f"vtable--{role}"
            # Foreground and attributes only (the cursor's background must show through);
            # the colour from the full style, where a translucent one is already blended.
            partial = self.get_component_rich_style(name, partial=True, default=Style.null())
            full = self.get_component_rich_style(name, default=Style.null())
            style = self._role_styles[role] = partial + Style(color=full.color)
        return style

    def _styled_segments(
        self, cell: Styled, width: int, justify: str
    ) -> list[tuple[str, Style | None]]:
        key = (id(cell), width, justify)
        cached = self._cell_cache.get(key)
        if cached is not None and cached[0] is cell:
            return cached[1]
        out: list[tuple[str, Style | None]] = []
        room = width
        total = sum(cell_len(text) for text, _role in cell.parts)
        if total > width:
            room = width - 1  # keep a cell for the ellipsis
        for text, role in cell.parts:
            if room <= 0:
                break
            length = cell_len(text)
            if length > room:
                text, length = set_cell_size(text, room), room
            out.append((text, self.role_style(role)))
            room -= length
        if total > width and width > 0:
            last = out[-1][1] if out else None
            out.append(("…", last))
        pad = width - min(total, width)
        if pad > 0:
            if justify == "right":
                out.insert(0, (" " * pad, None))
            else:
                out.append((" " * pad, None))
        self._cell_cache[key] = (cell, out)
        return out

    def refresh_line_for(self, index: int) -> None:
        self.refresh_line(index + self._header_height())

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip_cache.clear()
        self._cell_cache.clear()
        self._role_styles.clear()

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh_line_for(self._cursor)

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh_line_for(self._cursor)

    # ----------------------------------------------------------------- cursor

    def _nearest_data_row(self, index: int, direction: int) -> int:
        """The closest non-group row from `index` in `direction` (then the other way)."""
        rows = self._rows
        if not rows:
            return 0
        index = max(0, min(index, len(rows) - 1))
        for step in (direction, -direction):
            i = index
            while 0 <= i < len(rows):
                if not rows[i].group:
                    return i
                i += step
        return index

    def _move_cursor(self, index: int, direction: int = 1) -> None:
        if not self._rows:
            return
        new = self._nearest_data_row(index, direction)
        old = self._cursor
        if new == old:
            return
        self._cursor = new
        self.refresh_line_for(old)
        self.refresh_line_for(new)
        self._scroll_cursor_into_view()
        self.post_message(self.CursorMoved(self, self.cursor_key))

    def _scroll_cursor_into_view(self) -> None:
        visible = self._visible_rows()
        top = int(self.scroll_y)
        cursor = self._cursor
        # Keep a group header visible above the first row of its group.
        want_top = (
            cursor - 1 if cursor > 0 and self._rows and self._rows[cursor - 1].group else cursor
        )
        if want_top < top:
            self.scroll_to(y=want_top, animate=False, force=True)
        elif cursor >= top + visible:
            self.scroll_to(y=cursor - visible + 1, animate=False, force=True)

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1, -1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1, 1)

    def action_page_up(self) -> None:
        self._move_cursor(self._cursor - self._visible_rows(), -1)

    def action_page_down(self) -> None:
        self._move_cursor(self._cursor + self._visible_rows(), 1)

    def action_first(self) -> None:
        self._move_cursor(0, 1)

    def action_last(self) -> None:
        self._move_cursor(len(self._rows) - 1, -1)

    def select_cursor(self) -> None:
        """Post `RowSelected` for the row under the cursor (bound by the owning screen)."""
        key = self.cursor_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < self._header_height():
            return
        index = int(self.scroll_y) + offset.y - self._header_height()
        if 0 <= index < len(self._rows) and not self._rows[index].group:
            if index == self._cursor and event.chain >= 2:
                self.select_cursor()
            self._move_cursor(index)
