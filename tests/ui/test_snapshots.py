"""Snapshots of the real app on the demo world (fixed clock, no activity, UTC), at two sizes.

Regenerate after an intended UI change with `pytest tests/ui/test_snapshots.py
--snapshot-update` and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui import screenshots

SIZES = [(120, 40), (80, 24)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    """The demo world at the screenshots' fixed time, shared by this module's snapshots.

    Why: the seed world is the most expensive thing to build, and snapshots only read it.
    """
    directory = tmp_path_factory.mktemp("snapshots-demo")
    with screenshots.demo_world(directory) as (_fake, config):
        yield config, directory


def app_for(demo: tuple[Any, Path], name: str) -> Any:
    config, directory = demo
    return screenshots.make_app(config, directory / name)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_change_list(snap_compare: Any, demo: tuple[Any, Path], size: tuple[int, int]):
    """The change list with CI summaries and the status bar."""
    app = app_for(demo, f"list-{size[0]}")
    assert snap_compare(app, terminal_size=size, run_before=screenshots.list_ready)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_change_screen_with_x_filter(
    snap_compare: Any, demo: tuple[Any, Path], size: tuple[int, int]
):
    """Change 381272 with failing non-voting jobs hidden (the title says so and counts)."""
    app = app_for(demo, f"change-{size[0]}")

    async def run_before(pilot: Any) -> None:
        await screenshots.change_ready(pilot, screenshots.SEED_CHANGE, "x")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_change_screen_failing_only_with_a_recheck_pending(
    snap_compare: Any, demo: tuple[Any, Path]
):
    """Change 380929 after `R` and `f`: voting failures bold red, non-voting ones softer,
    and each keeps its last result with the ↻ mark while the recheck is pending."""
    app = app_for(demo, "change-f")
    assert snap_compare(app, terminal_size=(120, 40), run_before=screenshots.recheck_pending)


@pytest.mark.parametrize("size", SIZES, ids=["120x40", "80x24"])
def test_help(snap_compare: Any, demo: tuple[Any, Path], size: tuple[int, int]):
    """`?` on the CI results pane lists its bindings and their ids."""
    app = app_for(demo, f"help-{size[0]}")
    assert snap_compare(app, terminal_size=size, run_before=screenshots.help_ready)


def test_inline_thread(snap_compare: Any, demo: tuple[Any, Path]):
    """Gorka's inline thread on 381272: file, line, code around it, replies, resolved."""
    app = app_for(demo, "thread")
    assert snap_compare(app, terminal_size=(120, 40), run_before=screenshots.thread_ready)


def test_reply_dialog(snap_compare: Any, demo: tuple[Any, Path]):
    """`a` on 381272: a message and the permitted votes, Code-Review -1 chosen."""
    app = app_for(demo, "reply")
    assert snap_compare(app, terminal_size=(120, 40), run_before=screenshots.reply_ready)


def test_log_viewer_failing_lines_first(snap_compare: Any, demo: tuple[Any, Path]):
    """`l` on HPE Storage CI's failing job on 381272: the anomalies against its passing run."""
    app = app_for(demo, "log")
    assert snap_compare(app, terminal_size=(120, 40), run_before=screenshots.log_ready)


def test_ci_health_screen(snap_compare: Any, demo: tuple[Any, Path]):
    """`H`: the seed world's CI profiles (HPE failing, Tegile flaky, Kaminario stopped)."""
    app = app_for(demo, "health")
    assert snap_compare(app, terminal_size=(120, 40), run_before=screenshots.health_ready)
