"""The one-line status bar: server, stream state, age of the last event, work in progress."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from vstui.core.status import StreamStatus
from vstui.core.timefmt import format_age
from vstui.sanitize import one_line

# The stream's wording is cut to this many cells, so "last event N s ago" stays on the line
# whatever a reason says (an error or a failing catch-up can be long).
STATE_WIDTH = 60

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

    def describe(self, width: int | None = None) -> str:
        """The plain text for now, as fitted to `width` cells (default: the bar's width);
        what tests and the tmux end-to-end test look for."""
        return self._build(width).plain

    def shown(self) -> str:
        """The plain text last drawn (it is redrawn every second, so countdowns move)."""
        return self._shown.plain if self._shown is not None else ""

    def _build(self, width: int | None = None) -> Text:
        now = self._clock()
        if width is None:
            width = self.content_size.width if self.is_attached else 0
        server = one_line(self.server) or "no server"
        if self.last_event_at is None:
            age = "no events yet"
        else:
            age = f"last event {format_age(now - self.last_event_at)} ago"
        # The stream's wording gets what the line has left once the server and the age of
        # the last event are placed, so that age stays visible during an outage.
        room = STATE_WIDTH
        if width:
            room = max(12, min(STATE_WIDTH, width - len(server) - len(age) - 14))
        state = self.status.describe(now)
        if len(state) > room:
            state = self.status.describe(now, compact=True)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(server, style="bold")
        text.append(" │ stream: ")
        style = _STATE_STYLES.get(self.status.state, "")
        if self.status.unreachable:
            style = "bold red"
        elif self.status.state == "live" and self.status.detail:
            style = "bold yellow"  # live, with a gap not caught up yet (or caught up late)
        text.append(one_line(state, room), style=style)
        text.append(" │ ")
        text.append(age)
        if self.progress:
            text.append(" │ ")
            text.append(one_line(self.progress), style="italic")
        return text

    def _redraw(self) -> None:
        text = self._build()
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)  # always one line: no layout pass needed


class KeyHints(Static):
    """One line with the focused area's main keys (bindings with `show=True`), in the
    order a key press would look for them: focused widget, its containers, the screen, the
    app. The help screen (`?`) has the full list.

    Like Textual's `Footer`, but one widget drawing one `Text`: `Footer` builds a widget per
    key and rebuilds them on every focus change, which measured ~50 ms on opening a change.
    Rebuilt when the screen's bindings change (focus moves, `check_action` answers change)."""

    DEFAULT_CSS: ClassVar[str] = """
    KeyHints {
        height: 1;
        padding: 0 1;
        background: $footer-background;
        color: $footer-description-foreground;
        & > .key-hints--key { color: $footer-key-foreground; text-style: bold; }
        & > .key-hints--disabled { text-style: dim; }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-hints--key", "key-hints--disabled"}

    def __init__(self) -> None:
        super().__init__("", markup=False)
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.rebuild()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.rebuild()

    def on_resize(self) -> None:
        self.rebuild()

    def hints(self) -> list[tuple[str, str, bool]]:
        """(key, description, enabled) for each action shown, keys of one action joined."""
        app = self.app
        out: list[tuple[str, str, bool]] = []
        index: dict[tuple[int, str], int] = {}
        palette: tuple[str, str, bool] | None = None
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.action == "command_palette" and binding.description:
                palette = (app.get_key_display(binding), binding.description, active.enabled)
                continue
            if not binding.show or not binding.description:
                continue
            mark = (id(active.node), binding.action)
            if mark in index:
                continue  # the first key of an action is enough here (help lists them all)
            index[mark] = len(out)
            out.append((app.get_key_display(binding), binding.description, active.enabled))
        if palette is not None:
            out.append(palette)
        return out

    def describe(self) -> str:
        """The plain text shown (for tests and the tmux end-to-end test)."""
        return self._shown.plain if self._shown is not None else ""

    def rebuild(self) -> None:
        if not self.is_attached:
            return
        key_style = self.get_component_rich_style("key-hints--key", partial=True)
        disabled = self.get_component_rich_style("key-hints--disabled", partial=True)
        hints = self.hints()
        for gap in ("  ", " "):  # tighter when the line is too long for the width
            text = Text(no_wrap=True, overflow="ellipsis", end="")
            for n, (key, description, enabled) in enumerate(hints):
                if n:
                    text.append(gap)
                start = len(text)
                text.append(key, style=key_style)
                text.append(" " + description)
                if not enabled:
                    text.stylize(disabled, start)
            if text.cell_len <= self.content_size.width:
                break
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)  # always one line


class BottomBar(Vertical):
    """The screen's bottom lines: the `StatusBar` and the `KeyHints`."""

    DEFAULT_CSS: ClassVar[str] = """
    BottomBar { dock: bottom; height: auto; }
    BottomBar > StatusBar { dock: none; }
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__()
        self._clock = clock

    def compose(self) -> ComposeResult:
        yield StatusBar(self._clock, id="status")
        yield KeyHints()
