"""Votes with their voters: `Code-Review: +2 Sean McGinnis, -1 Gorka Eguileor · Verified: …`.

One renderer (`votes_text`) and one widget (`Votes`), used by the change header and by any
screen that shows a change's votes (a reply dialog, a dashboard row's detail)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.widgets import Static

from vstui.core.views import LabelVotes
from vstui.ui.safe_text import safe_line


def vote_style(value: int) -> str:
    if value >= 2:
        return "bold green"
    if value > 0:
        return "green"
    if value <= -2:
        return "bold red"
    return "red"


def votes_text(labels: Sequence[LabelVotes], *, empty: str = "No votes") -> Text:
    """The votes as one line of inert text (names are data, never markup)."""
    text = Text(end="", no_wrap=False)
    if not labels:
        text.append(empty, style="dim")
        return text
    for n, label in enumerate(labels):
        if n:
            text.append(" · ", style="dim")
        text.append_text(safe_line(label.label, style="bold"))
        text.append(": ")
        for i, vote in enumerate(label.votes):
            if i:
                text.append(", ")
            text.append(f"{vote.value:+d}", style=vote_style(vote.value))
            text.append(" ")
            text.append_text(safe_line(vote.voter))
    return text


class Votes(Static):
    """A change's votes with voters; `show` replaces them (live updates call it again)."""

    DEFAULT_CSS: ClassVar[str] = """
    Votes { height: auto; max-height: 2; padding: 0 1; background: $primary-background; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.labels: tuple[LabelVotes, ...] = ()

    def show(self, labels: Sequence[LabelVotes], *, loaded: bool = True) -> None:
        self.labels = tuple(labels)
        self.update(votes_text(self.labels, empty="No votes" if loaded else "Loading votes…"))
