"""The emulator's in-memory entities (mutable; only `GerritStore` changes them, under its lock).

Times are float seconds since the epoch (the store's clock); renderers turn them into SSH
seconds or REST timestamp strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ZERO_SHA = "0" * 40
ACCOUNT_TEMPLATE_RE = re.compile(r"<GERRIT_ACCOUNT_(\d+)>")

SERVICE_USERS = "Service Users"
ADMINISTRATORS = "Administrators"
REGISTERED_USERS = "Registered Users"

CAP_STREAM_EVENTS = "streamEvents"
CAP_SAVE_VERIFICATION = "verify-status-saveVerificationReport"
CAP_ADMINISTRATE_SERVER = "administrateServer"
CAP_ACCESS_CI_DATABASE = "verify-status-accessCiDatabase"

CHANGE_KINDS = (
    "REWORK",
    "TRIVIAL_REBASE",
    "TRIVIAL_REBASE_WITH_MESSAGE_UPDATE",
    "MERGE_FIRST_PARENT_UPDATE",
    "NO_CODE_CHANGE",
    "NO_CHANGE",
)


@dataclass(slots=True, eq=False)
class Account:
    account_id: int
    username: str
    name: str
    email: str
    http_password: str
    display_name: str | None = None
    groups: set[str] = field(default_factory=set)
    ssh_keys: list[str] = field(
        default_factory=list
    )  # OpenSSH lines: "ssh-ed25519 AAAA... comment"
    inactive: bool = False
    registered_on: float = 0.0

    def __repr__(self) -> str:
        return f"Account({self.account_id}, {self.username!r})"

    @property
    def is_service_user(self) -> bool:
        return SERVICE_USERS in self.groups

    @property
    def is_admin(self) -> bool:
        return ADMINISTRATORS in self.groups

    @property
    def tags(self) -> tuple[str, ...]:
        return ("SERVICE_USER",) if self.is_service_user else ()


@dataclass(slots=True, eq=False)
class Group:
    group_id: int
    uuid: str
    name: str
    description: str = ""
    members: set[int] = field(default_factory=set)


@dataclass(slots=True, eq=False)
class LabelType:
    """A label definition: values (int -> description), default and submit function."""

    name: str
    values: dict[int, str]
    default_value: int = 0
    function: str = "MaxWithBlock"  # MaxWithBlock | MaxNoBlock | AnyWithBlock | NoBlock | NoOp
    copy_on_trivial_rebase: bool = False

    @property
    def min(self) -> int:
        return min(self.values)

    @property
    def max(self) -> int:
        return max(self.values)


def code_review_label() -> LabelType:
    return LabelType(
        "Code-Review",
        {
            -2: "This shall not be submitted",
            -1: "I would prefer this is not submitted as is",
            0: "No score",
            1: "Looks good to me, but someone else must approve",
            2: "Looks good to me, approved",
        },
        copy_on_trivial_rebase=True,
    )


def verified_label() -> LabelType:
    return LabelType("Verified", {-1: "Fails", 0: "No score", 1: "Verified"})


def workflow_label() -> LabelType:
    return LabelType("Workflow", {-1: "Work in progress", 0: "Ready for reviews", 1: "Approved"})


def default_labels() -> list[LabelType]:
    return [code_review_label(), verified_label(), workflow_label()]


@dataclass(slots=True, eq=False)
class Project:
    name: str
    labels: dict[str, LabelType]
    description: str = ""
    parent: str | None = "All-Projects"
    head: str = "refs/heads/master"
    state: str = "ACTIVE"
    branches: dict[str, str] = field(default_factory=dict)  # full ref name -> sha1
    created_on: float = 0.0


@dataclass(slots=True, eq=False)
class PatchSet:
    number: int
    revision: str
    parents: list[str]
    ref: str
    uploader: Account
    author: Account
    created_on: float
    kind: str
    commit_message: str
    size_insertions: int = 0
    size_deletions: int = 0
    files: list[tuple[str, str, int, int]] = field(default_factory=list)  # path, type, +, -
    wip: bool = False


@dataclass(slots=True, eq=False)
class Approval:
    label: str
    value: int
    account: Account
    granted: float
    tag: str | None = None
    patch_set: int = 1
    post_submit: bool = False


@dataclass(slots=True, eq=False)
class ChangeMessage:
    id: str
    author: Account | None
    date: float
    message: str  # as stored: may contain <GERRIT_ACCOUNT_n> templates
    tag: str | None = None
    revision_number: int | None = None
    real_author: Account | None = None


@dataclass(slots=True, eq=False)
class Verification:
    """One PATCH_SET_VERIFICATIONS row of the verify-status plugin."""

    job_id: str
    name: str
    value: int
    granted: float
    url: str | None = None
    abstain: bool = False
    rerun: bool = False
    reporter: str | None = None
    comment: str | None = None
    category: str | None = None
    duration: str | None = None


@dataclass(slots=True, eq=False)
class ReviewerUpdate:
    state: str  # REVIEWER | CC | REMOVED
    reviewer: Account
    updated_by: Account
    updated: float


@dataclass(slots=True, eq=False)
class Change:
    number: int
    change_id: str
    project: str
    branch: str  # short name, e.g. "master"
    subject: str
    owner: Account
    created_on: float
    last_updated: float
    status: str = "NEW"  # NEW | MERGED | ABANDONED
    topic: str | None = None
    wip: bool = False
    private: bool = False
    hashtags: list[str] = field(default_factory=list)
    patch_sets: list[PatchSet] = field(default_factory=list)
    # approvals per patch set number: {(label, account_id): Approval}
    approvals: dict[int, dict[tuple[str, int], Approval]] = field(default_factory=dict)
    messages: list[ChangeMessage] = field(default_factory=list)
    reviewers: dict[int, tuple[Account, str]] = field(default_factory=dict)  # id -> (acct, state)
    reviewer_updates: list[ReviewerUpdate] = field(default_factory=list)
    verifications: dict[int, list[Verification]] = field(default_factory=dict)  # ps -> rows
    meta_rev: str = "0" * 40
    submitted: float | None = None
    submitter: Account | None = None
    merged_rev: str | None = None

    def __repr__(self) -> str:
        return f"Change({self.number}, {self.project!r}, {self.status}, ps={len(self.patch_sets)})"

    @property
    def ref_name(self) -> str:
        return "refs/heads/" + self.branch

    @property
    def current(self) -> PatchSet:
        return self.patch_sets[-1]

    @property
    def is_open(self) -> bool:
        return self.status == "NEW"

    def patch_set(self, number: int) -> PatchSet | None:
        if 1 <= number <= len(self.patch_sets):
            return self.patch_sets[number - 1]
        return None

    def current_approvals(self) -> dict[tuple[str, int], Approval]:
        return self.approvals.get(self.current.number, {})


def change_ref(number: int, ps: int | str) -> str:
    """`refs/changes/<last two digits>/<number>/<ps or meta>`."""
    return f"refs/changes/{number % 100:02d}/{number}/{ps}"


def account_template(account: Account) -> str:
    """How Gerrit stores an account mention in a change message."""
    return f"<GERRIT_ACCOUNT_{account.account_id}>"


def private_viewers(change: Change) -> set[int]:
    """Who may see a private change: its owner, reviewers and CCs."""
    return {change.owner.account_id, *change.reviewers}
