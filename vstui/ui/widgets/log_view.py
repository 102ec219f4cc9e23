"""A virtualized log: only the lines on screen are decoded and drawn (toolong-style).

The log is a `vstui.logs.index.LogText` (bytes + line offsets) that a worker may still be
appending to; `render_line(y)` decodes one line, keeps SGR colour only, and builds its strip.
Scrolling is by log line; with wrap on, the lines from the top one are wrapped to fill the
screen (so a 10 MB line never becomes 10,000 rows of virtual height).
"""

from __future__ import annotations

from typing import ClassVar

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

from vstui.logs.index import LogText

GUTTER_MIN = 5
MAX_WIDTH = 4000  # horizontal scroll range (lines are cut for display at this many cells)


class LogView(ScrollView, can_focus=True):
    """Shows a `LogText`; a cursor line; optional wrap; follow keeps the end in view."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "logview--gutter",
        "logview--cursor",
        "logview--match",
    }
    DEFAULT_CSS: ClassVar[str] = """
    LogView { height: 1fr; background: $surface; }
    LogView > .logview--gutter { color: $text-muted; }
    LogView > .logview--cursor { background: $accent 30%; }
    LogView > .logview--match { background: $warning 40%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False, id="logview.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="logview.down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="logview.page_up"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="logview.page_down"),
        Binding("home", "jump_to(0)", "Top", show=False, id="logview.top"),
        Binding("end,G", "jump_to(-1)", "Bottom", show=False, id="logview.bottom"),
        Binding("left,h", "hscroll(-8)", "Left", show=False, id="logview.left"),
        Binding("right,l", "hscroll(8)", "Right", show=False, id="logview.right"),
    ]

    class CursorMoved(Message):
        def __init__(self, line: int) -> None:
            super().__init__()
            self.line = line

    def __init__(self, log: LogText, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.log_text = log
        self.cursor = 0
        self.wrap = False
        self.follow = False
        self.highlight: object = None  # a compiled bytes pattern whose matches are shown
        self._cache: LRUCache[tuple[int, int, int, bool, bool], Text] = LRUCache(2000)
        self._lines_known = 0

    # ------------------------------------------------------------ size and growth

    @property
    def number_width(self) -> int:
        return max(GUTTER_MIN, len(str(self.log_text.line_count)) + 1)

    def refresh_size(self) -> None:
        """The log grew: extend the scroll range; in follow mode, keep the end in view."""
        count = self.log_text.line_count
        if count == self._lines_known and self.virtual_size.height == count:
            return
        # The last (partial) line may have changed: drop its cached text.
        if self._lines_known:
            self._cache.clear()
        self._lines_known = count
        self.virtual_size = Size(MAX_WIDTH if not self.wrap else self.size.width, count)
        if self.follow and count:
            self.cursor = count - 1
            self.scroll_to(y=max(0, count - self.size.height), animate=False, force=True)
        self.refresh()

    def set_wrap(self, wrap: bool) -> None:
        self.wrap = wrap
        self._cache.clear()
        self.virtual_size = Size(
            MAX_WIDTH if not wrap else self.size.width, self.log_text.line_count
        )
        if wrap:
            self.scroll_to(x=0, animate=False, force=True)
        self.refresh()

    def on_resize(self, _: events.Resize) -> None:
        if self.wrap:
            self.set_wrap(True)

    # ------------------------------------------------------------ cursor

    def go_to(self, line: int, *, center: bool = True) -> None:
        """Put the cursor on `line` (0-based), scrolled into view (centred by default)."""
        count = self.log_text.line_count
        if count == 0:
            return
        line = max(0, min(line, count - 1))
        self.cursor = line
        height = max(1, self.size.height)
        top = int(self.scroll_y)
        if center:
            self.scroll_to(y=max(0, line - height // 2), animate=False, force=True)
        elif line < top:
            self.scroll_to(y=line, animate=False, force=True)
        elif line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, force=True)
        self.refresh()
        self.post_message(self.CursorMoved(line))

    def action_move(self, step: int) -> None:
        self.follow = False
        self.go_to(self.cursor + step, center=False)

    def action_page(self, step: int) -> None:
        self.follow = False
        self.go_to(self.cursor + step * max(1, self.size.height - 1), center=False)

    def action_jump_to(self, line: int) -> None:
        self.go_to(self.log_text.line_count - 1 if line < 0 else line, center=False)

    def action_hscroll(self, step: int) -> None:
        if not self.wrap:
            self.scroll_to(x=max(0, self.scroll_x + step), animate=False, force=True)

    def on_click(self, event: events.Click) -> None:
        if self.wrap:
            return
        self.go_to(int(self.scroll_y) + event.y, center=False)

    # ------------------------------------------------------------ drawing

    def _line(self, i: int, width: int) -> Text:
        key = (i, width, self.cursor if i == self.cursor else -1, self.wrap, i == self.cursor)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        gutter = self.number_width
        number = Text(
            f"{i + 1:>{gutter - 1}} ", style=self.get_component_rich_style("logview--gutter")
        )
        body = Text.from_ansi(self.log_text.line_text(i), end="", no_wrap=True)
        body.expand_tabs(4)
        pattern = self.highlight
        if pattern is not None and i == self.cursor:
            match_style = self.get_component_rich_style("logview--match")
            raw = body.plain.encode("utf-8")
            try:
                for m in pattern.finditer(raw):  # type: ignore[attr-defined]
                    start = len(raw[: m.start()].decode("utf-8", "replace"))
                    end = len(raw[: m.end()].decode("utf-8", "replace"))
                    if end > start:
                        body.stylize(match_style, start, end)
            except Exception:  # a highlight is a nicety; never break drawing
                pass
        text = number + body
        if i == self.cursor:
            text.stylize(self.get_component_rich_style("logview--cursor"))
        self._cache[key] = text
        return text

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        count = self.log_text.line_count
        top = int(self.scroll_y)
        if self.wrap:
            return self._wrapped_row(top, y, width)
        i = top + y
        if i >= count:
            return Strip.blank(width, self.rich_style)
        text = self._line(i, width)
        segments = list(text.render(self.app.console))
        strip = Strip(segments)
        gutter = self.number_width
        scroll_x = int(self.scroll_x)
        if scroll_x:
            head = strip.crop(0, gutter)
            tail = strip.crop(gutter + scroll_x, gutter + scroll_x + width - gutter)
            strip = Strip.join([head, tail])
        return strip.crop_extend(0, width, self.rich_style)

    def _wrapped_row(self, top: int, y: int, width: int) -> Strip:
        """Row `y` of the screen when lines from `top` are wrapped to `width`."""
        count = self.log_text.line_count
        row = 0
        i = top
        gutter = self.number_width
        while i < count and row <= y:
            text = self._line(i, width)
            lines = text.wrap(self.app.console, max(10, width), overflow="fold")
            if row + len(lines) > y:
                line = lines[y - row]
                segments = list(line.render(self.app.console))
                return Strip(segments).crop_extend(0, width, self.rich_style)
            row += len(lines)
            i += 1
        del gutter
        return Strip([Segment(" " * width, self.rich_style)], width)

    def notify_style_update(self) -> None:
        self._cache.clear()
        super().notify_style_update()

    def current_line_text(self) -> str:
        if self.log_text.line_count == 0:
            return ""
        return Text.from_ansi(self.log_text.line_text(self.cursor, limit=None)).plain

    @property
    def cursor_style(self) -> Style:
        return self.get_component_rich_style("logview--cursor")
