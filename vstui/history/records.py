"""`RunRecord`: one report of one job, as the history stores it; and the adapter from
`vstui.ci` results to records.

The adapter (`records_from_results`) is the only place that reads `vstui.ci`'s result model,
so when that model changes shape (one CI = one reporting account, keyed by pipeline and job)
only this function follows it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vstui.ci.fields import status_of

# Outcomes an infrastructure problem produces (Zuul's and Jenkins' words), not a test failure.
INFRA_RESULTS = frozenset(
    {
        "NODE_FAILURE",
        "RETRY_LIMIT",
        "POST_FAILURE",
        "TIMED_OUT",
        "TIMEOUT",
        "ABORTED",
        "LOST",
        "DISK_FULL",
        "MERGER_FAILURE",
        "MERGE_FAILURE",
        "CONFIG_ERROR",
        "ERROR",
    }
)

# The `status` column: how a result reads, as a small integer (indexes stay small).
PASS = 0
FAIL = 1
INFRA = 2
OTHER = 3  # skipped, unknown: stored, never counted as a pass or a failure

STATUS_NAMES = {PASS: "passed", FAIL: "failed", INFRA: "infra", OTHER: "other"}


def status_code(result: str | None) -> int | None:
    """PASS, FAIL, INFRA or OTHER for a finished result; None while it is running."""
    word = (result or "").upper()
    if word in INFRA_RESULTS:
        return INFRA
    status = status_of(result)
    if status == "running":
        return None
    if status == "success":
        return PASS
    if status in ("failure", "unstable", "canceled"):
        return FAIL
    return OTHER


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One report of one job on one patch set.

    `ci` is the CI's identity (the reporting account's username, else its name); `ci_name`
    its display name. `report_key` identifies the report on the server (the change
    message id, or the verify-status row's key), so the same report seen from the stream,
    a change fetch or a backfill is stored once. `job` is "" for a report without job
    lines (the run's overall result). `time` is seconds since the epoch.
    """

    change: int
    patch_set: int
    project: str
    ci: str
    ci_name: str
    pipeline: str
    job: str
    result: str
    voting: bool
    url: str | None
    duration_s: int | None
    time: float
    report_key: str

    @property
    def status(self) -> int:
        code = status_code(self.result)
        return OTHER if code is None else code


def _epoch(value: datetime | None, default: float) -> float:
    return value.timestamp() if value is not None else default


def _report_records(
    change: int,
    project: str,
    ps: int,
    pipeline: str | None,
    report: Any,
    now: float,
) -> Iterator[RunRecord]:
    ci_name = str(report.ci_name)
    ci = str(report.author_username or ci_name)
    when = _epoch(report.date, now)
    pipe = pipeline or report.pipeline or ""
    jobs = tuple(report.jobs)
    if not jobs:
        if report.overall is None or status_code(report.overall) is None:
            return
        key = report.message_id or f"{ci}:{ps}:{when:.0f}"
        yield RunRecord(
            change, ps, project, ci, ci_name, pipe, "", str(report.overall), True,
            None, None, when, key,
        )  # fmt: skip
        return
    for job in jobs:
        if job.result is None or status_code(job.result) is None:
            continue  # still running: not a finished run yet
        if job.source == "verify-status" or (job.source != "comment" and job.granted):
            # verify-status: the row's reporter, job and grant time name it on the server
            granted = _epoch(job.granted, when)
            key = f"vs:{ps}:{job.reporter or ci}:{job.name}:{granted:.0f}"
            job_time = granted
        else:
            key = report.message_id or f"{ci}:{ps}:{when:.0f}"
            job_time = when
        yield RunRecord(
            change, ps, project, ci, ci_name, pipe, job.name or "", str(job.result),
            bool(job.voting), job.url, job.duration_s, job_time, key,
        )  # fmt: skip


def records_from_results(
    change: int, project: str, results: Any, *, now: float | None = None
) -> list[RunRecord]:
    """Every finished job result of a `vstui.ci.results.ChangeResults`, current runs and
    their history (rechecks), every patch set. Running jobs are left out (not a run yet)."""
    import time

    clock = time.time() if now is None else now
    out: list[RunRecord] = []
    for psr in getattr(results, "patch_sets", ()) or ():
        ps = psr.patch_set
        if ps is None:
            continue
        for run in psr.runs:
            out.extend(_run_records(change, project, ps, run, clock))
    return out


def _run_records(change: int, project: str, ps: int, run: Any, now: float) -> Iterator[RunRecord]:
    """One CI's runs on a patch set: each comment report with its own pipeline and message
    (`CIRun.reports`: a CI is one run group whatever its pipelines, and its current jobs
    may come from several reports), then its verify-status rows, current and older."""
    reports = getattr(run, "reports", ()) or ()
    if not reports:  # a run model without per-report detail
        for report in (*run.history, run.current):
            yield from _report_records(change, project, ps, run.pipeline, report, now)
        return
    current = list(run.current_jobs)
    # A comment job that verify-status rows were merged into is recorded once, as the row.
    merged = {(id(cj.report), cj.job.name) for cj in current if cj.job.source != "comment"}
    for report in reports:
        if report.source != "comment":
            continue
        jobs = tuple(j for j in report.jobs if (id(report), j.name) not in merged)
        if report.jobs and not jobs:
            continue
        if len(jobs) != len(report.jobs):
            report = dataclasses.replace(report, jobs=jobs)
        yield from _report_records(change, project, ps, report.pipeline, report, now)
    for cj in current:
        if cj.job.source != "comment":
            one = dataclasses.replace(cj.report, jobs=(cj.job,))
            yield from _report_records(change, project, ps, cj.report.pipeline, one, now)
    for report in run.history:
        if report.source == "verify-status":
            yield from _report_records(change, project, ps, report.pipeline, report, now)


def dedupe(records: Iterable[RunRecord]) -> list[RunRecord]:
    """Records in order, each (report, CI, pipeline, job) once."""
    seen: set[tuple[str, str, str, str]] = set()
    out = []
    for r in records:
        k = (r.report_key, r.ci, r.pipeline, r.job)
        if k not in seen:
            seen.add(k)
            out.append(r)
    return out
