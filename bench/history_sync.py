"""`vstui sync` of the `large:10000` world (10,000 changes with their messages) into an
empty history, vs the bare GETs of the same pages (same emulator, same run).

Timed: `sync_history` (GET 500-change pages with MESSAGES, decode, compute CI results with
`vstui.ci`, write the runs) against sequential httpx GETs of exactly the same URLs that
only read the bodies. The sync is sequential too (one page after the other), like the CLI.
"""

from __future__ import annotations

import sys
import tempfile
import time

import httpx

from vstui.core.history_sync import PAGE_SIZE, SYNC_OPTIONS, gerrit_time, sync_history
from vstui.gerrit.connect import ServerConnection
from vstui.gerrit.httpcommon import query_params
from vstui.history import HistoryStore

CHANGES = 10_000
WINDOW_S = 40 * 86400.0


def main() -> int:
    from vstui.fake import FakeGerrit

    print("(machine shared with other agents: figures are noisy)")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        with FakeGerrit(scenario=f"large:{CHANGES}", state_dir=tmp) as fg:
            print(f"world built and served in {time.perf_counter() - t0:.1f} s")
            conn = ServerConnection.from_info(fg.info, state_dir=tmp)
            # bare GETs of the same pages
            start = time.time() - WINDOW_S
            query = f'since:"{gerrit_time(start)}"'
            auth = (conn.credentials.username, conn.credentials.password)  # type: ignore[union-attr]
            t0 = time.perf_counter()
            got = 0
            with httpx.Client(base_url=fg.http_url, auth=auth, timeout=60) as http:
                while True:
                    r = http.get(
                        "a/changes/", params=query_params(query, SYNC_OPTIONS, PAGE_SIZE, got)
                    )
                    body = r.content
                    n = body.count(b'"_number"')
                    got += n
                    if not n or b'"_more_changes"' not in body:
                        break
            bare = time.perf_counter() - t0
            history = HistoryStore(f"{tmp}/h.sqlite3")
            client = conn.sync_client()
            t0 = time.perf_counter()
            result = sync_history(client, history, since_s=WINDOW_S)
            synced = time.perf_counter() - t0
            client.close()
            print(
                f"vstui sync of {result.changes:,} changes: {synced:.2f} s, "
                f"{result.new_runs:,} runs stored; bare GETs of the same {got:,} changes: "
                f"{bare:.2f} s (ratio {synced / bare:.2f}x)"
            )
            t0 = time.perf_counter()
            again = sync_history(conn.sync_client(), history)
            print(
                f"incremental sync right after: {time.perf_counter() - t0:.2f} s, "
                f"{again.changes} changes, {again.new_runs} new runs"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
