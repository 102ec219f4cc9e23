"""One label's vote in the reply dialog: the permitted values in a row, left/right to choose."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from vstui.gerrit.review import LabelChoice
from vstui.sanitize import one_line


def vote_text(value: int) -> str:
    return f"{value:+d}" if value else " 0"


class VoteSelector(Widget, can_focus=True):
    """Shows `Code-Review  -2 -1 [ 0] +1 +2  (now -1) meaning`; the value starts at the
    user's current vote, and only permitted values can be chosen."""

    HELP_TITLE = "Vote"
    DEFAULT_CSS: ClassVar[str] = """
    VoteSelector { height: 1; width: 1fr; }
    VoteSelector:focus { background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h,minus", "step(-1)", "Lower", show=False, id="vote.lower"),
        Binding("right,l,plus", "step(1)", "Higher", show=False, id="vote.higher"),
    ]

    value: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, selector: VoteSelector) -> None:
            super().__init__()
            self.selector = selector

    def __init__(self, choice: LabelChoice, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choice = choice
        self.set_reactive(
            VoteSelector.value, choice.current if choice.current in choice.values else 0
        )

    @property
    def label(self) -> str:
        return self.choice.name

    @property
    def changed(self) -> bool:
        return self.value != self.choice.current

    def action_step(self, step: int) -> None:
        values = self.choice.values
        if self.value not in values:
            self.value = values[0]
            return
        index = values.index(self.value) + step
        if 0 <= index < len(values):
            self.value = values[index]
        else:
            self.app.bell()

    def watch_value(self, _old: int, _new: int) -> None:
        self.post_message(self.Changed(self))

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(f"{one_line(self.choice.name, 20):<16}", style="bold")
        for v in self.choice.values:
            if v == self.value:
                style = "reverse bold" + (" red" if v < 0 else " green" if v > 0 else "")
                text.append(f"[{vote_text(v)}]", style=style)
            else:
                text.append(f" {vote_text(v)} ")
        text.append(f"  (now {vote_text(self.choice.current).strip()})", style="dim")
        meaning = self.choice.descriptions.get(self.value)
        if meaning:
            text.append("  " + one_line(meaning, 60), style="italic")
        return text
