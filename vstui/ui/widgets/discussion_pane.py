"""The Discussion pane: human messages (bots hidden unless toggled), oldest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

from vstui.core.threads import ThreadItem
from vstui.core.views import MessageItem
from vstui.ui.screens.raw import RawScreen
from vstui.ui.widgets.discussion import DiscussionView, header_text

if TYPE_CHECKING:
    from vstui.ui.app import VstuiApp


class DiscussionPane(Vertical):
    HELP_TITLE = "Discussion"
    DEFAULT_CSS: ClassVar[str] = """
    DiscussionPane { border: round $secondary; border-title-color: $text; height: 1fr; }
    DiscussionPane:focus-within { border: round $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "show_raw", "Raw", tooltip="Raw message", id="discussion.raw"),
    ]

    app: VstuiApp

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show_bots = False
        self.loaded = False
        self._all: tuple[MessageItem, ...] = ()
        self._other_threads: tuple[ThreadItem, ...] = ()

    def compose(self) -> ComposeResult:
        yield DiscussionView(empty_text="Loading messages…", id="discussion")

    @property
    def view(self) -> DiscussionView:
        return self.query_one("#discussion", DiscussionView)

    def set_messages(
        self,
        messages: Sequence[MessageItem],
        *,
        loaded: bool = True,
        other_threads: Sequence[ThreadItem] = (),
    ) -> None:
        self._all = tuple(messages)
        self._other_threads = tuple(other_threads)
        self.loaded = loaded
        self._refresh()
        self.view.empty_text = "No human messages yet" if loaded else "Loading messages…"

    def toggle_bots(self) -> None:
        self.show_bots = not self.show_bots
        self._refresh()

    def _refresh(self) -> None:
        if self.show_bots:
            shown = self._all
            others = self._other_threads
        else:
            # Bots' inline threads follow `b` like their messages.
            shown = tuple(
                m
                if not any(t.is_bot for t in m.threads)
                else replace(m, threads=tuple(t for t in m.threads if not t.is_bot))
                for m in self._all
                if not m.is_bot
            )
            others = tuple(t for t in self._other_threads if not t.is_bot)
        self.view.set_messages(shown, self.app.tz, others)
        bots = sum(1 for m in self._all if m.is_bot)
        humans = len(self._all) - bots
        hint = "shown, b hides" if self.show_bots else "hidden, b shows"
        if not self.loaded and not self._all:
            self.border_title = Text("Discussion — loading messages…")
            return
        threads = [t for m in self._all for t in m.threads] + list(self._other_threads)
        open_threads = sum(1 for t in threads if t.unresolved and not t.is_bot)
        title = (
            f"Discussion — {humans} human message{'s' if humans != 1 else ''} · {bots} from bots"
            f" ({hint})"
        )
        if threads:
            title += f" · {open_threads} unresolved of {len(threads)} threads (t/T)"
        self.border_title = Text(title)

    def thread_at_top(self) -> ThreadItem | None:
        return self.view.thread_at_top()

    def action_show_raw(self) -> None:
        item = self.view.cursor_message
        if item is not None:
            self.app.push_screen(RawScreen(header_text(item, self.app.tz), item.text))
