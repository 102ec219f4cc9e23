"""Shown when no Gerrit server is configured: how to add one, and that `vstui demo` exists."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

EXAMPLE = """\
default_server = "review"

[servers.review]
url = "https://review.example.org/"
ssh_host = "review.example.org"
ssh_port = 29418
ssh_user = "your-username"
"""


def first_run_text(config_path: str, problem: str | None) -> Text:
    text = Text(end="")
    text.append("Welcome to vstui\n\n", style="bold")
    if problem:
        text.append(problem + "\n\n", style="yellow")
    text.append("No Gerrit server is configured yet. Add one to\n\n    ")
    text.append(config_path, style="bold")
    text.append("\n\nfor example:\n\n")
    text.append(EXAMPLE, style="cyan")
    text.append("\nthen run ")
    text.append("vstui", style="bold")
    text.append(" (or ")
    text.append("vstui --server NAME", style="bold")
    text.append("). ")
    text.append("vstui config check", style="bold")
    text.append(" validates the file.\n\nJust looking? ")
    text.append("vstui demo", style="bold")
    text.append(
        " starts a built-in Gerrit emulator with an OpenStack-like world and opens vstui on it."
        "\n\nPress q to quit."
    )
    return text


class FirstRunScreen(Screen[None]):
    HELP_TITLE = "Welcome"
    AUTO_FOCUS = "VerticalScroll"
    DEFAULT_CSS: ClassVar[str] = """
    FirstRunScreen { align: center middle; }
    FirstRunScreen VerticalScroll { width: 84; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 1 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "app.quit", "Quit", id="first_run.quit"),
    ]

    def __init__(self, config_path: str, problem: str | None = None) -> None:
        super().__init__()
        self._text = first_run_text(config_path, problem)

    def compose(self) -> ComposeResult:
        with Center(), VerticalScroll():
            yield Static(self._text, id="first-run-text")
