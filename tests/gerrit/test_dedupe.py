"""Deduper: multiset matching of replayed events against delivered ones."""

from __future__ import annotations

import json

from vstui.gerrit.decode import decode_event
from vstui.gerrit.dedupe import Deduper, content_key


def ssh(n: int, ts: int, text: str = "x") -> object:
    return decode_event(
        json.dumps(
            {
                "comment": text,
                "change": {"number": n, "project": "p"},
                "project": "p",
                "changeKey": {"id": f"I{n}"},
                "type": "comment-added",
                "eventCreatedOn": ts,
            },
            separators=(",", ":"),
        )
    )


def logged(n: int, ts: int, text: str = "x") -> object:
    # events-log (plain Gson) shape of the same event, different key order
    return decode_event(
        json.dumps(
            {
                "type": "comment-added",
                "eventCreatedOn": ts,
                "project": {"name": "p"},
                "changeKey": {"key": f"I{n}"},
                "change": {"project": "p", "number": n},
                "comment": text,
            }
        ),
        source="events-log",
    )


def test_shapes_normalise_to_the_same_key_but_content_and_second_matter():
    assert content_key(ssh(1, 10)) == content_key(logged(1, 10))
    assert content_key(ssh(1, 10)) != content_key(ssh(1, 11))
    assert content_key(ssh(1, 10)) != content_key(ssh(1, 10, "y"))


def test_replay_delivers_only_the_gap_in_order():
    d = Deduper()
    before = [ssh(1, 100), ssh(2, 101), ssh(3, 102)]
    assert all(d.accept_live(e) for e in before)
    replay = [logged(1, 100), logged(2, 101), logged(3, 102), logged(4, 103), logged(5, 103)]
    out = d.accept_replay(replay, since=100)
    assert [e.change_number for e in out] == [4, 5]
    assert all(e.source == "events-log" for e in out)
    # The new connection then brings 5 (in flight during the replay) and 6: only 6 passes.
    assert d.accept_live(ssh(5, 103)) is False
    assert d.accept_live(ssh(6, 104)) is True
    # A second replay over the same window delivers nothing new.
    assert d.accept_replay([*replay, logged(6, 104)], since=100) == []


def test_identical_events_in_one_second_are_counted_not_collapsed():
    d = Deduper()
    # The stream delivered N=2 copies of the same content in second 50 ...
    assert d.accept_live(ssh(7, 50)) and d.accept_live(ssh(7, 50))
    # ... and the replay holds M=3: exactly M-N=1 is new.
    out = d.accept_replay([logged(7, 50)] * 3, since=50)
    assert len(out) == 1
    # M < N delivers nothing.
    assert d.accept_replay([logged(7, 50)], since=50) == []


def test_rows_before_the_window_are_ignored():
    d = Deduper()
    assert d.accept_replay([logged(1, 9), logged(2, 10)], since=10) == [logged(2, 10)]


def test_pins_keep_old_deliveries_comparable():
    d = Deduper(keep_seconds=5)
    d.accept_live(ssh(1, 100))
    d.pin(100)
    for i in range(2000):  # plenty of later traffic forces pruning
        d.accept_live(ssh(1000 + i, 200 + i // 100))
    assert d.accept_replay([logged(1, 100)], since=100) == []
    d.unpin(100)
    # without the pin the old delivery is forgotten (memory is bounded)
    assert d.accept_replay([logged(1, 100)], since=100) != []
