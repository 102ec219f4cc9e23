"""One patch set's CI results with their verdicts, as `vstui checks` prints them.

`fetch_checks` fetches the change (messages) and the patch set's verify-status rows with a
blocking client, computes the results with `vstui.ci`, writes them to the history and adds
the history's verdicts. `Checks.status` and `exit_code` follow `gh pr checks`: 0 every
voting job passed, 1 a voting job failed, 8 results are pending.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from vstui.core.history_sync import write_change
from vstui.history import HistoryStore
from vstui.history.verdicts import Verdict, VerdictRules, change_verdicts

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_PENDING = 8
CHANGE_OPTIONS = ("MESSAGES", "DETAILED_ACCOUNTS", "ALL_REVISIONS")


@dataclass(frozen=True, slots=True)
class CheckJob:
    ci: str  # the CI's display name, as the CI pane shows it
    job: str | None
    pipeline: str | None
    result: str | None
    voting: bool
    url: str | None
    duration_s: int | None
    state: str  # passed | failed | pending | other
    verdicts: tuple[Verdict, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "ci": self.ci,
            "job": self.job,
            "pipeline": self.pipeline,
            "result": self.result,
            "voting": self.voting,
            "url": self.url,
            "duration_s": self.duration_s,
            "verdicts": [v.as_json() for v in self.verdicts],
        }


@dataclass(frozen=True, slots=True)
class Checks:
    change: int
    patch_set: int | None
    project: str
    jobs: tuple[CheckJob, ...] = ()
    missing: tuple[tuple[str, Verdict], ...] = field(default=())

    @property
    def status(self) -> str:
        voting = [j for j in self.jobs if j.voting]
        if any(j.state == "failed" for j in voting):
            return "failed"
        if not self.jobs or any(j.state == "pending" for j in self.jobs):
            return "pending"
        return "passed"

    @property
    def exit_code(self) -> int:
        return {"passed": EXIT_PASSED, "failed": EXIT_FAILED}.get(self.status, EXIT_PENDING)

    def as_json(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "patch_set": self.patch_set,
            "status": self.status,
            "jobs": [j.as_json() for j in self.jobs],
        }


def _state(status: str) -> str:
    if status == "success":
        return "passed"
    if status in ("failure", "unstable", "canceled"):
        return "failed"
    if status == "running":
        return "pending"
    return "other"


def checks_from_results(
    number: int,
    project: str,
    results: Any,
    patch_set: int | None,
    history: HistoryStore | None,
    *,
    voting_only: bool = False,
    rules: VerdictRules | None = None,
    now: float | None = None,
) -> Checks:
    """`Checks` of one patch set from `ChangeResults` (the latest when `patch_set` is None)."""
    now = time.time() if now is None else now
    psr = results.latest if patch_set is None else results.for_patch_set(patch_set)
    ps = patch_set if psr is None else psr.patch_set
    verdicts = None
    if history is not None and ps is not None:
        verdicts = change_verdicts(history, number, ps, now=now, rules=rules, project=project)
    jobs: list[CheckJob] = []
    for run in psr.runs if psr is not None else ():
        units = run.jobs or ()
        entries: list[tuple[str | None, str | None, bool, str | None, int | None, str]] = [
            (j.name, j.result, j.voting, j.url, j.duration_s, j.status) for j in units
        ] or [(None, run.current.overall, True, None, None, run.current.status)]
        for name, result, voting, url, duration, status in entries:
            if voting_only and not voting:
                continue
            state = "pending" if run.pending else _state(status)
            found: tuple[Verdict, ...] = ()
            if verdicts is not None:
                found = verdicts.for_job(
                    run.current.author_username or run.ci_name, name, run.pipeline
                ) or verdicts.for_job(run.ci_name, name, run.pipeline)
            jobs.append(
                CheckJob(
                    ci=run.ci_name,
                    job=name,
                    pipeline=run.pipeline,
                    result="PENDING" if run.pending else result,
                    voting=voting,
                    url=url,
                    duration_s=duration,
                    state=state,
                    verdicts=found,
                )
            )
    missing = tuple((name, v) for _ci, name, v in verdicts.missing) if verdicts else ()
    return Checks(number, ps, project, tuple(jobs), missing)


def parse_change_arg(text: str) -> int:
    """`381272`, `https://review.example.org/c/openstack/cinder/+/381272[/2]` -> 381272."""
    import re

    t = text.strip()
    if t.isdigit():
        return int(t)
    m = re.search(r"/\+/(\d+)", t) or re.search(r"/(\d+)/?(?:\d+/?)?$", t)
    if m is None:
        raise ValueError(f"{text!r}: not a change number or URL")
    return int(m.group(1))


def fetch_checks(
    client: Any,
    history: HistoryStore | None,
    number: int,
    *,
    patch_set: int | None = None,
    bot_rules: Any = None,
    voting_only: bool = False,
    now: float | None = None,
    verdict_rules: VerdictRules | None = None,
) -> Checks:
    """Fetch change `number` with a blocking client and build its `Checks`."""
    from vstui.ci.results import build_change_results
    from vstui.gerrit.decode import decode_change, decode_verifications
    from vstui.gerrit.errors import GerritNotFoundError, GerritProtocolError

    server = getattr(client, "server", "gerrit")
    path = f"changes/{number}"
    response = client.request("GET", path, params=[("o", o) for o in CHANGE_OPTIONS])
    change = decode_change(response.content, server=server, what=f"GET {path}")
    if change is None:
        raise GerritProtocolError(server, f"change {number}: answer is not a ChangeInfo")
    ps = patch_set
    if ps is None:
        numbers = [p.number for p in change.patch_sets]
        ps = max(numbers) if numbers else getattr(change, "current_revision_number", None)
    rows: tuple[Any, ...] = ()
    if ps is not None:
        vpath = f"changes/{number}/revisions/{ps}/verify-status~verifications"
        try:
            vres = client.request("GET", vpath)
            rows = decode_verifications(vres.content, server=server, what=f"GET {vpath}")
        except GerritNotFoundError:
            rows = ()  # no plugin (or no such patch set): comments only
    verifications = {ps: rows} if ps is not None else {}
    results = build_change_results(
        change.messages or (), verifications=verifications, rules=bot_rules
    )
    if history is not None:
        write_change(history, change, change.messages, results=results)
    return checks_from_results(
        number,
        change.project,
        results,
        ps,
        history,
        voting_only=voting_only,
        now=now,
        rules=verdict_rules,
    )
