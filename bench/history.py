"""The CI history at a million runs: ingest rate, one change's verdicts, ci-health, size.

Synthetic but shaped like a busy server: 40 CIs with 1-4 jobs each, 25,000 changes with
1-3 patch sets, a recheck on one run in eight, 60 days; rows ingested in batches of 10,000
(one transaction each), as `vstui sync` writes pages. Each figure has a floor measured in
the same run:

- ingest: `HistoryStore.add` vs a bare `executemany` of the same rows, prebuilt as tuples,
  into an un-indexed table (no hashing, no interning, no indexes). Goal >= 50,000 runs/s.
- one change's verdicts (flaky, failing elsewhere, new failure, infra, missing): median and
  worst of 50 changes vs the bare `SELECT` of that change's rows. Goal <= 20 ms.
- ci-health over every run: vs one `COUNT/SUM` scan of the run table. Goal <= 1 s.
- database size per million runs (file + WAL after a checkpoint).

    python bench/history.py [RUNS]      (default 1,000,000)
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time

from vstui.history import HistoryStore, RunRecord
from vstui.history.health import ci_health
from vstui.history.verdicts import change_verdicts

DAY = 86400.0
NOW = 1_800_000_000.0
BATCH = 10_000


def make_runs(n: int, seed: int = 1) -> list[RunRecord]:
    rng = random.Random(seed)
    cis = []
    for i in range(40):
        jobs = [f"ci{i}-job{j}-tempest-full" for j in range(rng.randint(1, 4))]
        fail = rng.choice([0.02, 0.05, 0.1, 0.3, 0.8])
        cis.append((f"ci-{i}", f"Vendor {i} CI", jobs, fail))
    projects = [f"openstack/p{i}" for i in range(15)]
    out: list[RunRecord] = []
    change = 300_000
    while len(out) < n:
        change += 1
        project = projects[change % len(projects)]
        t = NOW - 60 * DAY + (len(out) / n) * 60 * DAY
        for ps in range(1, rng.randint(1, 3) + 1):
            for ci, name, jobs, fail in rng.sample(cis, 8):
                reports = 2 if rng.random() < 0.125 else 1
                for r in range(reports):
                    key = f"{change}-{ps}-{ci}-{r}"
                    when = t + ps * 3600 + r * 1800 + rng.random() * 600
                    for job in jobs:
                        word = "FAILURE" if rng.random() < fail else "SUCCESS"
                        if word == "FAILURE" and rng.random() < 0.1:
                            word = "NODE_FAILURE"
                        out.append(
                            RunRecord(
                                change,
                                ps,
                                project,
                                ci,
                                name,
                                "check",
                                job,
                                word,
                                True,
                                f"https://logs.example.org/{change}/{ps}/{job}/{r}/",
                                1800,
                                when,
                                key,
                            )
                        )
    return out[:n]


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(f"(machine shared with other agents: figures are noisy; {os.cpu_count()} CPUs)")
    t0 = time.perf_counter()
    runs = make_runs(n)
    print(f"generated {len(runs):,} runs in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        # ---------------------------------------------------------------- floor: bare insert
        floor_db = sqlite3.connect(os.path.join(tmp, "floor.sqlite3"), isolation_level=None)
        floor_db.execute("PRAGMA journal_mode = WAL")
        floor_db.execute("PRAGMA synchronous = NORMAL")
        floor_db.execute(
            "CREATE TABLE run (change INTEGER, patch_set INTEGER, project TEXT, ci TEXT, "
            "job TEXT, result TEXT, voting INTEGER, url TEXT, duration_s INTEGER, time REAL, "
            "report_key TEXT)"
        )
        rows = [
            (r.change, r.patch_set, r.project, r.ci, r.job, r.result, int(r.voting), r.url,
             r.duration_s, r.time, r.report_key)
            for r in runs
        ]  # fmt: skip
        t0 = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            floor_db.execute("BEGIN")
            floor_db.executemany(
                "INSERT INTO run VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows[i : i + BATCH]
            )
            floor_db.execute("COMMIT")
        floor_s = time.perf_counter() - t0
        floor_db.close()
        del rows

        # ---------------------------------------------------------------- ingest
        path = os.path.join(tmp, "history.sqlite3")
        store = HistoryStore(path, server="bench")
        t0 = time.perf_counter()
        for i in range(0, len(runs), BATCH):
            store.add(runs[i : i + BATCH])
        ingest_s = time.perf_counter() - t0
        assert store.count() == len(runs), store.count()
        again0 = time.perf_counter()
        assert store.add(runs[:BATCH]) == 0  # idempotent: a re-sync adds nothing
        again_s = time.perf_counter() - again0
        rate = len(runs) / ingest_s
        print(
            f"ingest: {rate:,.0f} runs/s ({ingest_s:.2f} s); bare executemany, no index: "
            f"{len(runs) / floor_s:,.0f} runs/s ({floor_s:.2f} s); ratio {ingest_s / floor_s:.2f}x"
        )
        print(f"  re-adding {BATCH:,} known runs: {again_s * 1000:.0f} ms (all ignored)")
        print(f"goal >= 50,000 runs/s: {'met' if rate >= 50_000 else 'MISSED'}")

        store.checkpoint()
        size = store.file_size()
        print(
            f"size: {size / 1e6:.1f} MB for {len(runs):,} runs = "
            f"{size / len(runs) * 1e6 / 1e6:.0f} MB per million runs ({size / len(runs):.0f} B/run)"
        )

        # ---------------------------------------------------------------- verdicts
        rng = random.Random(5)
        picks = rng.sample(runs, 50)
        now = max(r.time for r in runs) + 600
        times, floors = [], []
        found = 0
        for r in picks:
            t0 = time.perf_counter()
            v = change_verdicts(store, r.change, r.patch_set, now=now, project=r.project)
            times.append(time.perf_counter() - t0)
            found += sum(1 for _ in v.all())
            t0 = time.perf_counter()
            store.query(
                "SELECT * FROM run WHERE change = ? AND patch_set <= ?", (r.change, r.patch_set)
            )
            floors.append(time.perf_counter() - t0)
        med, worst = statistics.median(times), max(times)
        print(
            f"one change's verdicts: median {med * 1000:.1f} ms, worst {worst * 1000:.1f} ms "
            f"({found} verdicts on 50 changes); bare SELECT of its rows: median "
            f"{statistics.median(floors) * 1000:.2f} ms"
        )
        print(
            f"goal <= 20 ms: {'met' if worst <= 0.020 else ('met at the median' if med <= 0.020 else 'MISSED')}"
        )

        # ---------------------------------------------------------------- ci-health
        t0 = time.perf_counter()
        cis = ci_health(store, since=NOW - 61 * DAY, now=now)
        health_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        store.query("SELECT COUNT(*), SUM(status) FROM run")
        scan_s = time.perf_counter() - t0
        week = time.perf_counter()
        ci_health(store, since=now - 7 * DAY, now=now)
        week_s = time.perf_counter() - week
        print(
            f"ci-health over all {len(runs):,} runs: {health_s:.2f} s ({len(cis)} CIs); "
            f"last 7 days: {week_s:.2f} s; one COUNT/SUM scan: {scan_s:.2f} s "
            f"(ratio {health_s / scan_s:.1f}x)"
        )
        print(f"goal <= 1 s: {'met' if health_s <= 1.0 else 'MISSED'}")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
