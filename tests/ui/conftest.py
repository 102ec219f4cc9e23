"""Fixtures for pilot tests: the real app on a session wired to an in-process emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.core import world as world_module
from tests.core.helpers import session_for
from vstui.core.filter_state import FilterStateStore
from vstui.ui.app import VstuiApp


@pytest.fixture
def review_world(fake_gerrit_factory: Callable[..., Any]) -> tuple[Any, world_module.World]:
    """An empty emulator plus `tests.core.world` (every job's outcome known to the test).

    Why: filter tests compare visible rows with facts the test wrote itself.
    """
    fg = fake_gerrit_factory(scenario="empty")
    return fg, world_module.build(fg.store, fg.info["default_account"])


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., VstuiApp]:
    """Build a `VstuiApp` on a fresh session for an emulator, with filters saved under tmp.

    Why: every pilot test needs the same wiring as `vstui demo` (real HTTP + SSH), but with
    its state file in the test's own directory and UTC dates.
    """

    def make(fg: Any, **kw: Any) -> VstuiApp:
        session = session_for(fg, tmp_path, server=kw.pop("server", "test"))
        if kw.pop("history", False):  # a history file of the test's own (verdicts, H)
            from vstui.core.session_history import SessionHistory
            from vstui.history import HistoryStore

            store = HistoryStore(tmp_path / "history.sqlite3")
            session.history = SessionHistory(store, clock=session.clock)
        kw.setdefault("tz", UTC)
        kw.setdefault("filter_store", FilterStateStore(tmp_path / "filters.json"))
        return VstuiApp(session, **kw)

    return make


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds (poll with timeout; fails the test after)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {condition}")
        await pilot.pause(0.02)


def record_notices(app: VstuiApp) -> list[tuple[str, str]]:
    """(severity, text) of every notification `app` shows from now on.

    Wraps the app's public `notify` (vstui's `say` ends there) instead of reading Textual's
    private notification store; install it before `run_test` to see start-up notices too."""
    seen: list[tuple[str, str]] = []
    real = app.notify

    def notify(message: str, *args: Any, severity: str = "information", **kw: Any) -> None:
        seen.append((severity, str(message)))
        real(message, *args, severity=severity, **kw)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    return seen
