"""Per change and patch set: each CI's current result, its history, pending rechecks, counts.

Rules (the UI shows exactly this):

* **Current vs history.** A CI run is keyed by (CI name, Zuul pipeline when the report names
  one), so OpenStack's check and experimental runs stay apart. On a patch set, the latest
  report of a key is current; earlier completed reports are history (`CIRun.runs` counts
  them). A "started" report that a later report of the same CI replaces is the same run, not
  history; consecutive "started" reports (Gerrit Trigger's `(1/2)`, `(2/2)`) merge.
* **Rechecks.** A human's recheck request on a patch set (`vstui.ci.recheck`) makes the CIs
  it targets *pending* until they report again on that patch set: `recheck`/`reverify` and
  `recheck bug N` target every CI; `run-<CI>`, `run <ci>`, `<ci>: recheck` and
  `recheck <ci-word>` target the CI whose advertised recheck command, name, username or
  alias matches (a `recheck <word>` that names no CI targets every CI, as Zuul would);
  `check experimental` targets the runs of the experimental pipeline.
* **verify-status** rows join the same runs (see `vstui.ci.verify_status` for the matching
  rule), so a CI reporting both ways shows once.
* **Not reported**: CIs seen on other patch sets of the change, or configured as expected,
  with no run on this patch set.

Input messages are anything shaped like the Gerrit client's `ChangeMessage` (see
`vstui.ci.protocols`); nothing here imports `vstui.gerrit`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from vstui.ci.classify import BotRules
from vstui.ci.model import CIReport, CIRun, Job, PatchSetResults, RecheckRequest, Summary
from vstui.ci.parse import MessageResult, parse_message
from vstui.ci.recheck import normalize_command
from vstui.ci.verify_status import merge_with_comments, reports_from_verifications


@dataclass(frozen=True, slots=True)
class ChangeResults:
    """A change's classified messages and its CI results per patch set."""

    messages: tuple[MessageResult, ...] = ()
    patch_sets: tuple[PatchSetResults, ...] = ()

    def for_patch_set(self, number: int | None) -> PatchSetResults:
        for ps in self.patch_sets:
            if ps.patch_set == number:
                return ps
        return PatchSetResults(patch_set=number)

    @property
    def latest(self) -> PatchSetResults | None:
        numbered = [ps for ps in self.patch_sets if ps.patch_set is not None]
        return numbered[-1] if numbered else (self.patch_sets[-1] if self.patch_sets else None)

    @property
    def human_messages(self) -> tuple[MessageResult, ...]:
        return tuple(m for m in self.messages if not m.is_bot)

    @property
    def bot_messages(self) -> tuple[MessageResult, ...]:
        return tuple(m for m in self.messages if m.is_bot)


@dataclass
class _RunBuilder:
    ci_name: str
    pipeline: str | None
    current: CIReport
    history: list[CIReport] = field(default_factory=list)

    def add(self, report: CIReport) -> None:
        cur = self.current
        if cur.overall == "STARTED" and report.overall == "STARTED":
            jobs = tuple(dict.fromkeys(cur.jobs + report.jobs))
            self.current = replace(report, jobs=jobs)
        elif cur.overall == "STARTED":
            self.current = report  # the same run, now finished (or failed to start)
        else:
            self.history.append(cur)
            self.current = report


def _sort_key_all_dated(m: MessageResult) -> tuple[Any, int]:
    return (m.date, m.order)


def classify_messages(
    messages: Iterable[Any], rules: BotRules | None = None
) -> tuple[MessageResult, ...]:
    """Parse every message, oldest first (by date when all have one, else input order).

    Each result's `order` (and its report's / recheck's) is its chronological rank, so
    "after the recheck" is well defined even without dates.
    """
    parsed = [parse_message(m, rules, order=i) for i, m in enumerate(messages)]
    if parsed and all(p.date is not None for p in parsed):
        parsed.sort(key=_sort_key_all_dated)
    out = []
    for rank, m in enumerate(parsed):
        if m.order != rank:
            m = replace(
                m,
                order=rank,
                report=replace(m.report, order=rank) if m.report else None,
                recheck=replace(m.recheck, order=rank) if m.recheck else None,
            )
        out.append(m)
    return tuple(out)


def build_change_results(
    messages: Iterable[Any],
    *,
    verifications: Mapping[int, Iterable[Any]] | None = None,
    rules: BotRules | None = None,
    expected_cis: Iterable[str] = (),
    in_progress_status: bool = True,
) -> ChangeResults:
    """Classify a change's messages and build its CI results per patch set. Never raises
    on odd message text; `verifications` maps patch set number → verify-status rows."""
    parsed = classify_messages(messages, rules)
    builders: dict[int | None, dict[tuple[str, str | None], _RunBuilder]] = {}
    requests: dict[int | None, list[RecheckRequest]] = {}
    for m in parsed:
        if m.is_bot and m.report is not None and m.report.is_run:
            rep = m.report
            key = (rep.ci_name, rep.pipeline)
            per_ps = builders.setdefault(rep.patch_set, {})
            if key in per_ps:
                per_ps[key].add(rep)
            else:
                per_ps[key] = _RunBuilder(rep.ci_name, rep.pipeline, rep)
        elif not m.is_bot and m.recheck is not None:
            requests.setdefault(m.patch_set, []).append(m.recheck)

    vs_by_ps = dict(verifications or {})
    numbers = set(builders) | set(requests) | set(vs_by_ps)
    ci_names_by_ps: dict[int | None, set[str]] = {}
    results: list[PatchSetResults] = []
    for ps in sorted(numbers, key=lambda n: (n is None, n or 0)):
        runs = _runs_for_patch_set(
            ps,
            builders.get(ps, {}),
            requests.get(ps, []),
            vs_by_ps.get(ps, ()) if ps is not None else (),
            rules,
            in_progress_status,
        )
        ci_names_by_ps[ps] = {r.ci_name for r in runs}
        results.append(
            PatchSetResults(patch_set=ps, runs=runs, rechecks=tuple(requests.get(ps, ())))
        )

    every_ci = set(expected_cis)
    for names in ci_names_by_ps.values():
        every_ci |= names
    final = []
    for psr in results:
        here = ci_names_by_ps.get(psr.patch_set, set())
        missing = tuple(sorted(every_ci - here, key=str.casefold))
        final.append(replace(psr, summary=summarize(psr.runs, missing)))
    return ChangeResults(messages=parsed, patch_sets=tuple(final))


def _runs_for_patch_set(
    ps: int | None,
    builders: dict[tuple[str, str | None], _RunBuilder],
    requests: list[RecheckRequest],
    rows: Iterable[Any],
    rules: BotRules | None,
    in_progress_status: bool,
) -> tuple[CIRun, ...]:
    entries: list[tuple[str, str | None, CIReport, tuple[CIReport, ...]]] = [
        (b.ci_name, b.pipeline, b.current, tuple(b.history)) for b in builders.values()
    ]
    # verify-status: fold rows into comment CIs (by URL first, then by reporter), the rest
    # become their own runs.
    for vs_report, vs_history in reports_from_verifications(
        rows, ps, in_progress_status=in_progress_status
    ):
        left = list(vs_report.jobs)
        for i, (name, pipe, cur, hist) in enumerate(entries):
            if not left:
                break
            if cur.source == "verify-status":
                continue
            merged, left = merge_with_comments(cur, left, reporter_matches=False)
            entries[i] = (name, pipe, merged, hist)
        for i, (name, pipe, cur, hist) in enumerate(entries):
            if not left:
                break
            if cur.source != "verify-status" and _reporter_is(vs_report.ci_name, cur, rules):
                merged, left = merge_with_comments(cur, left, reporter_matches=True)
                entries[i] = (name, pipe, merged, hist + vs_history)
                vs_history = ()
        if left:
            own = replace(vs_report, jobs=tuple(left))
            entries.append((vs_report.ci_name, None, own, vs_history))

    runs = []
    for name, pipe, cur, hist in entries:
        pending_req = _pending_request(name, pipe, cur, requests, entries, rules)
        runs.append(
            CIRun(
                ci_name=name,
                current=cur,
                history=hist,
                pipeline=pipe,
                pending=pending_req is not None,
                pending_since=pending_req.date if pending_req else None,
            )
        )
    runs.sort(key=lambda r: (r.ci_name.casefold(), r.pipeline or ""))
    return tuple(runs)


def _reporter_is(reporter: str, report: CIReport, rules: BotRules | None) -> bool:
    key = reporter.casefold()
    if key == report.ci_name.casefold():
        return True
    if report.author_username and key == report.author_username.casefold():
        return True
    if rules is not None:
        alias = rules.ci_name_for(reporter, None)
        if alias and alias.casefold() == report.ci_name.casefold():
            return True
    return False


def _answered(report: CIReport, req: RecheckRequest) -> bool:
    """Did this report come after the request?"""
    if report.source != "verify-status":
        return report.order > req.order  # both ranks come from `classify_messages`
    if report.date is not None and req.date is not None:
        return report.date > req.date
    return True  # verify-status rows without dates: assume they answer


def _pending_request(
    ci_name: str,
    pipeline: str | None,
    current: CIReport,
    requests: list[RecheckRequest],
    entries: list[tuple[str, str | None, CIReport, tuple[CIReport, ...]]],
    rules: BotRules | None,
) -> RecheckRequest | None:
    latest: RecheckRequest | None = None
    # A report of this CI that names no pipeline ("Build failed.  For information on how to
    # proceed..." from Zuul v2) answers a recheck of any of its pipelines.
    unnamed = [cur for name, pipe, cur, _h in entries if name == ci_name and pipe is None]
    for req in requests:
        if not _targets(req, ci_name, pipeline, current, entries, rules):
            continue
        if not _answered(current, req) and not any(_answered(r, req) for r in unnamed):
            latest = req
    return latest


def _targets(
    req: RecheckRequest,
    ci_name: str,
    pipeline: str | None,
    current: CIReport,
    entries: list[tuple[str, str | None, CIReport, tuple[CIReport, ...]]],
    rules: BotRules | None,
) -> bool:
    if req.pipeline is not None:
        return pipeline == req.pipeline
    line = normalize_command(req.line)
    # 1. A CI that advertised this exact command owns it.
    owners = [e for e in entries if line in e[2].recheck_hints]
    if owners:
        return any(e[0] == ci_name and e[1] == pipeline for e in owners)
    if req.target is None:
        return True
    # 2. The request names a CI by name, username, alias or a word of its name.
    named = [e for e in entries if _names(req.target, e[0], e[2], rules)]
    if named:
        return any(e[0] == ci_name and e[1] == pipeline for e in named)
    # 3. "recheck <word>" naming no CI is a plain recheck; "run-X" for an unknown X is not.
    return req.keyword != "run"


def _names(target: str, ci_name: str, report: CIReport, rules: BotRules | None) -> bool:
    t = normalize_command(target).strip("'\"`")
    if not t:
        return False
    name = ci_name.casefold()
    if t == name or (report.author_username and t == report.author_username.casefold()):
        return True
    if rules is not None and rules.ci_name_for(target, target) == ci_name:
        return True
    words = [w for w in name.replace("-", " ").split() if w not in ("ci", "bot", "the")]
    return t in words or (len(t) >= 4 and t in name)


def summarize(runs: Iterable[CIRun], not_reported: Iterable[str] = ()) -> Summary:
    """Counts over the jobs of every current run (see `vstui.ci.model.Summary`)."""
    passing = failing_voting = failing_non_voting = running = pending = other = 0
    for run in runs:
        if run.pending:
            pending += 1
            continue
        units: tuple[Job, ...] | tuple[tuple[str, bool], ...]
        if run.jobs:
            units = tuple((j.status, j.voting) for j in run.jobs)
        else:
            units = ((run.current.status, True),)
        for status, voting in units:
            if status == "success":
                passing += 1
            elif status in ("failure", "unstable", "canceled"):
                if voting:
                    failing_voting += 1
                else:
                    failing_non_voting += 1
            elif status == "running":
                running += 1
            else:
                other += 1
    return Summary(
        passing=passing,
        failing_voting=failing_voting,
        failing_non_voting=failing_non_voting,
        running=running,
        pending=pending,
        other=other,
        not_reported=tuple(not_reported),
    )
