"""The emulator's REST side over real HTTP on loopback: framing, auth, errors, endpoints."""

from __future__ import annotations

import gzip
import json
import time
from typing import Any
from urllib.parse import quote

import pytest

from tests.fake._clients import XSSI, Http
from vstui.fake.model import CAP_SAVE_VERIFICATION


@pytest.fixture
def world(empty_gerrit: Any) -> dict[str, Any]:
    fg = empty_gerrit
    s = fg.store
    s.create_project("openstack/cinder")
    owner = s.create_account("eharney", "Eric Harney", "eharney@example.com")
    alice = s.create_account("alice", "Alice Reviewer", "alice@example.com")
    ci = s.create_account("cinder-ci", "Cinder CI", "ci@example.com", service_user=True)
    s.grant_capability(CAP_SAVE_VERIFICATION, "Service Users")
    change = s.create_change("openstack/cinder", owner, "Fix the volume driver")
    s.new_patch_set(change, owner)
    other = s.create_change("openstack/cinder", alice, "Another change", topic="quota")
    return {
        "fg": fg,
        "store": s,
        "http": Http(fg),
        "change": change,
        "other": other,
        "owner": owner,
        "alice": (alice.username, alice.http_password),
        "ci": (ci.username, ci.http_password),
    }


def test_version_is_framed_like_gerrit(world: dict[str, Any]) -> None:
    status, headers, body = world["http"].request("GET", "/config/server/version")
    assert status == 200
    assert headers["content-type"] == "application/json; charset=UTF-8"
    assert body == XSSI + b'"3.9.1"\n'


def test_basic_auth_on_a_paths(world: dict[str, Any]) -> None:
    http = world["http"]
    me = http.json("GET", "/a/accounts/self", auth=world["alice"])
    assert me["username"] == "alice" and me["_account_id"] > 0
    for auth in (None, ("alice", "wrong"), ("nobody", "x")):
        status, headers, body = http.request("GET", "/a/accounts/self", auth=auth)
        assert (status, body) == (401, b"Unauthorized")
        assert headers["www-authenticate"] == 'Basic realm="Gerrit Code Review"'
    status, _h, body = http.request(
        "GET", "/a/accounts/self", headers={"Authorization": "Basic !!"}
    )
    assert status == 401
    # anonymous reads work without /a/, but "self" needs a login
    assert http.request("GET", "/accounts/self")[::2] == (
        403,
        b"Resolving account 'self' requires login\n",
    )


def test_anonymous_writes_are_refused(world: dict[str, Any]) -> None:
    n = world["change"].number
    status, headers, body = world["http"].request(
        "POST", f"/changes/{n}/revisions/current/review", body={"message": "hi"}
    )
    assert (status, body) == (403, b"Authentication required\n")
    assert headers["content-type"] == "text/plain; charset=UTF-8"


def test_change_id_forms_all_resolve(world: dict[str, Any]) -> None:
    http, c = world["http"], world["change"]
    forms = [
        str(c.number),
        f"{quote(c.project, safe='')}~{c.number}",
        f"{quote(c.project, safe='')}~master~{c.change_id}",
        c.change_id,
    ]
    for form in forms:
        info = http.json("GET", f"/changes/{form}")
        assert (info["_number"], info["id"]) == (c.number, f"openstack%2Fcinder~{c.number}")
    for bad in ("99999", "nope~1", "I" + "0" * 40):
        status, _h, body = http.request("GET", f"/changes/{bad}")
        assert (status, body.decode()) == (404, f"Not found: {bad}\n")


def test_query_changes(world: dict[str, Any]) -> None:
    http = world["http"]
    rows = http.json("GET", "/changes/?q=project:openstack/cinder&n=1&o=LABELS")
    assert len(rows) == 1 and rows[0]["_more_changes"] is True and "labels" in rows[0]
    page2 = http.json("GET", "/changes/?q=project:openstack/cinder&n=1&S=1")
    assert len(page2) == 1 and "_more_changes" not in page2[0]
    assert page2[0]["_number"] != rows[0]["_number"]
    both = http.json("GET", "/changes/?q=topic:quota&q=owner:eharney")
    assert [[r["_number"] for r in sub] for sub in both] == [
        [world["other"].number],
        [world["change"].number],
    ]
    default = http.json("GET", "/changes/")  # no q: status:open, newest first
    assert [r["_number"] for r in default][:2] == [world["other"].number, world["change"].number]
    status, _h, body = http.request("GET", "/changes/?q=is:open&o=NOPE")
    assert (status, body) == (400, b'"NOPE" is not a valid value for "-o"\n')
    status, _h, body = http.request("GET", "/changes/?q=is:open&n=ten")
    assert (status, body) == (400, b'"ten" is not a valid value for "-n"\n')
    status, _h, body = http.request("GET", "/changes/?q=is:open&bogus=1")
    assert (status, body) == (400, b'"--bogus" is not a valid option\n')


def test_detail_and_revisions(world: dict[str, Any]) -> None:
    http, c = world["http"], world["change"]
    detail = http.json("GET", f"/changes/{c.number}/detail?o=ALL_REVISIONS")
    assert {"labels", "messages", "reviewers", "permitted_labels"} <= set(detail)
    assert len(detail["revisions"]) == 2
    sha = c.current.revision
    for rev in ("current", "2", sha, sha[:7]):
        review = http.json("GET", f"/changes/{c.number}/revisions/{rev}/review")
        assert review["current_revision"] == sha
    status, _h, body = http.request("GET", f"/changes/{c.number}/revisions/7/review")
    assert (status, body) == (404, b"Not found: 7\n")
    status, _h, body = http.request("GET", f"/changes/{c.number}/nosuchview")
    assert (status, body) == (404, b"Not found: nosuchview\n")
    for method in ("DELETE", "PATCH"):
        status, _h, body = http.request(
            method, f"/a/changes/{c.number}/detail", auth=world["alice"]
        )
        assert (status, body) == (405, b"Method Not Allowed\n")


def test_post_review_and_messages(world: dict[str, Any]) -> None:
    http, s, c = world["http"], world["store"], world["change"]
    result = http.json(
        "POST",
        f"/a/changes/{c.number}/revisions/current/review",
        auth=world["alice"],
        body={"message": "Looks good", "labels": {"Code-Review": 1}, "tag": "autogenerated:x"},
    )
    assert result == {"labels": {"Code-Review": 1}}
    messages = http.json("GET", f"/changes/{c.number}/messages")
    last = messages[-1]
    assert last["message"] == "Patch Set 2: Code-Review+1\n\nLooks good"
    assert last["tag"] == "autogenerated:x" and last["_revision_number"] == 2
    one = http.json("GET", f"/changes/{c.number}/messages/{last['id']}")
    assert one == last
    status, _h, body = http.request(
        "POST",
        f"/a/changes/{c.number}/revisions/current/review",
        auth=world["alice"],
        body=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert (status, body) == (400, b"Invalid application/json in request\n")
    status, _h, body = http.request(
        "POST",
        f"/a/changes/{c.number}/revisions/current/review",
        auth=world["alice"],
        body={"labels": {"Nope": 1}},
    )
    assert (status, body) == (400, b'label "Nope" is not a configured label\n')
    s.abandon(c, world["owner"], "bye")
    status, _h, body = http.request(
        "POST",
        f"/a/changes/{c.number}/revisions/current/review",
        auth=world["alice"],
        body={"labels": {"Code-Review": -1}},
    )
    assert (status, body) == (409, b"change is closed\n")
    # the server still serves after all of that
    assert http.json("GET", "/config/server/version") == "3.9.1"


def test_messages_replace_account_templates_but_detail_keeps_them(world: dict[str, Any]) -> None:
    http, s, c = world["http"], world["store"], world["change"]
    alice = s.account("alice")
    s.add_reviewer(c, alice, world["owner"])
    s.remove_reviewer(c, alice, world["owner"])
    raw = [m["message"] for m in http.json("GET", f"/changes/{c.number}/detail")["messages"]]
    shown = [m["message"] for m in http.json("GET", f"/changes/{c.number}/messages")]
    templated = [m for m in raw if "<GERRIT_ACCOUNT_" in m]
    assert templated, raw
    assert not any("<GERRIT_ACCOUNT_" in m for m in shown)
    assert any("Alice Reviewer" in m for m in shown)


def test_verify_status(world: dict[str, Any]) -> None:
    http, c = world["http"], world["change"]
    url = f"/a/changes/{c.number}/revisions/2/verify-status~verifications"
    body = {
        "verifications": {
            "gate-tempest": {"value": -1, "url": "http://ci/1", "reporter": "CI"},
            "gate-pep8": {"value": 1, "reporter": "CI", "abstain": True},
        }
    }
    status, _h, data = http.request("POST", url, auth=world["ci"], body=body)
    assert (status, data) == (204, b"")
    got = http.json("GET", f"/changes/{c.number}/revisions/current/verifications?sort=NAME")
    assert [v["name"] for v in got.values()] == ["gate-pep8", "gate-tempest"]
    first = next(iter(got.values()))
    assert first["abstain"] is True and first["rerun"] is False
    failed = http.json("GET", f"{url}?f=failed", auth=world["ci"])
    assert [v["name"] for v in failed.values()] == ["gate-tempest"]
    status, _h, data = http.request("POST", url, auth=world["alice"], body=body)
    assert (status, data) == (
        403,
        b"saveVerificationReport for plugin verify-status not permitted\n",
    )
    status, _h, data = http.request("POST", url, auth=world["ci"], body={"x": 1})
    assert (status, data) == (400, b"Missing verifications field\n")
    status, _h, data = http.request(
        "POST", url, auth=world["ci"], body={"verifications": {"j": {"url": "u"}}}
    )
    assert (status, data) == (400, b"Missing value field\n")
    config = http.json("GET", "/config/server/verify-status~config")
    assert config["sort_jobs_panel"] == "REPORTER"


def test_events_log(world: dict[str, Any]) -> None:
    http, s = world["http"], world["store"]
    day = time.strftime("%Y-%m-%d", time.gmtime(s.now()))
    status, headers, body = http.request(
        "GET",
        f"/a/plugins/events-log/events/?t1={day};t2=2100-01-01%2000:00:00",
        auth=world["alice"],
    )
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert not body.startswith(XSSI)
    rows = [json.loads(x) for x in body.decode().splitlines()]
    assert rows and [r["eventCreatedOn"] for r in rows] == sorted(r["eventCreatedOn"] for r in rows)
    change_rows = [r for r in rows if r["type"] == "patchset-created"]
    assert change_rows[0]["project"] == {"name": "openstack/cinder"}  # plain-Gson shape
    newest = http.request("GET", "/a/plugins/events-log/events/", auth=world["alice"])[2]
    assert newest == body
    for query in ("?t1=2014-10-01%2010:00:00.000", "?t1=yesterday", "?foo=bar"):
        status, _h, data = http.request(
            "GET", f"/a/plugins/events-log/events/{query}", auth=world["alice"]
        )
        assert (status, data) == (400, b"Bad Request"), query
    assert http.request("GET", "/plugins/events-log/events/")[0] == 401


def test_gzip_when_asked(world: dict[str, Any]) -> None:
    status, headers, body = world["http"].request(
        "GET", "/changes/?o=MESSAGES", headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body).startswith(XSSI)


def test_http_faults_are_adjustable_at_run_time(world: dict[str, Any]) -> None:
    fg, http = world["fg"], world["http"]
    fg.faults.http_fail_rate = 1.0
    assert http.request("GET", "/config/server/version")[::2] == (503, b"Service Unavailable")
    fg.faults.http_fail_rate = 0.0
    fg.faults.http_latency_ms = 150
    started = time.monotonic()
    assert http.request("GET", "/config/server/version")[0] == 200
    assert time.monotonic() - started >= 0.15
    fg.faults.http_latency_ms = 0
