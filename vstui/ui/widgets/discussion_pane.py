"""The Discussion pane: human messages (bots hidden unless toggled), oldest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical

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

    def compose(self) -> ComposeResult:
        yield DiscussionView(empty_text="Loading messages…", id="discussion")

    @property
    def view(self) -> DiscussionView:
        return self.query_one("#discussion", DiscussionView)

    def set_messages(self, messages: Sequence[MessageItem], *, loaded: bool = True) -> None:
        self._all = tuple(messages)
        self.loaded = loaded
        self._refresh()
        self.view.empty_text = "No human messages yet" if loaded else "Loading messages…"

    def toggle_bots(self) -> None:
        self.show_bots = not self.show_bots
        self._refresh()

    def _refresh(self) -> None:
        shown = self._all if self.show_bots else tuple(m for m in self._all if not m.is_bot)
        self.view.set_messages(shown, self.app.tz)
        bots = sum(1 for m in self._all if m.is_bot)
        humans = len(self._all) - bots
        hint = "shown, b hides" if self.show_bots else "hidden, b shows"
        if not self.loaded and not self._all:
            self.border_title = Text("Discussion — loading messages…")
            return
        self.border_title = Text(
            f"Discussion — {humans} human message{'s' if humans != 1 else ''} · {bots} from bots ({hint})"
        )

    def action_show_raw(self) -> None:
        item = self.view.cursor_message
        if item is not None:
            self.app.push_screen(RawScreen(header_text(item, self.app.tz), item.text))
