"""The reply dialog's draft -> the review posted (pure)."""

from __future__ import annotations

import pytest

from vstui.core.reply import NothingToPost, ReplyDraft, build_review
from vstui.core.threads import CommentItem, ThreadItem
from vstui.gerrit.review import LabelChoice, ReviewContext

CONTEXT = ReviewContext(
    labels=(
        LabelChoice("Code-Review", (-2, -1, 0, 1, 2), current=1),
        LabelChoice("Workflow", (-1, 0, 1), current=0),
    )
)
THREAD = ThreadItem(
    root_id="r1",
    path="a.py",
    line=9,
    patch_set=1,
    context=(),
    comments=(
        CommentItem("r1", "Gorka", None, "test?", True),
        CommentItem("r2", "Eric", None, "soon", True),
    ),
    unresolved=True,
    is_bot=False,
    change_message_id="m",
)


def test_only_changed_votes_are_posted() -> None:
    draft = ReplyDraft("Needs a test", {"Code-Review": -1, "Workflow": 0})
    review = build_review(draft, CONTEXT)
    assert review.labels == {"Code-Review": -1}
    assert (review.revision, review.message, review.comments) == ("current", "Needs a test", ())
    assert review.summary == "Code-Review-1, a message"


def test_an_empty_reply_is_refused_locally() -> None:
    with pytest.raises(NothingToPost):
        build_review(ReplyDraft("  ", {"Code-Review": 1}), CONTEXT)
    with pytest.raises(NothingToPost):
        build_review(ReplyDraft(""), None, THREAD)


def test_a_thread_reply_answers_the_newest_comment_on_its_patch_set() -> None:
    review = build_review(ReplyDraft("Done", resolved=True), CONTEXT, THREAD)
    (comment,) = review.comments
    assert (review.revision, review.labels, review.message) == (1, {}, "")
    assert (comment.path, comment.line, comment.in_reply_to, comment.unresolved) == (
        "a.py",
        9,
        "r2",
        False,
    )
    unresolved = build_review(ReplyDraft("not yet", resolved=False), CONTEXT, THREAD)
    assert unresolved.comments[0].unresolved is True
