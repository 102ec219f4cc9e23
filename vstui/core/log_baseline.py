"""Which run's log is "normal" for a failing job: the baseline for its anomalies.

The latest passing run of the same job by the same CI on this change: first the earlier
runs on the same patch set (a recheck that passed), then earlier patch sets, newest first.
Reads `vstui.ci` results only (the single place that knows a change's runs).
"""

from __future__ import annotations

from vstui.ci.results import ChangeResults


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
            for report in (run.current, *reversed(run.history)):
                for job in report.jobs:
                    if job.name == job_name and job.passed and job.url and job.url != exclude:
                        return job.url
    return None
