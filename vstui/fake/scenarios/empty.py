"""The `empty` world: only what a client needs to connect and act.

An administrator, the default human reviewer (allowed to stream events), one CI service
user (allowed to save verify-status reports) and one project, `sandbox`, with the default
labels. No changes.
"""

from __future__ import annotations

import random

from vstui.fake.scenarios.builder import World
from vstui.fake.store import GerritStore


def build(store: GerritStore, seed: int = 0) -> None:
    world = World(store, random.Random(seed))
    world.base_accounts()
    world.bot("ci-bot", "Sandbox CI")
    store.create_project("sandbox", description="An empty project to experiment in")
