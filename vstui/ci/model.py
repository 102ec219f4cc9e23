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
    links: tuple[str, ...] = ()  # the message's http(s) links when no job line was found

    @property
    def vote(self) -> dict[str, int]:
        return dict(self.votes)

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
class CIRun:
    """A CI's results on one patch set: its latest report and the older runs before it.

    `history` holds earlier completed runs (rechecks), oldest first; a "started" report that
    a later result of the same run replaced is not history. `pending` is True after a
    recheck request that targets this CI and that it has not answered yet.
    """

    ci_name: str
    current: CIReport
    history: tuple[CIReport, ...] = ()
    pipeline: str | None = None
    pending: bool = False
    pending_since: datetime | None = None

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
    def status(self) -> str:
        return "pending" if self.pending else self.current.status

    @property
    def label(self) -> str:
        """The CI name as a table shows it, with the pipeline when there is one."""
        return f"{self.ci_name} ({self.pipeline})" if self.pipeline else self.ci_name


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts for one patch set, over the jobs of every CI's current run.

    A run without job lines ("Build failed." with no list, a CQ verdict) counts once by its
    overall result, as a voting entry. `pending` counts CIs waiting on a recheck; running
    jobs of those CIs count in `pending`, not `running`. `not_reported` lists CIs seen on
    other patch sets of the change (or configured as expected) with nothing on this one.
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
        key = ci_name.casefold()
        for run in self.runs:
            if run.ci_name.casefold() == key or run.label.casefold() == key:
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
