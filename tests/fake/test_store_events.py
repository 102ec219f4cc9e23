"""Store mutations -> the exact stream events Gerrit emits (shapes, key order, sequences)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from tests.fake._world import T0, FakeClock, lines_of
from tests.fixtures import GERRIT_FIXTURES
from vstui.fake.errors import BadRequest, Conflict, NotFound
from vstui.fake.store import GerritStore

FIXTURES = GERRIT_FIXTURES


def _captures() -> dict[str, dict[str, Any]]:
    """The real Gerrit 3.9 webhook captures, by type (first of each)."""
    out: dict[str, dict[str, Any]] = {}
    for line in (FIXTURES / "webhooks-events.cdevents-rfc.jsonl").read_text().splitlines():
        obj = json.loads(line)
        out.setdefault(obj["type"], obj)
    return out


def _key_order(obj: Any) -> Any:
    """Nested key order, ignoring optional keys the capture happens not to have."""
    if isinstance(obj, dict):
        return [(k, _key_order(v)) for k, v in obj.items()]
    if isinstance(obj, list):
        return [_key_order(v) for v in obj[:1]]
    return None


def _same_order(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    """Keys present in both appear in the same relative order, recursively."""
    common = [k for k in theirs if k in ours]
    assert [k for k in ours if k in theirs] == common
    for k in common:
        if isinstance(theirs[k], dict) and isinstance(ours[k], dict):
            _same_order(ours[k], theirs[k])
        if isinstance(theirs[k], list) and theirs[k] and isinstance(theirs[k][0], dict):
            _same_order(ours[k][0], theirs[k][0])


def test_create_change_emits_patchset_created_then_ref_updates(store: GerritStore) -> None:
    seq = store.last_seq
    change = store.create_change("demo", "alice", "Add a thing", topic="t1")
    events = lines_of(store, seq)
    assert [e["type"] for e in events] == ["patchset-created", "ref-updated", "ref-updated"]
    ps_ev, ps_ref, meta = events
    assert list(ps_ev) == [
        "uploader", "patchSet", "change", "project", "refName", "changeKey", "type", "eventCreatedOn",
    ]  # fmt: skip
    assert ps_ev["project"] == "demo" and ps_ev["refName"] == "refs/heads/master"
    assert ps_ev["changeKey"] == {"id": change.change_id}
    assert ps_ev["change"]["url"] == f"http://review.example.org/c/demo/+/{change.number}"
    assert ps_ev["change"]["topic"] == "t1"
    assert ps_ev["patchSet"]["ref"] == f"refs/changes/{change.number:02d}/{change.number}/1"
    assert ps_ev["eventCreatedOn"] == int(T0)
    assert ps_ref["refUpdate"] == {
        "oldRev": "0" * 40,
        "newRev": change.current.revision,
        "refName": change.current.ref,
        "project": "demo",
    }
    assert meta["refUpdate"]["refName"].endswith("/meta")
    assert list(meta) == ["submitter", "refUpdate", "type", "eventCreatedOn"]


def test_event_key_order_matches_real_gerrit_captures(store: GerritStore) -> None:
    """Our events-log shape is the webhook (plain Gson) shape: compare key order with them."""
    caps = _captures()
    seq = store.last_seq
    change = store.create_change("demo", "alice", "Subject")
    store.new_patch_set(change, "alice")
    store.post_review(change, 2, "bob", labels={"Code-Review": 1})
    store.post_review(change, 2, "bob", message="better now", labels={"Code-Review": 2})
    store.post_review(change, 2, "admin", labels={"Verified": 1, "Workflow": 1})
    store.submit(change, "admin")
    other = store.create_change("demo", "alice", "Other")
    store.abandon(other, "alice", "change not needed")
    ours: dict[str, dict[str, Any]] = {}
    for e in store.events(seq):
        ours.setdefault(e.type, json.loads(e.log_line))
    for t in (
        "patchset-created",
        "comment-added",
        "change-merged",
        "change-abandoned",
        "ref-updated",
    ):
        _same_order(ours[t], caps[t])
        assert set(caps[t]) <= set(ours[t]) | {"instanceId"}, t
    assert ours["patchset-created"]["project"] == {"name": "demo"}
    assert ours["patchset-created"]["changeKey"] == {"key": change.change_id}
    # The same events on SSH use the bare project string and changeKey.id.
    ssh = {e.type: json.loads(e.line) for e in reversed(store.events(seq))}
    assert ssh["patchset-created"]["project"] == "demo"
    assert ssh["change-merged"]["changeKey"] == {"id": change.change_id}


def test_comment_added_approvals_carry_old_value_only_for_changed_labels(
    store: GerritStore,
) -> None:
    c = store.create_change("demo", "alice", "S")
    store.post_review(c, 1, "bob", labels={"Code-Review": 1, "Verified": 1})
    seq = store.last_seq
    store.post_review(c, "current", "bob", message="LGTM", labels={"Code-Review": 2, "Verified": 1})
    ev = lines_of(store, seq)[0]
    assert ev["type"] == "comment-added"
    assert list(ev)[:3] == ["author", "approvals", "comment"]
    assert ev["approvals"] == [
        {"type": "Code-Review", "description": "Code-Review", "value": "2", "oldValue": "1"},
        {"type": "Verified", "description": "Verified", "value": "1"},
    ]
    assert ev["comment"] == "Patch Set 1: Code-Review+2\n\nLGTM"
    # A plain comment from someone who holds no votes has no approvals at all.
    seq = store.last_seq
    store.post_review(c, 1, "alice", message="thanks")
    ev = lines_of(store, seq)[0]
    assert "approvals" not in ev and ev["comment"] == "Patch Set 1:\n\nthanks"


def test_vote_removal_in_review_is_minus_label_and_old_value(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    store.post_review(c, 1, "bob", labels={"Code-Review": -1})
    seq = store.last_seq
    store.post_review(c, 1, "bob", labels={"Code-Review": 0})
    ev = lines_of(store, seq)[0]
    assert ev["comment"] == "Patch Set 1: -Code-Review"
    assert ev["approvals"] == [
        {"type": "Code-Review", "description": "Code-Review", "value": "0", "oldValue": "-1"}
    ]


def test_review_that_changes_nothing_emits_nothing(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    store.post_review(c, 1, "bob", labels={"Code-Review": 1})
    seq = store.last_seq
    assert store.post_review(c, 1, "bob", labels={"Code-Review": 1}) == {
        "labels": {"Code-Review": 1}
    }
    assert store.last_seq == seq


def test_merge_moves_branch_and_emits_merged_then_branch_and_meta_updates(
    store: GerritStore,
) -> None:
    c = store.create_change("demo", "alice", "S")
    tip = store.project("demo").branches["refs/heads/master"]
    store.post_review(c, 1, "bob", labels={"Code-Review": 2, "Verified": 1, "Workflow": 1})
    seq = store.last_seq
    store.submit(c, "admin")
    merged, branch, meta = lines_of(store, seq)
    assert merged["type"] == "change-merged"
    assert list(merged)[:3] == ["submitter", "newRev", "patchSet"]
    assert merged["change"]["status"] == "MERGED"
    assert merged["newRev"] == c.current.revision  # fast-forward: the parent was the tip
    assert branch["refUpdate"] == {
        "oldRev": tip, "newRev": c.current.revision, "refName": "refs/heads/master", "project": "demo",
    }  # fmt: skip
    assert meta["refUpdate"]["refName"] == f"refs/changes/{c.number:02d}/{c.number}/meta"
    assert c.messages[-1].message == "Change has been successfully merged"
    assert c.messages[-1].tag == "autogenerated:gerrit:merged"


def test_submit_needs_requirements_and_reports_them_like_gerrit(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    seq = store.last_seq
    with pytest.raises(Conflict) as err:
        store.submit(c, "admin")
    assert err.value.message.startswith(
        "Failed to submit 1 change due to the following problems:\n"
    )
    assert (
        f"Change {c.number}: submit requirement 'Code-Review' is unsatisfied." in err.value.message
    )
    assert store.last_seq == seq and c.status == "NEW"


def test_abandon_restore_and_their_conflicts(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    seq = store.last_seq
    store.abandon(c, "alice", "not needed")
    ev = lines_of(store, seq)[0]
    assert ev["type"] == "change-abandoned" and ev["reason"] == "not needed"
    assert list(ev)[:3] == ["abandoner", "reason", "patchSet"]
    assert ev["change"]["status"] == "ABANDONED"
    assert c.messages[-1].message == "Abandoned\n\nnot needed"
    with pytest.raises(Conflict, match=r"^change is abandoned$"):
        store.abandon(c, "alice")
    seq = store.last_seq
    store.restore(c, "bob")
    ev = lines_of(store, seq)[0]
    assert ev["type"] == "change-restored" and "reason" not in ev
    with pytest.raises(Conflict, match=r"^change is new$"):
        store.restore(c, "bob")


def test_label_validation_uses_gerrit_wording_and_changes_nothing(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    seq, n_msgs = store.last_seq, len(c.messages)
    with pytest.raises(BadRequest, match=r'^label "Verify" is not a configured label$'):
        store.post_review(c, 1, "bob", message="x", labels={"Verify": 1})
    with pytest.raises(BadRequest, match=r'^label "Code-Review": 3 is not a valid value$'):
        store.post_review(c, 1, "bob", message="x", labels={"Code-Review": 3})
    assert store.last_seq == seq and len(c.messages) == n_msgs


def test_new_patch_set_copies_sticky_votes_only_on_trivial_rebase(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    store.post_review(c, 1, "bob", labels={"Code-Review": 2, "Verified": 1})
    store.new_patch_set(c, kind="TRIVIAL_REBASE")
    assert {k[0] for k in c.current_approvals()} == {"Code-Review"}
    store.new_patch_set(c)
    assert c.current_approvals() == {}
    assert [m.message for m in c.messages][-1] == "Uploaded patch set 3."


def test_delete_vote_emits_vote_deleted_with_template_message(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    bob = store.account("bob")
    store.post_review(c, 1, bob, labels={"Code-Review": -1, "Verified": 1})
    seq = store.last_seq
    store.delete_vote(c, bob, "Code-Review", "admin")
    ev = lines_of(store, seq)[0]
    assert ev["type"] == "vote-deleted"
    assert list(ev)[:4] == ["reviewer", "remover", "approvals", "comment"]
    assert ev["approvals"] == [
        {"type": "Code-Review", "description": "Code-Review", "value": "0", "oldValue": "-1"},
        {"type": "Verified", "description": "Verified", "value": "1"},
    ]
    assert c.messages[-1].message == f"Removed Code-Review-1 by <GERRIT_ACCOUNT_{bob.account_id}>\n"
    with pytest.raises(NotFound):
        store.delete_vote(c, bob, "Code-Review", "admin")


def test_reviewer_topic_hashtag_wip_private_events(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S", topic="old")
    seq = store.last_seq
    store.add_reviewer(c, "bob", "alice")
    store.set_topic(c, "new", "alice")
    store.set_hashtags(c, "alice", add=["a", "b"])
    store.set_wip(c, True, "alice")
    store.set_private(c, True, "alice")
    store.remove_reviewer(c, "bob", "alice")
    evs = [e for e in lines_of(store, seq) if e["type"] != "ref-updated"]
    types = [e["type"] for e in evs]
    assert types == [
        "reviewer-added", "topic-changed", "hashtags-changed", "wip-state-changed",
        "private-state-changed", "reviewer-deleted",
    ]  # fmt: skip
    added, topic, tags, wip, private, deleted = evs
    assert list(added)[:3] == ["reviewer", "adder", "patchSet"]
    assert list(topic)[:3] == ["changer", "oldTopic", "change"] and topic["oldTopic"] == "old"
    assert "patchSet" not in topic and topic["change"]["topic"] == "new"
    assert tags["added"] == ["a", "b"] and "removed" not in tags and tags["hashtags"] == ["a", "b"]
    assert wip["change"]["wip"] is True
    assert private["change"]["private"] is True
    assert deleted["reviewer"]["username"] == "bob" and deleted["comment"].startswith(
        "Removed reviewer <GERRIT_ACCOUNT_"
    )


def test_gson_html_escaping_on_the_wire(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    seq = store.last_seq
    store.post_review(c, 1, "bob", message="it's <b> & a=b")
    line = store.events(seq)[0].line
    assert "it\\u0027s \\u003cb\\u003e \\u0026 a\\u003db" in line
    assert '": ' not in line and '", "' not in line  # compact: no spaces between tokens


def test_injected_clock_drives_event_times(store: GerritStore, clock: FakeClock) -> None:
    clock.advance(3600.7)
    seq = store.last_seq
    store.create_change("demo", "alice", "S")
    assert {e.created_on for e in store.events(seq)} == {int(T0 + 3600.7)}


def test_private_change_events_reach_only_its_viewers(store: GerritStore) -> None:
    alice, bob, admin = store.account("alice"), store.account("bob"), store.account("admin")
    seen: dict[str, list[str]] = {"alice": [], "bob": [], "admin": [], "all": []}
    store.subscribe(lambda e: seen["alice"].append(e.type), alice)
    store.subscribe(lambda e: seen["bob"].append(e.type), bob)
    store.subscribe(lambda e: seen["admin"].append(e.type), admin)
    store.subscribe(lambda e: seen["all"].append(e.type))
    c = store.create_change("demo", alice, "secret", private=True)
    assert seen["alice"] == ["patchset-created", "ref-updated", "ref-updated"]
    assert seen["bob"] == [] and seen["admin"] == []  # admins need View Private Changes
    assert len(seen["all"]) == 3
    store.add_reviewer(c, bob, alice)
    assert seen["bob"] == ["reviewer-added", "ref-updated"]
    assert not store.can_see(admin, c) and store.can_see(bob, c)
    secret = f"/{c.number}/"
    assert not any(secret in row for row in store.events_log(admin, T0 - 10, T0 + 10))
    assert sum(secret in row for row in store.events_log(alice, T0 - 10, T0 + 10)) == 5


def test_subscriber_may_call_the_store_without_deadlock_and_order_holds(store: GerritStore) -> None:
    got: list[int] = []
    c = store.create_change("demo", "alice", "S")

    def reply(e: Any) -> None:
        got.append(e.seq)
        if e.type == "comment-added" and "ping" in e.data["comment"]:
            store.post_review(c, 1, "alice", message="pong")  # re-entrant mutation

    store.subscribe(reply)
    store.subscribe(lambda e: 1 / 0)  # a broken subscriber must not stop delivery
    store.post_review(c, 1, "bob", message="ping")
    assert got == sorted(got) and len(got) == 4  # ping + meta, pong + meta
    assert [m.message for m in c.messages][-1] == "Patch Set 1:\n\npong"


def test_concurrent_mutations_deliver_every_event_once_in_global_order(store: GerritStore) -> None:
    changes = [store.create_change("demo", "alice", f"S{i}") for i in range(4)]
    got: list[int] = []
    lock = threading.Lock()

    def collect(e: Any) -> None:
        with lock:
            got.append(e.seq)

    store.subscribe(collect)
    start = store.last_seq

    def worker(i: int) -> None:
        for k in range(50):
            store.post_review(changes[i], 1, "bob", message=f"m{i}-{k}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert got == list(range(start + 1, store.last_seq + 1))
    assert len(got) == 4 * 50 * 2


def test_unsubscribe_stops_delivery(store: GerritStore) -> None:
    got: list[str] = []
    off = store.subscribe(lambda e: got.append(e.type))
    off()
    store.create_change("demo", "alice", "S")
    assert got == []


def test_events_log_range_limit_and_order(store: GerritStore, clock: FakeClock) -> None:
    store.create_change("demo", "alice", "A")  # at T0 (after the fixture's project events)
    clock.advance(100)
    store.create_change("demo", "alice", "B")
    clock.advance(100)
    store.create_change("demo", "alice", "C")
    rows = [json.loads(x) for x in store.events_log(None, T0 + 50, T0 + 150)]
    assert {r["eventCreatedOn"] for r in rows} == {int(T0) + 100}
    assert rows[0]["type"] == "patchset-created" and rows[0]["change"]["subject"] == "B"
    assert store.events_log(None, T0 + 150, T0 + 50) == store.events_log(None, T0 + 50, T0 + 150)
    newest = store.events_log(None)
    assert json.loads(newest[-1])["eventCreatedOn"] == int(T0) + 200
    assert len(store.events_log(None, limit=2)) == 2
    times = [json.loads(x)["eventCreatedOn"] for x in store.events_log(None, T0, T0 + 300, limit=4)]
    assert times == sorted(times) and len(times) == 4 and times[0] == int(T0)


def test_quiet_mode_records_state_without_events() -> None:
    s = GerritStore(clock=FakeClock())
    s.create_account("a", "A")
    s.create_project("p")
    seq = s.last_seq
    with s.quiet():
        c = s.create_change("p", "a", "S")
        s.post_review(c, 1, "a", message="hi")
    assert s.last_seq == seq and len(c.messages) == 2


def test_setting_canonical_url_rewrites_history(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    store.canonical_url = "http://127.0.0.1:4567"
    assert store.canonical_url == "http://127.0.0.1:4567/"
    rows = [json.loads(x) for x in store.events_log(None)]
    urls = {r["change"]["url"] for r in rows if "change" in r}
    assert urls == {f"http://127.0.0.1:4567/c/demo/+/{c.number}"}
    assert all("review.example.org" not in e.line for e in store.events())
    assert store.events()[-3].data["change"]["url"].startswith("http://127.0.0.1:4567/")


def test_review_with_ready_flips_wip_and_emits_wip_state_changed(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S", wip=True)
    seq = store.last_seq
    assert store.post_review(c, 1, "alice", message="ready now", ready=True)["ready"] is True
    types = [e["type"] for e in lines_of(store, seq)]
    assert types == ["comment-added", "wip-state-changed", "ref-updated"]
    assert not c.wip


def test_every_line_is_the_gson_form_of_its_data(store: GerritStore) -> None:
    from vstui.fake import gson

    c = store.create_change("demo", "alice", "it's <new>")
    store.post_review(c, 1, "bob", message="a=b & c", labels={"Code-Review": 1})
    store.set_topic(c, "x", "alice")
    for e in store.events():
        assert e.line == gson.dumps(e.data)
        log = json.loads(e.log_line)
        if "changeKey" in e.data:
            assert log["project"] == {"name": e.data["project"]}
            assert log["changeKey"] == {"key": e.data["changeKey"]["id"]}
            rest = {k: v for k, v in log.items() if k not in ("project", "changeKey")}
            assert rest == {k: v for k, v in e.data.items() if k not in ("project", "changeKey")}
        else:
            assert e.log_line == e.line


def test_history_is_bounded_but_seq_keeps_counting(clock: FakeClock) -> None:
    s = GerritStore(clock=clock, max_events=100)
    s.create_account("a", "A")
    s.create_project("p")
    c = s.create_change("p", "a", "S")
    for i in range(200):
        s.post_review(c, 1, "a", message=f"m{i}")
    assert s.last_seq == 3 + 3 + 400
    kept = s.events()
    assert 90 <= len(kept) <= 100 and kept[-1].seq == s.last_seq
    assert [e.seq for e in s.events(s.last_seq - 5)] == list(range(s.last_seq - 4, s.last_seq + 1))
    assert s.events(0)[0].seq == kept[0].seq  # older ones are gone, not renumbered


def test_wip_and_private_state_conflicts(store: GerritStore) -> None:
    c = store.create_change("demo", "alice", "S")
    with pytest.raises(Conflict, match=r"^change is not work in progress$"):
        store.set_wip(c, False, "alice")
    store.set_wip(c, True, "alice")
    with pytest.raises(Conflict, match=r"^change is already work in progress$"):
        store.set_wip(c, True, "alice")
    with pytest.raises(Conflict, match=r"^change is not private$"):
        store.set_private(c, False, "alice")
    store.set_private(c, True, "alice")
    seq = store.last_seq
    store.set_private(c, True, "alice")  # a no-op, like Gerrit's PostPrivate
    assert store.last_seq == seq


def test_reviewers_named_at_upload_are_announced(store: GerritStore) -> None:
    seq = store.last_seq
    store.create_change("demo", "alice", "S", reviewers=["bob"], cc=["ci"])
    types = [e["type"] for e in lines_of(store, seq)]
    assert types == [
        "patchset-created",
        "reviewer-added",
        "reviewer-added",
        "ref-updated",
        "ref-updated",
    ]
    added = [e for e in lines_of(store, seq) if e["type"] == "reviewer-added"]
    assert [e["reviewer"]["username"] for e in added] == ["bob", "ci"]
