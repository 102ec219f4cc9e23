"""CI health over a window: per CI and per job, runs, failures, success rate, flaky count,
changes failing now, last seen, a daily trend; and a job's recent failures.

Three aggregate queries over the (job, change, patch set, time, status) index, whatever the
number of CIs; pipelines of one job name merge into one row. A run is one report of one
job (a recheck makes a second run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vstui.history.store import HistoryStore

DAY = 86400.0
TREND_DAYS = 7
# A CI is marked stopped when silent this long and longer than 3 of its usual gaps.
STOPPED_AFTER = DAY


@dataclass(slots=True)
class JobHealth:
    job: str
    runs: int = 0
    failed: int = 0
    passed: int = 0
    flaky: int = 0
    changes_failing_now: int = 0
    last_seen: float = 0.0
    trend: list[float | None] = field(default_factory=lambda: [None] * TREND_DAYS)
    job_ids: list[int] = field(default_factory=list)

    @property
    def success_rate(self) -> float | None:
        return _success_rate(self.passed, self.failed)

    def as_json(self) -> dict[str, Any]:
        return {
            "job": self.job,
            "runs": self.runs,
            "failed": self.failed,
            "success_rate": self.success_rate,
            "flaky": self.flaky,
            "changes_failing_now": self.changes_failing_now,
        }


@dataclass(slots=True)
class CIHealth:
    ci: str  # identity (reporting account)
    ci_name: str
    runs: int = 0
    failed: int = 0
    passed: int = 0
    flaky: int = 0
    changes_failing_now: int = 0
    last_seen: float | None = None
    stopped: bool = False
    jobs: list[JobHealth] = field(default_factory=list)
    trend: list[float | None] = field(default_factory=lambda: [None] * TREND_DAYS)

    @property
    def success_rate(self) -> float | None:
        return _success_rate(self.passed, self.failed)

    def as_json(self) -> dict[str, Any]:
        return {
            "ci": self.ci_name,
            "runs": self.runs,
            "failed": self.failed,
            "success_rate": self.success_rate,
            "last_seen": _iso(self.last_seen),
            "jobs": [j.as_json() for j in self.jobs],
        }


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def ci_health(
    store: HistoryStore,
    *,
    since: float,
    now: float,
    project: str | None = None,
    ci: str | None = None,
) -> list[CIHealth]:
    """Health of every CI with runs since `since` (optionally one project / one CI, by
    identity or display name, any case), worst success rate first."""
    where = "time >= ?"
    params: list[Any] = [since]
    if project is not None:
        where += " AND project_id = (SELECT id FROM project WHERE name = ?)"
        params.append(project)
    jobs = {
        int(r[0]): (int(r[1]), str(r[2]), str(r[3]), str(r[4]))
        for r in store.query(
            "SELECT job.id, ci.id, ci.key, ci.name, job.name FROM job JOIN ci ON ci.id = job.ci_id"
        )
    }
    if ci is not None:
        c = ci.casefold()
        wanted = {j for j, v in jobs.items() if c in (v[1].casefold(), v[2].casefold())}
        if not wanted:
            return []
        where += f" AND job_id IN ({','.join(str(j) for j in sorted(wanted))})"
    # Totals stream in index order (no sort); the trend groups only the last week's rows.
    base = store.query(
        "SELECT job_id, COUNT(*), SUM(status IN (1, 2)), SUM(status = 0), MAX(time), "
        f"MIN(time) FROM run WHERE {where} GROUP BY job_id",
        params,
    )
    # Per patch set: did the job both pass and fail (flaky)? Per change: is its latest run
    # a failure (SQLite's bare column of MAX)? Both in the index's order.
    flaky = dict(
        store.query(
            "SELECT job_id, COUNT(*) FROM ("
            f" SELECT job_id FROM run WHERE {where} AND status != 3"
            " GROUP BY job_id, change, patch_set"
            " HAVING MIN(status) = 0 AND MAX(status) >= 1) GROUP BY job_id",
            params,
        )
    )
    failing_now = dict(
        store.query(
            "SELECT job_id, SUM(st IN (1, 2)) FROM ("
            f" SELECT job_id, status AS st, MAX(time) FROM run WHERE {where}"
            " GROUP BY job_id, change) GROUP BY job_id",
            params,
        )
    )
    trend_start = now - TREND_DAYS * DAY
    trend: dict[int, list[tuple[int, int, int]]] = {}
    for job_id, day, finished, passed in store.query(
        f"SELECT job_id, CAST((time - ?) / {DAY} AS INTEGER) AS d, SUM(status != 3), "
        f"SUM(status = 0) FROM run WHERE {where} GROUP BY job_id, d",
        [trend_start, max(since, trend_start), *params[1:]],
    ):
        trend.setdefault(int(job_id), []).append((int(day), int(finished), int(passed or 0)))
    last_seen = {
        int(r[0]): float(r[1])
        for r in store.query("SELECT id, last_seen FROM ci WHERE last_seen IS NOT NULL")
    }

    cis: dict[int, CIHealth] = {}
    by_job: dict[tuple[int, str], JobHealth] = {}
    day_totals: dict[tuple[int, str], list[tuple[int, int]]] = {}
    first: dict[int, float] = {}
    for job_id, runs, failed, passed, newest, oldest in base:
        ci_id, key, name, job = jobs[int(job_id)]
        ch = cis.get(ci_id)
        if ch is None:
            ch = cis[ci_id] = CIHealth(key, name, last_seen=last_seen.get(ci_id))
        jh = by_job.get((ci_id, job))
        if jh is None:
            jh = by_job[(ci_id, job)] = JobHealth(job)
            ch.jobs.append(jh)
            day_totals[(ci_id, job)] = [(0, 0)] * TREND_DAYS
        first[ci_id] = min(first.get(ci_id, float(oldest)), float(oldest))
        jh.job_ids.append(int(job_id))
        jh.runs += int(runs)
        jh.failed += int(failed or 0)
        jh.passed += int(passed or 0)
        jh.flaky += int(flaky.get(job_id, 0))
        jh.changes_failing_now += int(failing_now.get(job_id, 0) or 0)
        jh.last_seen = max(jh.last_seen, float(newest))
        totals = day_totals[(ci_id, job)]
        for day, n, p in trend.get(int(job_id), ()):
            if 0 <= day < TREND_DAYS:
                a, b = totals[day]
                totals[day] = (a + n, b + p)
    for (ci_id, job), jh in by_job.items():
        ch = cis[ci_id]
        ch.runs += jh.runs
        ch.failed += jh.failed
        ch.passed += jh.passed
        ch.flaky += jh.flaky
        ch.changes_failing_now += jh.changes_failing_now
        totals = day_totals[(ci_id, job)]
        jh.trend = [p / n if n else None for n, p in totals]
    for ci_id, ch in cis.items():
        sums = [(0, 0)] * TREND_DAYS
        for (cid, _job), totals in day_totals.items():
            if cid == ci_id:
                sums = [(a + n, b + p) for (a, b), (n, p) in zip(sums, totals, strict=True)]
        ch.trend = [p / n if n else None for n, p in sums]
        ch.jobs.sort(key=lambda j: (j.success_rate if j.success_rate is not None else 2, j.job))
        if ch.last_seen is not None:
            active = max(0.0, ch.last_seen - first.get(ci_id, ch.last_seen))
            usual_gap = active / max(1, ch.runs - 1) if ch.runs > 1 else now - since
            ch.stopped = now - ch.last_seen > max(STOPPED_AFTER, 3 * usual_gap)
    return sorted(
        cis.values(),
        key=lambda c: (c.success_rate if c.success_rate is not None else 2, c.ci_name.casefold()),
    )


def health_json(cis: list[CIHealth], since: float) -> dict[str, Any]:
    """The `vstui ci-health --json` document."""
    return {"since": _iso(since), "cis": [c.as_json() for c in cis]}


@dataclass(frozen=True, slots=True)
class Failure:
    change: int
    patch_set: int
    job: str
    result: str
    url: str | None
    time: float


def recent_failures(
    store: HistoryStore, job_ids: list[int], *, since: float, limit: int = 50
) -> list[Failure]:
    """The newest failures (and infra outcomes) of these jobs since `since`."""
    if not job_ids:
        return []
    marks = ",".join(str(int(j)) for j in job_ids)
    rows = store.query(
        "SELECT run.change, run.patch_set, job.name, run.result, run.url, run.time FROM run "
        f"JOIN job ON job.id = run.job_id WHERE run.job_id IN ({marks}) AND run.time >= ? "
        "AND run.status IN (1, 2) ORDER BY run.time DESC LIMIT ?",
        (since, limit),
    )
    return [Failure(int(r[0]), int(r[1]), str(r[2]), str(r[3]), r[4], float(r[5])) for r in rows]


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """Success rates 0..1 (None: no runs that day) as block characters, oldest first."""
    out = []
    for v in values:
        if v is None:
            out.append("·")
        else:
            out.append(SPARK[min(len(SPARK) - 1, int(v * (len(SPARK) - 1) + 0.5))])
    return "".join(out)


def _success_rate(passed: int, failed: int) -> float | None:
    """Passed over finished runs (None before any finished), to 4 places."""
    done = passed + failed
    return round(passed / done, 4) if done else None
