"""Fixtures for the headless session tests: a hand-built world on a fresh emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.core import world as world_module


@pytest.fixture
def review_world(fake_gerrit_factory: Callable[..., Any]) -> tuple[Any, world_module.World]:
    """An empty emulator plus `tests.core.world`: every job's outcome is known to the test.

    Why: asserting "x hides exactly the failing non-voting jobs" needs a world where the
    test, not a random seed, decides which jobs fail and which vote.
    """
    fg = fake_gerrit_factory(scenario="empty")
    return fg, world_module.build(fg.store, fg.info["default_account"])
