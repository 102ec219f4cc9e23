"""The Gerrit query language over the store."""

from __future__ import annotations

import pytest

from tests.fake._world import T0, FakeClock
from vstui.fake.errors import QueryError
from vstui.fake.query import parse_age, parse_date
from vstui.fake.store import GerritStore


@pytest.fixture
def world(store: GerritStore, clock: FakeClock) -> GerritStore:
    """1: open, CR+2 by bob, V-1 by ci;  2: merged;  3: abandoned;  4: wip, topic;
    5: private (alice);  6: other project/branch, updated 3 days later."""
    store.create_project("other/proj")
    c1 = store.create_change("demo", "alice", "Fix the frobnicator", topic="frob")
    store.post_review(c1, 1, "bob", labels={"Code-Review": 2})
    store.post_review(c1, 1, "ci", message="Build failed.", labels={"Verified": -1})
    clock.advance(3600)
    c2 = store.create_change("demo", "bob", "Merged one")
    store.post_review(c2, 1, "admin", labels={"Code-Review": 2, "Verified": 1, "Workflow": 1})
    store.submit(c2, "admin")
    clock.advance(3600)
    c3 = store.create_change("demo", "bob", "Abandoned one")
    store.abandon(c3, "bob")
    clock.advance(3600)
    store.create_change("demo", "alice", "Work in progress", wip=True, topic="my topic")
    clock.advance(3600)
    store.create_change("demo", "alice", "Secret", private=True)
    clock.advance(3 * 86400)
    store.create_change("other/proj", "bob", "Elsewhere", branch="stable/2024.1")
    return store


def numbers(store: GerritStore, q: str, who: str | None = "alice", **kw: object) -> list[int]:
    acct = store.account(who) if who else None
    return [c.number for c in store.query(q, acct, **kw).changes]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("status:open", [6, 5, 4, 1]),
        ("is:open", [6, 5, 4, 1]),
        ("status:merged", [2]),
        ("is:abandoned", [3]),
        ("status:closed", [3, 2]),
        ("is:wip", [4]),
        ("is:private", [5]),
        ("project:demo status:open", [5, 4, 1]),
        ("projects:other", [6]),
        ("branch:stable/2024.1", [6]),
        ("branch:refs/heads/master is:merged", [2]),
        ("owner:bob", [6, 3, 2]),
        ("owner:self", [5, 4, 1]),
        ("owner:alice@example.org", [5, 4, 1]),
        ("owner:{Alice Doe}", [5, 4, 1]),
        ('owner:"Alice Doe"', [5, 4, 1]),
        ("reviewer:bob", [1]),
        ("change:2", [2]),
        ("topic:frob", [1]),
        ('topic:"my topic"', [4]),
        ("topic:{my topic}", [4]),
        ("message:frobnicator", [1]),
        ("label:Verified=-1", [1]),
        ("label:Verified-1", [1]),
        ("label:Code-Review>=1", [2, 1]),
        ("label:Code-Review=+2", [2, 1]),
        ("label:Code-Review=MAX", [2, 1]),
        ("label:Code-Review=2,bob", [1]),
        ("label:Code-Review=2,user=admin", [2]),
        ("label:Verified=0 status:open", [6, 5, 4]),
        ("-is:wip status:open", [6, 5, 1]),
        ("NOT is:wip status:open", [6, 5, 1]),
        ("status:open -(project:demo)", [6]),
        ("is:merged OR is:abandoned", [3, 2]),
        ("owner:bob AND (is:merged OR topic:frob)", [2]),
        ("owner:bob is:merged OR topic:frob", [2, 1]),
        ("1", [1]),
        ("status:open limit:2", [6, 5]),
        ("age:1d", [5, 4, 3, 2, 1]),
        ("-age:1d", [6]),
        ("-age:1d OR age:2d", [6, 5, 4, 3, 2, 1]),
    ],
)
def test_operators(world: GerritStore, q: str, expected: list[int]) -> None:
    assert numbers(world, q) == expected


def test_change_id_forms_and_sha(world: GerritStore) -> None:
    c1 = world.change(1)
    assert numbers(world, c1.change_id) == [1]
    assert numbers(world, f"change:{c1.change_id[:12]}") == [1]
    assert numbers(world, "change:demo~1") == [1]
    assert numbers(world, f"commit:{c1.current.revision[:8]}") == [1]


def test_private_changes_are_invisible_to_others(world: GerritStore) -> None:
    assert 5 not in numbers(world, "status:open", "bob")
    assert 5 not in numbers(world, "status:open", None)


def test_before_after_use_last_update(world: GerritStore) -> None:
    after = parse_date("2023-11-15")
    assert parse_date("2023-11-14 22:13:20") == T0
    assert numbers(world, "after:2023-11-15") == [6, 5, 4, 3]
    assert sorted((c.number for c in world.changes() if c.last_updated >= after), reverse=True) == [
        6,
        5,
        4,
        3,
    ]
    assert numbers(world, 'before:"2023-11-14 23:13:20"') == [2, 1]
    assert numbers(world, "since:{2023-11-14 22:13:20}") == [6, 5, 4, 3, 2, 1]


def test_limits_paging_and_more_changes(world: GerritStore) -> None:
    r = world.query("project:demo", world.account("alice"), limit=2)
    assert [c.number for c in r.changes] == [5, 4] and r.more_changes
    r = world.query("project:demo", world.account("alice"), limit=2, start=4)
    assert [c.number for c in r.changes] == [1] and not r.more_changes
    r = world.query("project:demo limit:1", world.account("alice"), limit=3)
    assert len(r.changes) == 1 and r.more_changes


def test_default_query_limit_is_500() -> None:
    s = GerritStore(clock=FakeClock())
    s.create_account("a", "A")
    s.create_project("p")
    with s.quiet():
        for _ in range(505):
            s.create_change("p", "a", "S")
    assert len(s.query("status:open").changes) == 500 and s.query("status:open").more_changes
    assert len(s.query("status:open", no_limit=True).changes) == 505


def test_unbalanced_quote_is_tolerated(world: GerritStore) -> None:
    # gerritlib sends queries like this; Gerrit's parser accepts the open quote.
    assert numbers(world, 'topic:"frob') == [1]


def test_ordering_is_newest_updated_first(world: GerritStore, clock: FakeClock) -> None:
    clock.advance(10 * 86400)
    world.post_review(1, 1, "bob", message="bump")
    assert numbers(world, "status:open")[0] == 1


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("foo:bar", "Unsupported operator foo:bar"),
        ("status:sleeping", "Unrecognized value: sleeping"),
        ("is:nonsense", "Unrecognized value: nonsense"),
        ("(status:open", "missing ')'"),
        ("status:open)", "extraneous input ')'"),
        ("", "mismatched input '<EOF>'"),
        ("age:1fortnight", "Unsupported age: 1fortnight"),
        ("before:yesterday", "Unsupported date format: yesterday"),
        ("owner:nobody-at-all", "Account 'nobody-at-all' not found"),
        ("limit:0", "Invalid limit: 0"),
        ("label:Code-Review", None),
    ],
)
def test_bad_queries_raise_gerrit_style_errors(
    world: GerritStore, q: str, message: str | None
) -> None:
    if message is None:
        world.query(q)  # accepted
        return
    with pytest.raises(QueryError) as err:
        world.query(q)
    assert message in err.value.message
    assert err.value.status == 400


def test_owner_self_needs_login(world: GerritStore) -> None:
    with pytest.raises(QueryError, match="Must be signed-in"):
        world.query("owner:self")


def test_age_units() -> None:
    assert parse_age("90s") == 90
    assert parse_age("2m") == parse_age("2min") == 120
    assert parse_age("1h30m") == 5400
    assert parse_age("2d") == 2 * 86400 and parse_age("1w") == 7 * 86400
