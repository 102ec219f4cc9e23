"""The one-line status bar: server, stream state, age of the last event, work in progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Footer, Static

from vstui.core.status import StreamStatus
from vstui.core.timefmt import format_age
from vstui.sanitize import one_line

_STATE_STYLES = {
    "live": "bold green",
    "connecting": "yellow",
    "reconnecting": "bold yellow",
    "backfilling": "yellow",
    "error": "bold red",
    "stopped": "dim",
    "idle": "dim",
}


class StatusBar(Static):
    """Shows `server │ stream: live │ last event 12s ago │ <progress>`; ages tick every second."""

    DEFAULT_CSS: ClassVar[str] = """
    StatusBar {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, clock: Callable[[], float], *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._clock = clock
        self.server = ""
        self.status = StreamStatus()
        self.last_event_at: float | None = None
        self.progress = ""
        self._shown: Text | None = None

    def on_mount(self) -> None:
        # Screens come and go; a new bar starts from the app's current state.
        app = self.app
        self.server = getattr(app, "server_label", self.server)
        self.status = getattr(app, "stream_status", self.status)
        self.last_event_at = getattr(app, "last_event_at", self.last_event_at)
        self.progress = getattr(app, "progress_text", self.progress)
        self._redraw()
        self.set_interval(1.0, self._redraw, name="status-bar-tick")

    def set_server(self, server: str) -> None:
        self.server = server
        self._redraw()

    def set_status(self, status: StreamStatus) -> None:
        self.status = status
        self._redraw()

    def set_last_event(self, when: float | None) -> None:
        self.last_event_at = when
        self._redraw()

    def set_progress(self, text: str) -> None:
        self.progress = text
        self._redraw()

    def describe(self) -> str:
        """The plain text shown (what tests and the tmux end-to-end test look for)."""
        return self._build().plain

    def _build(self) -> Text:
        now = self._clock()
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(one_line(self.server) or "no server", style="bold")
        text.append(" │ stream: ")
        text.append(self.status.describe(now), style=_STATE_STYLES.get(self.status.state, ""))
        text.append(" │ ")
        if self.last_event_at is None:
            text.append("no events yet")
        else:
            text.append(f"last event {format_age(now - self.last_event_at)} ago")
        if self.progress:
            text.append(" │ ")
            text.append(one_line(self.progress), style="italic")
        return text

    def _redraw(self) -> None:
        text = self._build()
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)  # always one line: no layout pass needed


class BottomBar(Vertical):
    """The screen's bottom lines: the `StatusBar`, and a compact `Footer` with the focused
    area's main keys once `add_footer` is called.

    The footer is added after the screen's first paint, not composed with it: building its
    keys costs ~20 ms, which would otherwise delay the first rows on screen."""

    DEFAULT_CSS: ClassVar[str] = """
    BottomBar { dock: bottom; height: auto; }
    BottomBar > StatusBar { dock: none; }
    BottomBar > Footer { dock: none; }
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__()
        self._clock = clock
        self._footer = False

    def compose(self) -> ComposeResult:
        yield StatusBar(self._clock, id="status")

    async def add_footer(self) -> None:
        """Show the key hints (idempotent)."""
        if self.is_attached and not self._footer:
            self._footer = True  # before the await: a second call must not add another
            await self.mount(Footer(compact=True))
            self.screen.refresh_bindings()  # the footer fills itself on a bindings change
