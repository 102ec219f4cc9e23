"""Emulator world figures: scenario build times, mutation/event throughput, store queries.

Prints one line per figure. Floors measured in the same run:
- event emission vs plain `json.dumps` of the same event dicts (the serialisation floor);
- query vs a bare list comprehension over the same changes (the scan floor).
Budgets from the brief: seed < 0.3 s, large:10000 within a few seconds.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vstui.fake.activity import Activity
from vstui.fake.render_rest import change_info
from vstui.fake.scenarios import load_scenario
from vstui.fake.store import GerritStore

T0 = 1_700_000_000.0


def timed(fn, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def build(name: str) -> GerritStore:
    s = GerritStore(clock=lambda: T0)
    load_scenario(s, name, seed=0)
    return s


def main() -> int:
    seed_times = timed(lambda: build("seed"), repeat=7)
    print(
        f"seed build: median {statistics.median(seed_times) * 1000:.0f} ms, "
        f"best {min(seed_times) * 1000:.0f} ms (budget 300 ms)"
    )
    empty_times = timed(lambda: build("empty"), repeat=5)
    print(f"empty build: median {statistics.median(empty_times) * 1000:.1f} ms")
    holder: list[GerritStore] = []
    large_times = timed(lambda: holder.append(build("large:10000")), repeat=2)
    large = holder[-1]
    msgs = sum(len(c.messages) for c in large.changes())
    print(
        f"large:10000 build: best {min(large_times):.2f} s "
        f"({len(large.changes())} changes, {msgs} messages; budget a few seconds)"
    )

    # Mutation throughput through the one path (events serialised, no subscribers).
    s = build("empty")
    c = s.create_change("sandbox", "smcginnis", "bench")
    n = 3000
    seq = s.last_seq
    dt = min(timed(lambda: [s.post_review(c, 1, "ci-bot", message=f"m{i}") for i in range(n)]))
    events = s.last_seq - seq
    dicts = [e.data for e in s.events(seq)]
    floor = min(timed(lambda: [json.dumps(d, separators=(",", ":")) for d in dicts], repeat=3))
    print(
        f"post_review: {n / dt:,.0f} reviews/s, {events / dt:,.0f} events/s emitted "
        f"(json.dumps floor {events / floor:,.0f} events/s; ratio {dt / floor:.1f}x)"
    )
    got: list[int] = []
    for _ in range(100):
        s.subscribe(lambda e: got.append(1))
    dt = min(timed(lambda: [s.post_review(c, 1, "ci-bot", message=f"x{i}") for i in range(1000)]))
    print(f"post_review with 100 in-process subscribers: {1000 / dt:,.0f} reviews/s")

    # Store-level queries on the large world (what REST /changes/?q= and gerrit query run).
    for q in (
        "status:open",
        "project:openstack/cinder status:open",
        "label:Verified=-1",
        "owner:rosmaita",
    ):
        qt = statistics.median(timed(lambda q=q: large.query(q, limit=25), repeat=9))
        scan = statistics.median(
            timed(lambda: [ch for ch in large.changes() if ch.status == "NEW"], repeat=9)
        )
        print(f"query {q!r} limit 25: {qt * 1000:.1f} ms (bare scan floor {scan * 1000:.1f} ms)")
    res = large.query("status:open", limit=25).changes
    opts = {"LABELS", "DETAILED_ACCOUNTS", "CURRENT_REVISION", "MESSAGES"}
    rt = statistics.median(timed(lambda: [change_info(large, ch, opts) for ch in res], repeat=9))
    print(
        f"render 25 ChangeInfo (LABELS, DETAILED_ACCOUNTS, CURRENT_REVISION, MESSAGES): {rt * 1000:.1f} ms"
    )
    heavy = max(large.changes(), key=lambda ch: len(ch.messages))
    ht = statistics.median(timed(lambda: change_info(large, heavy, opts), repeat=5))
    print(f"render the heaviest change ({len(heavy.messages)} messages): {ht * 1000:.1f} ms")

    # Activity: the highest sustained rate the generator reaches here.
    s = GerritStore()
    load_scenario(s, "seed")
    a = Activity(s, rate=1_000_000, seed=0)
    start_seq = s.last_seq
    a.start()
    time.sleep(2.0)
    a.stop()
    print(f"activity max rate: {(s.last_seq - start_seq) / 2.0:,.0f} events/s (asked 1e6/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
