"""Decode what Gerrit sends into `vstui.gerrit.models`, tolerantly.

Stream events: `decode_event(line)` never raises anything but `EventDecodeError` (bytes that
are not a JSON object). Any JSON object becomes an event: its class when the `type` is known
(fields of the wrong shape are dropped to their defaults), else `UnknownEvent` with the dict.
The fast path is one msgspec call; only odd input takes the slower field-by-field path.

REST payloads (ChangeInfo, ChangeMessageInfo, AccountInfo, VerificationInfo):

- `decode_changes(body)`, `decode_change(body)`, `decode_messages(body)`,
  `decode_verifications(body)` take a response body as received (bytes, `)]}'` prefix and
  all). They are pure functions of their input, so they are safe to run in a worker thread
  (the UI decodes big pages off its event loop). They raise only `GerritProtocolError`, when
  the body is not JSON at all; anything else odd is tolerated like the converters below.
- the `*_from_json` functions convert already-parsed JSON and never raise on odd input:
  a value of the wrong type is treated as missing.
- `page_has_more(body)` peeks at a Query Changes body for `_more_changes` without decoding
  it, so a client can request the next page while this one is decoded.

Tolerated everywhere: unknown fields, numbers sent as strings (`"value":"-1"`,
`"number":"42"`), missing optional fields, both `project` shapes (`"p"` and `{"name":"p"}`)
and both `changeKey` shapes (`{"id":..}` and `{"key":..}`), Gerrit timestamps with 9 fraction
digits (`"2013-02-21 11:16:36.775000000"`, UTC).
"""

from __future__ import annotations

import logging
import types
import typing
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Union

import msgspec

from vstui.gerrit import rest_wire as _wire
from vstui.gerrit.errors import GerritProtocolError
from vstui.gerrit.models import (
    EVENT_TYPES,
    Account,
    Approval,
    Change,
    ChangeMessage,
    Event,
    LabelSummary,
    PatchSet,
    UnknownEvent,
    Verification,
)
from vstui.timestamps import parse_timestamp

__all__ = [
    "XSSI_PREFIX",
    "EventDecodeError",
    "account_from_json",
    "change_from_json",
    "changes_from_json",
    "decode_change",
    "decode_changes",
    "decode_event",
    "decode_json",
    "decode_messages",
    "decode_verifications",
    "event_from_dict",
    "message_from_json",
    "messages_from_json",
    "page_has_more",
    "parse_timestamp",
    "strip_xssi",
    "verifications_from_json",
]


_log = logging.getLogger("vstui.gerrit.decode")


class EventDecodeError(ValueError):
    """A stream line that is not a JSON object (not UTF-8, not JSON, or a non-object value)."""


_EVENT_DECODER: msgspec.json.Decoder[Any] = msgspec.json.Decoder(
    Union[tuple(EVENT_TYPES.values())],  # noqa: UP007
    strict=False,
)
_ANY_DECODER = msgspec.json.Decoder()
_force = msgspec.structs.force_setattr


def decode_event(data: bytes | str, *, source: str = "stream") -> Event:
    """Decode one stream / events-log line into an `Event`.

    Raises `EventDecodeError` only; any JSON object yields an event (`UnknownEvent` when its
    `type` is not known). Surrounding whitespace (the trailing newline) is ignored.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        try:
            line = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise EventDecodeError(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    elif isinstance(data, str):
        line = data
    else:
        raise EventDecodeError(f"expected bytes or str, got {type(data).__name__}")
    line = line.strip()
    try:
        event: Event = _EVENT_DECODER.decode(line)
    except msgspec.ValidationError:
        event = _decode_slow(line)
    except msgspec.DecodeError as exc:
        raise EventDecodeError(f"not JSON: {exc}") from None
    except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as exc:
        raise EventDecodeError(f"undecodable: {type(exc).__name__}") from None
    _force(event, "line", line)
    _force(event, "source", source)
    return event


def _decode_slow(line: str) -> Event:
    try:
        value = _ANY_DECODER.decode(line)
    except (msgspec.DecodeError, RecursionError) as exc:
        raise EventDecodeError(f"not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise EventDecodeError(f"not a JSON object but {_json_kind(value)}")
    event = event_from_dict(value)
    # Keep the dict we already have instead of decoding `line` again on `.raw`.
    event.__dict__["raw"] = value
    return event


def event_from_dict(value: dict[str, Any], *, line: str = "", source: str = "stream") -> Event:
    """Build an event from a decoded JSON object (known type -> its class, else UnknownEvent)."""
    kind = value.get("type")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        event: Event = UnknownEvent(
            raw_dict=value, event_created_on=_int_or_none(value.get("eventCreatedOn"))
        )
    else:
        try:
            event = msgspec.convert(value, cls, strict=False)
        except (msgspec.ValidationError, RecursionError, TypeError, ValueError):
            event = _tolerant_struct(value, cls)
    if line:
        _force(event, "line", line)
    _force(event, "source", source)
    return event


def _json_kind(value: object) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


# --------------------------------------------------------------------------- tolerant convert


class _Bad(Exception):
    pass


_NONE_TYPE = type(None)


def _tolerant(value: Any, tp: Any) -> Any:
    """Convert `value` to `tp` leniently; raise `_Bad` when impossible (caller drops it)."""
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = typing.get_args(tp)
        if value is None:
            if _NONE_TYPE in args:
                return None
            raise _Bad
        for arg in args:
            if arg is _NONE_TYPE:
                continue
            try:
                return _tolerant(value, arg)
            except _Bad:
                continue
        raise _Bad
    if origin is tuple:
        if not isinstance(value, list):
            raise _Bad
        (item_type, *_rest) = typing.get_args(tp)
        out = []
        for item in value:
            try:
                out.append(_tolerant(item, item_type))
            except _Bad:
                continue
        return tuple(out)
    if origin is dict:
        if not isinstance(value, dict):
            raise _Bad
        key_type, item_type = typing.get_args(tp)
        result = {}
        for k, v in value.items():
            try:
                result[_tolerant(k, key_type)] = _tolerant(v, item_type)
            except _Bad:
                continue
        return result
    if tp is Any:
        return value
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        if not isinstance(value, dict):
            raise _Bad
        return _tolerant_struct(value, tp)
    if tp is str:
        if isinstance(value, str):
            return value
        raise _Bad
    if tp is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _Bad
    if tp is int:
        number = _int_or_none(value)
        if number is None:
            raise _Bad
        return number
    if tp is datetime:
        parsed = parse_timestamp(value)
        if parsed is None:
            raise _Bad
        return parsed
    raise _Bad


def _tolerant_struct(value: dict[str, Any], cls: type[msgspec.Struct]) -> Any:
    kwargs = {}
    for info in msgspec.structs.fields(cls):
        if info.encode_name not in value:
            continue
        try:
            kwargs[info.name] = _tolerant(value[info.encode_name], info.type)
        except _Bad:
            continue
    return cls(**kwargs)


# --------------------------------------------------------------------------- scalars

_INT_MAX = 2**63


def _int_or_none(value: Any) -> int | None:
    """An int from an int, an integral float, or a numeric string ("42", "-1", "+2")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -_INT_MAX <= value < _INT_MAX else None
    if isinstance(value, float):
        if value.is_integer() and -_INT_MAX <= value < _INT_MAX:
            return int(value)
        return None
    if isinstance(value, str) and 0 < len(value) <= 20:
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _bool(value: Any, default: bool = False) -> bool:
    return value if isinstance(value, bool) else default


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(v for v in _list(value) if isinstance(v, str))


# --------------------------------------------------------------------------- REST


def account_from_json(value: Any) -> Account | None:
    """AccountInfo (REST, `_account_id`) or an event account (`accountId`) -> Account."""
    if not isinstance(value, dict):
        return None
    account_id = _int_or_none(value.get("_account_id", value.get("accountId")))
    return Account(
        account_id=account_id,
        name=_str(value.get("name")),
        email=_str(value.get("email")),
        username=_str(value.get("username")),
        display_name=_str(value.get("display_name")),
        tags=_strs(value.get("tags")),
    )


def message_from_json(value: Any) -> ChangeMessage | None:
    """ChangeMessageInfo -> ChangeMessage (None if `value` is not an object)."""
    if not isinstance(value, dict):
        return None
    return ChangeMessage(
        id=_str(value.get("id")) or "",
        author=account_from_json(value.get("author")),
        real_author=account_from_json(value.get("real_author")),
        date=parse_timestamp(value.get("date")),
        message=_str(value.get("message")) or "",
        tag=_str(value.get("tag")),
        revision_number=_int_or_none(value.get("_revision_number")),
        accounts_in_message=tuple(
            a for a in map(account_from_json, _list(value.get("accounts_in_message"))) if a
        ),
    )


def messages_from_json(value: Any) -> tuple[ChangeMessage, ...]:
    """A list of ChangeMessageInfo -> messages (entries that are not objects are skipped)."""
    return tuple(m for m in map(message_from_json, _list(value)) if m is not None)


def verifications_from_json(value: Any) -> tuple[Verification, ...]:
    """verify-status GET body (object keyed by job UUID) -> verifications, in server order."""
    out = []
    for job_id, info in _dict(value).items():
        if not isinstance(info, dict):
            continue
        out.append(
            Verification(
                job_id=job_id,
                name=_str(info.get("name")) or "",
                url=_str(info.get("url")),
                value=_int_or_none(info.get("value")) or 0,
                abstain=_bool(info.get("abstain")),
                rerun=_bool(info.get("rerun")),
                reporter=_str(info.get("reporter")),
                comment=_str(info.get("comment")),
                category=_str(info.get("category")),
                duration=_str(info.get("duration")),
                granted=parse_timestamp(info.get("granted")),
            )
        )
    return tuple(out)


def _approval_from_json(label: str, value: Any) -> Approval | None:
    if not isinstance(value, dict):
        return None
    vote = _int_or_none(value.get("value"))
    if vote is None:
        return None  # a reviewer listed without a vote on this label
    return Approval(
        label=label,
        value=vote,
        by=account_from_json(value),
        granted=parse_timestamp(value.get("date")),
        tag=_str(value.get("tag")),
    )


def _label_from_json(name: str, value: Any) -> LabelSummary:
    info = _dict(value)
    values: dict[int, str] = {}
    for key, description in _dict(info.get("values")).items():
        number = _int_or_none(key)  # keys look like "-1", " 0", "+2"
        if number is not None and isinstance(description, str):
            values[number] = description
    return LabelSummary(
        name=name,
        approvals=tuple(
            a for a in (_approval_from_json(name, x) for x in _list(info.get("all"))) if a
        ),
        values=values,
        approved=account_from_json(info.get("approved")),
        rejected=account_from_json(info.get("rejected")),
        recommended=account_from_json(info.get("recommended")),
        disliked=account_from_json(info.get("disliked")),
        value=_int_or_none(info.get("value")),
        default_value=_int_or_none(info.get("default_value")),
        blocking=_bool(info.get("blocking")),
        optional=_bool(info.get("optional")),
    )


def _patch_set_from_json(revision: str, value: Any) -> PatchSet | None:
    info = _dict(value)
    number = _int_or_none(info.get("_number"))
    if number is None:
        return None
    commit = _dict(info.get("commit"))
    parents = tuple(
        p for p in (_str(_dict(x).get("commit")) for x in _list(commit.get("parents"))) if p
    )
    author = _dict(commit.get("author"))
    author_name, author_email = _str(author.get("name")), _str(author.get("email"))
    return PatchSet(
        number=number,
        revision=revision,
        ref=_str(info.get("ref")),
        uploader=account_from_json(info.get("uploader")),
        created=parse_timestamp(info.get("created")),
        kind=_str(info.get("kind")),
        author=Account(name=author_name, email=author_email)
        if author_name is not None or author_email is not None
        else None,
        parents=parents,
    )


def change_from_json(value: Any) -> Change | None:
    """ChangeInfo (any `o=` options) -> Change; None if `value` is not an object."""
    if not isinstance(value, dict):
        return None
    patch_sets = [
        ps
        for ps in (
            _patch_set_from_json(rev, info) for rev, info in _dict(value.get("revisions")).items()
        )
        if ps is not None
    ]
    patch_sets.sort(key=lambda ps: ps.number)
    reviewers = {
        state: tuple(a for a in map(account_from_json, _list(accounts)) if a)
        for state, accounts in _dict(value.get("reviewers")).items()
    }
    return Change(
        number=_int_or_none(value.get("_number")) or 0,
        id=_str(value.get("id")) or "",
        change_id=_str(value.get("change_id")) or "",
        project=_str(value.get("project")) or "",
        branch=_str(value.get("branch")) or "",
        topic=_str(value.get("topic")),
        subject=_str(value.get("subject")) or "",
        owner=account_from_json(value.get("owner")),
        status=_str(value.get("status")) or "",
        created=parse_timestamp(value.get("created")),
        updated=parse_timestamp(value.get("updated")),
        current_revision=_str(value.get("current_revision")),
        patch_sets=tuple(patch_sets),
        labels={
            name: _label_from_json(name, info) for name, info in _dict(value.get("labels")).items()
        },
        messages=messages_from_json(value.get("messages")),
        work_in_progress=_bool(value.get("work_in_progress")),
        is_private=_bool(value.get("is_private")),
        hashtags=_strs(value.get("hashtags")),
        reviewers=reviewers,
        current_revision_number=_int_or_none(value.get("current_revision_number")),
        submitted=parse_timestamp(value.get("submitted")),
        submittable=value.get("submittable")
        if isinstance(value.get("submittable"), bool)
        else None,
        mergeable=value.get("mergeable") if isinstance(value.get("mergeable"), bool) else None,
        insertions=_int_or_none(value.get("insertions")),
        deletions=_int_or_none(value.get("deletions")),
        unresolved_comment_count=_int_or_none(value.get("unresolved_comment_count")),
        more_changes=_bool(value.get("_more_changes")),
    )


def changes_from_json(value: Any) -> tuple[Change, ...]:
    """A Query Changes body (a list of ChangeInfo) -> changes."""
    return tuple(c for c in map(change_from_json, _list(value)) if c is not None)


# --------------------------------------------------------------------------- REST bodies

XSSI_PREFIX = b")]}'"
_MORE_CHANGES = b'"_more_changes"'
_JSON_SPACE = b" \t\r\n"


def strip_xssi(body: bytes) -> bytes:
    """Drop Gerrit's `)]}'` first line (absent on events-log and error bodies)."""
    body = body.lstrip()
    if body.startswith(XSSI_PREFIX):
        newline = body.find(b"\n")
        return body[newline + 1 :] if newline >= 0 else b""
    return body


def decode_json(body: bytes, *, server: str = "gerrit", what: str = "answer") -> Any:
    """A REST body (XSSI prefix stripped) as plain JSON values.

    Raises `GerritProtocolError` naming `server` and `what` (e.g. "GET changes/") when the
    body is not JSON, typically an HTML login or proxy page: "is the URL right?"."""
    try:
        return _ANY_DECODER.decode(strip_xssi(body))
    except UnicodeDecodeError:
        return _ANY_DECODER.decode(strip_xssi(_repair_utf8(body, server, what)))
    except (msgspec.DecodeError, RecursionError):
        raise _not_json(body, server, what) from None


def _repair_utf8(body: bytes, server: str, what: str) -> bytes:
    """`body` with invalid UTF-8 replaced by U+FFFD, and a warning naming the server, the
    request and the first bad byte (one odd byte must not cost a whole page of changes)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        _log.warning(
            "%s: %s: the answer is not valid UTF-8 (%s at byte %d); bad bytes shown as U+FFFD",
            server,
            what,
            exc.reason,
            exc.start,
        )
    return body.decode("utf-8", "replace").encode("utf-8")


def _not_json(body: bytes, server: str, what: str) -> GerritProtocolError:
    from vstui.sanitize import one_line

    snippet = one_line(body[:80].decode("utf-8", "replace"), 60)
    return GerritProtocolError(
        server, f"{what}: the answer is not Gerrit JSON ({snippet!r}); is the URL right?"
    )


def decode_changes(
    body: bytes, *, server: str = "gerrit", what: str = "GET changes/"
) -> tuple[Change, ...]:
    """A Query Changes body (a JSON list of ChangeInfo, as received) -> changes, in order.

    Pure and thread-safe: meant to run in a worker thread for big pages. Raises only
    `GerritProtocolError` (not JSON); entries that are not objects are skipped and fields of
    the wrong type are treated as missing. The last change of a truncated page has
    `more_changes` set (Gerrit's `_more_changes`).

    msgspec decodes the bytes straight into typed structs (`rest_wire`); an entry they do not
    accept goes through `change_from_json`, so the result is the same either way."""
    return tuple(
        _decode_body(
            body,
            server,
            what,
            _wire.decode_list,
            _wire.CHANGES,
            _wire.CHANGE,
            _wire.Converter.change,
            _change_raw,
        )
    )


def decode_change(
    body: bytes, *, server: str = "gerrit", what: str = "GET change"
) -> Change | None:
    """A Get Change / Get Change Detail body -> `Change` (None if it is not an object)."""
    change: Change | None = _decode_body(
        body,
        server,
        what,
        _wire.decode_one,
        _wire.CHANGE,
        None,
        _wire.Converter.change,
        _change_raw,
    )
    return change


def decode_messages(
    body: bytes, *, server: str = "gerrit", what: str = "GET messages"
) -> tuple[ChangeMessage, ...]:
    """A List Change Messages body -> messages, in server order (oldest first)."""
    return tuple(
        _decode_body(
            body,
            server,
            what,
            _wire.decode_list,
            _wire.MESSAGES,
            _wire.MESSAGE,
            _wire.Converter.message,
            _message_raw,
        )
    )


def decode_verifications(
    body: bytes, *, server: str = "gerrit", what: str = "GET verifications"
) -> tuple[Verification, ...]:
    """A verify-status GET body (object keyed by job UUID) -> verifications, in server order."""
    return tuple(
        _decode_body(
            body,
            server,
            what,
            _wire.decode_keyed,
            _wire.VERIFICATIONS,
            _wire.VERIFICATION,
            _wire.Converter.verification,
            _verification_raw,
        )
    )


def _decode_body(body: bytes, server: str, what: str, how: Any, *args: Any) -> Any:
    try:
        try:
            return how(strip_xssi(body), *args)
        except UnicodeDecodeError:
            return how(strip_xssi(_repair_utf8(body, server, what)), *args)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        raise _not_json(body, server, what) from None


def _entry(raw: msgspec.Raw | bytes) -> Any:
    """One entry of a list/dict body as plain JSON; None (the entry is skipped, with a
    warning) when it cannot be: 100k-deep nesting, a 5,000-digit number."""
    try:
        return _ANY_DECODER.decode(raw)
    except (msgspec.DecodeError, RecursionError) as exc:
        _log.warning("skipping an undecodable entry of a REST answer: %s", str(exc)[:200])
        return None


def _change_raw(raw: msgspec.Raw | bytes) -> Change | None:
    return change_from_json(_entry(raw))


def _message_raw(raw: msgspec.Raw | bytes) -> ChangeMessage | None:
    return message_from_json(_entry(raw))


def _verification_raw(job_id: str, raw: msgspec.Raw) -> Verification | None:
    found = verifications_from_json({job_id: _entry(raw)})
    return found[0] if found else None


def page_has_more(body: bytes) -> bool:
    """True when a Query Changes body ends with `"_more_changes": true` in its last change.

    A cheap look at the tail, no decoding: a client uses it to request the next page while
    this one is decoded. Gerrit (and the emulator) write `_more_changes` as the last field
    of the last ChangeInfo; a server that orders fields differently gets False here, so
    callers must still check `decode_changes(body)[-1].more_changes` (the truth)."""
    at = body.rfind(_MORE_CHANGES, max(0, len(body) - 256))
    if at < 0:
        return False
    rest = body[at + len(_MORE_CHANGES) :].translate(None, _JSON_SPACE)
    return rest == b":true}]"


def iter_lines(body: bytes) -> Iterable[bytes]:
    """Non-empty lines of a newline-delimited body (events-log responses)."""
    for line in body.split(b"\n"):
        if line.strip():
            yield line
