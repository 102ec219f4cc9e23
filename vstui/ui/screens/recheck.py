"""The recheck dialog (`R`): the comment to post, pre-filled with a reason from the
history's verdicts and editable, plus the selected CI's own retrigger commands to pick."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from vstui.sanitize import one_line


class RecheckScreen(ModalScreen[str | None]):
    """Dismisses with the comment to post (enter), or None (escape)."""

    HELP_TITLE = "Recheck"
    DEFAULT_CSS: ClassVar[str] = """
    RecheckScreen { align: center middle; }
    RecheckScreen > Vertical {
        width: 100; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    RecheckScreen #recheck-text { margin-top: 1; }
    RecheckScreen OptionList { height: auto; max-height: 8; margin-top: 1; }
    RecheckScreen Static.keys { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="recheck.cancel"),
        Binding("down", "choices", "Choices", show=False, id="recheck.choices"),
    ]

    def __init__(self, question: Text, choices: Sequence[str]) -> None:
        super().__init__()
        self._question = question
        self._choices = [c for c in dict.fromkeys(choices) if c] or ["recheck"]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._question)
            yield Input(value=self._choices[0], id="recheck-text")
            yield OptionList(
                *(Option(Text(one_line(c, 200)), id=str(i)) for i, c in enumerate(self._choices)),
                id="recheck-choices",
            )
            yield Static(
                "enter: post    ↓: other commands    escape: cancel", classes="keys", markup=False
            )

    @property
    def text_input(self) -> Input:
        return self.query_one("#recheck-text", Input)

    def on_mount(self) -> None:
        self.text_input.focus()

    def action_choices(self) -> None:
        self.query_one("#recheck-choices", OptionList).focus()

    @on(OptionList.OptionSelected, "#recheck-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.text_input.value = self._choices[int(event.option.id or 0)]
        self.text_input.focus()

    @on(Input.Submitted, "#recheck-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
