"""The change screen: header, Discussion pane and CI results pane."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from vstui.core.job_logs import live_job_items
from vstui.core.views import ChangeView
from vstui.ui.safe_text import safe_line
from vstui.ui.screens.recheck import RecheckScreen
from vstui.ui.widgets.ci_pane import CIPane
from vstui.ui.widgets.discussion_pane import DiscussionPane
from vstui.ui.widgets.status_bar import BottomBar
from vstui.ui.widgets.votes import Votes

if TYPE_CHECKING:
    from vstui.ui.app import VstuiApp

# Below this width the panes are stacked: a CI table needs ~80 columns to be readable.
SIDE_BY_SIDE_MIN_WIDTH = 150


def header_lines(view: ChangeView) -> Text:
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    text.append(f"{view.number} ", style="bold")
    text.append_text(safe_line(view.subject, style="bold"))
    if view.work_in_progress:
        text.append("  WIP", style="bold yellow")
    text.append("\n")
    text.append_text(safe_line(view.project))
    text.append(" · ")
    text.append_text(safe_line(view.branch))
    text.append(" · owner ")
    text.append_text(safe_line(view.owner))
    text.append(" · ")
    status_style = {"NEW": "green", "MERGED": "magenta", "ABANDONED": "red"}.get(view.status, "")
    text.append(view.status, style=status_style)
    text.append(" · ")
    if view.shown_patch_set is None:
        text.append("no patch sets")
    else:
        latest = view.latest_patch_set
        text.append(f"patch set {view.shown_patch_set} of {latest}", style="bold")
        if view.shown_patch_set != latest:
            text.append(" (not the latest)", style="yellow")
    if view.unresolved:
        text.append(" · ")
        text.append(
            f"{view.unresolved} unresolved thread" + ("s" if view.unresolved != 1 else ""),
            style="bold yellow",
        )
    return text


class ChangeScreen(Screen[None]):
    HELP_TITLE = "Change"
    AUTO_FOCUS = "#ci-table"
    DEFAULT_CSS: ClassVar[str] = """
    ChangeScreen #change-header { height: auto; max-height: 2; padding: 0 1; background: $primary-background; }
    ChangeScreen #panes { layout: horizontal; height: 1fr; }
    ChangeScreen #panes.stacked { layout: vertical; }
    ChangeScreen #panes DiscussionPane { width: 2fr; }
    ChangeScreen #panes CIPane { width: 3fr; }
    ChangeScreen #panes.stacked DiscussionPane { width: 1fr; height: 2fr; }
    ChangeScreen #panes.stacked CIPane { width: 1fr; height: 3fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # description: the footer's short word; tooltip: the help screen's wording.
        Binding("escape", "back", "Back", tooltip="Back to the list", id="change.back"),
        Binding("tab", "app.focus_next", "Pane", tooltip="Switch pane", id="change.switch_pane"),
        Binding(
            "left_square_bracket",
            "patch_set(-1)",
            "Previous patch set",
            show=False,
            id="change.prev_ps",
        ),
        Binding(
            "right_square_bracket",
            "patch_set(1)",
            "Next patch set",
            show=False,
            id="change.next_ps",
        ),
        Binding(
            "b",
            "toggle_bots",
            "Bots",
            tooltip="Show/hide bot messages",
            show=False,
            id="change.toggle_bots",
        ),
        Binding(
            "a",
            "reply",
            "Reply",
            tooltip="Reply and vote (in the Discussion, on a thread: reply to that thread)",
            id="change.reply",
        ),
        Binding(
            "R",
            "recheck",
            "Recheck",
            tooltip="Post a recheck (reason pre-filled from the history)",
            id="change.recheck",
        ),
        # The CI filter keys work whichever pane has focus (ids kept from the CI pane).
        Binding(
            "f",
            "ci('toggle', 'failing_only')",
            "Failing",
            tooltip="Failing only",
            id="ci.failing_only",
        ),
        Binding(
            "n",
            "ci('toggle', 'hide_non_voting')",
            "Voting only",
            tooltip="Hide non-voting",
            id="ci.hide_non_voting",
        ),
        Binding(
            "x",
            "ci('toggle', 'hide_failing_non_voting')",
            "Hide failing NV",
            tooltip="Hide failing non-voting",
            id="ci.hide_failing_non_voting",
        ),
        Binding(
            "e",
            "ci('toggle', 'hide_failing_elsewhere')",
            "Hide elsewhere",
            tooltip="Hide failures that are failing on other changes too (history)",
            show=False,
            id="ci.hide_failing_elsewhere",
        ),
        # priority: the keys after "/" go to the regex box even in a burst (see the list).
        Binding(
            "slash",
            "ci('edit_regex')",
            "Regex",
            tooltip="Regex over CI and job names",
            priority=True,
            id="ci.regex",
        ),
        Binding("s", "ci('pick_ci')", "CIs", tooltip="Pick CI systems", show=False, id="ci.pick"),
        Binding(
            "c", "ci('clear_filters')", "Clear", tooltip="Clear filters", show=False, id="ci.clear"
        ),
        Binding("w", "open_web", "Web", tooltip="Open in web UI", show=False, id="change.web"),
        Binding("r", "reload", "Reload", tooltip="Reload change", show=False, id="change.reload"),
    ]

    app: VstuiApp

    ZUUL_POLL_S = 10.0  # Zuul status is polled only while running jobs are on this screen

    class ZuulStatusFetched(Message):
        """Live jobs per CI label from Zuul's status API (empty: nothing running there)."""

        def __init__(self, patch_set: int | None, live: dict[str, list[Any]]) -> None:
            super().__init__()
            self.patch_set = patch_set
            self.live = live

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
        self.patch_set: int | None = None  # None: follow the latest
        self.view: ChangeView | None = None
        self._live: dict[str, list[Any]] = {}
        self._zuul_targets: list[tuple[str, str]] = []
        self._zuul_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{self.number} loading…"), id="change-header")
        yield Votes(id="change-votes")
        with Container(id="panes"):
            yield DiscussionPane(id="discussion-pane")
            yield CIPane(self.app.load_filter(), id="ci-pane")
        yield BottomBar(self.app.clock)

    @property
    def ci_pane(self) -> CIPane:
        return self.query_one("#ci-pane", CIPane)

    @property
    def discussion_pane(self) -> DiscussionPane:
        return self.query_one("#discussion-pane", DiscussionPane)

    def on_mount(self) -> None:
        self._layout_for(self.app.size.width)
        self.refresh_view()
        self.app.load_change(self.number)

    def on_unmount(self) -> None:
        self.app.change_closed(self.number)

    def on_resize(self, event: events.Resize) -> None:
        self._layout_for(event.size.width)

    def _layout_for(self, width: int) -> None:
        self.query_one("#panes").set_class(width < SIDE_BY_SIDE_MIN_WIDTH, "stacked")

    def refresh_view(self) -> None:
        """Re-read the change from the session; cursor, scroll and filters are kept."""
        view = self.app.change_view(self.number, self.patch_set)
        if view is None or not self.is_attached or not self.query("#ci-pane"):
            return
        self.view = view
        self.query_one("#change-header", Static).update(header_lines(view))
        self.query_one("#change-votes", Votes).show(view.labels, loaded=view.loaded)
        self.discussion_pane.set_messages(
            view.messages, loaded=view.loaded, other_threads=view.other_threads
        )
        self._watch_zuul(view)
        jobs = live_job_items(view.jobs, self._live) if self._live else view.jobs
        self.ci_pane.set_jobs(jobs, loaded=view.loaded)

    # ------------------------------------------------------------ running Zuul jobs

    def _watch_zuul(self, view: ChangeView) -> None:
        """Poll Zuul's status while a CI on the shown patch set has started, not reported."""
        session = self.app.session
        targets = (
            session.zuul_status_targets(self.number, view.shown_patch_set)
            if session is not None and view.loaded
            else []
        )
        if targets == self._zuul_targets:
            return
        self._zuul_targets = targets
        if not targets:
            self._live = {}
            if self._zuul_timer is not None:
                self._zuul_timer.stop()
                self._zuul_timer = None
            return
        self._poll_zuul()
        if self._zuul_timer is None:
            self._zuul_timer = self.set_interval(self.ZUUL_POLL_S, self._poll_zuul)

    def _poll_zuul(self) -> None:
        session = self.app.session
        mirror = session.log_mirror if session is not None else None
        ps = self.view.shown_patch_set if self.view is not None else None
        self._fetch_zuul(list(self._zuul_targets), mirror, ps)

    @work(thread=True, group="zuul-status", exclusive=True, exit_on_error=False)
    def _fetch_zuul(
        self, targets: list[tuple[str, str]], mirror: str | None, ps: int | None
    ) -> None:
        import io

        from vstui.logs.fetch import Fetcher, Limits, LogFetchError
        from vstui.logs.source import via_mirror
        from vstui.logs.zuul_status import MAX_STATUS_BYTES, parse_status

        live: dict[str, list[Any]] = {}
        limits = Limits(max_bytes=MAX_STATUS_BYTES, deadline_s=10.0, read_timeout_s=10.0)
        with Fetcher(limits) as fetcher:
            for label, url in targets:
                buffer = io.BytesIO()
                try:
                    fetcher.fetch(via_mirror(url, mirror), buffer)
                    jobs = parse_status(buffer.getvalue())
                except (LogFetchError, ValueError):
                    continue  # no status: the "started" row stays as it is
                if jobs:
                    live[label] = jobs
        self.post_message(self.ZuulStatusFetched(ps, live))

    @on(ZuulStatusFetched)
    def _zuul_status(self, message: ZuulStatusFetched) -> None:
        shown = self.view.shown_patch_set if self.view is not None else None
        if message.patch_set != shown or not self._zuul_targets:
            return
        self._live = message.live
        self.refresh_view()

    @on(CIPane.FilterChanged)
    def _filter_changed(self, event: CIPane.FilterChanged) -> None:
        self.app.save_filter(event.ci_filter)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "ci" and parameters[:1] == ("edit_regex",):
            # "/" typed into a box is a character (the binding has priority: step aside).
            return self.is_current and not isinstance(self.focused, Input)
        return True

    def action_ci(self, name: str, *args: str) -> None:
        """A CI filter key, from whichever pane: the CI pane owns the filter."""
        getattr(self.ci_pane, f"action_{name}")(*args)

    @on(CIPane.LogRequested)
    def _log_requested(self, event: CIPane.LogRequested) -> None:
        from vstui.ui.screens.log_viewer import LogRequest, LogViewerScreen

        job = event.job
        session = self.app.session
        ps = self.view.shown_patch_set if self.view is not None else None
        baseline = None
        mirror = None
        if session is not None:
            mirror = session.log_mirror
            if job.failing or job.running:
                baseline = session.log_baseline(self.number, ps, job.ci_name, job.name, job.url)
        title = f"{self.number},{ps} · {job.ci_name} · {job.name} · {job.result}"
        finder = None
        if session is not None and baseline is None and (job.failing or job.running):

            def finder() -> str | None:
                return session.history_baseline(job.ci_name, job.name, job.url)

        request = LogRequest(job.url or "", title, baseline, mirror, job.running, finder)
        self.app.push_screen(LogViewerScreen(request))

    @on(CIPane.RunsRequested)
    def _runs_requested(self, event: CIPane.RunsRequested) -> None:
        from vstui.ui.screens.earlier_runs import EarlierRunsScreen

        session = self.app.session
        if session is None:
            return
        ps = self.view.shown_patch_set if self.view is not None else None
        table = session.ci_runs(self.number, ps, event.ci_name)
        if not table.headers:
            self.app.say("No runs of this CI on this patch set", severity="information")
            return
        self.app.push_screen(EarlierRunsScreen(table, self.number, ps))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_toggle_bots(self) -> None:
        self.discussion_pane.toggle_bots()

    def action_patch_set(self, step: int) -> None:
        view = self.view
        if view is None or not view.patch_sets or view.shown_patch_set is None:
            return
        index = view.patch_sets.index(view.shown_patch_set) + step
        if not 0 <= index < len(view.patch_sets):
            self.app.bell()
            return
        ps = view.patch_sets[index]
        self.patch_set = None if ps == view.latest_patch_set else ps
        self.refresh_view()
        self.app.load_patch_set(self.number, ps)

    def action_open_web(self) -> None:
        self.app.open_web(self.number)

    def action_reload(self) -> None:
        self.app.load_change(self.number)

    def on_key(self, event: events.Key) -> None:
        """Configured one-key reviews (`[[reviewkeys]]`), asking first."""
        reviewkey = self.app.reviewkeys.get(event.key)
        if reviewkey is None or self.view is None:
            return
        event.stop()
        event.prevent_default()
        self.app.post_reviewkey(self.number, self.view.subject, reviewkey)

    def action_reply(self) -> None:
        """`a`: reply to the thread at the top of the Discussion (when it has focus), else
        to the change, with votes."""
        view = self.view
        if view is None:
            return
        thread = None
        if self.discussion_pane.has_focus_within:
            thread = self.discussion_pane.thread_at_top()
        self.app.open_reply(self.number, view.subject, thread)

    def action_recheck(self) -> None:
        view = self.view
        if view is None or view.shown_patch_set is None:
            return
        ps = view.shown_patch_set
        job = self.ci_pane.selected_job() if self.ci_pane.jobs else None
        choices = self.app.recheck_choices(self.number, ps, job)
        question = Text(end="")
        question.append("Post on change ")
        question.append(f"{self.number}, patch set {ps}", style="bold")
        question.append(" (edit the comment, or pick another):\n")
        question.append_text(safe_line(view.subject, style="italic", limit=70))

        def answered(message: str | None) -> None:
            if message:
                self.app.post_recheck(self.number, ps, message)

        self.app.push_screen(RecheckScreen(question, choices), answered)
