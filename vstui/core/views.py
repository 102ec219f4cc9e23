"""What the screens show, as plain data: list rows, CI result rows, discussion messages.

The UI renders these and nothing else, so everything that decides *what* is shown (which
messages are human, which jobs are failing, how votes read) is computed here, headless and
tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from vstui.ci.model import Summary
from vstui.core.threads import ThreadItem

#: A patch set's CI counts, in jobs, as the list row shows them. The very `Summary` that
#: `vstui.ci.results` computes (the only code that counts results): the list, the CI pane
#: and every CLI read the same numbers. `pending` counts jobs awaiting a recheck's answer.
CICounts = Summary


@dataclass(frozen=True, slots=True)
class ChangeListItem:
    """One row of the change list."""

    number: int
    project: str
    branch: str
    subject: str
    owner: str
    status: str
    updated: datetime | None
    code_review: str  # "+2", "-1", "" (the most significant vote, as Gerrit shows it)
    verified: str
    ci: CICounts | None  # None until the change's messages and verifications are loaded
    work_in_progress: bool = False
    unresolved: int = 0  # unresolved inline comment threads (Gerrit's count)
    starred: bool = False
    patch_set: int | None = None  # current patch set number, when known


@dataclass(frozen=True, slots=True)
class CIJobItem:
    """One CI job result on a patch set (the current run of its CI).

    When the CI was asked to run again (a recheck) and has not answered yet, the row keeps
    its last result, `failing` included (so "failing only" still shows it: a reviewer wants
    to see the failure the recheck is about), and `pending` is set.
    """

    ci_name: str
    name: str
    result: str  # SUCCESS, FAILURE, RUNNING, ... (upper case, as shown)
    failing: bool
    running: bool
    voting: bool
    duration_s: float | None
    when: datetime | None
    url: str | None
    source: str  # "comment", "verify-status" or "comment+verify-status"
    raw_title: str
    raw_text: str
    history: int = 0  # earlier runs of this CI on the patch set (rechecks)
    # How the result reads: success, failure, unstable, canceled, running, skipped, unknown.
    status: str = "unknown"
    pending: bool = False  # a recheck of this CI is waiting for its answer
    pipeline: str | None = None  # the pipeline of the run this result came in
    # The accounts this CI reported from, when more than one (merged by config).
    accounts: tuple[str, ...] = ()
    # From the history (vstui.history.verdicts.Verdict): flaky, failing elsewhere, ...
    verdicts: tuple[Any, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.ci_name, self.name)


@dataclass(frozen=True, slots=True)
class MessageItem:
    """One change message in the Discussion pane."""

    id: str
    author: str
    date: datetime | None
    patch_set: int | None
    votes: str  # "Code-Review+1 Verified-1"
    text: str
    is_bot: bool
    ci_name: str | None = None
    threads: tuple[ThreadItem, ...] = ()  # inline threads published with this message


@dataclass(frozen=True, slots=True)
class Vote:
    """One account's vote on a label."""

    value: int
    voter: str

    @property
    def text(self) -> str:
        return f"{self.value:+d} {self.voter}"


@dataclass(frozen=True, slots=True)
class LabelVotes:
    """A label's non-zero votes with who cast them, strongest first (+2, +1, -1, -2 ...)."""

    label: str
    votes: tuple[Vote, ...]

    @property
    def text(self) -> str:
        """`Code-Review: +2 Sean McGinnis, -1 Gorka Eguileor`."""
        return f"{self.label}: " + ", ".join(v.text for v in self.votes)


@dataclass(frozen=True, slots=True)
class ChangeView:
    """Everything the change screen shows for one patch set of one change."""

    number: int
    subject: str
    project: str
    branch: str
    owner: str
    status: str
    work_in_progress: bool
    patch_sets: tuple[int, ...]
    shown_patch_set: int | None
    votes: str  # "Code-Review: +1 Sean McGinnis, -1 Gorka Eguileor · Verified: +1 Zuul"
    messages: tuple[MessageItem, ...]  # human and bot, oldest first
    jobs: tuple[CIJobItem, ...]  # current result per job on the shown patch set, by CI then job
    web_url: str = ""
    loaded: bool = True
    # Inline threads whose message is not in `messages` (every thread is also under its
    # message), and the unresolved human threads (Gerrit's unresolved_comment_count).
    other_threads: tuple[ThreadItem, ...] = ()
    unresolved: int = 0
    labels: tuple[LabelVotes, ...] = ()  # the votes, with voters (what `votes` says)

    @property
    def latest_patch_set(self) -> int | None:
        return self.patch_sets[-1] if self.patch_sets else None
