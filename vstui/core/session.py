"""`ReviewSession`: one server's REST client and event stream, and the changes seen so far.

The session is headless (no Textual) and runs on one asyncio loop. The UI (or a test) gives
it a `SessionListener` and calls its coroutines; the session never blocks the loop:

- the stream lives in its own thread (`vstui.gerrit.stream`, via `StreamSource`) and hands
  events over through a lock-protected buffer; the first event of a batch wakes
  `_drain_loop`, which lets the batch gather for `batch_interval` seconds and applies it, so
  a flood of 1,000 events/s becomes ~10 batches a second, not 1,000 wake-ups;
- each event is applied once (a bounded memory of event lines drops duplicates), its change
  is marked dirty, and `_refresh_loop` fetches every dirty change in one batched REST query
  (plus verify-status for changes on screen), however many events touched it; while a fetch
  runs, new events pile up for the next round, so fetches never queue up behind a flood;
- changes on screen (visible list rows, open changes) get messages, verify-status and CI
  results; off-screen ones only their list row, their CI summary reloading when they scroll
  into view;
- JSON decoding of big answers and CI parsing run in worker threads; the listener gets one
  `changes_updated` notice per batch, naming each change once.
- after each reconnect the list's query runs once more (`reconcile_list`): changes that left
  it while events could have been missed leave the list, new ones join it.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from vstui.core.notify import ChangeState
from vstui.core.notify import Message as NotifyMessage
from vstui.core.present import (
    ci_job_items,
    index_messages,
    label_vote,
    label_votes,
    message_item,
    votes_line,
)
from vstui.core.status import StreamStatus
from vstui.core.store import ChangeEntry, ChangeStore
from vstui.core.threads import ThreadItem, build_threads, files_wanted, unresolved_count
from vstui.core.views import ChangeListItem, ChangeView, CICounts, CIJobItem, MessageItem
from vstui.gerrit.errors import GerritError, GerritNotFoundError
from vstui.gerrit.models import (
    Change,
    ChangeAbandoned,
    ChangeDeleted,
    ChangeEvent,
    ChangeMerged,
    ChangeMessage,
    ChangeRestored,
    DroppedOutput,
    Event,
    PatchsetCreated,
    Verification,
)
from vstui.gerrit.review import CommentInput, ReviewContext

if TYPE_CHECKING:  # the CI parser loads in a worker thread, off the first paint
    from vstui.ci.classify import BotRules
    from vstui.ci.results import ChangeResults

log = logging.getLogger(__name__)

# The list needs labels and owner names; the current patch set number comes with every
# ChangeInfo on Gerrit >= 3.7 (`current_revision_number`) and from CURRENT_REVISION otherwise,
# which the summary fetch asks for.
LIST_OPTIONS = ("LABELS", "DETAILED_ACCOUNTS")
SUMMARY_OPTIONS = ("LABELS", "DETAILED_ACCOUNTS", "CURRENT_REVISION", "MESSAGES")
# An open change's refresh keeps who voted (the header shows every vote with its voter).
OPEN_OPTIONS = (*SUMMARY_OPTIONS, "DETAILED_LABELS")
DETAIL_OPTIONS = ("ALL_REVISIONS", "DETAILED_LABELS", "DETAILED_ACCOUNTS")
# Changes per batched `change:A OR change:B ...` query (keeps the URL well under 8 KB).
CHUNK = 40
FIRST_PAGE = 100  # a screenful, shown at once
PAGE_SIZE = 500  # Gerrit's usual per-query limit
PAGES_AHEAD = 2  # list pages requested ahead of the one being decoded
SEEN_EVENTS = 20_000
PENDING_POLL = 20.0  # seconds between verify-status re-reads while a recheck is pending


class SessionListener(Protocol):
    """What the session tells its owner. Called on the session's event loop."""

    def changes_updated(self, numbers: frozenset[int]) -> None: ...
    def status_changed(self, status: StreamStatus) -> None: ...
    def event_received(self, when: float) -> None: ...
    def progress(self, text: str) -> None: ...
    def error(self, text: str) -> None: ...


class RestAPI(Protocol):
    """What the session uses of `vstui.gerrit.rest.GerritRestClient` (tests may pass another
    object with these coroutines). `fetch_query_page` returns an undecoded body; the session
    decodes it with `vstui.gerrit.decode.decode_changes` in a worker thread."""

    async def fetch_query_page(
        self,
        query: str,
        *,
        options: Iterable[str] = (),
        limit: int | None = None,
        start: int = 0,
    ) -> bytes: ...
    async def get_change(self, change: str | int, *, options: Iterable[str] = ()) -> Change: ...
    async def list_messages(self, change: str | int) -> tuple[Any, ...]: ...
    async def get_verifications(
        self, change: str | int, revision: str | int = "current"
    ) -> tuple[Any, ...]: ...
    async def post_review(
        self,
        change: str | int,
        revision: str | int = "current",
        *,
        message: str | None = None,
        labels: Mapping[str, int] | None = None,
        comments: Sequence[CommentInput] = (),
    ) -> Any: ...
    async def get_review_context(self, change: str | int, self_id: int | None) -> ReviewContext: ...
    async def set_star(self, change: str | int, starred: bool) -> None: ...
    async def aclose(self) -> None: ...


class EventSource(Protocol):
    """The stream as the session uses it: started once, drained from the loop, stopped.

    `set_wakeup(fn)`: the source calls `fn` (from any thread) when events or a new status
    are waiting, so the session does not poll."""

    def set_wakeup(self, wakeup: Callable[[], None]) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def drain(self) -> list[Event]: ...
    def status(self) -> StreamStatus: ...


class _NullListener:
    def changes_updated(self, numbers: frozenset[int]) -> None:
        pass

    def status_changed(self, status: StreamStatus) -> None:
        pass

    def event_received(self, when: float) -> None:
        pass

    def progress(self, text: str) -> None:
        pass

    def error(self, text: str) -> None:
        pass


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _decode_api() -> tuple[Callable[..., tuple[Change, ...]], Callable[[bytes], bool]]:
    """`decode_changes` and `page_has_more`, imported on first use (see `run_query`)."""
    from vstui.gerrit.decode import decode_changes, page_has_more

    return decode_changes, page_has_more


def _sort_key_entry(entry: ChangeEntry) -> tuple[float, int]:
    return _sort_key(entry.change)


def _sort_key(change: Change) -> tuple[float, int]:
    updated = change.updated.timestamp() if change.updated is not None else 0.0
    return (-updated, -change.number)


class ReviewSession:
    """One server: its REST client, its event source, the `ChangeStore` and the list query."""

    # Read CI logs through this mirror (config `log_mirror`; the demo's emulator).
    log_mirror: str | None = None

    def __init__(
        self,
        server: str,
        rest: RestAPI,
        events: EventSource | None = None,
        *,
        web_url: str = "",
        default_query: str = "status:open",
        bot_rules: BotRules | None = None,
        store: ChangeStore | None = None,
        batch_interval: float = 0.1,
        clock: Callable[[], float] = time.time,
        history: Any = None,
    ) -> None:
        self.server = server
        self.rest = rest
        self.events = events
        self.web_url = web_url.rstrip("/") + "/" if web_url else ""
        self.default_query = default_query
        self.bot_rules = bot_rules
        self.store = store if store is not None else ChangeStore()
        self.batch_interval = batch_interval
        # verify-status rows come with no stream event: how often an open change waiting
        # for CIs asked to run again re-reads them (seconds).
        self.pending_poll = PENDING_POLL
        self.clock = clock
        self.query = default_query
        self.listener: SessionListener = _NullListener()
        self.status = StreamStatus()
        self.last_event_at: float | None = None
        self.events_applied = 0
        self._order: list[int] = []
        self._in_list: set[int] = set()
        self._open: dict[int, set[int]] = {}  # open change -> patch sets shown
        self._dirty: set[int] = set()
        self._dirty_event = asyncio.Event()
        self._wake = asyncio.Event()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._summary_pending: set[int] = set()
        self._visible: set[int] = set()
        self._tasks: list[asyncio.Task[None]] = []
        self._query_generation = 0
        self._loading = False  # run_query is loading the list
        self._reconciling: asyncio.Task[None] | None = None
        self.reconciles = 0  # list reconciliations done after reconnects
        self._during_reconcile: set[int] | None = None
        self._closed = False
        self._self_id: int | None = None
        self._self_asked = False
        # vstui.core.session_history.SessionHistory when given a HistoryStore
        self.history: Any = None
        self.cached_at: float | None = None  # when the list's cached first page was stored
        self.offline_since: float | None = None  # showing the cache: the server is away
        if history is not None:
            from vstui.core.session_history import SessionHistory

            self.history = SessionHistory(history, clock=lambda: self.clock())

    # ------------------------------------------------------------------ lifecycle

    async def start(self, listener: SessionListener | None = None) -> None:
        """Start the stream and the loops that apply its events. Returns at once."""
        if listener is not None:
            self.listener = listener
        if self.events is not None:
            loop = asyncio.get_running_loop()
            wake = self._wake.set

            def wakeup() -> None:  # called from the stream thread
                loop.call_soon_threadsafe(wake)

            self.events.set_wakeup(wakeup)
            self.events.start()
            self._tasks.append(asyncio.create_task(self._drain_loop(), name="vstui-drain"))
        self._tasks.append(asyncio.create_task(self._refresh_loop(), name="vstui-refresh"))
        self._tasks.append(asyncio.create_task(self._pending_poll_loop(), name="vstui-pending"))
        if self.history is not None:
            self._tasks.append(asyncio.create_task(self._history_sync(), name="vstui-history"))

    async def _history_sync(self) -> None:
        """Catch the history up with the server, then refresh the verdicts on screen."""
        await self.history.sync(self.rest, bot_rules=self.bot_rules, server=self.server)
        opened = [n for n in self._open if self.store.get((self.server, n)) is not None]
        for number in opened:
            entry = self.store.get((self.server, number))
            if entry is not None and entry.results is not None:
                await self._history_write(entry)
        if opened:
            self.listener.changes_updated(frozenset(opened))

    async def close(self) -> None:
        """Stop the stream thread and the loops, close the REST client. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._reconciling is not None:
            self._tasks.append(self._reconciling)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self.events is not None:
            await asyncio.to_thread(self.events.stop)
        aclose = getattr(self.rest, "aclose", None)
        if aclose is not None:
            await aclose()

    def web_url_for(self, number: int) -> str:
        entry = self.store.get((self.server, number))
        if entry is not None and self.web_url:
            return f"{self.web_url}c/{entry.change.project}/+/{number}"
        return f"{self.web_url}{number}" if self.web_url else ""

    # ------------------------------------------------------------------ the list

    async def run_query(
        self,
        query: str,
        partial_results: Callable[[Sequence[int]], None] | None = None,
    ) -> None:
        """Load the changes of `query` (all pages); `partial_results` gets each page's new
        change numbers as it arrives, so the list can grow while the rest loads.

        Pages are pipelined: the request for the next page is in flight while the current
        one is decoded in a worker thread, so the server's time and ours overlap and the
        event loop stays free for the UI while 10,000 changes arrive.
        """
        # The decoder module is imported in a thread while the first page is in flight:
        # importing it builds msgspec decoders (~15 ms) that would delay the first paint.
        decode_api = asyncio.ensure_future(asyncio.to_thread(_decode_api))
        self._query_generation += 1
        generation = self._query_generation
        self.query = query
        order: list[int] = []
        # The list is what has arrived so far: notices during the load see a consistent one.
        self._order = order
        self._in_list = set()

        def fetch(size: int, start: int) -> tuple[int, int, asyncio.Future[bytes]]:
            request = self.rest.fetch_query_page(
                query, options=LIST_OPTIONS, limit=size, start=start
            )
            return (start, size, asyncio.ensure_future(request))

        self._loading = True
        self.listener.progress(f"loading changes for {query!r}…")
        # Pages in flight, oldest first: (start, size, body). The first is small (a
        # screenful, shown at once); while one is decoded the next PAGES_AHEAD are requested.
        pending: deque[tuple[int, int, asyncio.Future[bytes]]] = deque([fetch(FIRST_PAGE, 0)])
        next_start, page_size = FIRST_PAGE, PAGE_SIZE
        # While the first page is in flight, paint the one cached in the history (instant
        # start, and a list at all when the server cannot be reached).
        cached: set[int] | None = None
        live: list[int] = []
        if self.history is not None:
            cached = await self._paint_cached(query, generation, order, partial_results)
        in_order = set(order)
        first_body = True
        try:
            while pending:
                start, size, future = pending.popleft()
                try:
                    body = await future
                except GerritError as exc:
                    if not cached or live:
                        raise
                    self.offline_since = self.cached_at
                    self.listener.error(
                        f"offline, showing cached data from {self._when(self.cached_at)}: {exc}"
                    )
                    return
                if first_body and self.history is not None:
                    first_body = False
                    self._tasks.append(asyncio.create_task(self._cache_first_page(query, body)))
                decode_changes, page_has_more = await decode_api
                if page_has_more(body):
                    while len(pending) < PAGES_AHEAD:
                        pending.append(fetch(page_size, next_start))
                        next_start += page_size
                page = await asyncio.to_thread(decode_changes, body, server=self.server)
                if generation != self._query_generation:
                    return
                more = bool(page) and page[-1].more_changes
                if not more or len(page) < size:
                    # The end; or the server caps pages below `size` (its query limit), so
                    # the pages requested ahead start at the wrong offsets: go on from here
                    # with pages of the size it gives.
                    for _start, _size, ahead in pending:
                        ahead.cancel()
                    pending.clear()
                    if more:
                        page_size = min(page_size, len(page))
                        next_start = start + len(page)
                if more and not pending:
                    # After a short page, or when `page_has_more` could not tell.
                    pending.append(fetch(page_size, next_start))
                    next_start += page_size
                added = []
                for change in page:
                    number = change.number
                    live.append(number)
                    if number not in self._in_list or (cached and number in cached):
                        self.store.put_change(self.server, change)
                        added.append(number)
                        self._in_list.add(number)
                        if cached:
                            cached.discard(number)
                if cached is not None:
                    order.extend(n for n in added if n not in in_order)
                    in_order.update(added)
                else:
                    order.extend(added)
                if page and not added and more:
                    # A server that ignores `S=` sends the same page forever: stop here
                    # instead of "loading" for ever.
                    log.warning("%s: a query page repeated known changes; stopped", self.server)
                    self.listener.error(
                        f"{self.server}: the server sent the same changes again (it ignores "
                        f"S=); showing the first {len(order)}"
                    )
                    for _start, _size, ahead in pending:
                        ahead.cancel()
                    pending.clear()
                if partial_results is not None and added:
                    partial_results(added)
                if pending:
                    self.listener.progress(f"loading changes: {len(order)}…")
        finally:
            decode_api.cancel()
            for _start, _size, future in pending:
                future.cancel()
            if generation == self._query_generation:
                self._loading = False
                self.listener.progress("")
        if cached is not None:
            # What the cache showed and the server no longer lists goes; the live order wins.
            self._in_list.difference_update(cached)
            in_live = set(live)
            order[:] = [n for n in live if n in self._in_list] + [
                n for n in order if n in self._in_list and n not in in_live
            ]
            self.offline_since = None
        # Events during the load may have added or dropped changes (`_update_membership`).
        in_list, seen = self._in_list, set(order)
        extra = [self.store.get((self.server, n)) for n in in_list - seen]
        newest = [e.change.number for e in sorted((e for e in extra if e), key=_sort_key_entry)]
        self._order = newest + [n for n in order if n in in_list]

    async def _paint_cached(
        self,
        query: str,
        generation: int,
        order: list[int],
        partial_results: Callable[[Sequence[int]], None] | None,
    ) -> set[int] | None:
        """The history's cached first page of `query` into the list (None: nothing cached)."""
        history = self.history
        try:
            found = await asyncio.to_thread(history.store.get_list_cache, query)
            if found is None:
                return None
            body, when = found
            decode_changes, _has_more = await asyncio.to_thread(_decode_api)
            page = await asyncio.to_thread(decode_changes, body, server=self.server)
        except Exception as exc:  # a bad cache is no cache
            log.warning("list cache: %s", exc)
            return None
        if generation != self._query_generation or order:
            return None
        numbers = []
        for change in page:
            if change.number not in self._in_list:
                self.store.put_change(self.server, change)
                self._in_list.add(change.number)
                numbers.append(change.number)
        order.extend(numbers)
        self.cached_at = when
        if partial_results is not None and numbers:
            partial_results(numbers)
        return set(numbers)

    async def _cache_first_page(self, query: str, body: bytes) -> None:
        try:
            await asyncio.to_thread(self.history.store.put_list_cache, query, body, self.clock())
        except Exception as exc:
            log.warning("list cache: %s", exc)

    @staticmethod
    def _when(t: float | None) -> str:
        if t is None:
            return "?"
        from datetime import datetime

        return datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M")

    def set_visible(self, numbers: Iterable[int]) -> None:
        """The list rows on screen: events for them refresh their CI summary at once."""
        self._visible = set(numbers)

    def list_order(self) -> list[int]:
        return self._order

    def list_members(self) -> set[int]:
        """The numbers in `list_order()`, as a set (do not modify)."""
        return self._in_list

    def list_items(self, numbers: Iterable[int]) -> list[ChangeListItem]:
        """List rows, rebuilt only for changes that changed since last asked (by version)."""
        items = []
        get = self.store.get
        server = self.server
        for number in numbers:
            entry = get((server, number))
            if entry is None:
                continue
            cached = entry.list_item
            if cached is None or cached[0] != entry.version:
                cached = (entry.version, self._list_item(entry))
                entry.list_item = cached
            items.append(cached[1])
        return items

    def _list_item(self, entry: ChangeEntry) -> ChangeListItem:
        change = entry.change
        return ChangeListItem(
            number=change.number,
            project=change.project,
            branch=change.branch,
            subject=change.subject,
            owner=change.owner.label if change.owner is not None else "",
            status=change.status,
            updated=change.updated,
            code_review=label_vote(change.labels, "Code-Review"),
            verified=label_vote(change.labels, "Verified"),
            ci=self._summary(entry),
            work_in_progress=change.work_in_progress,
            unresolved=change.unresolved_comment_count or 0,
            starred=change.starred,
            patch_set=change.current_patch_set_number,
        )

    def _summary(self, entry: ChangeEntry) -> CICounts | None:
        ps = entry.current_patch_set
        if ps is None or entry.messages is None or ps not in entry.verifications:
            return None
        if entry.results is None:
            return None
        summary: CICounts = entry.results.for_patch_set(ps).summary
        return summary

    async def load_summaries(self, numbers: Sequence[int]) -> None:
        """Fetch messages and verify-status for `numbers` so their CI summary can be shown."""
        wanted = [
            n
            for n in numbers
            if n not in self._summary_pending
            and (entry := self.store.get((self.server, n))) is not None
            and self._summary(entry) is None
        ]
        if not wanted:
            return
        self._summary_pending.update(wanted)
        try:
            changed = await self._fetch_changes(wanted, membership=False)
        finally:
            self._summary_pending.difference_update(wanted)
        if changed:
            self.listener.changes_updated(frozenset(changed))

    # ------------------------------------------------------------------ one change

    async def load_change(self, number: int) -> None:
        """Full detail of one change (every patch set, messages) and its current CI results.

        The change, its messages and the current patch set's verify-status rows are fetched
        concurrently; `/messages` is used because it has account templates replaced.
        """
        shown = self._open.setdefault(number, set())
        # Inline comments are small and the detail is big: when the change's messages are
        # already known (opened from the list), its threads show as soon as they arrive.
        comments_task = asyncio.ensure_future(self._comments_or_empty(number))
        early = asyncio.ensure_future(self._early_comments(number, comments_task))
        known = self.store.get((self.server, number))
        if (
            known is not None
            and known.messages is not None
            and known.results is not None
            and known.comments is None  # (prefetched ones show already)
        ):
            # Warm: the screen already shows the messages and CI results, the detail only
            # refreshes them; the threads go first instead of queueing behind it.
            with contextlib.suppress(Exception):
                await asyncio.shield(comments_task)
        try:
            change, messages, current_rows, comments = await asyncio.gather(
                self.rest.get_change(number, options=DETAIL_OPTIONS),
                self.rest.list_messages(number),
                self._verifications_or_empty(number, "current"),
                comments_task,
            )
        finally:
            early_files = await early
        change = msgspec.structs.replace(change, messages=messages)
        entry = self.store.put_change(self.server, change)
        entry.messages = messages  # even when there are none
        entry.comments, entry.robot_comments = comments
        entry.detail_loaded = True
        ps = entry.current_patch_set
        if ps is not None:
            self.store.set_verifications(entry.key, ps, current_rows)
        others = {p for p in shown if p != ps}
        await asyncio.gather(*(self._fetch_verifications(entry, p) for p in others))
        await self._recompute(entry)
        self.listener.changes_updated(frozenset({number}))
        # The lines around inline comments come after the first paint.
        if await self._fetch_comment_files(entry) or early_files:
            entry.version += 1
            self.listener.changes_updated(frozenset({number}))

    async def _early_comments(
        self, number: int, comments: asyncio.Future[tuple[tuple[Any, ...], tuple[Any, ...]]]
    ) -> bool:
        """Show threads (then their file lines) before the detail fetch ends, when the
        change's messages are already known. Returns whether file lines were fetched."""
        try:
            human, robot = await comments
        except Exception:
            return False  # the detail fetch reports it
        entry = self.store.get((self.server, number))
        if entry is None or entry.messages is None or entry.results is None:
            return False
        entry.comments, entry.robot_comments = human, robot
        entry.version += 1
        self.listener.changes_updated(frozenset({number}))
        return await self._fetch_comment_files(entry)

    async def prefetch_comments(self, number: int) -> None:
        """The list's cursor rests on `number`: fetch its inline comments now, so opening it
        paints its threads at once (opening refreshes them anyway)."""
        entry = self.store.get((self.server, number))
        if entry is None or entry.comments is not None:
            return
        human, robot = await self._comments_or_empty(number)
        if entry.comments is None:
            entry.comments, entry.robot_comments = human, robot
            entry.version += 1
            await self._fetch_comment_files(entry)  # the lines around them, too

    async def _comments_or_empty(self, number: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """(human, robot) inline comments; a server (or test double) without them: none."""
        list_comments = getattr(self.rest, "list_comments", None)
        if list_comments is None:
            return (), ()
        answers: tuple[Any, ...] = await asyncio.gather(
            list_comments(number), list_comments(number, robot=True), return_exceptions=True
        )
        human: Any = answers[0]
        robot: Any = answers[1]
        if isinstance(human, BaseException):
            if not isinstance(human, GerritError):
                raise human
            log.warning("change %s: comments not loaded: %s", number, human)
            human = ()
        if isinstance(robot, BaseException):
            robot = ()  # robot comments were removed from recent Gerrit versions
        return tuple(human), tuple(robot)

    async def _fetch_comment_files(self, entry: ChangeEntry) -> bool:
        """Fetch the text of the files inline comments point at (each once per patch set)."""
        get_file = getattr(self.rest, "get_file_content", None)
        if get_file is None:
            return False
        wanted = [
            key
            for key in files_wanted((*(entry.comments or ()), *entry.robot_comments))
            if key not in entry.file_lines
        ]
        if not wanted:
            return False
        texts = await asyncio.gather(
            *(get_file(entry.number, ps, path) for ps, path in wanted), return_exceptions=True
        )
        got = False
        for key, text in zip(wanted, texts, strict=True):
            if isinstance(text, str):
                entry.file_lines[key] = text.splitlines()
                got = True
            else:
                entry.file_lines[key] = []  # not again on every refresh
                if not isinstance(text, GerritError):
                    log.warning("file %s: %r", key, text)
        return got

    async def load_patch_set(self, number: int, patch_set: int) -> None:
        """CI results of another patch set of an open change."""
        self._open.setdefault(number, set()).add(patch_set)
        entry = self.store.get((self.server, number))
        if entry is None:
            await self.load_change(number)
            return
        await self._fetch_verifications(entry, patch_set)
        await self._recompute(entry)
        self.listener.changes_updated(frozenset({number}))

    def close_change(self, number: int) -> None:
        """The change is no longer on screen: stop keeping its detail fresh."""
        self._open.pop(number, None)

    def log_baseline(
        self, number: int, patch_set: int | None, ci_name: str, job_name: str, url: str | None
    ) -> str | None:
        """The passing run whose log is "normal" for a failing job (`vstui.core.job_logs`)."""
        from vstui.core.job_logs import find_baseline

        entry = self.store.get((self.server, number))
        if entry is None or entry.results is None:
            return None
        return find_baseline(entry.results, ci_name, job_name, patch_set, url)

    def ci_runs(self, number: int, patch_set: int | None, ci_label: str) -> Any:
        """Every run of one CI on a patch set, side by side (`vstui.core.job_logs.RunsTable`)."""
        from vstui.core.job_logs import RunsTable, runs_side_by_side

        entry = self.store.get((self.server, number))
        if entry is None or entry.results is None:
            return RunsTable(ci_label, (), ())
        return runs_side_by_side(entry.results, patch_set, ci_label)

    def history_baseline(self, ci_label: str, job_name: str, exclude: str | None) -> str | None:
        """The newest passing run of the job by the CI on any change, from the history.

        Blocking (SQLite): call it from a thread worker."""
        if self.history is None:
            return None
        from vstui.history.baselines import latest_passing_url

        names = (ci_label, ci_label.rsplit(" (", 1)[0]) if " (" in ci_label else (ci_label,)
        return latest_passing_url(self.history.store, names, job_name, exclude)

    def zuul_status_targets(self, number: int, patch_set: int | None) -> list[tuple[str, str]]:
        """(CI label, Zuul status URL) for CIs running on the patch set (see vstui.core.job_logs)."""
        from vstui.core.job_logs import zuul_status_targets

        entry = self.store.get((self.server, number))
        if entry is None or entry.results is None:
            return []
        others = (e.results for e in self.store if e.results is not None and e is not entry)
        return zuul_status_targets(entry.results, patch_set, number, others)

    def change_view(self, number: int, patch_set: int | None = None) -> ChangeView | None:
        entry = self.store.get((self.server, number))
        if entry is None:
            return None
        change = entry.change
        numbers = tuple(sorted(ps.number for ps in change.patch_sets))
        current = entry.current_patch_set
        if current is not None and len(numbers) < current:
            # Before the detail arrives only the current revision is known; Gerrit numbers
            # patch sets 1..N, so `[` can already step back.
            numbers = tuple(range(1, current + 1))
        shown = patch_set if patch_set in numbers else (numbers[-1] if numbers else None)
        messages: tuple[MessageItem, ...] = ()
        other_threads: tuple[ThreadItem, ...] = ()
        threads: list[ThreadItem] = []
        if entry.messages is not None and entry.results is not None:
            classes = message_classes(entry.messages, entry.results)
            bot_messages = {
                m.id for m, (is_bot, _ci) in zip(entry.messages, classes, strict=True) if is_bot
            }
            threads = build_threads(
                (*(entry.comments or ()), *entry.robot_comments),
                entry.file_lines,
                is_bot_author=lambda c: c.change_message_id in bot_messages,
            )
            by_message: dict[str, list[ThreadItem]] = {}
            for thread in threads:
                by_message.setdefault(thread.change_message_id or "", []).append(thread)
            messages = tuple(
                message_item(m, is_bot, ci_name, tuple(by_message.pop(m.id, ())))
                for m, (is_bot, ci_name) in zip(entry.messages, classes, strict=True)
            )
            other_threads = tuple(t for ts in by_message.values() for t in ts)
        jobs: tuple[CIJobItem, ...] = ()
        if entry.results is not None and shown is not None:
            results = entry.results.for_patch_set(shown)
            jobs = tuple(ci_job_items(results, index_messages(entry.messages or ())))
            if self.history is not None:
                jobs = self.history.decorate(number, shown, jobs)
        loaded = (
            entry.messages is not None
            and entry.results is not None
            and shown in entry.verifications
        )
        return ChangeView(
            number=number,
            subject=change.subject,
            project=change.project,
            branch=change.branch,
            owner=change.owner.label if change.owner is not None else "",
            status=change.status,
            work_in_progress=change.work_in_progress,
            patch_sets=numbers,
            shown_patch_set=shown,
            votes=votes_line(change.labels),
            labels=label_votes(change.labels),
            messages=messages,
            jobs=jobs,
            web_url=self.web_url_for(number),
            loaded=loaded,
            other_threads=other_threads,
            unresolved=(
                unresolved_count(threads)
                if entry.comments is not None
                else change.unresolved_comment_count or 0
            ),
        )

    def recheck_choices(self, number: int, patch_set: int, job: Any = None) -> list[str]:
        """What the recheck dialog offers for `job` (a `CIJobItem` or None), best first."""
        from vstui.core.session_history import recheck_choices

        entry = self.store.get((self.server, number))
        psr = entry.results.for_patch_set(patch_set) if entry and entry.results else None
        verdicts = self.history.verdicts(number, patch_set) if self.history else None
        return recheck_choices(psr, job, verdicts, now=self.clock())

    async def post_recheck(self, number: int, patch_set: int, message: str = "recheck") -> None:
        await self.rest.post_review(number, patch_set, message=message)

    # ------------------------------------------------------------------ the reviewer's loop

    async def self_account_id(self) -> int | None:
        """The logged-in account's id (asked once); None when anonymous or unknown."""
        if self._self_id is None and not self._self_asked:
            self._self_asked = True
            get_self = getattr(self.rest, "get_self", None)
            if get_self is not None and getattr(self.rest, "authenticated", True):
                try:
                    self._self_id = (await get_self()).account_id
                except GerritError as exc:
                    log.warning("accounts/self: %s", exc)
        return self._self_id

    async def review_context(self, number: int) -> ReviewContext:
        """The labels the user may vote on this change, with their current votes."""
        return await self.rest.get_review_context(number, await self.self_account_id())

    async def post_reply(
        self,
        number: int,
        revision: int | str = "current",
        *,
        message: str = "",
        labels: Mapping[str, int] | None = None,
        comments: Sequence[CommentInput] = (),
    ) -> None:
        """Post one review (message, votes, inline replies). The caller reloads the change
        to show it at once (the stream event refreshes it again, harmlessly); a failing
        reload is not a failed post."""
        await self.rest.post_review(
            number, revision, message=message or None, labels=labels or None, comments=comments
        )

    def change_state(self, number: int, me: int | None) -> ChangeState | None:
        """What the notification rules look at for `number` (see `vstui.core.notify`)."""
        entry = self.store.get((self.server, number))
        if entry is None:
            return None
        change = entry.change
        messages = None
        if entry.messages is not None and entry.results is not None:
            classes = message_classes(entry.messages, entry.results)
            messages = tuple(
                NotifyMessage(
                    m.id,
                    m.author.account_id if m.author is not None else None,
                    m.author.label if m.author is not None else "Gerrit",
                    is_bot or m.author is None,
                )
                for m, (is_bot, _ci) in zip(entry.messages, classes, strict=True)
            )
        votes = frozenset(
            (name, a.by.account_id, a.value)
            for name, label in change.labels.items()
            for a in label.approvals
            if a.by is not None and a.by.account_id is not None and not a.by.is_service_user
        )
        reviewing = me is not None and any(
            a.account_id == me for accounts in change.reviewers.values() for a in accounts
        )
        return ChangeState(
            number=number,
            subject=change.subject,
            status=change.status,
            owner_id=change.owner.account_id if change.owner is not None else None,
            starred=change.starred,
            reviewing=reviewing,
            patch_set=entry.current_patch_set,
            ci=self._summary(entry),
            messages=messages,
            votes=votes or None,
        )

    def is_starred(self, number: int) -> bool:
        entry = self.store.get((self.server, number))
        return entry is not None and entry.change.starred

    async def set_star(self, number: int, starred: bool) -> None:
        """Star or unstar; the stored change follows at once (no event tells us)."""
        await self.rest.set_star(number, starred)
        entry = self.store.get((self.server, number))
        if entry is not None:
            entry.change = msgspec.structs.replace(entry.change, starred=starred)
            entry.version += 1
        self.listener.changes_updated(frozenset({number}))
        # A refresh fetched before the PUT may land after it: fetch once more.
        self.mark_dirty([number])

    # ------------------------------------------------------------------ events

    def apply_events(self, events: Iterable[Event]) -> set[int]:
        """Apply a batch: each event once, in order. Returns the change numbers it touched."""
        touched: set[int] = set()
        for event in events:
            key = event.line or repr(event)
            if key in self._seen:
                continue
            self._seen[key] = None
            if len(self._seen) > SEEN_EVENTS:
                self._seen.popitem(last=False)
            self.events_applied += 1
            if isinstance(event, DroppedOutput):
                continue
            if not isinstance(event, ChangeEvent):
                continue
            number = event.change_number
            if not number:
                continue
            self._apply_locally(number, event)
            touched.add(number)
        return touched

    def _apply_locally(self, number: int, event: ChangeEvent) -> None:
        """What the event says directly (status, time, new patch set) before the refetch."""
        entry = self.store.get((self.server, number))
        if entry is None:
            return
        change = entry.change
        updates: dict[str, Any] = {}
        created = event.created_on
        if created is not None and (change.updated is None or created > change.updated):
            updates["updated"] = created
        if isinstance(event, ChangeMerged):
            updates["status"] = "MERGED"
        elif isinstance(event, ChangeAbandoned):
            updates["status"] = "ABANDONED"
        elif isinstance(event, ChangeRestored):
            updates["status"] = "NEW"
        elif isinstance(event, PatchsetCreated) and event.patch_set is not None:
            known = {ps.number for ps in change.patch_sets}
            if event.patch_set.number not in known:
                updates["patch_sets"] = (*change.patch_sets, event.patch_set)
                updates["current_revision_number"] = event.patch_set.number
                updates["current_revision"] = event.patch_set.revision
        if updates:
            entry.change = msgspec.structs.replace(change, **updates)
            entry.version += 1
        if isinstance(event, ChangeDeleted):
            self._drop_from_list(number)

    def _drop_from_list(self, number: int) -> None:
        if number in self._in_list:
            self._in_list.discard(number)
            self._order = [n for n in self._order if n != number]

    def mark_dirty(self, numbers: Iterable[int]) -> None:
        numbers = set(numbers)
        self._dirty.update(numbers)
        if self._during_reconcile is not None:
            self._during_reconcile |= numbers
        if self._dirty:
            self._dirty_event.set()

    async def _drain_loop(self) -> None:
        """Wait to be woken, let a batch gather for `batch_interval`, apply it."""
        assert self.events is not None
        last_status: StreamStatus | None = None
        connections = 0
        while True:
            await self._wake.wait()
            await asyncio.sleep(self.batch_interval)
            self._wake.clear()
            status = self.events.status()
            if status != last_status:
                last_status = status
                self.status = status
                self.listener.status_changed(status)
                if status.connections > connections:
                    # A reconnect, or the first connection after starting offline on the
                    # history's cached list: the list may be stale either way.
                    if connections or self.offline_since is not None:
                        self._start_reconcile()
                    connections = status.connections
            batch = self.events.drain()
            if batch:
                touched = self.apply_events(batch)
                self.last_event_at = self.clock()
                self.listener.event_received(self.last_event_at)
                self.mark_dirty(touched)

    def _start_reconcile(self) -> None:
        """After a reconnect: one query for the list, in the background (see `reconcile_list`)."""
        if self._reconciling is not None and not self._reconciling.done():
            return  # one at a time; it reads the list as it is when it answers
        self._reconciling = asyncio.create_task(self._reconcile_quietly(), name="vstui-reconcile")

    async def _reconcile_quietly(self) -> None:
        try:
            await self.reconcile_list()
        except GerritError as exc:
            self.listener.error(f"could not refresh the list after reconnecting: {exc}")
        except Exception as exc:  # a bug must not kill live updates
            log.exception("reconciling the list failed")
            self.listener.error(f"{self.server}: could not refresh the list: {exc}")

    async def reconcile_list(self) -> set[int]:
        """Run the list's query once more and make the list what it returns: changes that
        left the query while events could have been missed (an outage, a backfill that
        failed) leave the list, new ones join it, the others get fresh rows. Returns the
        numbers whose rows joined, left or changed (also sent as one `changes_updated`).

        Nothing happens while the list itself is loading (that load is as fresh)."""
        if self._loading:
            return set()
        generation, query = self._query_generation, self.query
        changes: list[Change] = []
        start = 0
        # Changes events touch while the pages are read: their refresh may land before the
        # (older) answer does, so they are refreshed once more after it.
        self._during_reconcile = set()
        try:
            while True:
                body = await self.rest.fetch_query_page(
                    query, options=LIST_OPTIONS, limit=PAGE_SIZE, start=start
                )
                decode_changes, _has_more = await asyncio.to_thread(_decode_api)
                page = await asyncio.to_thread(decode_changes, body, server=self.server)
                changes.extend(page)
                if not page or not page[-1].more_changes:
                    break
                start += len(page)
        finally:
            during, self._during_reconcile = self._during_reconcile, None
        if generation != self._query_generation or self._loading:
            return set()  # the user ran another query meanwhile
        self.reconciles += 1
        before = self._in_list
        order: list[int] = []
        in_list: set[int] = set()
        touched: set[int] = set()
        for change in changes:
            if change.number in in_list:
                continue  # a change that moved between pages while they were read
            entry = self.store.get((self.server, change.number))
            # `updated` moves with every modification of a change: an equal one means the
            # row is still right, and its cached CI summary too.
            if entry is None or entry.change.updated != change.updated:
                entry = self.store.put_change(self.server, change)
                if change.number not in self._visible and change.number not in self._open:
                    entry.results = None  # stale until on screen again (as `_fetch_changes`)
                    entry.verifications.clear()
                touched.add(change.number)
            order.append(change.number)
            in_list.add(change.number)
        touched |= before ^ in_list
        self._in_list = in_list
        self._order = order
        # Changes on screen get their CI summary refreshed too.
        self.mark_dirty(
            n for n in touched if n in in_list and (n in self._visible or n in self._open)
        )
        self.mark_dirty(during or ())
        self.offline_since = None
        if touched:
            self.listener.changes_updated(frozenset(touched))
        return touched

    async def _refresh_loop(self) -> None:
        while True:
            await self._dirty_event.wait()
            self._dirty_event.clear()
            numbers, self._dirty = sorted(self._dirty), set()
            if not numbers:
                continue
            try:
                changed = await self._fetch_changes(numbers, membership=True)
            except GerritError as exc:
                self.listener.error(str(exc))
                # Keep them dirty: the next event (or reconnect backfill) retries.
                continue
            except Exception as exc:  # a bug must not kill live updates for the day
                log.exception("refreshing changes %s failed", numbers[:10])
                self.listener.error(f"{self.server}: could not refresh changes: {exc}")
                continue
            if changed:
                self.listener.changes_updated(frozenset(changed))

    # ------------------------------------------------------------------ fetching

    async def _fetch_changes(self, numbers: Sequence[int], *, membership: bool) -> set[int]:
        """Batched fetch of changes; returns the numbers whose rows changed.

        Changes on screen (visible rows, open changes, or an explicit summary request) are
        fetched with their messages and verify-status so their CI results are current; the
        others only get their list row, and their CI summary is dropped until they scroll
        into view. A flood of events for 10,000 changes thus costs a few list queries, not
        thousands of message fetches. With `membership`, the list query is ANDed in: changes
        it no longer returns leave the list, new ones join it (in updated order).
        """
        if membership:
            full = [n for n in numbers if n in self._visible or n in self._open]
            light = [n for n in numbers if n not in self._visible and n not in self._open]
        else:
            full, light = list(numbers), []
        opened = [n for n in full if n in self._open]
        summary = [n for n in full if n not in self._open]
        changed: set[int] = set()
        returned: set[int] = set()
        entries: list[ChangeEntry] = []
        for chunk_numbers, options in (
            *((c, OPEN_OPTIONS) for c in _chunks(opened, CHUNK)),
            *((c, SUMMARY_OPTIONS) for c in _chunks(summary, CHUNK)),
            *((c, LIST_OPTIONS) for c in _chunks(light, CHUNK)),
        ):
            ors = " OR ".join(f"change:{n}" for n in chunk_numbers)
            query = f"({self.query}) AND ({ors})" if membership else ors
            changes = await self._query_off_loop(query, options)
            for change in changes:
                entry = self.store.put_change(self.server, change)
                returned.add(change.number)
                if options is not LIST_OPTIONS:
                    entry.messages = change.messages
                    entries.append(entry)
                else:
                    # Stale until it is on screen again (then `load_summaries` refetches).
                    entry.results = None
                    entry.verifications.clear()
                    entry.version += 1
                    changed.add(change.number)
        if membership:
            # Open changes that left the query (merged, abandoned) are still on screen.
            for number in full:
                if number not in returned and number in self._open:
                    change, messages = await asyncio.gather(
                        self.rest.get_change(number, options=DETAIL_OPTIONS),
                        self.rest.list_messages(number),
                    )
                    entry = self.store.put_change(self.server, change)
                    entry.messages = messages
                    entries.append(entry)
        fetches: list[Awaitable[None]] = []
        for entry in entries:
            patch_sets = {entry.current_patch_set} | self._open.get(entry.number, set())
            fetches.extend(self._fetch_verifications(entry, ps) for ps in patch_sets if ps)
            if entry.number in self._open:
                fetches.append(self._refresh_comments(entry))
        await asyncio.gather(*fetches)
        for entry in entries:
            await self._recompute(entry)
            changed.add(entry.number)
        if membership:
            changed |= self._update_membership(numbers, returned)
        return changed

    def _update_membership(self, numbers: Sequence[int], returned: set[int]) -> set[int]:
        """Apply what a refresh learnt; returns the numbers that joined or left the list.

        The list stays in Gerrit's order (newest update first). Only the refreshed changes
        move: each is put back by binary search, so a batch costs one pass over the list
        plus a few lookups per change, not a sort of 10,000 rows.
        """
        in_list = self._in_list
        joined_or_left: set[int] = set()
        for number in numbers:
            if number in returned:
                if number not in in_list:
                    in_list.add(number)
                    joined_or_left.add(number)
            elif number in in_list:
                in_list.discard(number)
                joined_or_left.add(number)
        moved = {n for n in numbers if n in returned}
        order = [n for n in self._order if n not in moved and n in in_list]
        server, get = self.server, self.store.get

        def key(number: int) -> tuple[float, int]:
            entry = get((server, number))
            return _sort_key(entry.change) if entry is not None else (0.0, -number)

        for number in moved:
            order.insert(bisect.bisect_left(order, key(number), key=key), number)
        self._order = order
        return joined_or_left

    def _waiting_for_ci(self, entry: ChangeEntry) -> bool:
        ps = entry.current_patch_set
        if entry.results is None or ps is None:
            return False
        return any(run.pending for run in entry.results.for_patch_set(ps).runs)

    async def _pending_poll_loop(self) -> None:
        """Open changes with CIs asked to run again: their verify-status rows are read again
        every `pending_poll` seconds (a CI reporting only there sends no stream event)."""
        while True:
            await asyncio.sleep(self.pending_poll)
            waiting = [
                entry
                for n in list(self._open)
                if (entry := self.store.get((self.server, n))) is not None
                and self._waiting_for_ci(entry)
            ]
            changed: set[int] = set()
            for entry in waiting:
                ps = entry.current_patch_set
                if ps is None:
                    continue
                before = entry.verifications.get(ps)
                try:
                    await self._fetch_verifications(entry, ps)
                except GerritError as exc:
                    log.info("pending CI poll of %s: %s", entry.number, exc)
                    continue
                if entry.verifications.get(ps) != before:
                    await self._recompute(entry)
                    changed.add(entry.number)
            if changed:
                self.listener.changes_updated(frozenset(changed))

    async def _refresh_comments(self, entry: ChangeEntry) -> None:
        entry.comments, entry.robot_comments = await self._comments_or_empty(entry.number)
        await self._fetch_comment_files(entry)

    async def _query_off_loop(self, query: str, options: Sequence[str]) -> tuple[Change, ...]:
        """One page of Query Changes, decoded in a worker thread (a page of changes with
        their messages is a lot of JSON; the event loop keeps serving the UI meanwhile)."""
        body = await self.rest.fetch_query_page(query, options=options)
        decode_changes, _has_more = _decode_api()
        return await asyncio.to_thread(decode_changes, body, server=self.server)

    async def _verifications_or_empty(self, number: int, revision: int | str) -> tuple[Any, ...]:
        try:
            return await self.rest.get_verifications(number, revision)
        except GerritNotFoundError:
            return ()  # no verify-status plugin, or no such patch set: comments only

    async def _fetch_verifications(self, entry: ChangeEntry, patch_set: int) -> None:
        rows = await self._verifications_or_empty(entry.number, patch_set)
        self.store.set_verifications(entry.key, patch_set, rows)

    # ------------------------------------------------------------------ CI results

    async def _recompute(self, entry: ChangeEntry) -> None:
        """CI results of every patch set from the messages and verify-status rows known.

        Parsing a busy change's 1,300 messages takes a while: it runs in a worker thread so
        the event loop (and the UI on it) keeps answering meanwhile. Two fetches of one
        change can overlap (opening it while a patch set loads); results computed from
        inputs that changed meanwhile are recomputed, never stored over newer ones.
        """
        while True:
            inputs = _inputs_of(entry)
            messages = entry.messages or ()
            verifications = dict(entry.verifications)
            results = await asyncio.to_thread(
                _build_results, messages, verifications, self.bot_rules
            )
            if _inputs_of(entry) == inputs:
                entry.results = results
                entry.version += 1
                if self.history is not None:
                    await self._history_write(entry)
                return

    async def _history_write(self, entry: ChangeEntry) -> None:
        """Store the entry's runs; verdicts for its patch sets on screen (worker thread)."""
        shown = set(self._open.get(entry.number, ()))
        if entry.number in self._open and entry.current_patch_set is not None:
            shown.add(entry.current_patch_set)
        await self.history.write(entry.change, entry.messages, entry.results, shown)
        entry.version += 1


def _inputs_of(entry: ChangeEntry) -> tuple[int, tuple[tuple[int, int], ...]]:
    """Identity of what CI results are computed from (tuples are replaced, never mutated)."""
    rows = tuple(sorted((ps, id(v)) for ps, v in entry.verifications.items()))
    return (id(entry.messages), rows)


def _build_results(
    messages: Sequence[ChangeMessage],
    verifications: Mapping[int, Sequence[Verification]],
    rules: BotRules | None,
) -> ChangeResults:
    from vstui.ci.results import build_change_results

    return build_change_results(messages, verifications=verifications, rules=rules)


def message_classes(messages: Sequence[Any], results: Any) -> list[tuple[bool, str | None]]:
    """(is_bot, CI name) for each message, in the given order, from `ChangeResults`.

    `build_change_results` returns its parsed messages in chronological order (by date when
    every message has one, stable otherwise); apply the same order to map them back.
    """
    parsed = list(getattr(results, "messages", ()) or ())
    if len(parsed) != len(messages):
        return [(False, None)] * len(messages)
    indices = list(range(len(messages)))
    if messages and all(getattr(m, "date", None) is not None for m in messages):
        indices.sort(key=lambda i: (messages[i].date, i))
    out: list[tuple[bool, str | None]] = [(False, None)] * len(messages)
    for rank, index in enumerate(indices):
        result = parsed[rank]
        out[index] = (result.is_bot, result.ci_name)
    return out
