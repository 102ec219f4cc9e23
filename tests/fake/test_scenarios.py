"""Scenarios: the seed story of cinder change 381272, determinism, empty and large worlds."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from tests.fake._world import T0
from vstui.fake.ci_styles import votes_in_first_line
from vstui.fake.model import CAP_SAVE_VERIFICATION, CAP_STREAM_EVENTS
from vstui.fake.scenarios import load_scenario, parse_scenario
from vstui.fake.scenarios.catalog import SEED_CIS, VERIFY_ONLY_CIS
from vstui.fake.store import GerritStore


def _author_names(msgs: list) -> list[str]:
    return [m.author.name for m in msgs if m.author is not None]


def test_seed_change_381272_tells_the_story(seed_store: GerritStore) -> None:
    c = seed_store.change(381272)
    assert c is not None and c.project == "openstack/cinder" and c.owner.name == "Eric Harney"
    assert len(c.patch_sets) == 2 and c.status == "NEW"
    ps1 = [m for m in c.messages if m.revision_number == 1]
    # The CIs' first reports on patch set 1 come in the order of the SEED.md table.
    first_seen: list[str] = []
    ci_names = {ci.name for ci, _ in SEED_CIS}
    for name in _author_names(ps1):
        if name in ci_names and name not in first_seen:
            first_seen.append(name)
    assert first_seen == [ci.name for ci, _ in SEED_CIS]
    assert len(first_seen) == 29
    # Their outcome on patch set 1 is the table's.
    for ci, outcome in SEED_CIS:
        first = next(m for m in ps1 if m.author and m.author.name == ci.name)
        body = first.message.split("\n\n", 1)[1]
        failed = bool(re.search(r"Build failed|: FAILURE(?! \(non-voting\))", body))
        assert failed == (outcome == "FAILURE"), ci.name
    # Two human reviews, the rechecks, the owner's reply, then patch set 2.
    texts = {(m.author.name, m.message.split("\n", 1)[0]) for m in ps1 if m.author}
    assert ("Vijay Ladani", "Patch Set 1: Code-Review+1") in texts
    assert ("Gorka Eguileor", "Patch Set 1: Code-Review-1") in texts
    gorka = next(m for m in ps1 if m.author.name == "Gorka Eguileor")
    assert "unit test" in gorka.message
    owner_msgs = [m.message for m in ps1 if m.author.name == "Eric Harney"]
    assert "Patch Set 1:\n\nrun tegile" in owner_msgs
    assert "Patch Set 1:\n\nrun-HPE Storage CI" in owner_msgs
    assert any("unit test" in m and "patch set 2" in m for m in owner_msgs)
    assert Counter(_author_names(ps1))["Tegile Storage CI"] == 2  # rerun after "run tegile"
    ps2 = [m for m in c.messages if m.revision_number == 2]
    assert ps2[0].message == "Uploaded patch set 2."
    assert "Jenkins" in _author_names(ps2) and len(set(_author_names(ps2))) > 8


def test_seed_change_has_verify_status_rows_including_comment_less_cis(
    seed_store: GerritStore,
) -> None:
    c = seed_store.change(381272)
    rows = seed_store.verifications(c, 1)
    reporters = {r.reporter for r in rows}
    assert {"Cisco CI", "NetApp CI", "Microsoft ISCSI CI"} <= reporters
    only = {ci.name for ci in VERIFY_ONLY_CIS}
    assert only <= reporters
    assert not only & set(_author_names(c.messages))  # they never comment
    assert any(r.abstain for r in rows)  # NetApp's non-voting FC job
    assert seed_store.verifications(c, 2)


def test_seed_world_shape(seed_store: GerritStore) -> None:
    statuses = Counter(c.status for c in seed_store.changes())
    assert 75 <= statuses["NEW"] <= 110 and statuses["MERGED"] >= 15 and statuses["ABANDONED"] >= 5
    projects = {c.project for c in seed_store.changes()}
    assert {"openstack/cinder", "openstack/nova", "openstack/neutron", "openstack/glance",
            "openstack/keystone", "openstack/swift", "openstack/horizon"} <= projects  # fmt: skip
    assert any(c.wip for c in seed_store.changes()) and any(c.private for c in seed_store.changes())
    assert sum(1 for c in seed_store.changes() if len(c.messages) <= 1) >= 3  # quiet changes
    # Every message's first line is Gerrit's, and its votes are valid for the project.
    for c in seed_store.changes():
        labels = seed_store.project(c.project).labels
        for m in c.messages:
            for label, value in votes_in_first_line(m.message).items():
                assert label in labels and value in labels[label].values


def test_seed_covers_every_reporting_family(seed_store: GerritStore) -> None:
    bodies = "\n".join(m.message for c in seed_store.changes() for m in c.messages)
    for marker in (
        "Build succeeded (check pipeline).",  # zuul-v2
        "Build succeed.",  # third-party zuul
        "* SolidFire-dsvm-full ",  # gerrit-trigger-star
        "Build Successful \n\n",  # gerrit-trigger
        "https://zuul.opendev.org/t/openstack/buildset/",  # zuul-v3
        "CQ",  # luci
        "=== Finished presubmit run:",  # treehugger
        "integration.wikimedia.org/ci/job/",  # wikimedia-zuul
        "Quality gate",  # wikimedia-bots
        "bazel/notedb : ",  # gerritforge
        "I noticed Zuul failed",  # elastic-recheck
        "Builder ",  # misc-bot (Lustre)
        "Change has been successfully merged",  # notices
        "recheck",  # humans
        "pipeline-build-result: SUCCESS",  # wikimedia PipelineBot
    ):
        assert marker in bodies, marker
    tags = Counter(m.tag for c in seed_store.changes() for m in c.messages)
    assert (
        tags["autogenerated:gerrit:deleteVote"] >= 1 and tags["autogenerated:gerrit:abandon"] >= 5
    )
    bot_rechecks = [
        m for c in seed_store.changes() for m in c.messages
        if m.author and m.author.is_service_user and m.message.endswith(":\n\nrecheck")
    ]  # fmt: skip
    assert bot_rechecks


def test_seed_accounts_and_capabilities(seed_store: GerritStore) -> None:
    default = seed_store.account("smcginnis")
    assert default is not None and not default.is_service_user and not default.is_admin
    assert seed_store.has_capability(default, CAP_STREAM_EVENTS)
    jenkins = seed_store.account("jenkins")
    assert jenkins.is_service_user and seed_store.has_capability(jenkins, CAP_SAVE_VERIFICATION)
    assert seed_store.account("admin").is_admin
    cis = [a for a in seed_store.accounts() if a.is_service_user]
    assert len(cis) >= 35
    assert all(a.http_password for a in seed_store.accounts())


def test_seed_history_is_in_the_past_and_in_time_order(seed_store: GerritStore) -> None:
    times = [e.created_on for e in seed_store.events()]
    assert times == sorted(times) and times[-1] <= T0
    rows = seed_store.events_log(None, T0 - 40 * 3600, T0)
    assert rows and all(json.loads(r)["eventCreatedOn"] >= T0 - 40 * 3600 for r in rows)


def test_seed_is_deterministic_for_a_seed() -> None:
    def lines(seed: int) -> list[str]:
        s = GerritStore(clock=lambda: T0)
        load_scenario(s, "seed", seed=seed)
        return [e.line for e in s.events()]

    a, b, c = lines(0), lines(0), lines(1)
    assert a == b
    assert a != c


def test_empty_world() -> None:
    s = GerritStore(clock=lambda: T0)
    load_scenario(s, "empty")
    assert s.changes() == [] and [p.name for p in s.projects()] == ["sandbox"]
    assert s.has_capability(s.account("smcginnis"), CAP_STREAM_EVENTS)
    assert s.has_capability(s.account("ci-bot"), CAP_SAVE_VERIFICATION)


def test_large_world_has_heavy_changes() -> None:
    s = GerritStore(clock=lambda: T0)
    load_scenario(s, "large:300", seed=0)
    changes = s.changes()
    assert len(changes) == 300
    assert {e.type for e in s.events()} == {"project-created", "ref-updated"}  # history is quiet
    heavy = [c for c in changes if len(c.messages) > 1000]
    assert len(heavy) == 1
    (h,) = heavy
    ci_msgs = [m for m in h.messages if m.author and m.author.is_service_user]
    human = [m for m in h.messages if m.author and not m.author.is_service_user and m.tag is None]
    assert len(ci_msgs) >= 1000 and len(human) >= 300
    assert s.query("status:open", limit=25).more_changes


@pytest.mark.parametrize(
    ("name", "parsed"),
    [
        ("seed", ("seed", None)),
        ("empty", ("empty", None)),
        ("large:50", ("large", 50)),
        ("large", ("large", 10000)),
    ],
)
def test_parse_scenario(name: str, parsed: tuple[str, int | None]) -> None:
    assert parse_scenario(name) == parsed


@pytest.mark.parametrize("bad", ["nope", "large:0", "large:x", "seed:1", ""])
def test_parse_scenario_rejects_bad_names(bad: str) -> None:
    with pytest.raises(ValueError, match="scenario"):
        parse_scenario(bad)


def test_seed_corpus_labels_every_message_in_the_readme_layout() -> None:
    from vstui.fake.scenarios.corpus import seed_corpus

    records = seed_corpus(0)
    assert len(records) > 800
    keys = {"id", "source", "format", "provenance", "origin", "author", "tag", "date",
            "_revision_number", "message", "expect"}  # fmt: skip
    families = Counter(r["format"] for r in records)
    assert set(families) >= {"zuul-v2", "zuul-third-party", "gerrit-trigger-star", "human"}
    for r in records:
        assert set(r) == keys
        e = r["expect"]
        assert e["vote"] == votes_in_first_line(r["message"])
        assert (e["ci_name"] is None) != e["is_bot"]
        if e["is_bot"]:
            assert e["ci_name"] == r["author"]["name"]
        for job in e["jobs"]:
            assert job["url"] is None or job["url"] in r["message"]
            assert job["result"] == job["result"].upper()
