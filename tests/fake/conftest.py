"""Store-only fixtures for the emulator's world (no sockets; server fixtures live in
tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.fake._world import T0, FakeClock
from vstui.fake.store import GerritStore


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> GerritStore:
    """A fresh store on a fake clock with a project, a human, a second human, a CI bot."""
    s = GerritStore(clock=clock, canonical_url="http://review.example.org/")
    s.create_account("alice", "Alice Doe", "alice@example.org")
    s.create_account("bob", "Bob Roe", "bob@example.org")
    s.create_account("ci", "Acme CI", "ci@example.org", service_user=True)
    s.create_account("admin", "Administrator", "admin@example.org", admin=True)
    s.create_project("demo")
    return s


@pytest.fixture(scope="module")
def seed_store() -> GerritStore:
    """The seed world on a fixed clock, built once per module. Treat as read-only."""
    from vstui.fake.scenarios import load_scenario

    s = GerritStore(clock=lambda: T0)
    load_scenario(s, "seed", seed=0)
    return s
