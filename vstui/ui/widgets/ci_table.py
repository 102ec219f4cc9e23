"""The CI results table: one row per job, grouped by CI, with a header row per CI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from typing import ClassVar

from vstui.core.timefmt import age_of, format_duration
from vstui.core.views import CIJobItem
from vstui.ui.safe_text import plain_line
from vstui.ui.widgets.virtual_table import Column, Styled, TableRow, VirtualTable

RESULT_WIDTH = 12  # POST_FAILURE, NODE_FAILURE, RETRY_LIMIT fit
VERDICT_WIDTH = 15  # "elsewhere 10/12", "flaky×2 new"
PENDING_MARK = " ↻"  # after the last result of a job whose CI has a recheck pending

COLUMNS = (
    # The run's pipeline (check, gate): one CI is one group whatever pipelines it runs.
    Column("pipeline", "Pipeline", ratio=1, min_width=6),
    Column("job", "Job", ratio=5, min_width=10),  # the name is what a reviewer reads
    Column("result", "Result", width=RESULT_WIDTH),
    Column("verdict", "Verdict", width=VERDICT_WIDTH),  # from the history (`i` explains)
    Column("voting", "Voting", width=6),
    Column("duration", "Duration", width=8, justify="right"),
    Column("age", "Age", width=4, justify="right"),
    Column("url", "URL", ratio=2, min_width=6),  # opened or copied with a key, rarely read
)

# Theme roles (see `VirtualTable`) by how a result reads. A failing non-voting job is drawn
# softer than a voting failure: it does not block the change.
_STATUS_ROLES = {
    "success": "success",
    "running": "running",
    "unstable": "warning",
    "canceled": "warning",
    "skipped": "muted",
}
_NO = Styled.of("no", "muted")


def result_role(job: CIJobItem) -> str:
    if job.status == "failure":
        return "error-strong" if job.voting else "error-soft"
    return _STATUS_ROLES.get(job.status, "warning")  # unknown words: amber, look closer


def result_cell(job: CIJobItem) -> Styled:
    """The result in its colour; `FAILURE ↻` when a recheck of the CI is pending."""
    role = result_role(job)
    if job.pending:
        text = plain_line(job.result, RESULT_WIDTH - len(PENDING_MARK))
        return Styled(((text, role), (PENDING_MARK, "pending")))
    return Styled.of(plain_line(job.result, RESULT_WIDTH), role)


def duration_cell(job: CIJobItem, now: float) -> str:
    """The job's duration; for a running job, the time since it started (`▸ 12m 05s`)."""
    if job.running and job.duration_s is None and job.when is not None:
        return "▸ " + format_duration(now - job.when.timestamp())
    return format_duration(job.duration_s)


# Verdict chips by how much they excuse a failure: failing elsewhere / infra / flaky reassure,
# a new failure is the reviewer's business.
_VERDICT_ROLES = {
    "failing_elsewhere": "muted",
    "infra": "warning",
    "flaky": "warning",
    "new_failure": "error-strong",
    "missing": "warning",
}


def verdict_cell(job: CIJobItem) -> Styled | str:
    """The job's verdict chips (`elsewhere 9/12`, `flaky×2`, `infra`, `new`)."""
    if not job.verdicts:
        return ""
    parts = []
    for i, v in enumerate(job.verdicts):
        parts.append(((" " if i else "") + plain_line(v.chip), _VERDICT_ROLES.get(v.kind, "muted")))
    return Styled(tuple(parts))


def job_row(job: CIJobItem, now: float) -> TableRow:
    return TableRow(
        job.key,
        (
            # Dimmed: the group header above names the CI (the name stays in `v` and `s`).
            Styled.of(plain_line(job.pipeline or ""), "muted"),
            plain_line(job.name),
            result_cell(job),
            verdict_cell(job),
            "yes" if job.voting else _NO,
            duration_cell(job, now),
            age_of(job.when, now),
            plain_line(job.url or ""),
        ),
    )


def group_label(ci_name: str, jobs: Sequence[CIJobItem], total_jobs: int) -> str:
    noun = "job" if total_jobs == 1 else "jobs"
    failing = sum(1 for j in jobs if j.failing)
    running = sum(1 for j in jobs if j.running)
    parts = [
        f"{len(jobs)} of {total_jobs} {noun}" if len(jobs) != total_jobs else f"{total_jobs} {noun}"
    ]
    if failing:
        parts.append(f"{failing} failing")
    if running:
        parts.append(f"{running} running")
    if any(j.pending for j in jobs):
        parts.append("recheck pending ↻")
    history = max((j.history for j in jobs), default=0)
    if history:
        parts.append(f"{history} earlier run" + ("s" if history != 1 else ""))
    accounts = jobs[0].accounts if jobs else ()
    if accounts:
        parts.append("reported by " + ", ".join(plain_line(a) for a in accounts))
    return f"▾ {plain_line(ci_name)}  ·  " + " · ".join(parts)


def grouped_rows(
    shown: Sequence[CIJobItem],
    all_jobs: Sequence[CIJobItem],
    now: float,
    row_for: Callable[[CIJobItem], TableRow] | None = None,
) -> list[TableRow]:
    """Rows for `shown` (already filtered and sorted by CI name), with one header per CI.

    `row_for` lets the caller reuse rows it built before (a filter toggle only regroups)."""
    if row_for is None:

        def row_for(job: CIJobItem) -> TableRow:
            return job_row(job, now)

    totals: dict[str, int] = {}
    for job in all_jobs:
        totals[job.ci_name] = totals.get(job.ci_name, 0) + 1
    rows: list[TableRow] = []
    for ci_name, group in groupby(shown, key=lambda j: j.ci_name):
        jobs = list(group)
        rows.append(
            TableRow(
                ("ci", ci_name), (group_label(ci_name, jobs, totals.get(ci_name, 0)),), group=True
            )
        )
        rows.extend(map(row_for, jobs))
    return rows


class CIResultsTable(VirtualTable):
    """Rows are keyed by (CI name, job name); group headers by ("ci", CI name)."""

    HELP_TITLE = "CI results"
    HELP_LEGEND = (
        ("▾", "CI results: one group per CI (the reporting account), whatever its pipelines"),
        ("↻", "CI results: a recheck of this CI is pending; the job keeps its last result"),
    )
    DEFAULT_CSS: ClassVar[str] = """
    CIResultsTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(COLUMNS, empty_text="No CI results match", id=id)
