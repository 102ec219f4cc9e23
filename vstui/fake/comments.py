"""Published inline comments (human and robot) of the emulator, and their REST shapes.

Comments reach the world only through a review (`GerritStore.post_review(..., comments=...)`,
as Gerrit's `POST .../review` with `comments` / `robot_comments` input publishes them) and are
read with `GET /changes/{id}/comments` and `/robotcomments`. The book lives beside the store
(one per store, created on first use) and is only touched under `store.lock`.

Shapes follow Gerrit's `rest-api-changes` documentation: CommentInfo (`patch_set`, `id`,
`line`, `range`, `in_reply_to`, `message`, `updated`, `author`, `unresolved`,
`change_message_id`, `commit_id`), a map from file path to its comments sorted by patch set,
line and time, `path` itself left out of each entry as the map's key says it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vstui.fake.errors import BadRequest
from vstui.fake.model import Account, Change, PatchSet

if TYPE_CHECKING:
    from vstui.fake.store import GerritStore

PATCHSET_LEVEL = "/PATCHSET_LEVEL"
COMMIT_MSG = "/COMMIT_MSG"
SPECIAL_PATHS = frozenset({PATCHSET_LEVEL, COMMIT_MSG, "/MERGE_LIST"})


@dataclass(slots=True, eq=False)
class Comment:
    """One published comment; `robot_id` set for a robot comment."""

    id: str
    change: int
    patch_set: int
    commit_id: str
    path: str
    line: int | None
    range: dict[str, int] | None
    in_reply_to: str | None
    message: str
    updated: float
    author: Account
    unresolved: bool
    change_message_id: str
    tag: str | None = None
    robot_id: str | None = None
    robot_run_id: str | None = None
    url: str | None = None


@dataclass(slots=True)
class CommentBook:
    """Every published comment, by change number, in publication order."""

    by_change: dict[int, list[Comment]] = field(default_factory=dict)
    counter: int = 0


@dataclass(frozen=True, slots=True)
class CommentInput:
    """A validated CommentInput / RobotCommentInput, ready to publish."""

    path: str
    line: int | None
    range: dict[str, int] | None
    in_reply_to: str | None
    message: str
    unresolved: bool | None
    tag: str | None
    robot_id: str | None = None
    robot_run_id: str | None = None
    url: str | None = None


def book(store: GerritStore) -> CommentBook:
    """The store's comment book (created on first use; callers hold `store.lock`)."""
    found = store.__dict__.get("_vstui_comment_book")
    if found is None:
        found = store.__dict__.setdefault("_vstui_comment_book", CommentBook())
    assert isinstance(found, CommentBook)
    return found


def comments_of(store: GerritStore, change: Change) -> list[Comment]:
    with store.lock:
        return list(book(store).by_change.get(change.number, ()))


# ------------------------------------------------------------------ input


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest("Invalid application/json in request")
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest("Invalid application/json in request")
    return value


def parse_comment_inputs(raw: Any, *, robot: bool = False) -> list[CommentInput]:
    """`{path: [CommentInput]}` from a ReviewInput -> inputs (blank messages dropped, as
    Gerrit's PostReview does). Shape errors raise Gerrit's 400 texts."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise BadRequest("Invalid application/json in request")
    out: list[CommentInput] = []
    for path, items in raw.items():
        if not isinstance(items, list):
            raise BadRequest("Invalid application/json in request")
        for item in items:
            if not isinstance(item, dict):
                raise BadRequest("Invalid application/json in request")
            message = _text(item.get("message")) or ""
            if not message.strip():
                continue
            line = item.get("line")
            if line is not None:
                line = _int(line, "line")
                if line < 0:
                    raise BadRequest(f"negative line number {line} not allowed on {path}")
            rng = item.get("range")
            range_: dict[str, int] | None = None
            if rng is not None:
                if not isinstance(rng, dict):
                    raise BadRequest("Invalid application/json in request")
                keys = ("start_line", "start_character", "end_line", "end_character")
                range_ = {k: _int(rng.get(k, 0), k) for k in keys}
                if range_["start_line"] > range_["end_line"] or min(range_.values()) < 0:
                    raise BadRequest(f"Range ({range_}) is not valid for comment on {path}")
                if line is None:
                    line = range_["end_line"]
            unresolved = item.get("unresolved")
            if unresolved is not None and not isinstance(unresolved, bool):
                raise BadRequest("Invalid application/json in request")
            robot_id = robot_run_id = None
            if robot:
                robot_id = _text(item.get("robot_id"))
                robot_run_id = _text(item.get("robot_run_id"))
                if not robot_id:
                    raise BadRequest(f"robot id is missing for robot comment on {path}")
                if not robot_run_id:
                    raise BadRequest(f"robot run id is missing for robot comment on {path}")
            out.append(
                CommentInput(
                    path=str(path),
                    line=line,
                    range=range_,
                    in_reply_to=_text(item.get("in_reply_to")),
                    message=message,
                    unresolved=unresolved,
                    tag=_text(item.get("tag")),
                    robot_id=robot_id,
                    robot_run_id=robot_run_id,
                    url=_text(item.get("url")) if robot else None,
                )
            )
    return out


def validate(
    store: GerritStore, change: Change, ps: PatchSet, inputs: Iterable[CommentInput]
) -> None:
    """Raise Gerrit's 400 for a comment on a file the revision lacks or a reply to nothing."""
    files = {f[0] for f in ps.files}
    known = {c.id for c in book(store).by_change.get(change.number, ())}
    for c in inputs:
        if c.path not in files and c.path not in SPECIAL_PATHS:
            raise BadRequest(f"file {c.path} not found in revision {change.number},{ps.number}")
        if c.in_reply_to is not None and c.in_reply_to not in known:
            raise BadRequest(f"invalid in_reply_to value: {c.in_reply_to}")


def publish(
    store: GerritStore,
    change: Change,
    ps: PatchSet,
    author: Account,
    inputs: Iterable[CommentInput],
    message_id: str,
    now: float,
) -> list[Comment]:
    """Store validated comments as published (caller holds the lock, inside its mutation)."""
    b = book(store)
    existing = b.by_change.setdefault(change.number, [])
    by_id = {c.id: c for c in existing}
    made: list[Comment] = []
    for c in inputs:
        b.counter += 1
        digest = hashlib.sha1(f"{change.number}:{b.counter}:{c.message}".encode()).hexdigest()
        unresolved = c.unresolved
        if unresolved is None:
            parent = by_id.get(c.in_reply_to) if c.in_reply_to else None
            unresolved = parent.unresolved if parent is not None else False
        comment = Comment(
            id=f"{digest[:8]}_{digest[8:16]}",
            change=change.number,
            patch_set=ps.number,
            commit_id=ps.revision,
            path=c.path,
            line=c.line,
            range=c.range,
            in_reply_to=c.in_reply_to,
            message=c.message,
            updated=now,
            author=author,
            unresolved=unresolved,
            change_message_id=message_id,
            tag=c.tag,
            robot_id=c.robot_id,
            robot_run_id=c.robot_run_id,
            url=c.url,
        )
        existing.append(comment)
        by_id[comment.id] = comment
        made.append(comment)
    return made


def count_text(n: int) -> str:
    """What Gerrit adds to the change message: `(1 comment)`, `(3 comments)`."""
    return f"({n} comment{'s' if n != 1 else ''})"


# ------------------------------------------------------------------ counts and threads


def counts(store: GerritStore, change: Change) -> tuple[int, int]:
    """(total human comments, unresolved threads) for ChangeInfo's two counters."""
    human = [c for c in book(store).by_change.get(change.number, ()) if c.robot_id is None]
    return len(human), _unresolved_threads(human)


def _unresolved_threads(comments: list[Comment]) -> int:
    """A thread's state is its newest comment's `unresolved` (Gerrit's rule)."""
    parent = {c.id: c.in_reply_to for c in comments}

    def root(cid: str) -> str:
        seen = 0
        while parent.get(cid) and seen < 1000:
            cid = parent[cid] or cid
            seen += 1
        return cid

    last: dict[str, Comment] = {}
    for c in comments:  # publication order: the newest wins
        last[root(c.id)] = c
    return sum(1 for c in last.values() if c.unresolved)


# ------------------------------------------------------------------ rendering


def comment_info(c: Comment, account_json: Mapping[str, Any], when: str) -> dict[str, Any]:
    """CommentInfo (or RobotCommentInfo) without `path` (the map key carries it)."""
    d: dict[str, Any] = {"patch_set": c.patch_set, "id": c.id}
    if c.line is not None and c.path != PATCHSET_LEVEL:
        d["line"] = c.line
    if c.range is not None:
        d["range"] = dict(c.range)
    if c.in_reply_to is not None:
        d["in_reply_to"] = c.in_reply_to
    d["message"] = c.message
    d["updated"] = when
    d["author"] = dict(account_json)
    if c.tag is not None:
        d["tag"] = c.tag
    d["unresolved"] = c.unresolved
    d["change_message_id"] = c.change_message_id
    d["commit_id"] = c.commit_id
    if c.robot_id is not None:
        d["robot_id"] = c.robot_id
        d["robot_run_id"] = c.robot_run_id
        if c.url:
            d["url"] = c.url
    return d


def comments_json(store: GerritStore, change: Change, *, robot: bool) -> dict[str, Any]:
    """`GET /changes/{id}/comments` (or `/robotcomments`): `{path: [CommentInfo]}`, paths
    sorted, each path's comments by patch set, line, then time."""
    from vstui.fake import render_rest as rr

    with store.lock:
        rows = [
            c
            for c in book(store).by_change.get(change.number, ())
            if (c.robot_id is not None) == robot
        ]
        out: dict[str, list[dict[str, Any]]] = {}
        for c in sorted(rows, key=lambda c: (c.path, c.patch_set, c.line or 0, c.updated)):
            out.setdefault(c.path, []).append(
                comment_info(c, rr.account_info(c.author, True), rr.timestamp(c.updated))
            )
        return dict(sorted(out.items()))
