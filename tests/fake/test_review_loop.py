"""The reviewer's-loop endpoints of the emulator over real HTTP: inline comments (threads,
robot comments), file content, stars, attention set, permitted labels and account name.

Shapes are checked against Gerrit's documented examples (rest-api-changes: List Change
Comments / CommentInfo, Get Content; rest-api-accounts: Star Change, Set Account Name).
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

import pytest

from tests.fake._clients import XSSI, Http
from vstui.fake import permissions
from vstui.fake.model import SERVICE_USERS

PATH = "cinder/volume/manager.py"


@pytest.fixture
def world(empty_gerrit: Any) -> dict[str, Any]:
    fg = empty_gerrit
    s = fg.store
    s.create_project("openstack/cinder")
    permissions.grant(s, "openstack/cinder", "Verified", SERVICE_USERS, -1, 1)
    owner = s.create_account("eharney", "Eric Harney", "eharney@example.com")
    alice = s.create_account("alice", "Alice Reviewer", "alice@example.com")
    bob = s.create_account("bob", "Bob", "bob@example.com")
    change = s.create_change(
        "openstack/cinder", owner, "Fix migration", files=[(PATH, "MODIFIED", 10, 2)],
        reviewers=[alice],
    )  # fmt: skip
    return {
        "store": s,
        "http": Http(fg),
        "change": change,
        "owner": (owner.username, owner.http_password),
        "alice": (alice.username, alice.http_password),
        "bob": (bob.username, bob.http_password),
        "alice_acct": alice,
    }


def _review(world: dict[str, Any], who: str, body: dict[str, Any]) -> tuple[int, bytes]:
    n = world["change"].number
    status, _h, data = world["http"].request(
        "POST", f"/a/changes/{n}/revisions/current/review", auth=world[who], body=body
    )
    return status, data


def test_review_with_comments_publishes_a_thread_shaped_like_commentinfo(
    world: dict[str, Any],
) -> None:
    http, n = world["http"], world["change"].number
    status, data = _review(
        world,
        "alice",
        {
            "message": "Some comments",
            "labels": {"Code-Review": -1},
            "comments": {PATH: [{"line": 23, "message": "[nit] trailing whitespace",
                                 "unresolved": True}]},
        },
    )  # fmt: skip
    assert status == 200, data
    body = http.json("GET", f"/changes/{n}/comments")
    assert list(body) == [PATH]
    (first,) = body[PATH]
    # The documented CommentInfo fields of a published comment; `path` is the map key.
    assert {"patch_set", "id", "line", "message", "updated", "author", "unresolved",
            "change_message_id", "commit_id"} <= set(first)  # fmt: skip
    assert "path" not in first and "in_reply_to" not in first
    assert first["patch_set"] == 1 and first["line"] == 23 and first["unresolved"] is True
    assert first["author"]["username"] == "alice"
    assert len(first["updated"]) == len("2013-02-26 15:40:43.986000000")
    messages = http.json("GET", f"/changes/{n}/messages")
    linked = [m for m in messages if m["id"] == first["change_message_id"]]
    assert linked and linked[0]["message"] == (
        "Patch Set 1: Code-Review-1\n\n(1 comment)\n\nSome comments"
    )
    # The owner replies in the thread and resolves it: the change's counters follow.
    change = http.json("GET", f"/changes/{n}")
    assert (change["total_comment_count"], change["unresolved_comment_count"]) == (1, 1)
    status, data = _review(
        world,
        "owner",
        {"comments": {PATH: [{"line": 23, "in_reply_to": first["id"], "message": "Done",
                              "unresolved": False}]}},
    )  # fmt: skip
    assert status == 200, data
    thread = http.json("GET", f"/changes/{n}/comments")[PATH]
    assert [c["message"] for c in thread] == ["[nit] trailing whitespace", "Done"]
    assert thread[1]["in_reply_to"] == first["id"]
    change = http.json("GET", f"/changes/{n}")
    assert (change["total_comment_count"], change["unresolved_comment_count"]) == (2, 0)


def test_reply_inherits_unresolved_and_bad_comments_get_gerrits_400(
    world: dict[str, Any],
) -> None:
    http, n = world["http"], world["change"].number
    assert (
        _review(
            world,
            "alice",
            {"comments": {PATH: [{"line": 3, "message": "why?", "unresolved": True}]}},
        )[0]
        == 200
    )
    (c,) = http.json("GET", f"/changes/{n}/comments")[PATH]
    assert (
        _review(
            world,
            "owner",
            {"comments": {PATH: [{"in_reply_to": c["id"], "line": 3, "message": "because"}]}},
        )[0]
        == 200
    )
    reply = http.json("GET", f"/changes/{n}/comments")[PATH][1]
    assert reply["unresolved"] is True  # no `unresolved` given: the thread stays open
    assert _review(world, "alice", {"comments": {"nope.py": [{"line": 1, "message": "x"}]}}) == (
        400,
        f"file nope.py not found in revision {n},1\n".encode(),
    )
    assert _review(world, "alice", {"comments": {PATH: [{"in_reply_to": "zz", "message": "x"}]}}) == (
        400, b"invalid in_reply_to value: zz\n"
    )  # fmt: skip
    assert _review(world, "alice", {"comments": {PATH: [{"line": -2, "message": "x"}]}})[0] == 400
    # A comment with a blank message is dropped (nothing to publish, no message written).
    before = len(world["change"].messages)
    assert _review(world, "alice", {"comments": {PATH: [{"line": 2, "message": "  "}]}})[0] == 200
    assert len(world["change"].messages) == before


def test_robot_comments_are_listed_apart(world: dict[str, Any]) -> None:
    http, n = world["http"], world["change"].number
    status, data = _review(
        world,
        "bob",
        {"robot_comments": {PATH: [{"line": 5, "message": "pep8: E501 line too long",
                                    "robot_id": "pep8", "robot_run_id": "run-1"}]}},
    )  # fmt: skip
    assert status == 200, data
    assert http.json("GET", f"/changes/{n}/comments") == {}
    (robot,) = http.json("GET", f"/changes/{n}/robotcomments")[PATH]
    assert (robot["robot_id"], robot["robot_run_id"]) == ("pep8", "run-1")
    status, data = _review(world, "bob", {"robot_comments": {PATH: [{"line": 5, "message": "x"}]}})
    assert (status, data) == (400, f"robot id is missing for robot comment on {PATH}\n".encode())


def test_file_content_is_base64_like_get_content(world: dict[str, Any]) -> None:
    http, n = world["http"], world["change"].number
    status, headers, body = http.request(
        "GET", f"/changes/{n}/revisions/current/files/{quote(PATH, safe='')}/content"
    )
    assert status == 200
    assert headers["x-fyi-content-encoding"] == "base64"
    assert headers["x-fyi-content-type"] == "text/x-python"
    text = base64.b64decode(body).decode()
    assert len(text.splitlines()) >= 200
    status, _h, msg = http.request("GET", f"/changes/{n}/revisions/1/files/%2FCOMMIT_MSG/content")
    assert status == 200 and base64.b64decode(msg).startswith(b"Fix migration\n")
    status, _h, body = http.request(
        "GET", f"/changes/{n}/revisions/1/files/{quote('no/such.py', safe='')}/content"
    )
    assert (status, body) == (404, b"Not found: no/such.py\n")


def test_star_and_is_starred(world: dict[str, Any]) -> None:
    http, n = world["http"], world["change"].number
    assert http.json("GET", "/a/changes/?q=is:starred", auth=world["alice"]) == []
    status, _h, _b = http.request(
        "PUT", f"/a/accounts/self/starred.changes/{n}", auth=world["alice"]
    )
    assert status == 204
    rows = http.json("GET", "/a/changes/?q=is:starred", auth=world["alice"])
    assert [r["_number"] for r in rows] == [n] and rows[0]["starred"] is True
    assert http.json("GET", "/a/changes/?q=is:starred", auth=world["bob"]) == []  # per account
    listed = http.json("GET", "/a/accounts/self/starred.changes", auth=world["alice"])
    assert [r["_number"] for r in listed] == [n]
    status, _h, _b = http.request(
        "DELETE", f"/a/accounts/self/starred.changes/{n}", auth=world["alice"]
    )
    assert status == 204
    assert http.json("GET", "/a/changes/?q=is:starred", auth=world["alice"]) == []
    status, _h, _body = http.request("PUT", f"/accounts/self/starred.changes/{n}")
    assert status == 403


def test_attention_set_follows_replies(world: dict[str, Any]) -> None:
    http, n = world["http"], world["change"].number
    q = "/a/changes/?q=attention:self"
    assert [r["_number"] for r in http.json("GET", q, auth=world["alice"])] == [n]
    assert http.json("GET", q, auth=world["owner"]) == []
    info = http.json("GET", f"/a/changes/{n}?o=DETAILED_ACCOUNTS", auth=world["alice"])
    (entry,) = info["attention_set"].values()
    assert entry["account"]["username"] == "alice"
    assert entry["reason"] == "Reviewer was added" and "last_update" in entry
    assert _review(world, "alice", {"message": "Looks fine"})[0] == 200
    # Alice replied: the owner is up, Alice is not.
    assert http.json("GET", q, auth=world["alice"]) == []
    assert [r["_number"] for r in http.json("GET", q, auth=world["owner"])] == [n]
    assert [r["_number"] for r in http.json("GET", "/a/changes/?q=is:attention",
                                            auth=world["owner"])] == [n]  # fmt: skip


def test_permitted_labels_are_per_account_and_enforced(world: dict[str, Any]) -> None:
    http, n = world["http"], world["change"].number
    detail = http.json("GET", f"/a/changes/{n}/detail", auth=world["alice"])
    # Alice is no CI: Verified is not hers to vote.
    assert detail["permitted_labels"] == {
        "Code-Review": ["-2", "-1", " 0", "+1", "+2"],
        "Workflow": ["-1", " 0", "+1"],
    }
    assert _review(world, "alice", {"labels": {"Verified": 1}}) == (
        403, b'Applying label "Verified": 1 is restricted\n'
    )  # fmt: skip
    assert _review(world, "alice", {"labels": {"Code-Review": 3}}) == (
        400, b'label "Code-Review": 3 is not a valid value\n'
    )  # fmt: skip
    # A refused review changes nothing.
    assert http.json("GET", f"/changes/{n}/comments") == {}
    alice = next(v for v in detail["labels"]["Code-Review"]["all"] if v.get("username") == "alice")
    assert alice["permitted_voting_range"] == {"min": -2, "max": 2}
    anonymous = http.json("GET", f"/changes/{n}/detail")
    assert anonymous["permitted_labels"] == {}


def test_set_account_name(world: dict[str, Any]) -> None:
    http = world["http"]
    status, _h, body = http.request(
        "PUT", "/a/accounts/self/name", auth=world["alice"], body={"name": "Alice Q. Reviewer"}
    )
    assert (status, body) == (200, XSSI + b'"Alice Q. Reviewer"\n')
    me = http.json("GET", "/a/accounts/self", auth=world["alice"])
    assert me["name"] == "Alice Q. Reviewer"
    assert http.json("GET", "/a/accounts/self/name", auth=world["alice"]) == "Alice Q. Reviewer"
    status, _h, _b = http.request(
        "PUT", f"/a/accounts/{world['alice_acct'].account_id}/name", auth=world["bob"],
        body={"name": "x"},
    )  # fmt: skip
    assert status == 403


def test_seed_world_has_gorkas_inline_thread_on_the_migration_code(seed_gerrit: Any) -> None:
    http = Http(seed_gerrit)
    body = http.json("GET", "/changes/381272/comments")
    thread = body["cinder/volume/manager.py"]
    gorka = next(
        c for c in thread if c["author"]["username"] == "geguileo" and "unit test" in c["message"]
    )
    assert gorka["unresolved"] is True and gorka["line"] == 27
    replies = [c for c in thread if c.get("in_reply_to") == gorka["id"]]
    assert replies and replies[0]["author"]["username"] == "eharney"
    status, _h, data = http.request(
        "GET", "/changes/381272/revisions/1/files/cinder%2Fvolume%2Fmanager.py/content"
    )
    assert status == 200
    lines = base64.b64decode(data).decode().splitlines()
    assert "clone_encryption_key" in lines[gorka["line"] - 1]
    change = http.json("GET", "/changes/381272")
    assert change["unresolved_comment_count"] >= 1
