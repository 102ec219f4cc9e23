"""The CI results table: one row per job, grouped by CI, with a header row per CI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from typing import ClassVar

from rich.text import Text

from vstui.core.timefmt import age_of, format_duration
from vstui.core.views import CIJobItem
from vstui.ui.safe_text import plain_line
from vstui.ui.widgets.virtual_table import Column, TableRow, VirtualTable

COLUMNS = (
    Column("ci", "CI", ratio=2, min_width=8),
    Column("job", "Job", ratio=4, min_width=10),
    Column("result", "Result", width=9),
    Column("voting", "Voting", width=6),
    Column("duration", "Duration", width=8, justify="right"),
    Column("age", "Age", width=4, justify="right"),
    Column("url", "URL", ratio=3, min_width=6),
)


def result_cell(job: CIJobItem) -> Text:
    if job.running:
        style = "cyan"
    elif job.failing:
        style = "bold red" if job.voting else "yellow"
    elif job.result in ("SUCCESS", "PASSED", "OK"):
        style = "green"
    else:
        style = "dim"
    return Text(plain_line(job.result, 9), style=style, end="")


def job_row(job: CIJobItem, now: float) -> TableRow:
    return TableRow(
        job.key,
        (
            plain_line(job.ci_name),
            plain_line(job.name),
            result_cell(job),
            "yes" if job.voting else Text("no", style="dim", end=""),
            format_duration(job.duration_s),
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
    history = max((j.history for j in jobs), default=0)
    if history:
        parts.append(f"{history} earlier run" + ("s" if history != 1 else ""))
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
    DEFAULT_CSS: ClassVar[str] = """
    CIResultsTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(COLUMNS, empty_text="No CI results match", id=id)
