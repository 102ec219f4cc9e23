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

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
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
    reports = [m.report for m in parsed if m.is_bot and m.report is not None and m.report.is_run]
    keys, labels = _ci_identities(parsed, reports, rules)
    by_ps: dict[int | None, dict[str, list[CIReport]]] = {}
    requests: dict[int | None, list[RecheckRequest]] = {}
    for m in parsed:
        if m.is_bot and m.report is not None and m.report.is_run:
            key = keys.get(id(m.report))
            if key is not None:
                by_ps.setdefault(m.report.patch_set, {}).setdefault(key, []).append(m.report)
        elif not m.is_bot and m.recheck is not None:
            requests.setdefault(m.patch_set, []).append(m.recheck)

    vs_by_ps = dict(verifications or {})
    numbers = set(by_ps) | set(requests) | set(vs_by_ps)
    ci_names_by_ps: dict[int | None, set[str]] = {}
    results: list[PatchSetResults] = []
    for ps in sorted(numbers, key=lambda n: (n is None, n or 0)):
        entries = [_entry(key, labels[key], reps) for key, reps in by_ps.get(ps, {}).items()]
        runs = _runs_for_patch_set(
            ps,
            entries,
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


def _ci_identities(
    parsed: Sequence[MessageResult], reports: Sequence[CIReport], rules: BotRules | None
) -> tuple[dict[int, str], dict[str, str]]:
    """Which CI each run report belongs to (by `id(report)`), and each CI's label.

    A CI is the reporting account; config aliases merge accounts into one CI. An account
    that is a bot by its display name only (no account evidence) never reports as a CI that
    an account with evidence reports as on this change: its message stays bot noise. Two
    CIs with one name are told apart by their accounts in the label.
    """
    account = {id(r): r.account for r in reports}
    trusted_accounts = {account[id(r)] for r in reports if r.trusted}
    trusted_names = {r.ci_name.casefold() for r in reports if account[id(r)] in trusted_accounts}
    authors = {id(m.report): m.author for m in parsed if m.report is not None}
    keys: dict[int, str] = {}
    names: dict[str, str] = {}
    who: dict[str, dict[str, None]] = {}
    for rep in reports:
        trusted = account[id(rep)] in trusted_accounts
        if not trusted and rep.ci_name.casefold() in trusted_names:
            continue  # a lookalike of a CI that another account reports as
        alias = _alias_of(authors.get(id(rep)), rep.author_username, rules)
        key = f"alias:{alias.casefold()}" if alias else account[id(rep)] or f"~{rep.ci_name}"
        keys[id(rep)] = key
        names[key] = rep.ci_name
        who.setdefault(key, {})[_account_label(rep)] = None
    by_name: dict[str, list[str]] = {}
    for key, name in names.items():
        by_name.setdefault(name.casefold(), []).append(key)
    labels: dict[str, str] = {}
    for key, name in names.items():
        if len(by_name[name.casefold()]) > 1:
            labels[key] = f"{name} ({', '.join(who[key])})"
        else:
            labels[key] = name
    return keys, labels


def _alias_of(name: str | None, username: str | None, rules: BotRules | None) -> str | None:
    if rules is None or not rules.aliases:
        return None
    for value in (username, name):
        if value:
            alias = rules.aliases.get(" ".join(value.split()).casefold())
            if alias:
                return alias
    return None


def _account_label(report: CIReport) -> str:
    """How the UI names a reporting account: its username, else its id or name."""
    if report.author_username:
        return report.author_username
    account = report.account or ""
    return account[1:] if account[:1] in ("#", "~") else account


@dataclass
class _Entry:
    """One CI on one patch set while its run is built (see `CIRun`)."""

    key: str
    name: str
    reports: list[CIReport]  # every run report, oldest first
    current: CIReport
    job_reports: list[CIReport]
    history: tuple[CIReport, ...]
    accounts: tuple[str, ...]
    job_reruns: list[int]

    @property
    def pipeline(self) -> str | None:
        return self.current.pipeline

    @functools.cached_property
    def hints(self) -> frozenset[str]:
        """The recheck commands this CI advertised on the patch set."""
        return frozenset(h for r in self.reports for h in r.recheck_hints)


def _compatible(a: str | None, b: str | None) -> bool:
    """A report that names no pipeline is a run of whichever pipeline its CI runs."""
    return a is None or b is None or a == b


def _entry(key: str, name: str, reports: list[CIReport]) -> _Entry:
    """Current jobs: the newest result per (pipeline, job) over the CI's reports; each with
    how many earlier results of it were replaced (a "started" notice is not a run)."""
    reports = sorted(reports, key=lambda r: r.order)
    # Current entries in arrival order: seq -> (job or None for a jobless report, its
    # report, earlier results replaced). Indexed by job name so that a CI's thousand reports
    # cost what their jobs cost, not reports x current jobs.
    live: dict[int, tuple[Job | None, CIReport, int]] = {}
    by_name: dict[str | None, list[int]] = {}
    jobless: list[int] = []
    seq = 0

    def replaced(seqs: list[int], pipe: str | None) -> tuple[list[int], list[int]]:
        """(kept, gone) among `seqs` for a new report of pipeline `pipe`."""
        kept: list[int] = []
        gone: list[int] = []
        for n in seqs:
            (gone if _compatible(live[n][1].pipeline, pipe) else kept).append(n)
        return kept, gone

    for rep in reports:
        pipe = rep.pipeline
        gone: list[int] = []
        jobless, dropped = replaced(jobless, pipe)
        gone += dropped
        names = {j.name for j in rep.jobs} if rep.jobs else set(by_name)
        for job_name in names:
            seqs = by_name.get(job_name)
            if seqs:
                by_name[job_name], dropped = replaced(seqs, pipe)
                gone += dropped
        earlier: dict[str | None, int] = {}
        before = 0
        for n in gone:
            job, old, reruns = live.pop(n)
            count = reruns + (0 if old.overall == "STARTED" else 1)
            if job is None:
                before = max(before, count)
            else:
                earlier[job.name] = max(earlier.get(job.name, 0), count)
        if rep.jobs:
            for job in rep.jobs:
                live[seq] = (job, rep, earlier.get(job.name, before))
                by_name.setdefault(job.name, []).append(seq)
                seq += 1
        else:
            live[seq] = (None, rep, max([before, *earlier.values()]))
            jobless.append(seq)
            seq += 1
    live_entries = list(live.values())
    newest = reports[-1]
    jobs = tuple(job for job, _, _ in live_entries if job is not None)
    job_reports = [rep for job, rep, _ in live_entries if job is not None]
    job_reruns = tuple(n for job, _, n in live_entries if job is not None)
    still = {id(rep) for _, rep, _ in live_entries}
    history = tuple(r for r in reports if id(r) not in still and r.overall != "STARTED")
    if any(r is not newest for r in job_reports):
        overalls = {r.overall for r in job_reports}
        current = replace(newest, jobs=jobs, overall=overalls.pop() if len(overalls) == 1 else None)
    elif len(jobs) == len(newest.jobs):
        current = newest  # all of the newest report's jobs, nothing older: the report itself
    else:
        current = replace(newest, jobs=jobs)
    accounts = tuple(dict.fromkeys(_account_label(r) for r in reports))
    return _Entry(key, name, reports, current, job_reports, history, accounts, list(job_reruns))


def _runs_for_patch_set(
    ps: int | None,
    entries: list[_Entry],
    requests: list[RecheckRequest],
    rows: Iterable[Any],
    rules: BotRules | None,
    in_progress_status: bool,
) -> tuple[CIRun, ...]:
    # verify-status: fold rows into comment CIs (by URL first, then by reporter), the rest
    # become their own CIs.
    for vs_report, vs_history in reports_from_verifications(
        rows, ps, in_progress_status=in_progress_status
    ):
        left = list(vs_report.jobs)
        for entry in entries:
            if not left:
                break
            if entry.current.source == "verify-status":
                continue
            left = _merge_rows(entry, vs_report, left, reporter_matches=False)
        for entry in entries:
            if not left:
                break
            if entry.current.source != "verify-status" and _reporter_is(
                vs_report.ci_name, entry, rules
            ):
                left = _merge_rows(entry, vs_report, left, reporter_matches=True)
                entry.history = entry.history + vs_history
                vs_history = ()
        if left:
            own = replace(vs_report, jobs=tuple(left))
            entries.append(
                _Entry(
                    f"vs:{vs_report.ci_name.casefold()}",
                    vs_report.ci_name,
                    [own],
                    own,
                    [own] * len(left),
                    vs_history,
                    (),
                    [0] * len(left),
                )
            )

    runs = []
    for entry in entries:
        pending_req = _pending_request(entry, requests, entries, rules)
        runs.append(
            CIRun(
                ci_name=entry.name,
                current=entry.current,
                history=entry.history,
                pipeline=entry.pipeline,
                pending=pending_req is not None,
                pending_since=pending_req.date if pending_req else None,
                pending_pipeline=pending_req.pipeline if pending_req else None,
                ci=entry.key,
                accounts=entry.accounts,
                job_reports=tuple(entry.job_reports),
                job_reruns=tuple(entry.job_reruns),
                reports=tuple(entry.reports),
            )
        )
    runs.sort(key=lambda r: (r.ci_name.casefold(), r.ci))
    return tuple(runs)


def _merge_rows(
    entry: _Entry, vs_report: CIReport, rows: list[Job], *, reporter_matches: bool
) -> list[Job]:
    """Fold verify-status rows into a CI's current jobs (see `merge_with_comments`)."""
    before = len(entry.current.jobs)
    merged, left = merge_with_comments(entry.current, rows, reporter_matches=reporter_matches)
    if merged is not entry.current:
        entry.job_reports.extend([vs_report] * (len(merged.jobs) - before))
        entry.job_reruns.extend([0] * (len(merged.jobs) - before))
        entry.current = merged
    return left


def _reporter_is(reporter: str, entry: _Entry, rules: BotRules | None) -> bool:
    key = reporter.casefold()
    if key == entry.name.casefold():
        return True
    if any(r.author_username and key == r.author_username.casefold() for r in entry.reports):
        return True
    if rules is not None:
        alias = rules.ci_name_for(reporter, None)
        if alias and alias.casefold() == entry.name.casefold():
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
    entry: _Entry,
    requests: list[RecheckRequest],
    entries: list[_Entry],
    rules: BotRules | None,
) -> RecheckRequest | None:
    """The latest request aimed at this CI that no report of it answered yet: the CI's
    next report (any pipeline; the named one for `check experimental`) clears it."""
    latest: RecheckRequest | None = None
    # The newest comment report overall and per pipeline (ranks are chronological).
    last: dict[str | None, int] = {}
    for r in entry.reports:
        if r.source == "comment":
            last[None] = max(last.get(None, -1), r.order)
            if r.pipeline is not None:
                last[r.pipeline] = max(last.get(r.pipeline, -1), r.order)
    others = [r for r in (*entry.reports, entry.current) if r.source != "comment"]
    for req in requests:
        if not _targets(req, entry, entries, rules):
            continue
        if last.get(req.pipeline, -1) > req.order:
            continue  # a comment report came after the request
        if any(
            _answered(r, req) for r in others if req.pipeline is None or r.pipeline == req.pipeline
        ):
            continue
        latest = req
    return latest


def _targets(
    req: RecheckRequest,
    entry: _Entry,
    entries: list[_Entry],
    rules: BotRules | None,
) -> bool:
    if req.pipeline is not None:
        return any(r.pipeline == req.pipeline for r in entry.reports)
    line = normalize_command(req.line)
    # 1. A CI that advertised this exact command owns it.
    owners = [e for e in entries if line in e.hints]
    if owners:
        return any(e is entry for e in owners)
    if req.target is None:
        return True
    # 2. The request names a CI by name, username, alias or a word of its name.
    named = [e for e in entries if _names(req.target, e, rules)]
    if named:
        return any(e is entry for e in named)
    # 3. "recheck <word>" naming no CI is a plain recheck; "run-X" for an unknown X is not.
    return req.keyword != "run"


def _names(target: str, entry: _Entry, rules: BotRules | None) -> bool:
    t = normalize_command(target).strip("'\"`")
    if not t:
        return False
    name = entry.name.casefold()
    if t == name or any(
        r.author_username and t == r.author_username.casefold() for r in entry.reports
    ):
        return True
    if rules is not None and rules.ci_name_for(target, target) == entry.name:
        return True
    words = [w for w in name.replace("-", " ").split() if w not in ("ci", "bot", "the")]
    return t in words or (len(t) >= 4 and t in name)


def summarize(runs: Iterable[CIRun], not_reported: Iterable[str] = ()) -> Summary:
    """Counts over the jobs of every current run (see `vstui.ci.model.Summary`): the only
    place a patch set's results are counted."""
    passing = failing_voting = failing_non_voting = running = pending = other = 0
    for run in runs:
        if run.pending and not run.jobs:
            pending += 1
            continue
        units: tuple[tuple[str, bool, bool], ...]
        if run.jobs:
            units = tuple((j.status, j.voting, run.job_pending(i)) for i, j in enumerate(run.jobs))
        else:
            units = ((run.current.status, True, False),)
        for status, voting, waiting in units:
            if waiting:
                pending += 1
                continue
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
