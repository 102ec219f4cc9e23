"""Inline comment threads as the Discussion pane shows them (pure, headless).

A thread is a root comment and its replies (`in_reply_to` chains), on one file and line of
one patch set. Gerrit's rule for its state: the newest comment's `unresolved` decides.
A thread is a bot's when its root is a robot comment or its author a service user / a CI
account (the same `is_bot` decision the change messages get).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from vstui.gerrit.review import PATCHSET_LEVEL, Comment

CONTEXT_BEFORE = 2  # lines shown above the commented line (and the line itself)
MAX_CONTEXT = 6  # lines shown for a range comment, at most


@dataclass(frozen=True, slots=True)
class CommentItem:
    id: str
    author: str
    date: datetime | None
    text: str
    unresolved: bool


@dataclass(frozen=True, slots=True)
class ThreadItem:
    """One inline thread: where, the file's lines around it, its comments oldest first."""

    root_id: str
    path: str
    line: int | None
    patch_set: int | None
    context: tuple[tuple[int, str], ...]  # (line number, text), empty until the file loads
    comments: tuple[CommentItem, ...]
    unresolved: bool
    is_bot: bool
    change_message_id: str | None  # the message of the root comment

    @property
    def last_id(self) -> str:
        return self.comments[-1].id if self.comments else self.root_id

    @property
    def where(self) -> str:
        if self.path == PATCHSET_LEVEL:
            return "patch set"
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}"


FileLines = Mapping[tuple[int, str], Sequence[str]]  # (patch set, path) -> lines


def _root(comment: Comment, by_id: Mapping[str, Comment]) -> Comment:
    seen: set[str] = set()
    while comment.in_reply_to and comment.in_reply_to in by_id and comment.id not in seen:
        seen.add(comment.id)
        comment = by_id[comment.in_reply_to]
    return comment


def _context(root: Comment, files: FileLines) -> tuple[tuple[int, str], ...]:
    if root.line is None or root.patch_set is None:
        return ()
    lines = files.get((root.patch_set, root.path))
    if not lines:
        return ()
    if root.range is not None and root.range.end_line >= root.range.start_line:
        first = max(1, root.range.start_line)
        last = min(root.range.end_line, first + MAX_CONTEXT - 1)
    else:
        first, last = max(1, root.line - CONTEXT_BEFORE), root.line
    return tuple((n, lines[n - 1]) for n in range(first, last + 1) if 0 < n <= len(lines))


def build_threads(
    comments: Iterable[Comment],
    files: FileLines | None = None,
    *,
    is_bot_author: Callable[[Comment], bool] | None = None,
) -> list[ThreadItem]:
    """Group comments into threads, ordered by file, line, then the root's time."""
    items = list(comments)
    by_id = {c.id: c for c in items}
    groups: dict[str, list[Comment]] = {}
    for c in items:
        groups.setdefault(_root(c, by_id).id, []).append(c)
    out: list[ThreadItem] = []
    files = files or {}
    for root_id, members in groups.items():
        root = by_id[root_id]
        members.sort(key=lambda c: (c.updated is None, c.updated or datetime.min, c.id))
        bot = root.is_robot or (is_bot_author(root) if is_bot_author is not None else False)
        if not bot and root.author is not None:
            bot = root.author.is_service_user
        out.append(
            ThreadItem(
                root_id=root_id,
                path=root.path,
                line=root.line,
                patch_set=root.patch_set,
                context=_context(root, files),
                comments=tuple(
                    CommentItem(
                        c.id,
                        c.author.label if c.author is not None else "(unknown)",
                        c.updated,
                        c.message,
                        c.unresolved,
                    )
                    for c in members
                ),
                unresolved=members[-1].unresolved,
                is_bot=bot,
                change_message_id=root.change_message_id,
            )
        )
    out.sort(key=lambda t: (t.path, t.patch_set or 0, t.line or 0, t.root_id))
    return out


def unresolved_count(threads: Iterable[ThreadItem], *, bots: bool = False) -> int:
    return sum(1 for t in threads if t.unresolved and (bots or not t.is_bot))


def files_wanted(comments: Iterable[Comment], limit: int = 20) -> list[tuple[int, str]]:
    """(patch set, path) whose text the threads need for context, most commented first."""
    counts: dict[tuple[int, str], int] = {}
    for c in comments:
        if c.patch_set is None or c.line is None or c.path.startswith("/"):
            continue
        key = (c.patch_set, c.path)
        counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k))[:limit]
