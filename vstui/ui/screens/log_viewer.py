"""`l` on a CI job: its log, failing lines first.

A thread worker streams the log into a `LogText` (bytes + line index) and posts batched
progress; the first screen shows as soon as the first bytes are in. Then the baseline (the
latest passing run of the same job by the same CI, see `vstui.core.job_logs`) is read
and the anomalies are computed in the worker; the screen opens on them, and enter jumps to
the line in the full log. A running build is followed (Range re-fetch, or Jenkins
progressiveText) while follow mode is on.
"""

from __future__ import annotations

import dataclasses
import io
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from vstui.logs.anomalies import Anomaly, anomalies, iter_lines
from vstui.logs.fetch import Fetcher, Limits, LogFetchError
from vstui.logs.index import LogText
from vstui.logs.load import IndexPage, fetch_log, is_url, read_local, read_log
from vstui.logs.search import ERROR_PATTERN, SearchError, compile_search
from vstui.logs.source import locate
from vstui.sanitize import one_line
from vstui.ui.safe_text import safe_line
from vstui.ui.widgets.log_view import LogView

if TYPE_CHECKING:
    from vstui.ui.app import VstuiApp

BATCH_S = 0.1  # at most this often, the UI hears that the log grew
FOLLOW_EVERY_S = 2.0
TOP_ANOMALIES = 200


@dataclass(frozen=True, slots=True)
class LogRequest:
    """What to show: the job's URL, a title, the baseline run's URL, how to reach them."""

    url: str
    title: str
    baseline_url: str | None = None
    mirror: str | None = None
    running: bool = False
    # Looks the baseline up elsewhere (the history) when the change has none; blocking,
    # called in the fetch worker.
    find_baseline: Callable[[], str | None] | None = None


class _Sink(io.RawIOBase):
    """A file-like `dest` for the fetcher that feeds the line index as bytes arrive."""

    def __init__(self, log: LogText, grew: threading.Event) -> None:
        super().__init__()
        self.log_text = log
        self.grew = grew

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.log_text.feed(bytes(b))
        self.grew.set()
        return len(b)


class LogViewerScreen(Screen[None]):
    """The log viewer: anomalies first, the full log a key (or enter) away."""

    HELP_TITLE = "Log viewer"
    AUTO_FOCUS = None
    DEFAULT_CSS: ClassVar[str] = """
    LogViewerScreen #log-title { height: 1; background: $panel; padding: 0 1; }
    LogViewerScreen #log-status { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    LogViewerScreen #anomalies { height: 1fr; border: round $secondary; }
    LogViewerScreen #anomalies:focus { border: round $accent; }
    LogViewerScreen #log-body { height: 1fr; border: round $secondary; }
    LogViewerScreen #log-body:focus-within { border: round $accent; }
    LogViewerScreen .hidden { display: none; }
    LogViewerScreen #log-input { display: none; height: 1; border: none; padding: 0 1; }
    LogViewerScreen #log-input.editing { display: block; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", tooltip="Close the log", id="log.close"),
        Binding("a", "toggle_view", "Anomalies/log", tooltip="Failing lines / full log", id="log.toggle"),
        Binding("slash", "search", "Search", tooltip="Search (regex, smart case)", id="log.search"),
        Binding("n", "search_next(1)", "Next", tooltip="Next match", show=False, id="log.next"),
        Binding("N", "search_next(-1)", "Prev", tooltip="Previous match", show=False, id="log.prev"),
        Binding("e", "error(1)", "Next error", tooltip="Next error line", id="log.next_error"),
        Binding("E", "error(-1)", "Prev error", tooltip="Previous error line", show=False, id="log.prev_error"),
        Binding("colon,g", "goto", "Go to", tooltip="Go to line", id="log.goto"),
        Binding("w", "wrap", "Wrap", tooltip="Wrap long lines", id="log.wrap"),
        Binding("y", "copy_line", "Copy", tooltip="Copy the line (OSC 52)", id="log.copy"),
        Binding("F", "follow", "Follow", tooltip="Follow a running build", id="log.follow"),
    ]  # fmt: skip

    app: VstuiApp

    class Grew(Message):
        """The log has more bytes (collapses under floods)."""

        def __init__(self, received: int, total: int | None) -> None:
            super().__init__()
            self.received = received
            self.total = total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogViewerScreen.Grew)

    class Loaded(Message):
        def __init__(self, error: str | None, more: bool, links: list[str] | None = None) -> None:
            super().__init__()
            self.error = error
            self.more = more
            self.links = links

    class AnomaliesFound(Message):
        def __init__(self, found: list[Anomaly], baseline: str | None, note: str) -> None:
            super().__init__()
            self.found = found
            self.baseline = baseline
            self.note = note

    def __init__(self, request: LogRequest) -> None:
        super().__init__()
        self.request = request
        self.log_text = LogText()
        self._grew = threading.Event()
        self._stop = threading.Event()
        self._following = threading.Event()
        self._pattern = None
        self._input_mode = ""
        self._status_left = "Connecting…"
        self._found: list[Anomaly] = []
        self._loaded = False
        self._more = False
        self._started = time.monotonic()

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield Static(safe_line(self.request.title, limit=200), id="log-title")
        with Vertical(id="log-main"):
            anomalies_list = OptionList(id="anomalies")
            anomalies_list.border_title = "Failing lines first"
            yield anomalies_list
            with Vertical(id="log-body", classes="hidden"):
                yield LogView(self.log_text, id="log-view")
        yield Input(id="log-input")
        yield Static(Text("Connecting…"), id="log-status")
        yield Footer()

    @property
    def view(self) -> LogView:
        return self.query_one("#log-view", LogView)

    @property
    def anomaly_list(self) -> OptionList:
        return self.query_one("#anomalies", OptionList)

    @property
    def showing_log(self) -> bool:
        return not self.query_one("#log-body").has_class("hidden")

    def on_mount(self) -> None:
        self.query_one("#log-body").border_title = "Log"
        self.anomaly_list.add_option(Option(Text("Reading the log…"), disabled=True))
        self.anomaly_list.focus()
        self._fetch()
        self.set_interval(BATCH_S, self._poll_growth)

    def on_unmount(self) -> None:
        self._stop.set()

    # ------------------------------------------------------------ the worker

    @work(thread=True, group="log-fetch", exit_on_error=False)
    def _fetch(self) -> None:
        req = self.request
        sink = _Sink(self.log_text, self._grew)
        links: list[str] | None = None
        error: str | None = None
        more = req.running
        if not is_url(req.url):  # a local file (`vstui logs view FILE`)
            try:
                sink.write(read_local(req.url, Limits().max_bytes))
            except LogFetchError as exc:
                error = str(exc)
            self.post_message(self.Loaded(error, False))
            if error is None:
                with Fetcher() as fetcher:
                    self._compute_anomalies(fetcher)
            return
        with Fetcher() as fetcher:
            try:
                result = fetch_log(
                    fetcher, req.url, sink, mirror=req.mirror, cancel=self._stop,
                    progress=lambda n, total: self._progress(n, total),
                )  # fmt: skip
                more = more or result.headers.get("x-more-data") == "true"
            except IndexPage as page:
                error, links = str(page), page.links
            except LogFetchError as exc:
                error = str(exc)
            self.post_message(self.Loaded(error, more, links))
            if error is None:
                self._compute_anomalies(fetcher)
                if more:
                    self._following.set()
                self._follow_loop(fetcher, result.url)

    def _progress(self, received: int, total: int | None) -> None:
        self._last_progress = (received, total)

    def _compute_anomalies(self, fetcher: Fetcher) -> None:
        req = self.request
        target = iter_lines(self.log_text.data)
        baseline: Iterable[str] | None = None
        note = "no passing run of this job to compare with: error-shaped lines"
        if not req.baseline_url and req.find_baseline is not None:
            try:
                found = req.find_baseline()
            except Exception:  # the history is a help; never fail the viewer on it
                found = None
            if found:
                req = dataclasses.replace(req, baseline_url=found)
                self.request = req
        if req.baseline_url:
            try:
                baseline = iter_lines(
                    read_log(req.baseline_url, fetcher=fetcher, mirror=req.mirror)
                )
                note = f"lines absent from the passing run {one_line(req.baseline_url, 100)}"
            except LogFetchError as exc:
                note = f"baseline unreadable ({one_line(str(exc), 100)}): error-shaped lines"
        found = anomalies(target, baseline, top=TOP_ANOMALIES)
        self.post_message(self.AnomaliesFound(found, req.baseline_url if baseline else None, note))

    def _follow_loop(self, fetcher: Fetcher, log_url: str) -> None:
        """While follow mode is on, fetch what was appended (progressiveText, else Range)."""
        location = locate(log_url)  # the URL the log came from (mirrored already)
        while not self._stop.wait(FOLLOW_EVERY_S):
            if not self._following.is_set():
                continue
            start = len(self.log_text)
            progressive = location.progressive_url(start)
            sink = _Sink(self.log_text, self._grew)
            try:
                if progressive is not None:
                    res = fetcher.fetch(progressive, sink, cancel=self._stop)
                    if res.headers.get("x-more-data") != "true":
                        self._following.clear()
                        self.post_message(self.Loaded(None, False))
                else:
                    fetcher.fetch(log_url, sink, start=start, cancel=self._stop)
            except LogFetchError as exc:
                self.post_message(self.Loaded(f"follow: {exc}", False))
                self._following.clear()

    def _poll_growth(self) -> None:
        if self._grew.is_set():
            self._grew.clear()
            self.view.refresh_size()
        self._update_status()

    # ------------------------------------------------------------ messages

    @on(Loaded)
    def _loaded_msg(self, message: Loaded) -> None:
        self._loaded = True
        self._more = message.more
        self.view.follow = message.more and self.view.follow
        if message.error:
            self._say(message.error, severity="warning")
            self._status_left = one_line(message.error, 200)
            if message.links:
                lst = self.anomaly_list
                lst.clear_options()
                lst.add_option(Option(Text("An index page: these files are listed"), disabled=True))
                for link in message.links[:TOP_ANOMALIES]:
                    lst.add_option(Option(safe_line(link, limit=300)))
            elif not self.log_text.line_count:
                lst = self.anomaly_list
                lst.clear_options()
                lst.add_option(Option(safe_line(message.error, limit=300), disabled=True))
        self.view.refresh_size()
        self._update_status()

    @on(AnomaliesFound)
    def _anomalies_msg(self, message: AnomaliesFound) -> None:
        self._found = message.found
        lst = self.anomaly_list
        lst.clear_options()
        lst.border_title = f"Failing lines first — {one_line(message.note, 120)}"
        if not message.found:
            lst.add_option(
                Option(Text("Nothing stands out: press a for the full log"), disabled=True)
            )
        for a in message.found:
            label = Text(f"{a.line:>7}  ", style="dim")
            label.append(Text.from_ansi(one_line(a.text, 400)))
            lst.add_option(Option(label, id=f"line-{a.line}"))
        lst.highlighted = 0 if message.found else None
        self._update_status()

    @on(OptionList.OptionSelected, "#anomalies")
    def _anomaly_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("line-"):
            self.show_log(int(option_id[5:]) - 1)
        elif str(event.option.prompt).startswith(("http://", "https://")):
            url = str(event.option.prompt)
            self.app.push_screen(LogViewerScreen(LogRequest(url, url, mirror=None)))

    # ------------------------------------------------------------ view switching

    def show_log(self, line: int | None = None) -> None:
        self.query_one("#log-body").remove_class("hidden")
        self.anomaly_list.add_class("hidden")
        view = self.view
        view.refresh_size()
        view.focus()
        if line is not None:
            self.call_after_refresh(view.go_to, line)

    def show_anomalies(self) -> None:
        self.query_one("#log-body").add_class("hidden")
        self.anomaly_list.remove_class("hidden")
        self.anomaly_list.focus()

    def action_toggle_view(self) -> None:
        if self.showing_log:
            self.show_anomalies()
        else:
            self.show_log()

    def action_close(self) -> None:
        if self._input_mode:
            self._close_input()
            return
        self._stop.set()
        self.dismiss(None)

    # ------------------------------------------------------------ search, goto, errors

    def action_search(self) -> None:
        self._open_input("search", "regex (smart case); enter searches, escape cancels")

    def action_goto(self) -> None:
        self._open_input("goto", "line number; enter jumps")

    def _open_input(self, mode: str, placeholder: str) -> None:
        box = self.query_one("#log-input", Input)
        self._input_mode = mode
        box.placeholder = placeholder
        box.value = ""
        box.add_class("editing")
        box.focus()

    def _close_input(self) -> None:
        self._input_mode = ""
        self.query_one("#log-input", Input).remove_class("editing")
        if self.showing_log:
            self.view.focus()
        else:
            self.anomaly_list.focus()

    @on(Input.Submitted, "#log-input")
    def _input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        mode, value = self._input_mode, event.value.strip()
        self._close_input()
        if mode == "goto":
            if value.isdigit() and int(value) > 0:
                self.show_log(int(value) - 1)
            else:
                self._say("Go to: a line number, e.g. 120", severity="warning")
        elif mode == "search" and value:
            try:
                self._pattern = compile_search(value)
            except SearchError as exc:
                self._say(str(exc), severity="warning")
                return
            self.view.highlight = self._pattern
            self._jump(self._pattern, 1, from_line=self.view.cursor if self.showing_log else -1)

    def action_search_next(self, step: int) -> None:
        if self._pattern is None:
            self._say("No search yet: press / first", severity="information")
            return
        self._jump(self._pattern, step)

    def action_error(self, step: int) -> None:
        self._jump(ERROR_PATTERN, step)

    def _jump(self, pattern: object, step: int, from_line: int | None = None) -> None:
        view = self.view
        start = view.cursor if from_line is None else from_line
        if start < 0:
            start = self.log_text.line_count  # from the top (search wraps)
        line = self.log_text.search(pattern, start, backwards=step < 0)  # type: ignore[arg-type]
        if line is None:
            self._say("No match", severity="information")
            return
        view.follow = False
        self.show_log(line)

    def action_wrap(self) -> None:
        view = self.view
        view.set_wrap(not view.wrap)
        self._update_status()

    def action_copy_line(self) -> None:
        if not self.showing_log:
            option = self.anomaly_list.highlighted_option
            if option is None or not (option.id or "").startswith("line-"):
                return
            text = Text.from_ansi(
                self.log_text.line_text(int(option.id[5:]) - 1, limit=100_000)
            ).plain
        else:
            text = self.view.current_line_text()
        self.app.copy_to_clipboard(text)
        self._say(f"Copied line ({len(text)} characters)")

    def action_follow(self) -> None:
        view = self.view
        view.follow = not view.follow
        if view.follow:
            self._following.set()
            self.show_log(self.log_text.line_count - 1)
        self._update_status()

    def _say(self, text: str, *, severity: SeverityLevel = "information") -> None:
        say = getattr(self.app, "say", None)  # VstuiApp's deduplicating notices
        if say is not None:
            say(text, severity=severity)
        else:
            self.notify(one_line(text, 300), severity=severity, markup=False)

    # ------------------------------------------------------------ status line

    def _update_status(self) -> None:
        received, total = getattr(self, "_last_progress", (len(self.log_text), None))
        parts = []
        if not self._loaded:
            if total:
                parts.append(
                    f"Fetching {received / 1e6:.1f} of {total / 1e6:.1f} MB ({100 * received // max(1, total)}%)"
                )
            else:
                parts.append(f"Fetching {received / 1e6:.1f} MB")
        else:
            parts.append(f"{self.log_text.line_count:,} lines, {len(self.log_text) / 1e6:.1f} MB")
            if self._more:
                elapsed = int(time.monotonic() - self._started)
                parts.append(f"running (watched {elapsed // 60}m {elapsed % 60:02d}s)")
        if self.view.follow:
            parts.append("following")
        if self.view.wrap:
            parts.append("wrap")
        if self._found:
            parts.append(f"{len(self._found)} anomalies")
        if self.showing_log:
            parts.append(f"line {self.view.cursor + 1}")
        self.query_one("#log-status", Static).update(Text(" · ".join(parts)))


def run_viewer(target: str, baseline: str | None = None, *, follow: bool = False) -> int:
    """`vstui logs view`: the log viewer alone, on a URL or a file; returns the exit status."""
    from textual.app import App

    class LogApp(App[int]):
        TITLE = "vstui logs"

        def on_mount(self) -> None:
            request = LogRequest(target, target, baseline, None, follow)
            self.push_screen(LogViewerScreen(request), lambda _: self.exit(0))

    return LogApp().run() or 0
