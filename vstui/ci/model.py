"""The CI result model the UI renders: jobs, reports, per-patch-set runs and summary counts.

One `Job` shape whichever channel a result came by (a change message or the verify-status
plugin). A `CIReport` is one report of one CI (one message, or one reporter's verify-status
rows on a patch set). `CIRun` is a CI's *current* report on a patch set plus its older runs
(rechecks) as history; `PatchSetResults` holds every CI's run on one patch set and the
`Summary` counts the UI shows. All frozen; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from typing import Any, Literal, TypeVar

from vstui.ci.fields import is_success, status_of

Source = Literal["comment", "verify-status", "comment+verify-status"]


@dataclass(frozen=True, slots=True)
class Job:
    """One job result.

    `result` is the CI's own word upper-cased (SUCCESS, FAILURE, POST_FAILURE, PASS,
    SUCCEEDED, STARTED ...); `status` says how it reads. `duration_s` is whole seconds or
    None. `voting` is False for `(non-voting)`, Gerrit Trigger `(skipped)` and verify-status
    `abstain`. `detail` is free text a CI printed next to the result (Zuul error detail,
    a custom success message). The verify-status-only fields stay None/False for comments.
    """

    name: str | None
    url: str | None
    result: str | None
    duration_s: int | None = None
    voting: bool = True
    source: Source = "comment"
    detail: str | None = None
    category: str | None = None
    reporter: str | None = None
    rerun: bool = False
    comment: str | None = None
    granted: datetime | None = None

    @property
    def status(self) -> str:
        """success, failure, running, skipped, canceled, unstable or unknown."""
        return status_of(self.result)

    @property
    def passed(self) -> bool:
        return is_success(self.result)

    @property
    def failing(self) -> bool:
        """Finished without success (failure, unstable, canceled): what `f` filters on."""
        return self.status in ("failure", "unstable", "canceled")

    @property
    def running(self) -> bool:
        return self.status == "running"

    def as_dict(self) -> dict[str, object]:
        """The five fields `vstui parse` and the scorer exchange."""
        return {
            "name": self.name,
            "url": self.url,
            "result": self.result,
            "duration_s": self.duration_s,
            "voting": self.voting,
        }


@dataclass(frozen=True, slots=True)
class CIReport:
    """One CI report: a bot's change message, or one reporter's verify-status rows.

    `overall` is the closed vocabulary SUCCESS | FAILURE | UNSTABLE | ABORTED | NOT_BUILT |
    MERGE_CONFLICT | STARTED | CANCELED (None: the bot reported no run). `votes` are the
    labels the message set, as (label, value) pairs; `vote` gives them as a dict.
    `pipeline` is the Zuul pipeline when the message names one (check, gate, experimental).
    `recheck_hints` are the recheck commands the CI advertises ("run-NEC Cinder CI").
    `links` are the message's links when it has no job lines (from the generic fallback), so
    a bot's report is never empty of something to open.
    """

    ci_name: str
    overall: str | None
    jobs: tuple[Job, ...] = ()
    votes: tuple[tuple[str, int], ...] = ()
    message_id: str | None = None
    patch_set: int | None = None
    date: datetime | None = None
    source: Source = "comment"
    pipeline: str | None = None
    author_username: str | None = None
    recheck_hints: tuple[str, ...] = ()
    order: int = 0  # position in the input, breaks date ties
    # The reporting account's id (None when the source did not say, for verify-status
    # reports and for Gerrit's own notices); `account` is its identity.
    account_id: int | None = None
    # The account is a bot by account evidence (SERVICE_USER, a tool's message tag, a
    # configured username or account id), not by its display name alone: only such a
    # report may stand for a CI that another account also reports as.
    trusted: bool = False
    links: tuple[str, ...] = ()  # the message's http(s) links when no job line was found

    @property
    def vote(self) -> dict[str, int]:
        return dict(self.votes)

    @property
    def account(self) -> str | None:
        """The reporting account: `#<account id>`, else `@<username>`, else `~<name>`;
        None for verify-status rows (they name a reporter, not an account)."""
        if self.source == "verify-status":
            return None
        return account_key(self.account_id, self.author_username, self.ci_name)

    @property
    def is_run(self) -> bool:
        """True when the report describes a CI run (a result or jobs), not a notice."""
        return self.overall is not None or bool(self.jobs)

    @property
    def status(self) -> str:
        """How the overall result reads (see `vstui.ci.fields.status_of`)."""
        if self.overall == "MERGE_CONFLICT":
            return "failure"
        if self.overall is None and self.jobs:
            return _status_from_jobs(self.jobs)
        return status_of(self.overall)


def account_key(account_id: object, username: str | None, name: str | None) -> str:
    """The identity of an account as reports carry it: `#1000040`, else `@jenkins`, else
    `~Jenkins` (a display name is the weakest: anyone can choose it)."""
    if isinstance(account_id, int) and not isinstance(account_id, bool):
        return f"#{account_id}"
    if username:
        return f"@{username}"
    return f"~{name or ''}"


def _status_from_jobs(jobs: tuple[Job, ...]) -> str:
    voting = [j for j in jobs if j.voting] or list(jobs)
    statuses = {j.status for j in voting}
    for s in ("running", "failure", "unstable", "canceled"):
        if s in statuses:
            return s
    return "success" if "success" in statuses else "unknown"


@dataclass(frozen=True, slots=True)
class RecheckRequest:
    """A human asking CI to run again: `recheck`, `reverify`, `run-<CI>`, `<ci>: recheck` ...

    `target` is the CI the request names (as typed), None for every CI; `pipeline` is set
    for `check experimental`. `line` is the request as written.
    """

    keyword: str
    target: str | None = None
    pipeline: str | None = None
    line: str = ""
    message_id: str | None = None
    patch_set: int | None = None
    date: datetime | None = None
    author: str | None = None
    order: int = 0


@dataclass(frozen=True, slots=True)
class CurrentJob:
    """One current job of a CI on a patch set and the report it came in.

    `key` is (CI identity, pipeline, job name): the newest report of a key replaces older
    ones (a report that names no pipeline matches every pipeline of its CI)."""

    ci: str
    job: Job
    report: CIReport

    @property
    def pipeline(self) -> str | None:
        return self.report.pipeline

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return (self.ci, self.report.pipeline, self.job.name)


@dataclass(frozen=True, slots=True)
class CIRun:
    """One CI's results on one patch set: its current jobs and the earlier runs before them.

    A CI is the reporting account (`ci` is its identity: `#<account id>`, `@<username>`,
    `alias:<name>` for accounts merged by config, `vs:<reporter>` for verify-status); its
    pipelines (check, gate) are properties of its runs, not other CIs. `current` is the
    newest report, whose `jobs` are the CI's *current* jobs: the newest result of every
    (pipeline, job) across its reports on the patch set; `job_reports` gives, per job, the
    report it came in. `history` holds the earlier runs (reports none of whose results is
    current any more), oldest first; a "started" report that a later result replaced is the
    same run, not history. `pending` is True after a recheck request that targets this CI
    and that it has not answered yet (any report of it after the request answers).
    `accounts` names the reporting accounts (more than one only for merged accounts).
    """

    ci_name: str
    current: CIReport
    history: tuple[CIReport, ...] = ()
    pipeline: str | None = None
    pending: bool = False
    pending_since: datetime | None = None
    ci: str = ""
    accounts: tuple[str, ...] = ()
    job_reports: tuple[CIReport, ...] = ()
    pending_pipeline: str | None = None  # `check experimental`: only that pipeline waits
    job_reruns: tuple[int, ...] = ()  # per current job: earlier results of it replaced
    # Every run report of this CI on the patch set as it arrived, oldest first, each with
    # its own pipeline and jobs (current and replaced ones alike): what a history records.
    reports: tuple[CIReport, ...] = ()

    @property
    def runs(self) -> int:
        """How many runs of this CI the patch set has seen (current included)."""
        return len(self.history) + 1

    @property
    def reruns(self) -> int:
        return len(self.history)

    @property
    def jobs(self) -> tuple[Job, ...]:
        return self.current.jobs

    @property
    def current_jobs(self) -> tuple[CurrentJob, ...]:
        reports = self.job_reports or (self.current,) * len(self.current.jobs)
        return tuple(
            CurrentJob(self.ci, job, report)
            for job, report in zip(self.current.jobs, reports, strict=False)
        )

    def reruns_of(self, index: int) -> int:
        """Earlier results of the current job at `index` on this patch set (rechecks)."""
        if index < len(self.job_reruns):
            return self.job_reruns[index]
        return self.reruns

    def job_pending(self, index: int) -> bool:
        """Is the current job at `index` waiting for a recheck's answer?"""
        if not self.pending:
            return False
        if self.pending_pipeline is None:
            return True
        reports = self.job_reports or (self.current,) * len(self.current.jobs)
        return index < len(reports) and reports[index].pipeline == self.pending_pipeline

    @property
    def pipelines(self) -> tuple[str, ...]:
        """The named pipelines of the current jobs (or of the current report), in order."""
        reports = self.job_reports or (self.current,)
        return tuple(dict.fromkeys(r.pipeline for r in reports if r.pipeline))

    @property
    def status(self) -> str:
        if self.pending:
            return "pending"
        if self.current.jobs:
            return _status_from_jobs(self.current.jobs)
        return self.current.status

    @property
    def label(self) -> str:
        """The CI name as a table shows it (pipelines are shown per job, not per CI)."""
        return self.ci_name


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts for one patch set, in jobs, over every CI's current jobs: the one count the
    list, the CI pane and every CLI show (`vstui.ci.results.summarize` builds it).

    A run without job lines ("Build failed." with no list, a CQ verdict) counts once by its
    overall result, as a voting entry. `pending` counts the jobs of CIs asked to run again
    (a recheck) that have not answered yet: their last results are being replaced, so they
    count there and nowhere else. `not_reported` lists CIs seen on other patch sets of the
    change (or configured as expected) with nothing on this one.
    """

    passing: int = 0
    failing_voting: int = 0
    failing_non_voting: int = 0
    running: int = 0
    pending: int = 0
    other: int = 0
    not_reported: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return (
            self.passing
            + self.failing_voting
            + self.failing_non_voting
            + self.running
            + self.pending
            + self.other
        )


@dataclass(frozen=True, slots=True)
class PatchSetResults:
    """Every CI's current run on one patch set, the recheck requests seen, and the counts."""

    patch_set: int | None
    runs: tuple[CIRun, ...] = ()
    rechecks: tuple[RecheckRequest, ...] = ()
    summary: Summary = field(default_factory=Summary)

    def run_for(self, ci_name: str) -> CIRun | None:
        """The run of the CI with this name (or identity, `#1000040` / `@zuul`)."""
        key = ci_name.casefold()
        for run in self.runs:
            if run.ci_name.casefold() == key or run.ci.casefold() == key:
                return run
        return None

    @property
    def jobs(self) -> tuple[tuple[CIRun, Job], ...]:
        """(run, job) for every current job, by CI then job, for a results table."""
        return tuple((run, job) for run in self.runs for job in run.jobs)


T = TypeVar("T")


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """A constructor for a frozen slots dataclass that fills the slots directly.

    Why: a frozen dataclass's generated `__init__` routes every field through
    `object.__setattr__`, which costs more than the parser's whole per-job work. Here the
    fields are stored into a plain twin class with the very same `__slots__` (ordinary slot
    stores, the fastest attribute write CPython has) and the object then becomes a `cls` by
    `__class__` assignment, which CPython allows exactly between such layout-identical
    classes. The result is the same instance the class would build: `type(o) is cls`, equal,
    hashable, raising FrozenInstanceError on assignment. Measured ~5x faster than the
    generated `__init__` for `Job`. Same parameters and defaults as the class; generated
    with `exec`, as `dataclasses` generates `__init__`. No validation, no `__post_init__`
    (none of these classes has one). Should the twin ever be refused (another interpreter),
    the slot descriptors are called instead (~2x faster than `__init__`).
    """
    flds = fields(cls)  # type: ignore[arg-type]
    names = [f.name for f in flds]
    params = []
    ns: dict[str, Any] = {"_cls": cls}
    for f in flds:
        if f.default is not MISSING:
            ns[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
        else:
            params.append(f.name)
    head = f"def make({', '.join(params)}):\n"
    twin = _slots_twin(cls, names)
    if twin is not None:
        ns["_twin"] = twin
        body = "".join(f"    o.{n} = {n}\n" for n in names)
        src = f"{head}    o = _twin()\n{body}    o.__class__ = _cls\n    return o\n"
    else:
        ns["_new"] = object.__new__
        for n in names:
            ns[f"_set_{n}"] = getattr(cls, n).__set__  # the slot descriptor
        body = "".join(f"    _set_{n}(o, {n})\n" for n in names)
        src = f"{head}    o = _new(_cls)\n{body}    return o\n"
    exec(src, ns)
    return ns["make"]  # type: ignore[no-any-return]


def _slots_twin(cls: type, names: list[str]) -> type | None:
    """A plain class with `cls`'s exact slot layout, or None if `cls` is not such a class."""
    if cls.__bases__ != (object,) or tuple(getattr(cls, "__slots__", ())) != tuple(names):
        return None
    twin = type(f"_{cls.__name__}Fields", (), {"__slots__": tuple(names)})
    try:
        probe = twin()
        probe.__class__ = cls  # refused (TypeError) unless the layouts are identical
    except TypeError:
        return None
    return twin


new_job = fast_constructor(Job)
new_report = fast_constructor(CIReport)
