"""The Discussion pane's body: change messages as wrapped lines, virtualized like the tables.

Each message is a header line (author · date · patch set · votes) followed by its text
wrapped to the pane width. Lines are built once per (messages, width) and only the visible
ones are turned into strips, so 300 long messages open as fast as 3.

A message cursor (up/down, j/k) selects one message, its header drawn with the cursor
background like a table row; `v` on the pane opens the selected message. Page keys scroll
by lines, and the cursor follows to the first message on screen when it scrolls away.

A message's inline threads follow its text: where (file:line, patch set, resolved or not),
the lines of the file around it, then each comment; `t`/`T` scroll from thread to thread.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import tzinfo
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from vstui.core.threads import CommentItem, ThreadItem
from vstui.core.views import MessageItem
from vstui.sanitize import one_line, strip_control
from vstui.ui.widgets.virtual_table import cursor_strip


class _Line(NamedTuple):
    kind: int  # 0 header, 1 body, 2 blank, 3 thread header, 4 file context, 5 comment
    text: str  # header, 6 comment body
    message: int
    thread: int = -1  # index in `_threads` for thread lines


HEADER, BODY, BLANK, THREAD, CONTEXT, COMMENT_HEADER, COMMENT = range(7)


def _wrap(text: str, width: int) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        if not para.strip():
            out.append("")
            continue
        if len(para) <= width and (para.isascii() or cell_len(para) <= width):
            out.append(para)
            continue
        out.extend(
            textwrap.wrap(
                para,
                width,
                replace_whitespace=False,
                drop_whitespace=True,
                break_on_hyphens=False,
            )
            or [""]
        )
    while out and not out[-1]:
        out.pop()
    return out


def header_text(item: MessageItem, tz: tzinfo | None) -> str:
    parts = [one_line(item.author) or "(unknown)"]
    if item.is_bot:
        parts[0] += " [bot]"
    if item.date is not None:
        parts.append(item.date.astimezone(tz).strftime("%Y-%m-%d %H:%M"))
    if item.patch_set is not None:
        parts.append(f"PS{item.patch_set}")
    if item.votes:
        parts.append(one_line(item.votes))
    return " · ".join(parts)


def thread_header(thread: ThreadItem) -> str:
    state = "unresolved" if thread.unresolved else "resolved"
    parts = [f"▸ {one_line(thread.where)}"]
    if thread.patch_set is not None:
        parts.append(f"PS{thread.patch_set}")
    parts.append(state)
    if thread.is_bot:
        parts.append("bot")
    return " · ".join(parts)


def comment_header(comment: CommentItem, tz: tzinfo | None) -> str:
    parts = [one_line(comment.author) or "(unknown)"]
    if comment.date is not None:
        parts.append(comment.date.astimezone(tz).strftime("%Y-%m-%d %H:%M"))
    return " · ".join(parts)


class DiscussionView(ScrollView, can_focus=True, inherit_bindings=False):
    """Scrollable, virtualized list of messages (text rendered as data)."""

    HELP_TITLE = "Discussion"
    DEFAULT_CSS: ClassVar[str] = """
    DiscussionView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
        height: 1fr;
        background: $surface;
        & > .discussion--author { text-style: bold; color: $text-primary; }
        & > .discussion--bot { color: $text-muted; text-style: italic; }
        & > .discussion--bot-body { color: $text-muted; }
        & > .discussion--empty { color: $text-muted; text-style: italic; }
        & > .discussion--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
        & > .discussion--cursor-blurred { background: $block-cursor-blurred-background; }
        & > .discussion--unresolved { color: $text-warning; text-style: bold; }
        & > .discussion--resolved { color: $text-success; }
        & > .discussion--context { color: $text-muted; background: $boost; }
        & > .discussion--comment-author { color: $text-primary; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "discussion--author",
        "discussion--bot",
        "discussion--bot-body",
        "discussion--empty",
        "discussion--cursor",
        "discussion--cursor-blurred",
        "discussion--unresolved",
        "discussion--resolved",
        "discussion--context",
        "discussion--comment-author",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Previous message", show=False, id="discussion.up"),
        Binding("down,j", "cursor(1)", "Next message", show=False, id="discussion.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="discussion.page_up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="discussion.page_down"),
        Binding("home,g", "first", "First message", show=False, id="discussion.top"),
        Binding("end,G", "last", "Last message", show=False, id="discussion.bottom"),
        Binding("t", "next_thread", "Next thread", show=False, id="discussion.next_thread"),
        Binding("T", "previous_thread", "Prev thread", show=False, id="discussion.prev_thread"),
    ]

    def __init__(self, *, empty_text: str = "No messages", id: str | None = None) -> None:
        super().__init__(id=id)
        self._messages: list[MessageItem] = []
        self._lines: list[_Line] = []
        self._wrapped_for = -1
        self._tz: tzinfo | None = None
        self._starts: list[int] = []  # line index of each message's header
        self._extra: list[ThreadItem] = []  # threads whose message is not shown
        self._threads: list[ThreadItem] = []
        self._thread_starts: list[int] = []  # line index of each thread's header
        self.cursor = 0  # index into `messages`
        self.empty_text = empty_text

    @property
    def messages(self) -> Sequence[MessageItem]:
        return self._messages

    @property
    def cursor_message(self) -> MessageItem | None:
        """The selected message (what `v` opens)."""
        if 0 <= self.cursor < len(self._messages):
            return self._messages[self.cursor]
        return None

    @property
    def threads(self) -> Sequence[ThreadItem]:
        return self._threads

    def set_messages(
        self,
        messages: Sequence[MessageItem],
        tz: tzinfo | None = None,
        other_threads: Sequence[ThreadItem] = (),
    ) -> None:
        """Replace the messages (each followed by its inline threads), keeping the scroll
        position unless it was at the end, and the cursor on the same message (by id)
        when it is still shown."""
        at_end = self.scroll_y >= self.max_scroll_y and self._lines
        selected = self.cursor_message
        self._messages = list(messages)
        self._extra = list(other_threads)
        self._tz = tz
        self._wrapped_for = -1
        self._rewrap()
        index = next(
            (i for i, m in enumerate(self._messages) if selected and m.id == selected.id), None
        )
        if index is not None:
            self.cursor = index
        self.cursor = min(self.cursor, max(0, len(self._messages) - 1))
        if at_end:
            self.scroll_to(y=self.max_scroll_y, animate=False, force=True)
        self.refresh()

    def _rewrap(self) -> None:
        width = max(10, self.scrollable_content_region.width - 1)
        if width == self._wrapped_for:
            return
        self._wrapped_for = width
        lines: list[_Line] = []
        starts: list[int] = []
        threads: list[ThreadItem] = []
        thread_starts: list[int] = []
        for n, item in enumerate(self._messages):
            starts.append(len(lines))
            lines.append(_Line(HEADER, header_text(item, self._tz), n))
            body = strip_control(item.text).strip("\n")
            lines.extend(_Line(BODY, "  " + text, n) for text in _wrap(body, width - 2))
            for thread in item.threads:
                thread_starts.append(len(lines))
                self._thread_lines(lines, thread, n, len(threads), width)
                threads.append(thread)
            lines.append(_Line(BLANK, "", n))
        if self._messages:
            for thread in self._extra:
                n = len(self._messages) - 1
                thread_starts.append(len(lines))
                self._thread_lines(lines, thread, n, len(threads), width)
                threads.append(thread)
                lines.append(_Line(BLANK, "", n))
        self._lines = lines
        self._starts = starts
        self._threads = threads
        self._thread_starts = thread_starts
        self.virtual_size = Size(width, len(lines))

    def _thread_lines(
        self, lines: list[_Line], thread: ThreadItem, n: int, t: int, width: int
    ) -> None:
        lines.append(_Line(THREAD, "  " + thread_header(thread), n, t))
        digits = len(str(thread.context[-1][0])) if thread.context else 0
        for number, text in thread.context:
            code = strip_control(text.expandtabs(4), keep_newlines=False)
            lines.append(_Line(CONTEXT, f"    {number:>{digits}}│ {code}", n, t))
        for comment in thread.comments:
            lines.append(_Line(COMMENT_HEADER, "    " + comment_header(comment, self._tz), n, t))
            body = strip_control(comment.text).strip("\n")
            lines.extend(_Line(COMMENT, "      " + text, n, t) for text in _wrap(body, width - 6))

    def on_resize(self, event: events.Resize) -> None:
        self._rewrap()

    def thread_at_top(self) -> ThreadItem | None:
        """The thread whose lines are at the top of the view (what `a` replies to)."""
        if not self._lines:
            return None
        line = self._lines[min(int(self.scroll_y), len(self._lines) - 1)]
        return self._threads[line.thread] if line.thread >= 0 else None

    def _to_thread(self, start: int) -> None:
        """Scroll a thread's header to the top; the cursor moves to its message."""
        self.cursor = self._lines[start].message
        self.scroll_to(y=start, animate=False, force=True)
        self.refresh()

    def action_next_thread(self) -> None:
        top = int(self.scroll_y)
        for start in self._thread_starts:
            if start > top:
                self._to_thread(start)
                return
        self.app.bell()

    def action_previous_thread(self) -> None:
        top = int(self.scroll_y)
        for start in reversed(self._thread_starts):
            if start < top:
                self._to_thread(start)
                return
        self.app.bell()

    def message_at_top(self) -> MessageItem | None:
        """The message whose lines are at the top of the view."""
        if not self._lines:
            return None
        index = min(int(self.scroll_y), len(self._lines) - 1)
        return self._messages[self._lines[index].message]

    # ----------------------------------------------------------------- the cursor

    def move_cursor(self, index: int) -> None:
        """Select message `index` and scroll its header (and as much of it as fits) into view."""
        if not self._messages:
            return
        index = max(0, min(index, len(self._messages) - 1))
        self.cursor = index
        start = self._starts[index] if index < len(self._starts) else 0
        end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self._lines)
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if start < top:
            self.scroll_to(y=start, animate=False, force=True)
        elif end > top + height:
            self.scroll_to(y=min(start, end - height), animate=False, force=True)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def action_first(self) -> None:
        self.move_cursor(0)
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        self.move_cursor(len(self._messages) - 1)
        self.scroll_end(animate=False)

    def action_page_up(self) -> None:
        super().action_page_up()
        self.call_after_refresh(self._follow_scroll)

    def action_page_down(self) -> None:
        super().action_page_down()
        self.call_after_refresh(self._follow_scroll)

    def _follow_scroll(self) -> None:
        """After a page scroll, keep the cursor on a message that is on screen."""
        if not self._lines:
            return
        top = int(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        start = self._starts[self.cursor] if self.cursor < len(self._starts) else 0
        if top <= start < top + height:
            return
        on_screen = [i for i, s in enumerate(self._starts) if top <= s < top + height]
        self.cursor = (
            on_screen[0] if on_screen else self._lines[min(top, len(self._lines) - 1)].message
        )
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width - 1 != self._wrapped_for and width > 0:
            self._rewrap()
        base = self.rich_style
        if not self._messages:
            if y == 0:
                style = base + self.get_component_rich_style("discussion--empty")
                return Strip([Segment(" " + self.empty_text, style)]).adjust_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        index = int(self.scroll_y) + y
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        is_bot = self._messages[line.message].is_bot
        style: Style = base
        kind = line.kind
        if kind == THREAD:
            thread = self._threads[line.thread]
            name = "discussion--unresolved" if thread.unresolved else "discussion--resolved"
            return Strip(
                [Segment(line.text, base + self.get_component_rich_style(name))]
            ).adjust_cell_length(width, base)
        if kind == CONTEXT:
            style = base + self.get_component_rich_style("discussion--context")
            return Strip([Segment(line.text, style)]).adjust_cell_length(width, base)
        if kind == COMMENT_HEADER:
            style = base + self.get_component_rich_style("discussion--comment-author")
            return Strip([Segment(line.text, style)]).adjust_cell_length(width, base)
        if line.kind == 0:
            name = "discussion--bot" if is_bot else "discussion--author"
            style = base + self.get_component_rich_style(name)
            if line.message == self.cursor:
                cursor = "discussion--cursor" if self.has_focus else "discussion--cursor-blurred"
                strip = Strip([Segment(line.text, style)]).adjust_cell_length(width, base)
                return cursor_strip(strip, self.get_component_rich_style(cursor))
        elif is_bot:
            style = base + self.get_component_rich_style("discussion--bot-body")
        return Strip([Segment(line.text, style)]).adjust_cell_length(width, base)
