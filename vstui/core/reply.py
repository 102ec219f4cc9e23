"""What a reply posts (pure): the dialog's draft turned into one review.

Only votes the user changed are sent (a label left at the current vote is not re-posted, so
a dialog opened on an old vote never fails on a label the user did not touch); a reply to
an inline thread is a comment on the thread's patch set, file and line, `in_reply_to` its
newest comment, unresolved unless the user ticks "resolved".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vstui.core.threads import ThreadItem
from vstui.gerrit.review import CommentInput, ReviewContext


@dataclass
class ReplyDraft:
    """The dialog's content, kept by the app when the dialog closes or a post fails."""

    message: str = ""
    votes: dict[str, int] = field(default_factory=dict)
    resolved: bool = True


@dataclass(frozen=True, slots=True)
class Review:
    revision: int | str
    message: str
    labels: dict[str, int]
    comments: tuple[CommentInput, ...]

    @property
    def summary(self) -> str:
        votes = " ".join(f"{k}{v:+d}" if v else f"{k} 0" for k, v in self.labels.items())
        parts = [p for p in (votes, "1 inline reply" if self.comments else "") if p]
        if self.message:
            parts.append("a message")
        return ", ".join(parts) or "nothing"


class NothingToPost(ValueError):
    pass


def build_review(
    draft: ReplyDraft,
    context: ReviewContext | None,
    thread: ThreadItem | None = None,
) -> Review:
    """The review to post for `draft`; NothingToPost when it would say nothing."""
    text = draft.message.strip()
    if thread is not None:
        if not text:
            raise NothingToPost("Write a reply first")
        comment = CommentInput(
            path=thread.path,
            message=text,
            line=thread.line,
            in_reply_to=thread.last_id,
            unresolved=not draft.resolved,
        )
        revision: int | str = thread.patch_set if thread.patch_set is not None else "current"
        return Review(revision, "", {}, (comment,))
    labels = changed_votes(draft.votes, context)
    if not text and not labels:
        raise NothingToPost("Nothing to post: write a message or change a vote")
    return Review("current", text, labels, ())


def changed_votes(votes: Mapping[str, int], context: ReviewContext | None) -> dict[str, int]:
    current = {c.name: c.current for c in context.labels} if context is not None else {}
    return {name: value for name, value in votes.items() if current.get(name, 0) != value}
