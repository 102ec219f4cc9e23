"""The reviewer's side of Gerrit REST as typed models: inline comments, the labels a user may
vote on, and the review input (message, votes, inline comments) to post.

Decoding is tolerant per record: a comment entry of the wrong shape is skipped (and logged
once per body), the others are kept, so one odd comment never hides a thread.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from msgspec import Struct, field

from vstui.gerrit.decode import _int_or_none, account_from_json, parse_timestamp
from vstui.gerrit.models import Account

log = logging.getLogger(__name__)

PATCHSET_LEVEL = "/PATCHSET_LEVEL"


class CommentRange(Struct, frozen=True):
    start_line: int = 0
    start_character: int = 0
    end_line: int = 0
    end_character: int = 0


class Comment(Struct, frozen=True):
    """A published comment (REST CommentInfo, or RobotCommentInfo when `robot_id` is set)."""

    id: str = ""
    path: str = ""
    patch_set: int | None = None
    line: int | None = None
    range: CommentRange | None = None
    in_reply_to: str | None = None
    message: str = ""
    updated: datetime | None = None
    author: Account | None = None
    unresolved: bool = False
    change_message_id: str | None = None
    tag: str | None = None
    robot_id: str | None = None

    @property
    def is_robot(self) -> bool:
        return self.robot_id is not None


class LabelChoice(Struct, frozen=True):
    """A label the caller may vote on: the permitted values (ascending), their meaning, and
    the caller's current vote on the current patch set (0 when none)."""

    name: str
    values: tuple[int, ...]
    descriptions: dict[int, str] = field(default_factory=dict)
    current: int = 0


class ReviewContext(Struct, frozen=True):
    """What the reply dialog needs: the labels the caller may vote on, in the change's order."""

    labels: tuple[LabelChoice, ...] = ()
    current_revision: str | None = None
    status: str = ""


class CommentInput(Struct, frozen=True, omit_defaults=True):
    """One inline comment of a review (REST CommentInput)."""

    path: str
    message: str
    line: int | None = None
    in_reply_to: str | None = None
    unresolved: bool | None = None


# --------------------------------------------------------------------------- decoding


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def comment_from_json(path: str, value: Any) -> Comment | None:
    if not isinstance(value, dict):
        return None
    cid = _str(value.get("id"))
    if not cid:
        return None
    rng = value.get("range")
    range_ = None
    if isinstance(rng, dict):
        nums = [_int_or_none(rng.get(k)) for k in CommentRange.__struct_fields__]
        if all(n is not None for n in nums):
            range_ = CommentRange(*(n for n in nums if n is not None))
    unresolved = value.get("unresolved")
    return Comment(
        id=cid,
        path=_str(value.get("path")) or path,
        patch_set=_int_or_none(value.get("patch_set")),
        line=_int_or_none(value.get("line")),
        range=range_,
        in_reply_to=_str(value.get("in_reply_to")),
        message=_str(value.get("message")) or "",
        updated=parse_timestamp(value.get("updated")),
        author=account_from_json(value.get("author")),
        unresolved=unresolved if isinstance(unresolved, bool) else False,
        change_message_id=_str(value.get("change_message_id")),
        tag=_str(value.get("tag")),
        robot_id=_str(value.get("robot_id")),
    )


def comments_from_json(value: Any) -> tuple[Comment, ...]:
    """`{path: [CommentInfo]}` -> comments (bad entries skipped, counted in the log)."""
    if not isinstance(value, dict):
        return ()
    out: list[Comment] = []
    skipped = 0
    for path, items in value.items():
        if not isinstance(path, str) or not isinstance(items, list):
            skipped += 1
            continue
        for item in items:
            comment = comment_from_json(path, item)
            if comment is None:
                skipped += 1
            else:
                out.append(comment)
    if skipped:
        log.warning("skipped %d malformed comment entries", skipped)
    return tuple(out)


def review_context_from_json(value: Any, self_id: int | None) -> ReviewContext:
    """ChangeInfo with DETAILED_LABELS -> the labels `self_id` may vote on."""
    if not isinstance(value, dict):
        return ReviewContext()
    permitted = value.get("permitted_labels")
    labels = value.get("labels") if isinstance(value.get("labels"), dict) else {}
    assert isinstance(labels, dict)
    choices: list[LabelChoice] = []
    if isinstance(permitted, dict):
        for name, raw_values in permitted.items():
            if not isinstance(name, str) or not isinstance(raw_values, list):
                continue
            values = sorted({v for v in map(_int_or_none, raw_values) if v is not None})
            if not values:
                continue
            info = labels.get(name) if isinstance(labels.get(name), dict) else {}
            assert isinstance(info, dict)
            descriptions: dict[int, str] = {}
            raw_desc = info.get("values")
            if isinstance(raw_desc, dict):
                for key, text in raw_desc.items():
                    number = _int_or_none(key)
                    if number is not None and isinstance(text, str):
                        descriptions[number] = text
            current = 0
            voters = info.get("all")
            if self_id is not None and isinstance(voters, list):
                for vote in voters:
                    if isinstance(vote, dict) and _int_or_none(vote.get("_account_id")) == self_id:
                        current = _int_or_none(vote.get("value")) or 0
            choices.append(LabelChoice(name, tuple(values), descriptions, current))
    return ReviewContext(
        labels=tuple(choices),
        current_revision=_str(value.get("current_revision")),
        status=_str(value.get("status")) or "",
    )


def decode_file_content(body: bytes) -> str:
    """Get Content's base64 body -> text (undecodable bytes replaced, never an exception)."""
    try:
        raw = base64.b64decode(body.strip(), validate=False)
    except (binascii.Error, ValueError):
        return ""
    return raw.decode("utf-8", "replace")


# --------------------------------------------------------------------------- input


def review_input(
    message: str | None,
    labels: Mapping[str, int] | None,
    tag: str | None,
    comments: Sequence[CommentInput] = (),
) -> dict[str, Any]:
    """A ReviewInput body; inline comments grouped by path as Gerrit wants them."""
    body: dict[str, Any] = {}
    if message:
        body["message"] = message
    if labels:
        body["labels"] = dict(labels)
    if tag:
        body["tag"] = tag
    if comments:
        by_path: dict[str, list[dict[str, Any]]] = {}
        for c in comments:
            entry: dict[str, Any] = {"message": c.message}
            if c.line is not None:
                entry["line"] = c.line
            if c.in_reply_to is not None:
                entry["in_reply_to"] = c.in_reply_to
            if c.unresolved is not None:
                entry["unresolved"] = c.unresolved
            by_path.setdefault(c.path, []).append(entry)
        body["comments"] = by_path
    return body
