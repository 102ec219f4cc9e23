"""verify-status plugin semantics (PostVerification / GetVerifications) and its REST shape."""

from __future__ import annotations

import json
import re

import pytest

from tests.fake._world import FakeClock
from tests.fixtures import GERRIT_FIXTURES
from vstui.fake import gson
from vstui.fake.errors import AuthError, BadRequest, GerritError
from vstui.fake.model import CAP_SAVE_VERIFICATION, SERVICE_USERS
from vstui.fake.render_rest import verification_info, verifications_json
from vstui.fake.store import GerritStore

FIXTURES = GERRIT_FIXTURES
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@pytest.fixture
def vs(store: GerritStore) -> GerritStore:
    store.grant_capability(CAP_SAVE_VERIFICATION, SERVICE_USERS)
    store.create_change("demo", "alice", "S")
    return store


def test_post_key_becomes_job_name_with_fresh_uuid_and_repost_appends(
    vs: GerritStore, clock: FakeClock
) -> None:
    body = json.loads((FIXTURES / "verify-status-post-body.doc-example.json").read_text())
    rows = vs.save_verifications(1, 1, "ci", body["verifications"])
    assert [r.name for r in rows] == ["gate-horizon-python27", "gate-horizon-python34"]
    assert all(UUID_RE.match(r.job_id) for r in rows)
    assert rows[0].abstain is True and rows[1].abstain is False
    clock.advance(60)
    again = vs.save_verifications(
        1, 1, "ci", {"gate-horizon-python27": {"value": -1, "name": "ignored"}}
    )
    assert again[0].job_id != rows[0].job_id and again[0].name == "gate-horizon-python27"
    assert len(vs.verifications(1, 1)) == 3  # history, not an update


def test_update_in_place_only_by_uuid(vs: GerritStore, clock: FakeClock) -> None:
    (row,) = vs.save_verifications(
        1, 1, "ci", {"job": {"value": 0, "url": "http://a/1", "reporter": "Acme", "abstain": True}}
    )
    clock.advance(30)
    vs.save_verifications(
        1, "current", "ci", {row.job_id: {"value": 1, "abstain": False, "comment": "ok"}}
    )
    rows = vs.verifications(1, 1)
    assert len(rows) == 1
    r = rows[0]
    assert (r.value, r.url, r.reporter, r.comment) == (1, "http://a/1", "Acme", "ok")
    assert r.abstain is True  # can only be switched on
    assert r.granted == clock.t


def test_filter_current_keeps_newest_per_reporter_and_name(
    vs: GerritStore, clock: FakeClock
) -> None:
    vs.save_verifications(1, 1, "ci", {"pep8": {"value": -1, "reporter": "A"}})
    clock.advance(10)
    vs.save_verifications(1, 1, "ci", {"pep8": {"value": 1, "reporter": "A"}})
    vs.save_verifications(1, 1, "ci", {"pep8": {"value": -1, "reporter": "B"}})
    vs.save_verifications(1, 1, "ci", {"py3": {"value": 1}})  # reporter null = "(unknown)"
    current = vs.verifications(1, 1, filter="current")
    assert sorted((r.reporter, r.value) for r in current if r.name == "pep8") == [
        ("A", 1),
        ("B", -1),
    ]
    assert len(current) == 3
    assert [r.value for r in vs.verifications(1, 1, filter="FAILED")] == [-1, -1]


def test_sorts_reporter_name_date(vs: GerritStore, clock: FakeClock) -> None:
    for reporter, name in (("Zed", "a"), ("Acme", "z"), ("Acme", "b")):
        clock.advance(1)
        vs.save_verifications(1, 1, "ci", {name: {"value": 1, "reporter": reporter}})
    clock.advance(1)
    vs.save_verifications(1, 1, "ci", {"b": {"value": 0, "reporter": "Acme"}})
    by_reporter = [(r.reporter, r.name, r.value) for r in vs.verifications(1, 1, sort="REPORTER")]
    assert by_reporter == [("Acme", "b", 0), ("Acme", "b", 1), ("Acme", "z", 1), ("Zed", "a", 1)]
    assert [r.name for r in vs.verifications(1, 1, sort="NAME")] == ["a", "b", "b", "z"]
    assert [r.name for r in vs.verifications(1, 1, sort="DATE")] == ["b", "b", "z", "a"]
    assert [r.name for r in vs.verifications(1, 1)] == ["a", "z", "b", "b"]  # database order


def test_capability_is_required_even_for_admins(vs: GerritStore) -> None:
    for who in ("alice", "admin", None):
        with pytest.raises(
            AuthError, match=r"^saveVerificationReport for plugin verify-status not permitted$"
        ):
            vs.save_verifications(1, 1, who, {"j": {"value": 1}})
    vs.grant_capability(CAP_SAVE_VERIFICATION, "Administrators")
    assert vs.save_verifications(1, 1, "admin", {"j": {"value": 1}})


def test_input_errors(vs: GerritStore) -> None:
    with pytest.raises(BadRequest, match=r"^Missing verifications field$"):
        vs.save_verifications(1, 1, "ci", None)
    with pytest.raises(BadRequest, match=r"^Missing value field$"):
        vs.save_verifications(1, 1, "ci", {"j": {"url": "http://x"}})
    with pytest.raises(GerritError) as err:
        vs.save_verifications(1, 1, "ci", {"j": {"value": 1, "comment": "x" * 256}})
    assert err.value.status == 500  # the plugin's varchar(255) column rejects it
    assert vs.verifications(1, 1) == []
    assert vs.save_verifications(1, 1, "ci", {"j": {"value": 1, "comment": "x" * 255}})


def test_no_stream_event_for_verifications(vs: GerritStore) -> None:
    seq = vs.last_seq
    vs.save_verifications(1, 1, "ci", {"j": {"value": 1}})
    assert vs.last_seq == seq


def test_rest_shape_matches_the_plugin_class(vs: GerritStore) -> None:
    vs.save_verifications(
        1, 1, "ci", {"gate-horizon-pep8": {"value": -1, "url": "https://ci/1", "reporter": "Jenkins Check",
                                           "comment": "Failed", "category": "cloud server", "duration": "3m 10s"}},
    )  # fmt: skip
    body = verifications_json(vs.verifications(1, 1))
    ((job_id, info),) = body.items()
    assert UUID_RE.match(job_id)
    fixture = json.loads((FIXTURES / "verify-status-get.doc-example.fixed.json").read_text())
    doc_entry = fixture["5081c5e5-e101-43eb-8e59-4e197f22a0d0"]
    assert set(doc_entry) <= set(info)
    # The code always writes abstain/rerun (the docs omit them when false) ...
    assert info["abstain"] is False and info["rerun"] is False
    assert list(info) == [
        "name",
        "url",
        "value",
        "abstain",
        "rerun",
        "reporter",
        "comment",
        "category",
        "duration",
        "granted",
    ]
    # ... and granted is a Gerrit timestamp, not the docs' "15 Mar 2016 08:10:41".
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}000000", info["granted"])
    assert gson.dumps(verification_info(vs.verifications(1, 1)[0])).startswith(
        '{"name":"gate-horizon-pep8"'
    )


def test_verifications_are_per_patch_set(vs: GerritStore) -> None:
    vs.save_verifications(1, 1, "ci", {"j": {"value": 1}})
    vs.new_patch_set(1)
    assert vs.verifications(1, "current") == []
    assert len(vs.verifications(1, 1)) == 1


def test_store_fresh_uuids_are_deterministic() -> None:
    def build() -> list[str]:
        s = GerritStore(clock=FakeClock())
        s.create_account("ci", "CI", service_user=True)
        s.grant_capability(CAP_SAVE_VERIFICATION, SERVICE_USERS)
        s.create_project("p")
        s.create_change("p", "ci", "S")
        return [
            r.job_id
            for r in s.save_verifications(1, 1, "ci", {"a": {"value": 1}, "b": {"value": 0}})
        ]

    assert build() == build()
