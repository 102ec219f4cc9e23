"""CI jobs' logs and live state, from a change's CI results (`vstui.ci`, the one place that
knows a change's runs).

- `find_baseline`: which run's log is "normal" for a failing job (the anomalies' baseline):
  the latest passing run of the same job by the same CI on this change, first the earlier
  runs on the same patch set (a recheck that passed), then earlier patch sets, newest first.
- `zuul_status_targets` / `live_job_items`: for a CI that started and has not reported, its
  Zuul status URL, and the rows its running jobs make in the CI pane.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from vstui.ci.model import CIReport
from vstui.core.views import CIJobItem

if TYPE_CHECKING:  # the change screen imports this module before any CI result exists
    from vstui.ci.results import ChangeResults
    from vstui.logs.zuul_status import LiveJob


def find_baseline(
    results: ChangeResults, ci_name: str, job_name: str, patch_set: int | None, exclude: str | None
) -> str | None:
    """URL of the latest passing run of (`ci_name`, `job_name`) on this change, or None.

    `exclude` is the failing run's own URL (never its own baseline).
    """
    key = ci_name.casefold()
    order = sorted(
        (ps for ps in results.patch_sets if ps.patch_set is not None),
        key=lambda ps: ps.patch_set or 0,
        reverse=True,
    )
    for ps in order:
        if patch_set is not None and (ps.patch_set or 0) > patch_set:
            continue
        for run in ps.runs:
            if run.ci_name.casefold() != key and run.label.casefold() != key:
                continue
            # current jobs, then every report newest first (an older report can hold a pass
            # of this job while its other jobs are still current), then older verify-status
            for report in (run.current, *reversed(run.reports), *reversed(run.history)):
                for job in report.jobs:
                    if job.name == job_name and job.passed and job.url and job.url != exclude:
                        return job.url
    return None


def zuul_status_targets(
    results: ChangeResults,
    patch_set: int | None,
    number: int,
    others: Iterable[ChangeResults] = (),
) -> list[tuple[str, str]]:
    """(CI label, status URL) for each CI running on `patch_set` whose reports name a Zuul.

    A CI is running when its current run there has started and not reported; its Zuul root
    and tenant come from any job URL of that CI (`<zuul>/t/<tenant>/...`) on this change,
    else on the `others` (the changes the session has loaded).
    """
    if patch_set is None:
        return []
    shown = results.for_patch_set(patch_set)
    out: list[tuple[str, str]] = []
    for run in shown.runs:
        if run.current.status != "running":
            continue
        key = run.ci_name.casefold()
        url = _zuul_status_url(results, key, number, patch_set)
        if url is None:
            url = next(
                (u for o in others if (u := _zuul_status_url(o, key, number, patch_set))), None
            )
        if url:
            out.append((run.label, url))
    return out


def _zuul_status_url(results: ChangeResults, key: str, number: int, patch_set: int) -> str | None:
    from vstui.logs.zuul_status import status_url

    for ps in results.patch_sets:
        for run in ps.runs:
            if run.ci_name.casefold() != key:
                continue
            for report in (run.current, *run.history):
                for job in report.jobs:
                    url = status_url(job.url, number, patch_set) if job.url else None
                    if url:
                        return url
    return None


def live_job_items(
    jobs: Sequence[CIJobItem], live: dict[str, Sequence[LiveJob]]
) -> list[CIJobItem]:
    """`jobs` with each running CI's "started" row replaced by its live Zuul jobs.

    A live job reads `RUNNING 34%` (elapsed over Zuul's estimate) and its row's time is
    the time since it started.
    """
    if not live:
        return list(jobs)
    out = [j for j in jobs if not (j.ci_name in live and j.running and j.name == "(overall)")]
    for ci, running in live.items():
        for job in running:
            pct = job.progress
            word = (job.result or "RUNNING").upper()
            result = f"{word} {int(pct * 100)}%" if pct is not None and not job.result else word
            when = (
                datetime.fromtimestamp(job.start_time, UTC) if job.start_time is not None else None
            )
            estimate = f", estimated {int(job.estimated_s // 60)} min" if job.estimated_s else ""
            out.append(
                CIJobItem(
                    ci_name=ci,
                    name=job.name,
                    result=result,
                    failing=False,
                    running=job.result is None,
                    voting=True,
                    duration_s=None,
                    when=when,
                    url=job.url,
                    source="zuul-status",
                    raw_title=f"{ci} — {job.name} (Zuul status)",
                    raw_text=f"{job.name}: running{estimate} (from Zuul's status API)",
                    status="running" if job.result is None else "unknown",
                )
            )
    out.sort(key=lambda i: (i.ci_name.casefold(), i.name.casefold()))
    return out


@dataclass(frozen=True, slots=True)
class RunsTable:
    """Every run of one CI on one patch set, side by side: a column per run, a row per job."""

    ci: str
    headers: tuple[str, ...]  # one per run, oldest first: "run 1 · FAILURE · 03-01 22:39"
    rows: tuple[tuple[str, tuple[tuple[str, str | None], ...]], ...]  # job -> (result, url)


def runs_side_by_side(results: ChangeResults, patch_set: int | None, ci_label: str) -> RunsTable:
    """The runs of `ci_label` on `patch_set` (history then current), results per job."""
    key = ci_label.casefold()
    run = next(
        (
            r
            for r in results.for_patch_set(patch_set).runs
            if r.label.casefold() == key or r.ci_name.casefold() == key
        ),
        None,
    )
    if run is None:
        return RunsTable(ci_label, (), ())
    # Each report as it came (a CI's current jobs may come from several of them, one per
    # pipeline); a "started" notice only while it is the newest word of the CI.
    own = run.reports
    if own and run.current.source != "verify-status":
        reports: tuple[CIReport, ...] = tuple(
            r for r in own if r.overall != "STARTED" or r is own[-1]
        )
    else:
        reports = (*run.history, run.current)
    headers = []
    for i, report in enumerate(reports, 1):
        when = report.date.strftime("%m-%d %H:%M") if report.date else ""
        word = report.overall or report.status.upper()
        label = f"run {i} ({report.pipeline})" if report.pipeline else f"run {i}"
        headers.append(" · ".join(p for p in (label, word, when) if p))
    names: list[str] = []
    for report in reports:
        for job in report.jobs:
            name = job.name or "(unnamed job)"
            if name not in names:
                names.append(name)
    rows = []
    for name in names:
        cells = []
        for report in reports:
            found = next((j for j in report.jobs if (j.name or "(unnamed job)") == name), None)
            cells.append((found.result or "?", found.url) if found is not None else ("—", None))
        rows.append((name, tuple(cells)))
    return RunsTable(run.label, tuple(headers), tuple(rows))
