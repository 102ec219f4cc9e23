"""Typed fast path for REST bodies: msgspec decodes the bytes straight into the wire shapes
below (C speed, no intermediate dicts), then small converters build the public models.

Used by `vstui.gerrit.decode.decode_changes` and friends; not a public API. The result must be
exactly what the tolerant dict path (`change_from_json` & co.) gives for the same body, and
`tests/gerrit/test_decode.py` checks that on real payloads and on generated ones. Anything
the shapes do not accept (a field of the wrong type, a number sent as a string, a
non-object entry) raises `msgspec.ValidationError`; that entry is then decoded by the dict
path, which treats odd values the tolerant way (`"42"` read as 42, wrong types as missing).
Decoding is strict on purpose: every value the typed path accepts is one the dict path reads
the same way, so the two cannot disagree (timestamps: msgspec's RFC 3339 parser, which
`parse_timestamp` matches, sub-microsecond rounding included; epoch numbers and other forms
take the dict path).

Why not decode into the models directly: REST names fields differently from the stream
(`_account_id` vs `accountId`, `date` vs `grantedOn`), groups them differently (revisions
keyed by SHA-1, approvals as flat AccountInfo) and sends naive UTC times; the models are
the one set of types every consumer sees, so the conversion stays, but from typed structs
it is a few attribute reads per object instead of dict look-ups and type checks per field.
Measured in `bench/decode_rest.py`.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType, field

from vstui.gerrit.models import (
    Account,
    Approval,
    Change,
    ChangeMessage,
    LabelSummary,
    PatchSet,
    Verification,
)

# The dict path drops integers outside int64: here they fail validation (-> dict path).
Int = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]


class _AccountInfo(Struct, frozen=True, gc=False):
    """AccountInfo. Frozen and hashable: equal accounts map to one shared `Account`."""

    # The dict path reads `_account_id` when the key is there (even null), else `accountId`.
    account_id: Int | UnsetType | None = field(default=UNSET, name="_account_id")
    event_account_id: Int | None = field(default=None, name="accountId")
    name: str | None = None
    email: str | None = None
    username: str | None = None
    display_name: str | None = None
    tags: tuple[str, ...] = ()


class _ApprovalInfo(Struct, gc=False):
    """ApprovalInfo: an AccountInfo plus the vote."""

    # The dict path reads `_account_id` when the key is there (even null), else `accountId`.
    account_id: Int | UnsetType | None = field(default=UNSET, name="_account_id")
    event_account_id: Int | None = field(default=None, name="accountId")
    name: str | None = None
    email: str | None = None
    username: str | None = None
    display_name: str | None = None
    tags: tuple[str, ...] = ()
    value: Int | None = None
    date: datetime | None = None
    tag: str | None = None


class _LabelInfo(Struct, gc=False):
    all: tuple[_ApprovalInfo, ...] = ()
    values: dict[str, str] = {}
    approved: _AccountInfo | None = None
    rejected: _AccountInfo | None = None
    recommended: _AccountInfo | None = None
    disliked: _AccountInfo | None = None
    value: Int | None = None
    default_value: Int | None = None
    blocking: bool = False
    optional: bool = False


class _GitPerson(Struct, gc=False):
    name: str | None = None
    email: str | None = None


class _ParentInfo(Struct, gc=False):
    commit: str | None = None


class _CommitInfo(Struct, gc=False):
    parents: tuple[_ParentInfo, ...] = ()
    author: _GitPerson | None = None


class _RevisionInfo(Struct, gc=False):
    number: Int | None = field(default=None, name="_number")
    ref: str | None = None
    uploader: _AccountInfo | None = None
    created: datetime | None = None
    kind: str | None = None
    commit: _CommitInfo | None = None


class _MessageInfo(Struct, gc=False):
    id: str | None = None
    author: _AccountInfo | None = None
    real_author: _AccountInfo | None = None
    date: datetime | None = None
    message: str | None = None
    tag: str | None = None
    revision_number: Int | None = field(default=None, name="_revision_number")
    accounts_in_message: tuple[_AccountInfo, ...] = ()


class _ChangeInfo(Struct, gc=False):
    number: Int | None = field(default=None, name="_number")
    id: str | None = None
    change_id: str | None = None
    project: str | None = None
    branch: str | None = None
    topic: str | None = None
    subject: str | None = None
    owner: _AccountInfo | None = None
    status: str | None = None
    created: datetime | None = None
    updated: datetime | None = None
    current_revision: str | None = None
    revisions: dict[str, _RevisionInfo] = {}
    labels: dict[str, _LabelInfo] = {}
    messages: tuple[_MessageInfo, ...] = ()
    work_in_progress: bool = False
    is_private: bool = False
    hashtags: tuple[str, ...] = ()
    reviewers: dict[str, tuple[_AccountInfo, ...]] = {}
    current_revision_number: Int | None = None
    submitted: datetime | None = None
    submittable: bool | None = None
    mergeable: bool | None = None
    insertions: Int | None = None
    deletions: Int | None = None
    unresolved_comment_count: Int | None = None
    more_changes: bool = field(default=False, name="_more_changes")


class _VerificationInfo(Struct, gc=False):
    name: str | None = None
    url: str | None = None
    value: Int | None = None
    abstain: bool = False
    rerun: bool = False
    reporter: str | None = None
    comment: str | None = None
    category: str | None = None
    duration: str | None = None
    granted: datetime | None = None


CHANGES = msgspec.json.Decoder(list[_ChangeInfo], strict=True)
CHANGE = msgspec.json.Decoder(_ChangeInfo, strict=True)
MESSAGES = msgspec.json.Decoder(list[_MessageInfo], strict=True)
MESSAGE = msgspec.json.Decoder(_MessageInfo, strict=True)
VERIFICATIONS = msgspec.json.Decoder(dict[str, _VerificationInfo], strict=True)
VERIFICATION = msgspec.json.Decoder(_VerificationInfo, strict=True)
RAW_LIST = msgspec.json.Decoder(list[msgspec.Raw])
RAW_DICT = msgspec.json.Decoder(dict[str, msgspec.Raw])


# --------------------------------------------------------------------------- scalars


def _utc(value: datetime | None) -> datetime | None:
    """Gerrit sends naive UTC times; an explicit offset is converted."""
    if value is None:
        return None
    tz = value.tzinfo
    if tz is None:
        return value.replace(tzinfo=UTC)
    if tz is UTC:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise msgspec.ValidationError("timestamp out of range") from None


def _account_id(info: _AccountInfo | _ApprovalInfo) -> int | None:
    account_id = info.account_id
    return info.event_account_id if isinstance(account_id, UnsetType) else account_id


# --------------------------------------------------------------------------- converters


class Converter:
    """Builds models from wire structs; one per body, so equal accounts (and equal vote-less
    label summaries) share one object: a page of 500 changes names the same few hundred
    people thousands of times. Models are immutable, so sharing is invisible."""

    __slots__ = ("_accounts", "_labels")

    def __init__(self) -> None:
        self._accounts: dict[_AccountInfo, Account] = {}
        self._labels: dict[tuple[Any, ...], LabelSummary] = {}

    def account(self, info: _AccountInfo | None) -> Account | None:
        if info is None:
            return None
        account = self._accounts.get(info)
        if account is None:
            account_id = _account_id(info)
            account = Account(
                account_id=account_id,
                name=info.name,
                email=info.email,
                username=info.username,
                display_name=info.display_name,
                tags=info.tags,
            )
            self._accounts[info] = account
        return account

    def approval(self, label: str, info: _ApprovalInfo) -> Approval | None:
        if info.value is None:
            return None  # a reviewer listed without a vote on this label
        by = self.account(
            _AccountInfo(
                account_id=info.account_id,
                event_account_id=info.event_account_id,
                name=info.name,
                email=info.email,
                username=info.username,
                display_name=info.display_name,
                tags=info.tags,
            )
        )
        return Approval(label=label, value=info.value, by=by, granted=_utc(info.date), tag=info.tag)

    def label(self, name: str, info: _LabelInfo) -> LabelSummary:
        if not info.all and not info.values:
            # The list's labels (LABELS without DETAILED_LABELS): a few distinct ones per
            # page, shared like accounts.
            key = (
                name,
                info.approved,
                info.rejected,
                info.recommended,
                info.disliked,
                info.value,
                info.default_value,
                info.blocking,
                info.optional,
            )
            summary = self._labels.get(key)
            if summary is None:
                summary = self._labels[key] = self._label(name, info)
            return summary
        return self._label(name, info)

    def _label(self, name: str, info: _LabelInfo) -> LabelSummary:
        from vstui.gerrit.decode import _int_or_none  # (decode imports this module)

        values: dict[int, str] = {}
        for key, description in info.values.items():
            number = _int_or_none(key)  # keys look like "-1", " 0", "+2"
            if number is not None:
                values[number] = description
        approvals = tuple(a for a in (self.approval(name, x) for x in info.all) if a is not None)
        account = self.account
        return LabelSummary(
            name=name,
            approvals=approvals,
            values=values,
            approved=account(info.approved),
            rejected=account(info.rejected),
            recommended=account(info.recommended),
            disliked=account(info.disliked),
            value=info.value,
            default_value=info.default_value,
            blocking=info.blocking,
            optional=info.optional,
        )

    def patch_set(self, revision: str, info: _RevisionInfo) -> PatchSet | None:
        if info.number is None:
            return None
        commit = info.commit
        author = None
        parents: tuple[str, ...] = ()
        if commit is not None:
            parents = tuple(p.commit for p in commit.parents if p.commit)
            person = commit.author
            if person is not None and (person.name is not None or person.email is not None):
                author = Account(name=person.name, email=person.email)
        return PatchSet(
            number=info.number,
            revision=revision,
            ref=info.ref,
            uploader=self.account(info.uploader),
            created=_utc(info.created),
            kind=info.kind,
            author=author,
            parents=parents,
        )

    def message(self, info: _MessageInfo) -> ChangeMessage:
        account = self.account
        return ChangeMessage(
            id=info.id or "",
            author=account(info.author),
            real_author=account(info.real_author),
            date=_utc(info.date),
            message=info.message or "",
            tag=info.tag,
            revision_number=info.revision_number,
            accounts_in_message=tuple(account(a) for a in info.accounts_in_message),  # type: ignore[misc]
        )

    def change(self, info: _ChangeInfo) -> Change:
        patch_sets: tuple[PatchSet, ...] = ()
        if info.revisions:
            found = [
                ps
                for ps in (self.patch_set(rev, r) for rev, r in info.revisions.items())
                if ps is not None
            ]
            found.sort(key=_number_of)
            patch_sets = tuple(found)
        account = self.account
        label = self.label
        return Change(
            number=info.number or 0,
            id=info.id or "",
            change_id=info.change_id or "",
            project=info.project or "",
            branch=info.branch or "",
            topic=info.topic,
            subject=info.subject or "",
            owner=account(info.owner),
            status=info.status or "",
            created=_utc(info.created),
            updated=_utc(info.updated),
            current_revision=info.current_revision,
            patch_sets=patch_sets,
            labels={name: label(name, x) for name, x in info.labels.items()},
            messages=tuple(map(self.message, info.messages)) if info.messages else (),
            work_in_progress=info.work_in_progress,
            is_private=info.is_private,
            hashtags=info.hashtags,
            reviewers={
                state: tuple(a for a in map(account, accounts) if a is not None)
                for state, accounts in info.reviewers.items()
            }
            if info.reviewers
            else {},
            current_revision_number=info.current_revision_number,
            submitted=_utc(info.submitted),
            submittable=info.submittable,
            mergeable=info.mergeable,
            insertions=info.insertions,
            deletions=info.deletions,
            unresolved_comment_count=info.unresolved_comment_count,
            more_changes=info.more_changes,
        )

    def verification(self, job_id: str, info: _VerificationInfo) -> Verification:
        return Verification(
            job_id=job_id,
            name=info.name or "",
            url=info.url,
            value=info.value or 0,
            abstain=info.abstain,
            rerun=info.rerun,
            reporter=info.reporter,
            comment=info.comment,
            category=info.category,
            duration=info.duration,
            granted=_utc(info.granted),
        )


def _number_of(ps: PatchSet) -> int:
    return ps.number


def decode_list(data: bytes, whole: Any, one: Any, convert: Any, fallback: Any) -> list[Any]:
    """A JSON list: typed all at once, or entry by entry when one entry is odd.

    `convert(converter, wire)` builds a model; `fallback(raw)` decodes one entry the
    tolerant way (None skips it). Not a list: nothing, as on the dict path."""
    converter = Converter()
    try:
        return [convert(converter, w) for w in whole.decode(data)]
    except msgspec.ValidationError:
        pass
    try:
        items = RAW_LIST.decode(data)
    except msgspec.ValidationError:
        return []
    out = []
    for raw in items:
        try:
            out.append(convert(converter, one.decode(raw)))
        except msgspec.ValidationError:
            value = fallback(raw)
            if value is not None:
                out.append(value)
    return out


def decode_keyed(data: bytes, whole: Any, one: Any, convert: Any, fallback: Any) -> list[Any]:
    """A JSON object of entries keyed by id (verify-status), in order; like `decode_list`."""
    converter = Converter()
    try:
        return [convert(converter, key, w) for key, w in whole.decode(data).items()]
    except msgspec.ValidationError:
        pass
    try:
        items = RAW_DICT.decode(data)
    except msgspec.ValidationError:
        return []
    out = []
    for key, raw in items.items():
        try:
            out.append(convert(converter, key, one.decode(raw)))
        except msgspec.ValidationError:
            value = fallback(key, raw)
            if value is not None:
                out.append(value)
    return out


def decode_one(data: bytes, one: Any, _unused: Any, convert: Any, fallback: Any) -> Any:
    """A single JSON object (None when it is not one, as on the dict path)."""
    try:
        return convert(Converter(), one.decode(data))
    except msgspec.ValidationError:
        return fallback(data)
