"""`S`: choose the server to show (every configured profile keeps its own session)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from vstui.ui.safe_text import safe_line


class ServerPickerScreen(ModalScreen[str | None]):
    """Dismisses with the chosen server name, or None when cancelled."""

    HELP_TITLE = "Servers"
    AUTO_FOCUS = "OptionList"
    DEFAULT_CSS: ClassVar[str] = """
    ServerPickerScreen { align: center middle; }
    ServerPickerScreen > Vertical {
        width: 50; max-width: 95%; height: auto; max-height: 80%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ServerPickerScreen OptionList { height: auto; max-height: 20; }
    ServerPickerScreen Static.keys { color: $text-muted; height: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="servers.cancel"),
    ]

    def __init__(self, names: Sequence[str], current: str) -> None:
        super().__init__()
        self._names = list(names)
        self._current = current

    def compose(self) -> ComposeResult:
        options = [
            Option(safe_line(("● " if n == self._current else "  ") + n), id=f"server-{i}")
            for i, n in enumerate(self._names)
        ]
        with Vertical() as box:
            box.border_title = "Servers"
            yield OptionList(*options, id="servers")
            yield Static("enter switches · escape cancels", classes="keys", markup=False)

    def on_mount(self) -> None:
        if self._current in self._names:
            self.query_one(OptionList).highlighted = self._names.index(self._current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._names[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
