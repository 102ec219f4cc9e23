"""Verdicts on a patch set's job results, from the history (a few indexed queries).

- `flaky`: on this patch set the job both failed and passed (a recheck changed the
  outcome; Chromium Findit's definition), with the number of flips.
- `failing_elsewhere`: the job's latest result is a failure on K of the M other changes it
  ran on within the window, K >= `min_failed` and K/M >= `min_ratio`.
- `new_failure`: failed here, passed on the previous patch set it ran on.
- `infra`: the result word is an infrastructure outcome (NODE_FAILURE, RETRY_LIMIT, ...).
- `missing`: a CI that reports on most recent patch sets of this project has not
  reported on this one after its usual delay (learned from the history).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vstui.history.records import FAIL, INFRA, OTHER, PASS
from vstui.history.store import HistoryStore

DAY = 86400.0
# How many of a project's newest runs `missing` learns from (bounds its cost).
MISSING_SAMPLE_RUNS = 2000


@dataclass(frozen=True, slots=True)
class VerdictRules:
    """Thresholds (config `[history]` may override them)."""

    window_days: float = 7.0
    min_failed: int = 2
    min_ratio: float = 0.5
    missing_recent: int = 30  # the project's newest patch sets `missing` looks at
    missing_coverage: float = 0.8  # "most": the share of those a CI must have reported on
    missing_min_changes: int = 5
    missing_slack: float = 1.5  # times the usual delay before a CI counts as missing
    missing_grace_s: float = 600.0


def rules_from_config(values: Mapping[str, float]) -> VerdictRules:
    """`VerdictRules` with the config's `[history]` values (already validated)."""
    known = {"window_days": float, "min_failed": int, "min_ratio": float}
    return VerdictRules(**{k: known[k](v) for k, v in values.items() if k in known})


@dataclass(frozen=True, slots=True)
class Verdict:
    """One verdict; `explanation` is the one line the CI pane shows on `i`."""

    kind: str
    explanation: str
    flips: int | None = None
    failed: int | None = None
    of: int | None = None
    window_days: float | None = None
    previous: str | None = None

    @property
    def chip(self) -> str:
        if self.kind == "failing_elsewhere":
            return f"elsewhere {self.failed}/{self.of}"
        if self.kind == "flaky":
            return f"flaky×{self.flips}"
        return {"new_failure": "new", "infra": "infra", "missing": "missing"}.get(
            self.kind, self.kind
        )

    def as_json(self) -> dict[str, Any]:
        if self.kind == "flaky":
            return {"kind": "flaky", "flips": self.flips}
        if self.kind == "failing_elsewhere":
            days = self.window_days or 0
            return {
                "kind": "failing_elsewhere",
                "failed": self.failed,
                "of": self.of,
                "window_days": int(days) if float(days).is_integer() else days,
            }
        if self.kind == "new_failure":
            return {"kind": "new_failure", "previous": self.previous}
        return {"kind": self.kind}


@dataclass(frozen=True, slots=True)
class JobKey:
    ci: str  # the CI's identity (account username, else name)
    ci_name: str
    pipeline: str
    job: str


@dataclass(frozen=True, slots=True)
class ChangeVerdicts:
    """Verdicts of one patch set's jobs, plus the CIs missing from it."""

    change: int
    patch_set: int
    jobs: dict[JobKey, tuple[Verdict, ...]] = field(default_factory=dict)
    missing: tuple[tuple[str, str, Verdict], ...] = ()  # (ci, ci_name, verdict)

    def for_job(self, ci: str, job: str | None, pipeline: str | None = None) -> tuple[Verdict, ...]:
        """Verdicts of a job, the CI given by identity or display name (any case)."""
        c = ci.casefold()
        name = job or ""
        found: list[Verdict] = []
        for key, verdicts in self.jobs.items():
            if key.job != name or c not in (key.ci.casefold(), key.ci_name.casefold()):
                continue
            if pipeline is not None and key.pipeline and key.pipeline != pipeline:
                continue
            found.extend(verdicts)
        return tuple(dict.fromkeys(found))

    def all(self) -> Iterable[tuple[JobKey, Verdict]]:
        for key, verdicts in self.jobs.items():
            for v in verdicts:
                yield key, v


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _flips(statuses: Sequence[int]) -> int:
    outcomes = [s == PASS for s in statuses if s != OTHER]
    return sum(1 for a, b in itertools.pairwise(outcomes) if a != b)


def change_verdicts(
    store: HistoryStore,
    change: int,
    patch_set: int,
    *,
    now: float,
    rules: VerdictRules | None = None,
    project: str | None = None,
    ps_created: float | None = None,
) -> ChangeVerdicts:
    """Every verdict on `change`,`patch_set` (and `missing` when `project` is given)."""
    rules = rules or VerdictRules()
    rows = store.query(
        "SELECT job_id, patch_set, status, result, time FROM run "
        "WHERE change = ? AND patch_set <= ? ORDER BY time, id",
        (change, patch_set),
    )
    here: dict[int, list[tuple[int, str, float]]] = {}
    before: dict[int, tuple[int, int, str]] = {}  # job -> (ps, status, result) latest earlier
    for job_id, ps, status, result, t in rows:
        if ps == patch_set:
            here.setdefault(job_id, []).append((status, result, t))
        else:
            prev = before.get(job_id)
            if prev is None or ps >= prev[0]:
                before[job_id] = (ps, status, result)
    keys = _job_keys(store, here)
    since = now - rules.window_days * DAY
    out: dict[JobKey, tuple[Verdict, ...]] = {}
    for job_id, runs in here.items():
        verdicts: list[Verdict] = []
        status, result, _t = runs[-1]
        flips = _flips([s for s, _r, _t in runs])
        if flips:
            verdicts.append(
                Verdict(
                    "flaky",
                    f"flaky: failed and passed on this patch set ({_plural(flips, 'flip')})",
                    flips=flips,
                )
            )
        if status in (FAIL, INFRA):
            k, m = _failing_elsewhere(store, job_id, change, since)
            if k >= rules.min_failed and m and k / m >= rules.min_ratio:
                verdicts.append(
                    Verdict(
                        "failing_elsewhere",
                        f"failing elsewhere: failed on {k} of the {_plural(m, 'other change')} "
                        f"it ran on in the last {rules.window_days:g} days",
                        failed=k,
                        of=m,
                        window_days=rules.window_days,
                    )
                )
        prev = before.get(job_id)
        if status == FAIL and prev is not None and prev[1] == PASS:
            verdicts.append(
                Verdict(
                    "new_failure",
                    f"new failure: it passed ({prev[2]}) on patch set {prev[0]}",
                    previous=prev[2],
                )
            )
        if status == INFRA:
            verdicts.append(
                Verdict(
                    "infra", f"infra: {result} is an infrastructure outcome, not a test failure"
                )
            )
        if verdicts:
            out[keys[job_id]] = tuple(verdicts)
    missing: tuple[tuple[str, str, Verdict], ...] = ()
    if project is not None:
        missing = missing_cis(
            store, change, patch_set, project, now=now, rules=rules, ps_created=ps_created
        )
    return ChangeVerdicts(change, patch_set, out, missing)


def _job_keys(store: HistoryStore, job_ids: Iterable[int]) -> dict[int, JobKey]:
    ids = list(job_ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = store.query(
        "SELECT job.id, ci.key, ci.name, job.pipeline, job.name FROM job "
        f"JOIN ci ON ci.id = job.ci_id WHERE job.id IN ({marks})",
        ids,
    )
    return {int(r[0]): JobKey(str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows}


def _failing_elsewhere(
    store: HistoryStore, job_id: int, change: int, since: float
) -> tuple[int, int]:
    """(K, M): changes other than `change` whose latest result of the job in the window is
    a failure, of those where it passed or failed. SQLite's bare-column rule takes `status`
    from the row with MAX(time)."""
    row = store.query(
        "SELECT SUM(st IN (1, 2)), SUM(st != 3) FROM ("
        " SELECT status AS st, MAX(time) FROM run INDEXED BY run_job_time"
        " WHERE job_id = ? AND time >= ? AND change != ? GROUP BY change)",
        (job_id, since, change),
    )[0]
    return int(row[0] or 0), int(row[1] or 0)


def missing_cis(
    store: HistoryStore,
    change: int,
    patch_set: int,
    project: str,
    *,
    now: float,
    rules: VerdictRules | None = None,
    ps_created: float | None = None,
) -> tuple[tuple[str, str, Verdict], ...]:
    """CIs that report on most recent patch sets of `project` but not (yet) on this one,
    past their usual delay. A patch set's start is its earliest run when not given."""
    rules = rules or VerdictRules()
    rows = store.query(
        "SELECT change, patch_set, job_id, time FROM run"
        " WHERE project_id = (SELECT id FROM project WHERE name = ?)"
        " ORDER BY time DESC LIMIT ?",
        (project, MISSING_SAMPLE_RUNS),
    )
    job_ci = {
        int(j): (str(k), str(n))
        for j, k, n in store.query(
            "SELECT job.id, ci.key, ci.name FROM job JOIN ci ON ci.id = job.ci_id"
        )
    }
    start: dict[tuple[int, int], float] = {}
    first: dict[tuple[str, tuple[int, int]], float] = {}
    names: dict[str, str] = {}
    for ch, ps, job_id, t in rows:
        key = (ch, ps)
        if t < start.get(key, float("inf")):
            start[key] = t
        ci, ci_name = job_ci[job_id]
        if t < first.get((ci, key), float("inf")):
            first[(ci, key)] = t
        names[ci] = ci_name
    this = (change, patch_set)
    created = ps_created if ps_created is not None else start.get(this)
    if created is None:
        return ()
    recent = sorted((k for k in start if k != this), key=lambda k: start[k], reverse=True)
    recent = recent[: rules.missing_recent]
    if len(recent) < rules.missing_min_changes:
        return ()
    out = []
    waited = now - created
    for ci in sorted(names):
        if (ci, this) in first:
            continue
        delays = [first[(ci, k)] - start[k] for k in recent if (ci, k) in first]
        needed = max(rules.missing_min_changes, rules.missing_coverage * len(recent))
        if len(delays) < needed:
            continue
        usual = statistics.median(delays)
        if waited <= usual * rules.missing_slack + rules.missing_grace_s:
            continue
        out.append(
            (
                ci,
                names[ci],
                Verdict(
                    "missing",
                    f"missing: reported on {len(delays)} of the {len(recent)} latest patch sets "
                    f"of {project}, usually within {_duration(usual)}; nothing after "
                    f"{_duration(waited)}",
                ),
            )
        )
    return tuple(out)


def _duration(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 3600:
        return f"{s // 60}m"
    if s < 2 * DAY:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    return f"{s // int(DAY)}d"


def recheck_reason(ci_name: str, verdicts: Iterable[Verdict], *, now: float) -> str:
    """A recheck comment for `ci_name` that says why: `recheck HPE Storage CI: failing on
    9 of 10 changes since Monday`."""
    vs = list(verdicts)
    for v in vs:
        if v.kind == "failing_elsewhere" and v.failed is not None and v.of is not None:
            since = datetime.fromtimestamp(now - (v.window_days or 7) * DAY, UTC)
            return (
                f"recheck {ci_name}: failing on {v.failed} of {v.of} other changes since {since:%A}"
            )
    for v in vs:
        if v.kind == "infra":
            return f"recheck {ci_name}: infrastructure failure"
        if v.kind == "flaky":
            return f"recheck {ci_name}: flaky job ({_plural(v.flips or 0, 'flip')} here)"
        if v.kind == "missing":
            return f"recheck {ci_name}: no report on this patch set"
    return "recheck"
