"""The session's side of the history: write the runs it sees, keep verdicts for the patch
sets on screen, and sync incrementally at start (all blocking work in worker threads).

`ReviewSession` owns one of these when it was given a `HistoryStore`; without one the
session behaves exactly as before (no verdicts).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from vstui.core.history_sync import SyncResult, sync_history_async, write_change
from vstui.core.views import CIJobItem
from vstui.history import HistoryStore
from vstui.history.verdicts import ChangeVerdicts, Verdict, VerdictRules, change_verdicts

log = logging.getLogger(__name__)


def split_label(label: str) -> tuple[str, str | None]:
    """`Storage CI (mallory)` -> ("Storage CI", "mallory"); a label without parentheses as is."""
    if label.endswith(")") and " (" in label:
        name, _, pipeline = label[:-1].rpartition(" (")
        return name, pipeline
    return label, None


def verdicts_for_item(verdicts: ChangeVerdicts | None, item: CIJobItem) -> tuple[Verdict, ...]:
    """The history's verdicts for a CI pane row: the CI by name (or, for two CIs of one
    name, `Name (account)`, by its account), the run's pipeline, the job's own name."""
    if verdicts is None:
        return ()
    pipeline = item.pipeline
    name = item.name
    if pipeline and name.endswith(f" ({pipeline})"):  # a job current in two pipelines
        name = name[: -len(pipeline) - 3]
    name = "" if name == "(overall)" else name.split(" #", 1)[0]
    found = verdicts.for_job(item.ci_name, name, pipeline)
    if not found:
        ci, inner = split_label(item.ci_name)
        if inner is not None:
            # "Storage CI (mallory)": the account names the CI; an older label's pipeline
            found = verdicts.for_job(inner, name, pipeline) or verdicts.for_job(ci, name, inner)
    return found


def missing_item(ci_name: str, verdict: Verdict) -> CIJobItem:
    """A row for a CI the history expected on this patch set that has not reported."""
    return CIJobItem(
        ci_name=ci_name,
        name="(not reported)",
        result="MISSING",
        failing=False,
        running=False,
        voting=True,
        duration_s=None,
        when=None,
        url=None,
        source="history",
        raw_title=f"{ci_name} — not reported",
        raw_text=verdict.explanation,
        status="unknown",
        verdicts=(verdict,),
    )


class SessionHistory:
    """History writes and verdicts for one session."""

    def __init__(
        self,
        store: HistoryStore,
        *,
        rules: VerdictRules | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.rules = rules or VerdictRules()
        self.clock = clock
        self.synced: SyncResult | None = None
        self.sync_error: str | None = None
        self._verdicts: dict[tuple[int, int], ChangeVerdicts] = {}

    def verdicts(self, number: int, patch_set: int | None) -> ChangeVerdicts | None:
        if patch_set is None:
            return None
        return self._verdicts.get((number, patch_set))

    def decorate(
        self, number: int, patch_set: int | None, jobs: Sequence[CIJobItem]
    ) -> tuple[CIJobItem, ...]:
        """The jobs with their verdicts attached (unchanged when there are none)."""
        verdicts = self.verdicts(number, patch_set)
        if verdicts is None or not (verdicts.jobs or verdicts.missing):
            return tuple(jobs)
        out = []
        for job in jobs:
            found = verdicts_for_item(verdicts, job)
            out.append(replace(job, verdicts=found) if found else job)
        reported = {split_label(j.ci_name)[0].casefold() for j in jobs}
        for _ci, name, verdict in verdicts.missing:
            if name.casefold() not in reported:
                out.append(missing_item(name, verdict))
        out.sort(key=lambda i: (i.ci_name.casefold(), i.name.casefold()))
        return tuple(out)

    async def write(
        self,
        change: Any,
        messages: Any,
        results: Any,
        patch_sets: Iterable[int],
    ) -> None:
        """Store a change's runs and recompute verdicts for `patch_sets` (a worker thread)."""
        wanted = sorted(set(patch_sets))
        try:
            computed = await asyncio.to_thread(self._write_sync, change, messages, results, wanted)
        except Exception as exc:  # the history must never break the review screens
            log.warning("history: change %s: %s", getattr(change, "number", "?"), exc)
            return
        self._verdicts.update(computed)

    def _write_sync(
        self, change: Any, messages: Any, results: Any, patch_sets: list[int]
    ) -> dict[tuple[int, int], ChangeVerdicts]:
        write_change(self.store, change, messages, results=results)
        now = self.clock()
        return {
            (change.number, ps): change_verdicts(
                self.store, change.number, ps, now=now, rules=self.rules, project=change.project
            )
            for ps in patch_sets
        }

    async def sync(self, rest: Any, *, bot_rules: Any = None, server: str = "gerrit") -> None:
        """The incremental sync at start; failures are logged, never raised."""
        try:
            self.synced = await sync_history_async(
                rest, self.store, rules=bot_rules, server=server, clock=self.clock
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.sync_error = str(exc)
            log.warning("history sync: %s", exc)


def recheck_choices(
    psr: Any, job: CIJobItem | None, verdicts: ChangeVerdicts | None, *, now: float
) -> list[str]:
    """Comments the recheck dialog offers, best first: for the selected job's CI a reason
    from its verdicts (`recheck HPE Storage CI: failing on 9 of 10 other changes since
    Monday`), the CI's own advertised commands (`run-HPE Storage CI`); then `recheck`."""
    from vstui.history.verdicts import recheck_reason

    out: list[str] = []
    if job is not None:
        ci, _account = split_label(job.ci_name)
        pipeline = job.pipeline  # a Zuul run (a pipeline) answers "recheck", not "run-<CI>"
        found = verdicts_for_item(verdicts, job) if verdicts is not None else job.verdicts
        found = found or job.verdicts
        if not found and verdicts is not None:  # any verdict of the CI's other jobs
            found = tuple(
                v
                for key, v in verdicts.all()
                if ci.casefold() in (key.ci.casefold(), key.ci_name.casefold())
            )
        reason = recheck_reason(ci, found, now=now)
        if reason != "recheck":
            out.append(reason)
        run = psr.run_for(job.ci_name) if psr is not None else None
        if run is None and psr is not None:
            run = psr.run_for(ci)
        hints = tuple(getattr(getattr(run, "current", None), "recheck_hints", ()) or ())
        # hints come normalised (lower case): give back the CI's own spelling when it is one
        spelled = {
            f"run-{ci}".casefold(): f"run-{ci}",
            f"{ci}: recheck".casefold(): f"{ci}: recheck",
        }
        out.extend(spelled.get(h.casefold(), h) for h in hints)
        if not hints and pipeline is None:
            out.append(f"run-{ci}")
    out.append("recheck")
    return list(dict.fromkeys(out))


def health_rows(
    store: HistoryStore, *, now: float, window_days: float = 7.0, project: str | None = None
) -> list[Any]:
    """`vstui.history.health.ci_health` for the health screen (blocking: a worker thread)."""
    from vstui.history.health import ci_health

    return ci_health(store, since=now - window_days * 86400, now=now, project=project)


def job_failures(store: HistoryStore, job_ids: list[int], *, now: float) -> list[Any]:
    from vstui.history.health import recent_failures

    return recent_failures(store, job_ids, since=now - 30 * 86400, limit=200)
