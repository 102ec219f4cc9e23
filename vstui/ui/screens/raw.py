"""`v`: the raw text behind a row (the bot's message, or the verification's fields)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from vstui.ui.safe_text import safe_line, safe_text


class RawScreen(ModalScreen[None]):
    """Shows untrusted text verbatim (control sequences stripped, markup inert)."""

    HELP_TITLE = "Raw view"
    AUTO_FOCUS = "VerticalScroll"
    DEFAULT_CSS: ClassVar[str] = """
    RawScreen { align: center middle; }
    RawScreen > VerticalScroll {
        width: 90%; height: 85%;
        border: round $primary; border-title-align: left;
        background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,v", "close", "Close", id="raw.close"),
    ]

    def __init__(self, title: str, body: str) -> None:
        super().__init__()
        self._title = title
        self._body = body

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = safe_line(self._title, limit=120)
            yield Static(safe_text(self._body), id="raw-body")

    def action_close(self) -> None:
        self.dismiss(None)
