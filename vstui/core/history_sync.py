"""Filling the history from the server: incremental sync, and the per-change write path.

`sync_history` pages over the changes updated since the last sync (Query Changes with
`since:` and `o=MESSAGES`, 500 per page), computes each change's CI results with
`vstui.ci` (the one place that counts them) and writes the runs, one transaction per page.
The cursor (the newest `updated` seen, minus an overlap) is kept in the history file, so
the next sync asks only for what changed. Blocking: run it in a thread.

`write_change` is what the TUI session, `vstui record` and `vstui checks` call for one
change they have just fetched.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from vstui.history import HistoryStore, records_from_results

SYNC_OPTIONS = ("MESSAGES", "DETAILED_ACCOUNTS", "CURRENT_REVISION")
PAGE_SIZE = 500
OVERLAP_S = 120.0  # re-ask this much before the cursor: clocks and same-second updates
CURSOR_KEY = "sync_cursor"
DEFAULT_SINCE_S = 7 * 86400.0

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 86400.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}


def parse_since(text: str) -> float:
    """`7d`, `12h`, `2w`, `30m`, `90s` (a bare number is days) -> seconds."""
    m = _AGE.match(text)
    if m is None:
        raise ValueError(f"{text!r}: not a duration (e.g. 7d, 12h, 2w)")
    return float(m.group(1)) * _UNITS[m.group(2)]


def gerrit_time(t: float) -> str:
    """A Gerrit query timestamp with an explicit UTC offset (server zone independent)."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S +0000")


@dataclass(frozen=True, slots=True)
class SyncResult:
    changes: int
    new_runs: int
    since: float


def write_change(
    history: HistoryStore,
    change: Any,
    messages: Any,
    *,
    verifications: Any = None,
    rules: Any = None,
    results: Any = None,
) -> int:
    """Store the CI runs of one fetched change; returns how many were new. `results` (a
    `ChangeResults` already computed) saves recomputing them."""
    if results is None:
        from vstui.ci.results import build_change_results

        results = build_change_results(messages or (), verifications=verifications, rules=rules)
    return history.add(records_from_results(change.number, change.project, results))


@dataclass(frozen=True, slots=True)
class PageResult:
    changes: int
    new_runs: int
    newest: float  # the newest `updated` on the page (0 when none)
    more: bool


def ingest_page(
    body: bytes, history: HistoryStore, *, rules: Any = None, server: str = "gerrit"
) -> PageResult:
    """Decode one Query Changes page (with messages), store its CI runs (one transaction).
    Blocking and thread-safe: the CLIs call it inline, the session in a worker thread."""
    from vstui.ci.results import build_change_results
    from vstui.gerrit.decode import decode_changes

    page = decode_changes(body, server=server)
    records = []
    newest = 0.0
    for change in page:
        results = build_change_results(change.messages or (), rules=rules)
        records.extend(records_from_results(change.number, change.project, results))
        if change.updated is not None:
            newest = max(newest, change.updated.timestamp())
    added = history.add(records)
    return PageResult(len(page), added, newest, bool(page) and page[-1].more_changes)


def sync_start(history: HistoryStore, since_s: float | None, now: float) -> float:
    """Where a sync starts: `since_s` ago when given, else the cursor minus an overlap, else
    the default week."""
    cursor_text = history.get_meta(CURSOR_KEY)
    if since_s is not None:
        return now - since_s
    if cursor_text is not None:
        return float(cursor_text) - OVERLAP_S
    return now - DEFAULT_SINCE_S


def sync_query(start: float, project: str | None = None) -> str:
    query = f'since:"{gerrit_time(start)}"'
    if project:
        query += f' project:"{project}"'
    return query


def advance_cursor(history: HistoryStore, newest: float, now: float) -> None:
    cursor_text = history.get_meta(CURSOR_KEY)
    value = min(newest, now) if newest else now
    if cursor_text is None or value > float(cursor_text):
        history.set_meta(CURSOR_KEY, repr(value))


def sync_history(
    client: Any,
    history: HistoryStore,
    *,
    since_s: float | None = None,
    rules: Any = None,
    project: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    clock: Callable[[], float] = time.time,
) -> SyncResult:
    """Sync the changes updated since the cursor (or since `since_s` ago when given, or the
    default week on a first sync). `client` is a `GerritSyncClient`. `progress(changes,
    new_runs)` is called after each page."""
    from concurrent.futures import ThreadPoolExecutor

    from vstui.gerrit.decode import page_has_more
    from vstui.gerrit.httpcommon import query_params

    now = clock()
    start = sync_start(history, since_s, now)
    query = sync_query(start, project)
    seen = new = 0
    newest = 0.0
    server = getattr(client, "server", "gerrit")

    def fetch(offset: int) -> bytes:
        response = client.request(
            "GET", "changes/", params=query_params(query, SYNC_OPTIONS, PAGE_SIZE, offset)
        )
        return bytes(response.content)

    # The next page is requested while this one is parsed and written (one request in
    # flight at a time); a guess at its offset that turns out wrong is fetched again.
    with ThreadPoolExecutor(max_workers=1) as pool:
        body = fetch(0)
        while True:
            ahead = pool.submit(fetch, seen + PAGE_SIZE) if page_has_more(body) else None
            page = ingest_page(body, history, rules=rules, server=server)
            seen += page.changes
            new += page.new_runs
            newest = max(newest, page.newest)
            if progress is not None:
                progress(seen, new)
            if not page.changes or not page.more:
                if ahead is not None:
                    ahead.cancel()
                break
            if ahead is not None and page.changes == PAGE_SIZE:
                body = ahead.result()
            else:
                if ahead is not None:
                    ahead.result()  # let it finish; its offset was wrong
                body = fetch(seen)
    if project is None:
        advance_cursor(history, newest, now)
    return SyncResult(seen, new, start)


async def sync_history_async(
    rest: Any,
    history: HistoryStore,
    *,
    rules: Any = None,
    server: str = "gerrit",
    clock: Callable[[], float] = time.time,
) -> SyncResult:
    """`sync_history` for the session: pages over its async REST client
    (`fetch_query_page`), decoding and writing each page in a worker thread."""
    import asyncio

    now = clock()
    start = await asyncio.to_thread(sync_start, history, None, now)
    query = sync_query(start)
    seen = new = 0
    newest = 0.0
    while True:
        body = await rest.fetch_query_page(query, options=SYNC_OPTIONS, limit=PAGE_SIZE, start=seen)
        page = await asyncio.to_thread(ingest_page, body, history, rules=rules, server=server)
        seen += page.changes
        new += page.new_runs
        newest = max(newest, page.newest)
        if not page.changes or not page.more:
            break
    await asyncio.to_thread(advance_cursor, history, newest, now)
    return SyncResult(seen, new, start)


class Recorder:
    """Stream + backfill -> history, headless (`vstui record`). Each batch of events names
    changes; they are fetched in one `change:A OR change:B ...` query (with messages) and
    their CI runs written in one transaction. The stream reconnects and backfills by itself.
    """

    CHUNK = 40

    def __init__(self, conn: Any, history: HistoryStore, *, rules: Any = None) -> None:
        self.conn = conn
        self.history = history
        self.rules = rules
        self.changes = 0
        self.new_runs = 0

    def run(self, stop: Any, *, batch: float = 1.0) -> None:
        """Until `stop` (a threading.Event) is set; raises the stream's fatal error."""
        import threading

        lock = threading.Lock()
        pending: set[int] = set()

        def on_event(event: Any) -> None:
            if getattr(event, "type", None) == "comment-added":
                number = getattr(event, "change_number", None)
                if number is not None:
                    with lock:
                        pending.add(int(number))

        client = self.conn.sync_client()
        stream = self.conn.event_stream(on_event=on_event)
        stream.start()
        try:
            while not stop.wait(batch):
                with lock:
                    numbers = sorted(pending)
                    pending.clear()
                if numbers:
                    self.fetch(client, numbers)
                if not stream.running:
                    if stream.error is not None:
                        raise stream.error
                    return
        finally:
            stream.stop(timeout=1.0)
            client.close()

    def fetch(self, client: Any, numbers: list[int]) -> int:
        """Fetch these changes with messages and store their runs; returns new runs."""
        from vstui.ci.results import build_change_results
        from vstui.gerrit.decode import decode_changes
        from vstui.gerrit.httpcommon import query_params

        added = 0
        newest = 0.0
        for i in range(0, len(numbers), self.CHUNK):
            chunk = numbers[i : i + self.CHUNK]
            query = " OR ".join(f"change:{n}" for n in chunk)
            response = client.request(
                "GET", "changes/", params=query_params(query, SYNC_OPTIONS, len(chunk), 0)
            )
            records = []
            for change in decode_changes(response.content, server=client.server):
                results = build_change_results(change.messages or (), rules=self.rules)
                records.extend(records_from_results(change.number, change.project, results))
                if change.updated is not None:
                    newest = max(newest, change.updated.timestamp())
                self.changes += 1
            added += self.history.add(records)
        self.new_runs += added
        if newest and self.history.get_meta(CURSOR_KEY) is not None:
            advance_cursor(self.history, newest, time.time())
        return added
