"""Typed, immutable models of what Gerrit sends: accounts, changes, messages, verifications
and every `gerrit stream-events` event type.

Representation: frozen `msgspec.Struct`s, chosen by measurement (`bench/decode_stream.py`,
20,000 comment-added lines recorded from the emulator, same run, several runs on a shared
2-core machine): bare `json.loads` 8-16 µs per event; `decode_event` into these Structs
5.0 µs (~200k events/s, 0.3-0.6x the floor, because msgspec parses straight into the typed
objects); `json.loads` + frozen slotted dataclasses 17-29 µs (35-60k events/s, 1.8-2.6x the
floor: it misses the 100k events/s goal).

Stream events decode directly from the wire into the classes below (field `name=` gives the
Gerrit JSON key). REST bodies are decoded by `vstui.gerrit.decode` (typed msgspec structs in
`rest_wire`, then these classes: `bench/decode_rest.py` measured ~11 µs per list ChangeInfo
against ~25 µs for dict conversion and ~4 µs for msgspec to bare dicts), so consumers see one
set of types. Equal accounts in one REST body are one shared object.

All times are timezone-aware UTC `datetime`s. Every event keeps `line` (the exact JSON text it
was decoded from) and `raw` (that text as a dict, decoded lazily on first access). Nothing
here imports Textual.
"""

import functools
from datetime import UTC, datetime
from typing import Any, ClassVar

import msgspec
from msgspec import Struct, field

__all__ = [
    "EVENT_TYPES",
    "Account",
    "Approval",
    "BatchRefUpdated",
    "Change",
    "ChangeAbandoned",
    "ChangeDeleted",
    "ChangeEvent",
    "ChangeMerged",
    "ChangeMessage",
    "ChangeRestored",
    "ChangeUpdated",
    "CommentAdded",
    "CommitReceived",
    "CustomKeyedValuesChanged",
    "DroppedOutput",
    "Event",
    "EventChange",
    "HashtagsChanged",
    "LabelSummary",
    "PatchSet",
    "PatchsetCreated",
    "PrivateStateChanged",
    "ProjectCreated",
    "ProjectHeadUpdated",
    "RefReceived",
    "RefUpdate",
    "RefUpdated",
    "ReviewerAdded",
    "ReviewerDeleted",
    "TopicChanged",
    "UnknownEvent",
    "Verification",
    "VoteDeleted",
    "WipStateChanged",
]


def _utc_from_epoch(seconds: int | None) -> datetime | None:
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


# --------------------------------------------------------------------------- accounts


class Account(Struct, frozen=True):
    """A Gerrit account as seen in events (name/email/username) or REST (AccountInfo).

    Any field may be missing. A patch-set author who is not a Gerrit user arrives with
    `username == ""`.
    """

    account_id: int | None = field(default=None, name="accountId")
    name: str | None = None
    email: str | None = None
    username: str | None = None
    display_name: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The best human-readable name: display name, name, username, email, or the id."""
        for value in (self.display_name, self.name, self.username, self.email):
            if value:
                return value
        if self.account_id is not None:
            return f"account {self.account_id}"
        return "unknown account"

    @property
    def is_service_user(self) -> bool:
        """True when Gerrit tags the account as a member of Service Users."""
        return "SERVICE_USER" in self.tags


# --------------------------------------------------------------------------- change parts


class Approval(Struct, frozen=True):
    """A vote. Stream events send `value`/`oldValue` as strings ("-1"); decoded to int here.

    `old_value` is set only on event approvals for labels that review changed.
    """

    label: str = field(default="", name="type")
    value: int = 0
    old_value: int | None = field(default=None, name="oldValue")
    by: Account | None = None
    granted: datetime | None = field(default=None, name="grantedOn")
    tag: str | None = None
    description: str | None = None


class PatchSet(Struct, frozen=True):
    """One patch set (event `patchSet` attribute or a REST RevisionInfo)."""

    number: int = 0
    revision: str = ""
    ref: str | None = None
    uploader: Account | None = None
    created: datetime | None = field(default=None, name="createdOn")
    kind: str | None = None
    author: Account | None = None
    parents: tuple[str, ...] = ()
    size_insertions: int | None = field(default=None, name="sizeInsertions")
    size_deletions: int | None = field(default=None, name="sizeDeletions")


class ChangeMessage(Struct, frozen=True):
    """A change message (REST ChangeMessageInfo). `author` is None for Gerrit's own messages."""

    id: str = ""
    author: Account | None = None
    real_author: Account | None = None
    date: datetime | None = None
    message: str = ""
    tag: str | None = None
    revision_number: int | None = None
    accounts_in_message: tuple[Account, ...] = ()


class Verification(Struct, frozen=True):
    """One verify-status row (VerificationInfo), keyed on the server by `job_id` (a UUID)."""

    job_id: str = ""
    name: str = ""
    url: str | None = None
    value: int = 0
    abstain: bool = False
    rerun: bool = False
    reporter: str | None = None
    comment: str | None = None
    category: str | None = None
    duration: str | None = None
    granted: datetime | None = None


class LabelSummary(Struct, frozen=True):
    """A label on a change (REST LabelInfo). `values` maps vote -> description."""

    name: str = ""
    approvals: tuple[Approval, ...] = ()
    values: dict[int, str] = field(default_factory=dict)
    approved: Account | None = None
    rejected: Account | None = None
    recommended: Account | None = None
    disliked: Account | None = None
    value: int | None = None
    default_value: int | None = None
    blocking: bool = False
    optional: bool = False


class Change(Struct, frozen=True):
    """A change from REST (ChangeInfo). `id` is Gerrit's opaque id (`project~number` on 3.10+,
    `project~branch~Change-Id` before); `change_id` is the `I...` Change-Id."""

    number: int = 0
    id: str = ""
    change_id: str = ""
    project: str = ""
    branch: str = ""
    topic: str | None = None
    subject: str = ""
    owner: Account | None = None
    status: str = ""
    created: datetime | None = None
    updated: datetime | None = None
    current_revision: str | None = None
    patch_sets: tuple[PatchSet, ...] = ()
    labels: dict[str, LabelSummary] = field(default_factory=dict)
    messages: tuple[ChangeMessage, ...] = ()
    work_in_progress: bool = False
    is_private: bool = False
    hashtags: tuple[str, ...] = ()
    reviewers: dict[str, tuple[Account, ...]] = field(default_factory=dict)
    current_revision_number: int | None = None
    submitted: datetime | None = None
    submittable: bool | None = None
    mergeable: bool | None = None
    insertions: int | None = None
    deletions: int | None = None
    unresolved_comment_count: int | None = None
    starred: bool = False  # by the caller (REST ChangeInfo `starred`)
    more_changes: bool = False

    @property
    def current_patch_set_number(self) -> int | None:
        """Number of the current patch set, from whatever the server sent."""
        if self.current_revision_number is not None:
            return self.current_revision_number
        if self.current_revision:
            for ps in self.patch_sets:
                if ps.revision == self.current_revision:
                    return ps.number
        if self.patch_sets:
            return max(ps.number for ps in self.patch_sets)
        return None

    @property
    def current_patch_set(self) -> PatchSet | None:
        number = self.current_patch_set_number
        for ps in self.patch_sets:
            if ps.number == number:
                return ps
        return None

    @property
    def rest_id(self) -> str:
        """`project~number`, the identifier to use in REST URLs (URL-encode it)."""
        return f"{self.project}~{self.number}"


# --------------------------------------------------------------------------- event parts


class EventChange(Struct, frozen=True):
    """The (slim) `change` attribute of a stream event. `change_id` is the `I...` id."""

    number: int = 0
    change_id: str = field(default="", name="id")
    project: str = ""
    branch: str = ""
    topic: str | None = None
    subject: str = ""
    owner: Account | None = None
    url: str | None = None
    commit_message: str | None = field(default=None, name="commitMessage")
    hashtags: tuple[str, ...] = ()
    created: datetime | None = field(default=None, name="createdOn")
    last_updated: datetime | None = field(default=None, name="lastUpdated")
    status: str = ""
    wip: bool = False
    private: bool = False

    @property
    def rest_id(self) -> str:
        """`project~number`, the identifier to use in REST URLs (URL-encode it)."""
        return f"{self.project}~{self.number}"


class RefUpdate(Struct, frozen=True):
    """`refUpdate`: 40 zeros in `old_rev` = created, in `new_rev` = deleted."""

    old_rev: str = field(default="", name="oldRev")
    new_rev: str = field(default="", name="newRev")
    ref_name: str = field(default="", name="refName")
    project: str = ""


class _NameRef(Struct, frozen=True):
    """`{"name": ...}`: the plain-Gson (events-log, webhooks) shape of `project`."""

    name: str | None = None


class _ChangeKey(Struct, frozen=True):
    """`changeKey`: `{"id": ...}` on SSH, `{"key": ...}` from plain Gson (events-log)."""

    id: str | None = None
    key: str | None = None


class _VstuiMeta(Struct, frozen=True):
    """The `"vstui"` field vstui adds to events it synthesizes from a REST catch-up."""

    synthesized: bool = False


# --------------------------------------------------------------------------- events


class Event(Struct, frozen=True, tag_field="type", dict=True):
    """Base of every stream event. `type` is Gerrit's type string.

    `source` says how vstui got it: "stream" (SSH), "events-log" (replayed after a gap) or
    "rest" (synthesized from a REST catch-up; then `synthesized` is True). `line` is the
    exact JSON text; `raw` is that text decoded to a dict (lazily, read-only by convention).
    """

    event_created_on: int | None = field(default=None, name="eventCreatedOn")
    instance_id: str | None = field(default=None, name="instanceId")
    vstui: _VstuiMeta | None = None
    # Set by the decoder after decoding; whatever JSON keys of these names carry is replaced.
    line: str = field(default="", name="__vstui_line")
    source: str = field(default="stream", name="__vstui_source")

    CHANGE_SCOPED: ClassVar[bool] = False

    @property
    def type(self) -> str:
        return type(self).__struct_config__.tag  # type: ignore[return-value]

    @property
    def created_on(self) -> datetime | None:
        """`eventCreatedOn` (1-second resolution) as a UTC datetime."""
        return _utc_from_epoch(self.event_created_on)

    @property
    def synthesized(self) -> bool:
        return self.vstui is not None and self.vstui.synthesized

    @functools.cached_property
    def raw(self) -> dict[str, Any]:
        try:
            value = msgspec.json.decode(self.line)
        except (msgspec.DecodeError, RecursionError):
            return {}
        return value if isinstance(value, dict) else {}

    @property
    def project(self) -> str | None:
        return None

    @property
    def change_number(self) -> int | None:
        return None


class ChangeEvent(Event, frozen=True):
    """Base of change-scoped events: `change` (+ `patch_set` for most) and the undocumented
    top-level `project`, `refName`, `changeKey` (both the SSH and the events-log shapes)."""

    change: EventChange | None = None
    patch_set: PatchSet | None = field(default=None, name="patchSet")
    project_json: str | _NameRef | None = field(default=None, name="project")
    ref_name: str | None = field(default=None, name="refName")
    change_key_json: _ChangeKey | None = field(default=None, name="changeKey")

    CHANGE_SCOPED: ClassVar[bool] = True

    @property
    def project(self) -> str | None:
        p = self.project_json
        if isinstance(p, str):
            return p
        if p is not None and p.name is not None:
            return p.name
        return self.change.project if self.change is not None else None

    @property
    def change_key(self) -> str | None:
        """The Change-Id (`I...`) from `changeKey`, else from `change.id`."""
        k = self.change_key_json
        if k is not None:
            if k.id is not None:
                return k.id
            if k.key is not None:
                return k.key
        return self.change.change_id if self.change is not None else None

    @property
    def change_number(self) -> int | None:
        return self.change.number if self.change is not None else None

    @property
    def patch_set_number(self) -> int | None:
        return self.patch_set.number if self.patch_set is not None else None


class PatchsetCreated(ChangeEvent, frozen=True, tag="patchset-created"):
    uploader: Account | None = None


class CommentAdded(ChangeEvent, frozen=True, tag="comment-added"):
    """A review was posted. `comment` is the cover message ("Patch Set 2: Code-Review+2\\n\\n...").
    Stream events carry no message tag: classify bots by account or fetch over REST."""

    author: Account | None = None
    approvals: tuple[Approval, ...] = ()
    comment: str | None = None


class ChangeMerged(ChangeEvent, frozen=True, tag="change-merged"):
    submitter: Account | None = None
    new_rev: str | None = field(default=None, name="newRev")


class ChangeAbandoned(ChangeEvent, frozen=True, tag="change-abandoned"):
    abandoner: Account | None = None
    reason: str | None = None


class ChangeRestored(ChangeEvent, frozen=True, tag="change-restored"):
    restorer: Account | None = None
    reason: str | None = None


class ChangeDeleted(ChangeEvent, frozen=True, tag="change-deleted"):
    deleter: Account | None = None


class ReviewerAdded(ChangeEvent, frozen=True, tag="reviewer-added"):
    reviewer: Account | None = None
    adder: Account | None = None


class ReviewerDeleted(ChangeEvent, frozen=True, tag="reviewer-deleted"):
    reviewer: Account | None = None
    remover: Account | None = None
    approvals: tuple[Approval, ...] = ()
    comment: str | None = None


class VoteDeleted(ChangeEvent, frozen=True, tag="vote-deleted"):
    reviewer: Account | None = None
    remover: Account | None = None
    approvals: tuple[Approval, ...] = ()
    comment: str | None = None


class TopicChanged(ChangeEvent, frozen=True, tag="topic-changed"):
    changer: Account | None = None
    old_topic: str | None = field(default=None, name="oldTopic")


class HashtagsChanged(ChangeEvent, frozen=True, tag="hashtags-changed"):
    editor: Account | None = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()


class CustomKeyedValuesChanged(ChangeEvent, frozen=True, tag="custom-keyed-values-changed"):
    editor: Account | None = None
    added: dict[str, str] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    custom_keyed_values: dict[str, str] = field(default_factory=dict, name="customKeyedValues")


class WipStateChanged(ChangeEvent, frozen=True, tag="wip-state-changed"):
    """New state is `change.wip`."""

    changer: Account | None = None


class PrivateStateChanged(ChangeEvent, frozen=True, tag="private-state-changed"):
    """New state is `change.private`."""

    changer: Account | None = None


class ChangeUpdated(ChangeEvent, frozen=True, tag="change-updated"):
    """Not a Gerrit event: vstui synthesizes it (with `"vstui":{"synthesized":true}`) when it
    caught up over a REST query because the events-log plugin was unavailable. It only says
    "this change was updated at `event_created_on`"; fetch the change for details."""


class RefUpdated(Event, frozen=True, tag="ref-updated"):
    submitter: Account | None = None
    ref_update: RefUpdate | None = field(default=None, name="refUpdate")

    @property
    def project(self) -> str | None:
        return self.ref_update.project if self.ref_update is not None else None


class BatchRefUpdated(Event, frozen=True, tag="batch-ref-updated"):
    submitter: Account | None = None
    ref_updates: tuple[RefUpdate, ...] = field(default=(), name="refUpdates")

    @property
    def project(self) -> str | None:
        return self.ref_updates[0].project if self.ref_updates else None


class ProjectCreated(Event, frozen=True, tag="project-created"):
    project_name: str | None = field(default=None, name="projectName")
    head_name: str | None = field(default=None, name="headName")

    @property
    def project(self) -> str | None:
        return self.project_name


class ProjectHeadUpdated(Event, frozen=True, tag="project-head-updated"):
    project_name: str | None = field(default=None, name="projectName")
    old_head: str | None = field(default=None, name="oldHead")
    new_head: str | None = field(default=None, name="newHead")

    @property
    def project(self) -> str | None:
        return self.project_name


class CommitReceived(Event, frozen=True, tag="commit-received"):
    """Registered by Gerrit for push validators; not posted to the stream in practice."""

    ref_name: str | None = field(default=None, name="refName")
    project_json: str | _NameRef | None = field(default=None, name="project")


class RefReceived(Event, frozen=True, tag="ref-received"):
    """Registered by Gerrit for push validators; not posted to the stream in practice."""

    ref_name: str | None = field(default=None, name="refName")
    project_json: str | _NameRef | None = field(default=None, name="project")


class DroppedOutput(Event, frozen=True, tag="dropped-output"):
    """Gerrit discarded events for this connection (its queue overflowed): backfill needed."""


class UnknownEvent(Event, frozen=True, tag="__vstui_unknown"):
    """An event whose `type` vstui does not know (plugins, old servers); keeps the raw dict.

    Never produced by the tagged decoder: `vstui.gerrit.decode` builds it explicitly.
    """

    raw_dict: dict[str, Any] = field(default_factory=dict, name="__vstui_raw")

    @property
    def type(self) -> str:
        value = self.raw_dict.get("type")
        return value if isinstance(value, str) else ""

    @functools.cached_property
    def raw(self) -> dict[str, Any]:
        return self.raw_dict


#: Gerrit type string -> event class, for every type decoded into its own class.
EVENT_TYPES: dict[str, type[Event]] = {
    cls.__struct_config__.tag: cls  # type: ignore[misc]
    for cls in (
        PatchsetCreated,
        CommentAdded,
        ChangeMerged,
        ChangeAbandoned,
        ChangeRestored,
        ChangeDeleted,
        ReviewerAdded,
        ReviewerDeleted,
        VoteDeleted,
        TopicChanged,
        HashtagsChanged,
        CustomKeyedValuesChanged,
        WipStateChanged,
        PrivateStateChanged,
        ChangeUpdated,
        RefUpdated,
        BatchRefUpdated,
        ProjectCreated,
        ProjectHeadUpdated,
        CommitReceived,
        RefReceived,
        DroppedOutput,
    )
}
