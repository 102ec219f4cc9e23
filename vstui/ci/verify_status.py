"""verify-status verifications → the same `Job` / `CIReport` model as comment reports.

Value mapping (gerrit-protocol.md §3.3, plugin docs): `value < 0` → FAILURE, `0` → UNSTABLE,
`1` → SUCCESS, `2` → STARTED (in progress) when the server enables
`enableInProgressStatus`, else SUCCESS, `> 2` → SUCCESS. `abstain` → non-voting. The free-text
`duration` (`3m 10s`, Jenkins' `1 min 30 sec`) becomes seconds; url is kept only when http(s).

Rows are history: re-posting a job appends a row. Per reporter, the newest row per job name
is current and older rows of that name count as reruns (the plugin's `filter=CURRENT`).

**One CI reporting both ways is shown once** (`merge_with_comments`). On one patch set, a
verify-status row belongs to the comment CI whose current report

1. links the same build: normalized URLs equal (scheme/host case, trailing `/`, Jenkins
   `/console`-style suffixes ignored), or else
2. is the row's reporter: the reporter equals the CI's name, account username or a configured
   alias (case-insensitive), and if that CI printed a job of the same name the two are one job.

A matched row and comment job become one `Job` with source `comment+verify-status`: the
structured fields (result from `value`, voting from `abstain`, duration, category, reporter,
rerun, granted) come from verify-status, the name and URL fall back to the comment's. Rows
that belong to no comment CI are grouped by reporter into their own report (reporter `None`
shows as "verify-status").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from vstui.ci.fields import clean_url, normalize_url, parse_duration
from vstui.ci.model import CIReport, Job

UNKNOWN_REPORTER = "verify-status"
_EPOCH = datetime.min


def result_for_value(value: Any, *, in_progress_status: bool = True) -> str | None:
    """The result word for a verify-status `value` (None when the value is not an int)."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(value)
        except (TypeError, ValueError):
            return None
    if value < 0:
        return "FAILURE"
    if value == 0:
        return "UNSTABLE"
    if value == 2 and in_progress_status:
        return "STARTED"
    return "SUCCESS"


def _s(obj: Any, name: str) -> str | None:
    value = getattr(obj, name, None)
    return value if isinstance(value, str) and value else None


def job_from_verification(v: Any, *, in_progress_status: bool = True) -> Job:
    """One verify-status VerificationInfo-like object as a `Job`. Never raises."""
    granted = getattr(v, "granted", None)
    return Job(
        name=_s(v, "name"),
        url=clean_url(_s(v, "url")),
        result=result_for_value(getattr(v, "value", None), in_progress_status=in_progress_status),
        duration_s=parse_duration(_s(v, "duration")),
        voting=not bool(getattr(v, "abstain", False)),
        source="verify-status",
        category=_s(v, "category"),
        reporter=_s(v, "reporter"),
        rerun=bool(getattr(v, "rerun", False)),
        comment=_s(v, "comment"),
        granted=granted if isinstance(granted, datetime) else None,
    )


def _overall(jobs: Iterable[Job]) -> str | None:
    jobs = [j for j in jobs if j.voting] or list(jobs)
    if not jobs:
        return None
    statuses = {j.status for j in jobs}
    if "failure" in statuses or "canceled" in statuses:
        return "FAILURE"
    if "running" in statuses:
        return "STARTED"
    if "unstable" in statuses:
        return "UNSTABLE"
    return "SUCCESS"


def reports_from_verifications(
    verifications: Iterable[Any],
    patch_set: int | None,
    *,
    in_progress_status: bool = True,
) -> list[tuple[CIReport, tuple[CIReport, ...]]]:
    """Group rows by reporter: [(current report, older runs)], one entry per reporter.

    The current report holds the newest row per job name; each older row of a name becomes
    a one-job history report, so `CIRun.runs` counts reruns.
    """
    by_reporter: dict[str, list[Job]] = {}
    for v in verifications:
        job = job_from_verification(v, in_progress_status=in_progress_status)
        by_reporter.setdefault(job.reporter or UNKNOWN_REPORTER, []).append(job)
    out = []
    for reporter, jobs in by_reporter.items():
        ordered = sorted(enumerate(jobs), key=lambda ij: (ij[1].granted or _EPOCH, ij[0]))
        current: dict[str | None, Job] = {}
        older: list[Job] = []
        for _, job in ordered:
            prev = current.get(job.name)
            if prev is not None:
                older.append(prev)
            current[job.name] = job
        cur_jobs = tuple(current.values())
        latest = max((j.granted for j in cur_jobs if j.granted), default=None)
        report = CIReport(
            ci_name=reporter,
            overall=_overall(cur_jobs),
            jobs=cur_jobs,
            patch_set=patch_set,
            date=latest,
            source="verify-status",
        )
        history = tuple(
            CIReport(
                ci_name=reporter,
                overall=_overall((j,)),
                jobs=(j,),
                patch_set=patch_set,
                date=j.granted,
                source="verify-status",
            )
            for j in older
        )
        out.append((report, history))
    return out


def merge_job(comment_job: Job, vs_job: Job) -> Job:
    """One job seen both ways: verify-status's structured fields, the comment's name/URL."""
    return replace(
        vs_job,
        name=vs_job.name or comment_job.name,
        url=vs_job.url or comment_job.url,
        detail=comment_job.detail,
        source="comment+verify-status",
    )


def merge_with_comments(
    comment_report: CIReport,
    rows: list[Job],
    *,
    reporter_matches: bool,
) -> tuple[CIReport, list[Job]]:
    """Fold verify-status rows into a comment CI's report; return (report, rows left over).

    Rows match a comment job by URL; when `reporter_matches` (the rows' reporter is this CI),
    also by job name, and unmatched rows of this reporter join the report as extra jobs.
    """
    jobs = list(comment_report.jobs)
    by_url = {normalize_url(j.url): i for i, j in enumerate(jobs) if j.url}
    by_name = {j.name: i for i, j in enumerate(jobs) if j.name}
    left: list[Job] = []
    changed = False
    for row in rows:
        idx = by_url.get(normalize_url(row.url)) if row.url else None
        if idx is None and reporter_matches and row.name:
            idx = by_name.get(row.name)
        if idx is not None:
            jobs[idx] = merge_job(jobs[idx], row)
            changed = True
        elif reporter_matches:
            jobs.append(row)
            changed = True
        else:
            left.append(row)
    if not changed:
        return comment_report, left
    return replace(comment_report, jobs=tuple(jobs), source="comment+verify-status"), left
