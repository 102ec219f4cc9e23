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
import os
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

from vstui.config import ReviewKey
from vstui.core.ci_filter import CIFilter
from vstui.core.dashboards import DEFAULTS as DEFAULT_DASHBOARDS
from vstui.core.dashboards import KEYS as DASHBOARD_KEYS
from vstui.core.dashboards import Dashboard, SavedDashboards, for_key
from vstui.core.filter_state import FilterStateStore
from vstui.core.notify import Notifier, Rules, terminal_sequence
from vstui.core.query_history import QueryHistory
from vstui.core.reply import ReplyDraft, Review
from vstui.core.status import StreamStatus
from vstui.core.threads import ThreadItem
from vstui.core.unread import SeenStore
from vstui.core.views import ChangeListItem, ChangeView
from vstui.gerrit.errors import GerritError, GerritRequestError
from vstui.sanitize import is_safe_url, one_line, redact_secrets, url_host_warning
from vstui.ui.commands import ActionCommands, ChangeCommands, DashboardCommands
from vstui.ui.keymap import build_keymap
from vstui.ui.safe_text import safe_line
from vstui.ui.screens.change import ChangeScreen
from vstui.ui.screens.change_list import ChangeListScreen
from vstui.ui.screens.confirm import ConfirmScreen
from vstui.ui.screens.first_run import FirstRunScreen
from vstui.ui.screens.help import HelpScreen, _area_name, collect_help, collect_legend
from vstui.ui.screens.reply import ReplyScreen
from vstui.ui.screens.server_picker import ServerPickerScreen
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
    COMMANDS: ClassVar = App.COMMANDS | {ChangeCommands, ActionCommands, DashboardCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # description: the footer's short word; tooltip: the help screen's wording.
        Binding(
            "question_mark,f1", "help", "Help", tooltip="Help for the focused area", id="app.help"
        ),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding(
            "S",
            "switch_server",
            "Server",
            tooltip="Switch server (each keeps its own stream, list and state)",
            show=False,
            id="app.server",
        ),
        Binding(
            "N",
            "toggle_quiet",
            "Quiet",
            tooltip="Notifications on/off (quiet: rows are still marked)",
            show=False,
            id="app.quiet",
        ),
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
        dashboards: Sequence[Dashboard] = DEFAULT_DASHBOARDS,
        query_history: QueryHistory | None = None,
        notify_rules: Rules | None = None,
        seen_store: SeenStore | None = None,
        servers: Mapping[str, Callable[[], ReviewSession]] | None = None,
        reviewkeys: Sequence[ReviewKey] = (),
        saved_dashboards: SavedDashboards | None = None,
    ) -> None:
        super().__init__()
        self.saved_dashboards = saved_dashboards
        self.reviewkeys = {rk.key: rk for rk in reviewkeys}
        # Other configured servers, opened on first switch (`S`); each keeps its session.
        self._server_factories = dict(servers or {})
        self._sessions: dict[str, ReviewSession] = (
            {session.server: session} if session is not None else {}
        )
        self._notifiers: dict[str, Notifier] = {}
        self.seen_store = seen_store
        self.notify_rules = notify_rules or Rules()
        self.notifier: Notifier | None = None
        self.dashboards = tuple(dashboards)
        self.query_history = query_history
        self.current_dashboard: Dashboard | None = None
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
        self._drafts: dict[tuple[str, int, str | None], ReplyDraft] = {}
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
        self._run("session", self.session.start(_ServerListener(self, self.session.server)))
        self.run_query(self.current_query)
        self._run("notify", self._start_notifier(self.session))

    async def _start_notifier(self, session: ReviewSession) -> None:
        """Notifications need to know who "me" is (own actions never notify)."""
        me = await session.self_account_id()
        notifier = Notifier(me, self.notify_rules)
        self._notifiers[session.server] = notifier
        if self.session is not session:
            return
        self.notifier = notifier
        # Record what is known now: only what changes from here on is news.
        self.notifier.observe(
            (s for n in session.list_order() if (s := session.change_state(n, me)) is not None),
            time.time(),
        )

    async def on_unmount(self) -> None:
        # A filter being saved must reach the disk before the process goes.
        saving = [w for w in self.workers if w.group == "state"]
        if saving:
            # Shutdown may already have marked them cancelled (a filter toggled just before
            # quitting): their thread still finishes the write, waiting must not raise.
            with contextlib.suppress(WorkerCancelled):
                await self.workers.wait_for_complete(saving)
        sessions = {id(s): s for s in (*self._sessions.values(), self.session) if s is not None}
        for session in sessions.values():
            await session.close()

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
        self._notify_changes(session, numbers)

    def _notify_changes(self, session: ReviewSession, numbers: set[int]) -> None:
        notifier = self.notifier
        if notifier is None or not self.screen_stack:  # (a late notice while shutting down)
            return
        states = [s for n in numbers if (s := session.change_state(n, notifier.me)) is not None]
        notices, marked = notifier.observe(states, time.time())
        top = self.screen_stack[-1]
        if isinstance(top, ChangeScreen):
            marked.discard(top.number)  # being read: no mark to clear later
        if marked and self._list_screen is not None:
            self._list_screen.set_marks(marked)
        for notice in notices:
            self.notify(notice.body, title=notice.title, markup=False, timeout=8)
            self.terminal_notify(notice.title, notice.body)

    def terminal_notify(self, title: str, body: str) -> None:
        """Tell the terminal too (bell / OSC 9 / OSC 777), as configured."""
        sequence = terminal_sequence(
            self.notify_rules.terminal, title, body, tmux=bool(os.environ.get("TMUX"))
        )
        driver = getattr(self, "_driver", None)
        if sequence and driver is not None and not self.is_headless:
            driver.write(sequence)
            driver.flush()

    def action_toggle_quiet(self) -> None:
        if self.notifier is None:
            return
        self.notifier.quiet = not self.notifier.quiet
        self.say(
            "Notifications off (rows still marked)" if self.notifier.quiet else "Notifications on"
        )

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

    def all_dashboards(self) -> tuple[Dashboard, ...]:
        """Configured (or default) sections, with the ones bound from the palette on top."""
        saved = self.saved_dashboards
        if saved is None or self.session is None:
            return self.dashboards
        by_key = {d.key: d for d in self.dashboards}
        for key, title, query in saved.entries(self.session.server):
            by_key[key] = Dashboard(key, title, query)
        return tuple(by_key[k] for k in DASHBOARD_KEYS if k in by_key)

    def bind_dashboard(self, key: str) -> None:
        """Palette: the current query on `key` from now on (per server, remembered)."""
        saved, session = self.saved_dashboards, self.session
        if saved is None or session is None:
            self.say("Dashboards cannot be saved here", severity="warning")
            return
        query = self.current_query
        saved.bind(session.server, key, query, query)
        self.run_worker(saved.save, thread=True, group="state", exit_on_error=False)
        self.say(f"Key {key}: {one_line(query, 80)}")

    def run_dashboard(self, key: str) -> None:
        """Number key on the list: that section's query (its title in the title bar)."""
        board = for_key(self.all_dashboards(), key)
        if board is None:
            self.say(f"No dashboard on key {key}", severity="warning")
            return
        self.run_query(board.query, dashboard=board)

    def remember_query(self, query: str) -> None:
        history, session = self.query_history, self.session
        if history is not None and session is not None:
            self.run_worker(
                partial(history.add, session.server, query),
                thread=True,
                group="state",
                exit_on_error=False,
            )

    def query_history_entries(self) -> list[str]:
        if self.query_history is None or self.session is None:
            return []
        return self.query_history.entries(self.session.server)

    def run_query(self, query: str, *, dashboard: Dashboard | None = None) -> None:
        session = self.session
        if session is None:
            return
        self.current_query = query
        self.current_dashboard = dashboard
        screen = self._list_screen
        if screen is not None:
            screen.show_changes([], done=False)
        fallback = dashboard.fallback if dashboard is not None else None

        async def load(q: str) -> None:
            try:
                await session.run_query(q, partial_results=self._partial_results)
            except GerritRequestError:
                if fallback is None or q == fallback:
                    raise
                # An older Gerrit without `attention:`: the section's fallback query.
                self.current_query = fallback
                if screen is not None:
                    screen.update_title()
                await session.run_query(fallback, partial_results=self._partial_results)

        async def work() -> None:
            # Loading 10,000 changes allocates millions of long-lived objects: the cyclic
            # collector would walk them again and again for nothing. Pause it meanwhile, then
            # freeze what was loaded so later full collections skip it (unfrozen, those
            # showed as ~100 ms stalls under event floods).
            gc.disable()
            try:
                await load(query)
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

    def prefetch_comments(self, number: int) -> None:
        if self.session is not None:
            self._run("prefetch", self.session.prefetch_comments(number), exclusive=True)

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
        self._record_seen(number)
        self.push_screen(ChangeScreen(number))

    def unread_mark(self, item: ChangeListItem) -> str:
        if self.seen_store is None or self.session is None:
            return ""
        return self.seen_store.mark(self.session.server, item.number, item.updated, item.patch_set)

    def _record_seen(self, number: int) -> None:
        """Opening a change clears its marks (the unread one persisted, in a thread)."""
        session, seen = self.session, self.seen_store
        if session is None:
            return
        items = session.list_items([number])
        if seen is not None and items:
            item = items[0]
            seen.remember(session.server, number, item.updated, item.patch_set)
            self.run_worker(
                seen.save,
                thread=True,
                group="state",
                exit_on_error=False,
            )
        if self._list_screen is not None:
            self._list_screen.set_marks([number], False)

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

    def toggle_star(self, number: int) -> None:
        session = self.session
        if session is None:
            return
        starred = not session.is_starred(number)

        async def work() -> None:
            await session.set_star(number, starred)
            self.say(f"{'Starred' if starred else 'Unstarred'} {number}")

        self._run("star", work())

    # ------------------------------------------------------------ reply and vote

    def open_reply(self, number: int, subject: str, thread: ThreadItem | None = None) -> None:
        if self.session is None:
            return
        draft = self._drafts.get(self._draft_key(number, thread)) or ReplyDraft()
        self.push_screen(ReplyScreen(number, subject, draft, thread))

    def _draft_key(self, number: int, thread: ThreadItem | None) -> tuple[str, int, str | None]:
        return (self.server_label, number, thread.root_id if thread is not None else None)

    def keep_draft(self, number: int, thread: ThreadItem | None, draft: ReplyDraft) -> None:
        key = self._draft_key(number, thread)
        if draft.message.strip() or draft.votes:
            self._drafts[key] = draft
        else:
            self._drafts.pop(key, None)

    def post_reviewkey(self, number: int, subject: str, reviewkey: ReviewKey) -> None:
        """A configured one-key review: ask first, then post it on the current patch set."""
        session = self.session
        if session is None:
            return
        votes = " ".join(f"{label}{value:+d}" for label, value in reviewkey.votes.items())
        question = Text(end="")
        question.append("Post ")
        question.append(votes or "a message", style="bold")
        if reviewkey.message:
            question.append(" with ")
            question.append_text(safe_line(reviewkey.message, style="italic", limit=60))
        question.append(f" on change {number}?\n")
        question.append_text(safe_line(subject, style="italic", limit=60))

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            async def work() -> None:
                try:
                    await session.post_reply(
                        number, message=reviewkey.message, labels=dict(reviewkey.votes)
                    )
                except GerritError as exc:
                    self.say(str(exc), severity="error")
                    return
                self.say(f"Posted on {number}: {votes or 'a message'}")
                self.load_change(number)

            self._run("reply", work())

        self.push_screen(ConfirmScreen(question), answered)

    def load_review_context(self, screen: ReplyScreen) -> None:
        session = self.session
        if session is None:
            return

        async def work() -> None:
            try:
                context = await session.review_context(screen.number)
            except GerritError as exc:
                if screen.is_attached:
                    screen.show_error(f"Could not load your labels: {exc}")
                return
            if screen.is_attached:
                screen.set_context(context)

        self._run("reply", work())

    def post_reply(self, screen: ReplyScreen, review: Review) -> None:
        """Post the dialog's review; a refusal stays in the dialog (one line, draft kept)."""
        session = self.session
        if session is None:
            return
        number, thread = screen.number, screen.thread

        async def work() -> None:
            try:
                await session.post_reply(
                    number,
                    review.revision,
                    message=review.message,
                    labels=review.labels,
                    comments=review.comments,
                )
            except GerritError as exc:
                self.keep_draft(number, thread, screen.draft)
                if screen.is_attached:
                    screen.show_error(str(exc))
                return
            self._drafts.pop(self._draft_key(number, thread), None)
            if screen.is_attached and self.screen_stack and self.screen_stack[-1] is screen:
                screen.dismiss(True)
            self.say(f"Posted on {number}: {review.summary}")
            self.load_change(number)

        self._run("reply", work())

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

    # ------------------------------------------------------------ several servers

    def server_names(self) -> list[str]:
        return sorted({*self._sessions, *self._server_factories})

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_server":
            return len(self.server_names()) > 1
        return True

    def action_switch_server(self) -> None:
        if self.session is None or isinstance(self.screen, ServerPickerScreen):
            return

        def chosen(name: str | None) -> None:
            if name:
                self.switch_server(name)

        self.push_screen(ServerPickerScreen(self.server_names(), self.session.server), chosen)

    def switch_server(self, name: str) -> None:
        """Show server `name`: its own list, query, stream status and notifications; the
        other servers' sessions keep running behind."""
        current = self.session
        if current is not None and current.server == name:
            return
        session = self._sessions.get(name)
        fresh = session is None
        if session is None:
            factory = self._server_factories.get(name)
            if factory is None:
                self.say(f"No server named {name!r}", severity="warning")
                return
            try:
                session = factory()
            except Exception as exc:  # a config or credentials problem: one line
                self.say(f"{name}: {exc}", severity="error")
                return
            self._sessions[name] = session
        while len(self.screen_stack) > 1 and not isinstance(self.screen, ChangeListScreen):
            self.pop_screen()
        self.session = session
        self.notifier = self._notifiers.get(name)
        self.current_dashboard = None
        self.stream_status = session.status
        self._pending.clear()
        for bar in self._status_bars():
            bar.set_server(name)
            bar.set_status(session.status)
        if fresh:
            self.current_query = session.default_query
            self._run("session", session.start(_ServerListener(self, name)))
            self._run("notify", self._start_notifier(session))
            self.run_query(self.current_query)
        else:
            self.current_query = session.query
            screen = self._list_screen
            if screen is not None:
                screen.show_changes(session.list_items(session.list_order()))
                if not session.list_order():
                    self.run_query(self.current_query)
        self.say(f"Server: {name}")

    def title_text(self) -> Text:
        return Text(f"vstui · {one_line(self.server_label)}")


class _ServerListener:
    """One server's session notices, passed to the app only while that server is shown
    (the others keep streaming and storing; their list is redrawn when switched back)."""

    def __init__(self, app: VstuiApp, server: str) -> None:
        self.app = app
        self.server = server

    def _shown(self) -> bool:
        session = self.app.session
        return session is not None and session.server == self.server

    def changes_updated(self, numbers: frozenset[int]) -> None:
        if self._shown():
            self.app.changes_updated(numbers)

    def status_changed(self, status: StreamStatus) -> None:
        if self._shown():
            self.app.status_changed(status)

    def event_received(self, when: float) -> None:
        if self._shown():
            self.app.event_received(when)

    def progress(self, text: str) -> None:
        if self._shown():
            self.app.progress(text)

    def error(self, text: str) -> None:
        if self._shown():
            self.app.error(text)
