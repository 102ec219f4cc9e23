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
    from vstui.ci.results import build_change_results
    from vstui.gerrit.decode import decode_changes
    from vstui.gerrit.httpcommon import query_params

    now = clock()
    cursor_text = history.get_meta(CURSOR_KEY)
    if since_s is not None:
        start = now - since_s
    elif cursor_text is not None:
        start = float(cursor_text) - OVERLAP_S
    else:
        start = now - DEFAULT_SINCE_S
    query = f'since:"{gerrit_time(start)}"'
    if project:
        query += f' project:"{project}"'
    seen = new = 0
    newest = float(cursor_text) if cursor_text is not None else start
    offset = 0
    while True:
        response = client.request(
            "GET", "changes/", params=query_params(query, SYNC_OPTIONS, PAGE_SIZE, offset)
        )
        page = decode_changes(response.content, server=getattr(client, "server", "gerrit"))
        records = []
        for change in page:
            results = build_change_results(change.messages or (), rules=rules)
            records.extend(records_from_results(change.number, change.project, results))
            if change.updated is not None:
                newest = max(newest, change.updated.timestamp())
        new += history.add(records)
        seen += len(page)
        offset += len(page)
        if progress is not None:
            progress(seen, new)
        if not page or not page[-1].more_changes:
            break
    if project is None:
        history.set_meta(CURSOR_KEY, repr(min(newest, now)))
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
        cursor = self.history.get_meta(CURSOR_KEY)
        if newest and cursor is not None and newest > float(cursor):
            self.history.set_meta(CURSOR_KEY, repr(newest))
        return added
