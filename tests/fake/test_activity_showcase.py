"""The activity keeps the demo's showcase change readable: live, but never wrecked."""

from __future__ import annotations

from collections import Counter

from tests.fake._world import T0, FakeClock
from vstui.fake.activity import SHOWCASE_CHANGES, Activity
from vstui.fake.scenarios import load_scenario
from vstui.fake.scenarios.seed import SEED_CHANGE
from vstui.fake.store import GerritStore

# Everything that changes a change's state rather than adding to its conversation.
STATE_EVENTS = {
    "change-abandoned",
    "change-merged",
    "change-restored",
    "wip-state-changed",
    "private-state-changed",
    "patchset-created",
    "topic-changed",
    "hashtags-changed",
    "ref-updated",
}


def _world(scenario: str) -> GerritStore:
    s = GerritStore(clock=FakeClock(T0))
    load_scenario(s, scenario, seed=0)
    return s


def test_seed_change_is_protected_by_default() -> None:
    assert SEED_CHANGE in SHOWCASE_CHANGES
    assert Activity(_world("empty"), rate=1).protected == SHOWCASE_CHANGES
    assert Activity(_world("empty"), rate=1, protected=()).protected == frozenset()


def test_demo_activity_never_wrecks_the_seed_change() -> None:
    """`vstui demo` runs the activity on the seed world: change 381272 stays as SEED.md tells
    it (open, patch set 2, ready for review, public, same topic and hashtags)."""
    for seed in (0, 3):  # 0 is the demo's; without protection seed 0 abandoned it at step 30
        s = _world("seed")
        before = s.change(SEED_CHANGE)
        assert before is not None
        topic, hashtags = before.topic, set(before.hashtags)
        a = Activity(s, rate=100, seed=seed)
        start = s.last_seq
        for _ in range(2500):
            a.step()
        assert a.error is None
        events = s.events(start)
        on_seed = Counter(e.type for e in events if e.change_number == SEED_CHANGE)
        assert not (set(on_seed) & STATE_EVENTS), on_seed
        assert set(on_seed) <= {"comment-added"}, on_seed
        c = s.change(SEED_CHANGE)
        assert c is not None
        assert (c.status, c.current.number, c.wip, c.private) == ("NEW", 2, False, False)
        assert (c.topic, set(c.hashtags)) == (topic, hashtags)
        # The rest of the world still lives: merges, abandons, new patch sets elsewhere.
        types = Counter(e.type for e in events)
        for t in ("change-merged", "change-abandoned", "patchset-created", "comment-added"):
            assert types[t] > 0, (seed, t)


def test_protected_change_still_gets_reviews_rechecks_and_ci_reports() -> None:
    """On a near-empty world the protected change is picked all the time: it gets the live
    part of the demo, and no state change, while unprotected changes get everything."""
    s = _world("empty")
    owner = s.account("admin")
    assert owner is not None
    showcase = s.create_change("sandbox", owner, "Showcase change", number=4242)
    a = Activity(s, rate=100, seed=7, protected={4242})
    start = s.last_seq
    for _ in range(1500):
        a.step()
    assert a.error is None
    events = s.events(start)
    mine = [e for e in events if e.change_number == 4242]
    assert {e.type for e in mine} == {"comment-added"}
    comments = [e.data for e in mine]
    authors = {d["author"].get("username") for d in comments}
    bots = {acct.username for acct in s.accounts() if acct.is_service_user}
    assert authors & bots, "CI reports reach the protected change"
    assert authors - bots, "humans review it"
    assert any(d["comment"].split("\n")[-1].startswith(("recheck", "run")) for d in comments), (
        "rechecks reach it"
    )
    assert showcase.status == "NEW" and showcase.current.number == 1 and not showcase.wip
    others = Counter(e.type for e in events if e.change_number != 4242)
    for t in ("change-merged", "change-abandoned", "patchset-created", "wip-state-changed"):
        assert others[t] > 0, t
