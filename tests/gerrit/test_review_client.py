"""The REST client's reviewer's-loop calls over real loopback HTTP against the emulator:
inline comments, file content, permitted labels, a review with comments, stars."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gerrit.test_rest import client
from vstui.fake import permissions
from vstui.fake.model import SERVICE_USERS
from vstui.gerrit.errors import GerritForbiddenError, GerritRequestError
from vstui.gerrit.review import CommentInput, comments_from_json

PATH = "cinder/volume/manager.py"


@pytest.fixture
def change(empty_gerrit: Any) -> Any:
    s = empty_gerrit.store
    s.create_project("openstack/cinder")
    permissions.grant(s, "openstack/cinder", "Verified", SERVICE_USERS, -1, 1)
    owner = s.create_account("eharney", "Eric Harney", "eharney@example.com")
    me = s.account(empty_gerrit.info["default_account"])
    return s.create_change(
        "openstack/cinder", owner, "Fix migration", files=[(PATH, "MODIFIED", 9, 1)], reviewers=[me]
    )


async def test_reply_with_vote_and_inline_comment_then_read_the_thread(
    empty_gerrit: Any, change: Any
) -> None:
    async with client(empty_gerrit) as rest:
        me = await rest.get_self()
        context = await rest.get_review_context(change.number, me.account_id)
        names = [label.name for label in context.labels]
        assert names == ["Code-Review", "Workflow"]  # Verified is for CIs only
        cr = context.labels[0]
        assert cr.values == (-2, -1, 0, 1, 2) and cr.current == 0
        assert cr.descriptions[-1] == "I would prefer this is not submitted as is"
        await rest.post_review(
            change.number,
            "current",
            message="Needs a test",
            labels={"Code-Review": -1},
            comments=[CommentInput(PATH, "Please test this branch", line=7, unresolved=True)],
        )
        context = await rest.get_review_context(change.number, me.account_id)
        assert context.labels[0].current == -1
        (comment,) = await rest.list_comments(change.number)
        assert (comment.path, comment.line, comment.unresolved) == (PATH, 7, True)
        assert comment.author is not None and comment.author.account_id == me.account_id
        assert comment.updated is not None and comment.updated.tzinfo is not None
        assert comment.change_message_id
        await rest.post_review(
            change.number,
            comments=[CommentInput(PATH, "Done", line=7, in_reply_to=comment.id, unresolved=False)],
        )
        thread = await rest.list_comments(change.number)
        assert [c.in_reply_to for c in thread] == [None, comment.id]
        assert await rest.list_comments(change.number, robot=True) == ()
        text = await rest.get_file_content(change.number, 1, PATH)
        assert len(text.splitlines()) > 7


async def test_refused_votes_are_typed_errors_with_gerrits_text(
    empty_gerrit: Any, change: Any
) -> None:
    async with client(empty_gerrit) as rest:
        with pytest.raises(
            GerritForbiddenError, match='Applying label "Verified": 1 is restricted'
        ):
            await rest.post_review(change.number, labels={"Verified": 1})
        with pytest.raises(GerritRequestError, match="3 is not a valid value"):
            await rest.post_review(change.number, labels={"Code-Review": 3})


async def test_star_then_query_is_starred(empty_gerrit: Any, change: Any) -> None:
    async with client(empty_gerrit) as rest:
        await rest.set_star(change.number, True)
        assert [c.number for c in await rest.query_changes("is:starred")] == [change.number]
        await rest.set_star(change.number, False)
        assert await rest.query_changes("is:starred") == []


def test_malformed_comment_entries_are_skipped_not_fatal() -> None:
    value = {
        PATH: [
            {"id": "a", "line": 3, "message": "fine", "unresolved": True},
            "not an object",
            {"line": 4, "message": "no id"},
            {"id": "b", "line": "x", "message": 5, "range": {"start_line": "?"}},
        ],
        "other.py": "not a list",
    }
    comments = comments_from_json(value)
    assert [c.id for c in comments] == ["a", "b"]
    assert comments[1].line is None and comments[1].message == "" and comments[1].range is None
