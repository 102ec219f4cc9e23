"""The baseline run for a failing job's log, from the history: the latest passing run of the
same job by the same CI on any change (when the change itself has none)."""

from __future__ import annotations

from vstui.history.records import PASS
from vstui.history.store import HistoryStore


def latest_passing_url(
    store: HistoryStore, ci_names: tuple[str, ...], job: str, exclude: str | None = None
) -> str | None:
    """URL of the newest passing run of `job` by a CI named one of `ci_names` (display
    name or account key), other than `exclude`; None when the history has none."""
    if not ci_names or not job:
        return None
    marks = ",".join("?" for _ in ci_names)
    rows = store.query(
        "SELECT run.url FROM run JOIN job ON job.id = run.job_id JOIN ci ON ci.id = job.ci_id "
        f"WHERE (ci.name IN ({marks}) OR ci.key IN ({marks})) AND job.name = ? "
        "AND run.status = ? AND run.url IS NOT NULL AND run.url != ? "
        "ORDER BY run.time DESC LIMIT 1",
        (*ci_names, *ci_names, job, PASS, exclude or ""),
    )
    return str(rows[0][0]) if rows else None
