"""The Textual application: screens, the session's notices turned into UI updates, actions.

`VstuiApp` is a thin shell over a headless `vstui.core.session.ReviewSession`: every piece of
I/O is a session coroutine run in a worker with its own group (so one kind of work never
cancels another), failures are routed by one `on_worker_state_changed` into one readable
notification, and the session reaches the UI only through messages posted to the app.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.timer import Timer
from textual.worker import Worker, WorkerCancelled, WorkerState

from vstui.core.ci_filter import CIFilter
from vstui.core.filter_state import FilterStateStore
from vstui.core.status import StreamStatus
from vstui.core.views import ChangeListItem, ChangeView
from vstui.sanitize import is_safe_url, one_line, redact_secrets, url_host_warning
from vstui.ui.commands import ActionCommands, ChangeCommands
from vstui.ui.keymap import build_keymap
from vstui.ui.screens.change import ChangeScreen
from vstui.ui.screens.change_list import ChangeListScreen
from vstui.ui.screens.first_run import FirstRunScreen
from vstui.ui.screens.help import HelpScreen, _area_name, collect_help, collect_legend
from vstui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from vstui.core.session import ReviewSession

log = logging.getLogger(__name__)


class SessionUpdated(Message):
    """Some changes were updated; the numbers accumulate in `VstuiApp._pending` (collapses)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SessionUpdated)


class StatusChanged(Message):
    def __init__(self, status: StreamStatus) -> None:
        super().__init__()
        self.status = status

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, StatusChanged)


class EventSeen(Message):
    def __init__(self, when: float) -> None:
        super().__init__()
        self.when = when

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, EventSeen)


class ProgressChanged(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ProgressChanged)


class SessionFailed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class VstuiApp(App[int]):
    """vstui's TUI. `session=None` shows the first-run screen."""

    TITLE = "vstui"
    HELP_TITLE = "Everywhere"
    AUTO_FOCUS = None  # each screen names what gets focus; never an Input by accident
    COMMANDS: ClassVar = App.COMMANDS | {ChangeCommands, ActionCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # description: the footer's short word; tooltip: the help screen's wording.
        Binding(
            "question_mark,f1", "help", "Help", tooltip="Help for the focused area", id="app.help"
        ),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding(
            "H",
            "health",
            "Health",
            tooltip="CI health from the history (on a change: its project)",
            id="app.health",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            tooltip="Command palette: changes and actions",
            show=False,  # the footer shows it on its right anyway
            priority=True,
            id="app.palette",
        ),
    ]
    UPDATE_INTERVAL = 0.2  # seconds between two redraws caused by live updates
    REPEAT_QUIET = 30.0  # seconds during which an identical error is not shown again
    CSS = """
    Screen { background: $background; }
    """

    def __init__(
        self,
        session: ReviewSession | None,
        *,
        keys: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        tz: tzinfo | None = None,
        filter_store: FilterStateStore | None = None,
        config_path: str = "",
        config_problem: str | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.clock = clock
        self.tz = tz
        self.filter_store = filter_store
        self.config_path = config_path
        self.config_problem = config_problem
        self.current_query = session.default_query if session is not None else ""
        self.stream_status = StreamStatus()
        self.last_event_at: float | None = None
        self.progress_text = ""
        self._pending: set[int] = set()
        self._last_update = 0.0
        self._last_error: tuple[str, float] = ("", 0.0)
        self._update_timer: Timer | None = None
        self._list_screen: ChangeListScreen | None = None
        keymap, problems = build_keymap(keys or {})
        self._keymap_problems = problems
        self.set_keymap(keymap)
        if theme:
            self.theme = theme

    # ------------------------------------------------------------ startup

    @property
    def server_label(self) -> str:
        return self.session.server if self.session is not None else ""

    async def on_mount(self) -> None:
        for problem in self._keymap_problems:
            self.say(problem, severity="warning")
        if self.session is None:
            await self.push_screen(FirstRunScreen(self.config_path, self.config_problem))
            return
        self._list_screen = ChangeListScreen()
        await self.push_screen(self._list_screen)
        self._run("session", self.session.start(self))
        self.run_query(self.current_query)

    async def on_unmount(self) -> None:
        # A filter being saved must reach the disk before the process goes.
        saving = [w for w in self.workers if w.group == "state"]
        if saving:
            # Shutdown may already have marked them cancelled (a filter toggled just before
            # quitting): their thread still finishes the write, waiting must not raise.
            with contextlib.suppress(WorkerCancelled):
                await self.workers.wait_for_complete(saving)
        if self.session is not None:
            await self.session.close()

    def _run(self, group: str, work: Awaitable[Any], *, exclusive: bool = False) -> Worker:
        return self.run_worker(work, group=group, exclusive=exclusive, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures become a notification (never a traceback)."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            log.error("worker %s failed", event.worker.group, exc_info=error)
            self.say(str(error) or type(error).__name__, severity="error")

    # ------------------------------------------------------------ SessionListener

    def changes_updated(self, numbers: frozenset[int]) -> None:
        self._pending |= numbers
        self.post_message(SessionUpdated())

    def status_changed(self, status: StreamStatus) -> None:
        self.post_message(StatusChanged(status))

    def event_received(self, when: float) -> None:
        self.post_message(EventSeen(when))

    def progress(self, text: str) -> None:
        self.post_message(ProgressChanged(text))

    def error(self, text: str) -> None:
        self.post_message(SessionFailed(text))

    # ------------------------------------------------------------ notices -> screens

    def on_session_updated(self, _: SessionUpdated) -> None:
        """Apply accumulated updates, at most `UPDATE_INTERVAL` apart: under a flood of
        events the list is redrawn a few times a second, not once per fetch round."""
        if self._update_timer is not None:
            return  # a deferred update will take these numbers too
        wait = self._last_update + self.UPDATE_INTERVAL - time.monotonic()
        if wait > 0:
            self._update_timer = self.set_timer(wait, self._deferred_update)
            return
        self._apply_updates()

    def _deferred_update(self) -> None:
        self._update_timer = None
        self._apply_updates()

    def _apply_updates(self) -> None:
        self._last_update = time.monotonic()
        numbers, self._pending = self._pending, set()
        session = self.session
        if session is None or not numbers:
            return
        with self.batch_update():
            if self._list_screen is not None:
                order = session.list_order()
                in_list = session.list_members()
                items = session.list_items(n for n in numbers if n in in_list)
                self._list_screen.update_changes(items, order)
            for screen in self.screen_stack:
                if isinstance(screen, ChangeScreen) and screen.number in numbers:
                    screen.refresh_view()

    def _status_bars(self) -> list[StatusBar]:
        bars: list[StatusBar] = []
        for screen in self.screen_stack:
            bars.extend(screen.query(StatusBar))
        return bars

    def on_status_changed(self, message: StatusChanged) -> None:
        self.stream_status = message.status
        for bar in self._status_bars():
            bar.set_status(message.status)

    def on_event_seen(self, message: EventSeen) -> None:
        self.last_event_at = message.when
        for bar in self._status_bars():
            bar.set_last_event(message.when)

    def on_progress_changed(self, message: ProgressChanged) -> None:
        self.progress_text = message.text
        for bar in self._status_bars():
            bar.set_progress(message.text)

    def on_session_failed(self, message: SessionFailed) -> None:
        self.say(message.text, severity="error")

    # ------------------------------------------------------------ work for the screens

    def run_query(self, query: str) -> None:
        session = self.session
        if session is None:
            return
        self.current_query = query
        screen = self._list_screen
        if screen is not None:
            screen.show_changes([], done=False)

        async def work() -> None:
            # Loading 10,000 changes allocates millions of long-lived objects: the cyclic
            # collector would walk them again and again for nothing. Pause it meanwhile, then
            # freeze what was loaded so later full collections skip it (unfrozen, those
            # showed as ~100 ms stalls under event floods).
            gc.disable()
            try:
                await session.run_query(query, partial_results=self._partial_results)
            except Exception:
                if screen is not None:
                    screen.loading_failed()
                raise  # on_worker_state_changed shows it
            finally:
                gc.freeze()
                gc.enable()
            if screen is not None:
                screen.finish_loading(session.list_order())

        self._run("query", work(), exclusive=True)

    def _partial_results(self, numbers: Sequence[int]) -> None:
        """Pages of a long query are shown as they arrive (the first one at once)."""
        if self._list_screen is not None and self.session is not None:
            self._list_screen.append_changes(self.session.list_items(numbers))

    def visible_changes(self, numbers: Sequence[int]) -> None:
        if self.session is not None:
            self.session.set_visible(numbers)

    def load_summaries(self, numbers: Sequence[int]) -> None:
        if self.session is not None:
            self._run("summaries", self.session.load_summaries(numbers))

    def action_health(self) -> None:
        from vstui.ui.screens.health import HealthScreen

        if self.session is None or isinstance(self.screen, HealthScreen):
            return
        view = getattr(self.screen, "view", None)
        project = getattr(view, "project", None) if isinstance(self.screen, ChangeScreen) else None
        self.push_screen(HealthScreen(project))

    def open_change(self, number: int) -> None:
        if self.session is None:
            return
        if isinstance(self.screen, ChangeScreen) and self.screen.number == number:
            return
        self.push_screen(ChangeScreen(number))

    def change_closed(self, number: int) -> None:
        """The change screen left: stop keeping that change's detail fresh."""
        if self.session is not None and not any(
            isinstance(s, ChangeScreen) and s.number == number for s in self.screen_stack
        ):
            self.session.close_change(number)

    def load_change(self, number: int) -> None:
        if self.session is not None:
            self._run("change", self.session.load_change(number))

    def load_patch_set(self, number: int, patch_set: int) -> None:
        if self.session is not None:
            self._run("change", self.session.load_patch_set(number, patch_set))

    def change_view(self, number: int, patch_set: int | None) -> ChangeView | None:
        return self.session.change_view(number, patch_set) if self.session is not None else None

    def palette_changes(self) -> list[ChangeListItem]:
        session = self.session
        return session.list_items(session.list_order()) if session is not None else []

    def recheck_choices(self, number: int, patch_set: int, job: Any) -> list[str]:
        """Recheck comments to offer, the first pre-filled (see `ReviewSession`)."""
        if self.session is None:
            return ["recheck"]
        return self.session.recheck_choices(number, patch_set, job)

    def post_recheck(self, number: int, patch_set: int, message: str = "recheck") -> None:
        session = self.session
        if session is None:
            return

        async def work() -> None:
            await session.post_recheck(number, patch_set, message)
            self.say(f"Posted '{one_line(message, 80)}' on {number},{patch_set}")

        self._run("review", work())

    def load_filter(self) -> CIFilter:
        if self.filter_store is None or self.session is None:
            return CIFilter()
        return self.filter_store.load(self.session.server)

    def save_filter(self, ci_filter: CIFilter) -> None:
        """Remember the filter for this server (file I/O: in a thread worker)."""
        store, session = self.filter_store, self.session
        if store is not None and session is not None:
            self.run_worker(
                partial(store.save, session.server, ci_filter),
                thread=True,
                group="state",
                exit_on_error=False,
            )

    # ------------------------------------------------------------ actions

    def say(self, message: str, *, severity: SeverityLevel = "information") -> None:
        """One readable notification; the text is data (never markup).

        The same error repeated within `REPEAT_QUIET` seconds (a server that stays down
        while events keep arriving) is shown once, not once per retry."""
        text = one_line(redact_secrets(message), 300)
        if severity == "error":
            now = time.monotonic()
            if text == self._last_error[0] and now - self._last_error[1] < self.REPEAT_QUIET:
                return
            self._last_error = (text, now)
        self.notify(text, severity=severity, markup=False)

    def open_untrusted_url(self, url: str | None, *, what: str = "link") -> None:
        if not url:
            self.say(f"No URL for the {what}", severity="warning")
            return
        if not is_safe_url(url):
            self.say(
                f"Refusing to open {one_line(url, 60)!r}: only http/https URLs are opened",
                severity="warning",
            )
            return
        warning = url_host_warning(url)
        if warning is None:
            self.open_url(url)
            return
        # The link is not what it looks like: say where it really goes before opening it.
        from vstui.ui.screens.confirm import ConfirmScreen

        question = Text()
        question.append(f"Open this {one_line(what, 60)}?\n\n", style="bold")
        question.append(one_line(redact_secrets(url), 200) + "\n\n")
        question.append(warning[0].upper() + warning[1:] + ".", style="bold")

        def answered(yes: bool | None) -> None:
            if yes:
                self.open_url(url)

        self.push_screen(ConfirmScreen(question), answered)

    def open_web(self, number: int) -> None:
        if self.session is not None:
            self.open_untrusted_url(self.session.web_url_for(number), what="change")

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        focused = screen.focused
        area = _area_name(focused) if focused is not None else _area_name(screen)
        for node in focused.ancestors_with_self if focused is not None else ():
            title = getattr(node, "HELP_TITLE", None)
            if isinstance(title, str):
                area = title
                break
        self.push_screen(HelpScreen(collect_help(screen), area, collect_legend(screen)))

    def title_text(self) -> Text:
        return Text(f"vstui · {one_line(self.server_label)}")
