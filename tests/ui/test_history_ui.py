"""Verdict chips, the `e` filter, `i`, the recheck dialog's reason and the CI health screen
on the demo world (fixed clock), driven with the pilot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ui import screenshots
from tests.ui.conftest import record_notices, wait_until
from vstui.ui.screens.health import FailuresScreen, HealthScreen
from vstui.ui.screens.recheck import RecheckScreen


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    """The demo world at the screenshots' fixed time. Why: the seed world is expensive."""
    directory = tmp_path_factory.mktemp("history-ui")
    with screenshots.demo_world(directory) as (_fake, config):
        yield config, directory


async def open_seed_change(pilot: Any) -> Any:
    await screenshots.change_ready(pilot, screenshots.SEED_CHANGE)
    return pilot.app.screen


def job(screen: Any, ci: str, name: str) -> Any:
    return next(j for j in screen.ci_pane.jobs if j.ci_name == ci and j.name == name)


async def test_chips_explain_and_hide_failures_failing_elsewhere(
    demo: tuple[Any, Path], tmp_path: Path
) -> None:
    config, _directory = demo
    app = screenshots.make_app(config, tmp_path)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_seed_change(pilot)
        hpe = job(screen, "HPE Storage CI", "hpe-3par-fc-dsvm")
        assert [v.kind for v in hpe.verdicts] == ["failing_elsewhere"]
        tegile = job(screen, "Tegile Storage CI", "tegile-dsvm-tempest-fc")
        assert [v.kind for v in tegile.verdicts] == ["flaky"]
        assert job(screen, "Cisco CI", "cisco_zm_cinder").verdicts == ()
        # `i` on the HPE row explains its chip in one line
        screen.ci_pane.table.focus()
        screen.ci_pane.table.move_cursor_to_key(hpe.key)
        await pilot.press("i")
        await wait_until(pilot, lambda: any("failing elsewhere" in t for _s, t in notices))
        # `e` hides it (and only failures failing elsewhere)
        await pilot.press("e")
        shown = {(j.ci_name, j.name) for j in screen.ci_pane.shown_jobs}
        assert ("HPE Storage CI", "hpe-3par-fc-dsvm") not in shown
        assert ("Tegile Storage CI", "tegile-dsvm-tempest-fc") in shown
        assert "hide failing elsewhere" in str(screen.ci_pane.border_title)
        # the recheck dialog offers a reason from the verdicts for the selected CI
        await pilot.press("e")
        screen.ci_pane.table.move_cursor_to_key(hpe.key)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RecheckScreen))
        dialog: Any = app.screen
        assert dialog.text_input.value.startswith("recheck HPE Storage CI: failing on 9 of 12")
        assert "run-HPE Storage CI" in dialog._choices
        await pilot.press("escape")


async def test_health_screen_sorts_marks_stopped_cis_and_lists_failures(
    demo: tuple[Any, Path], tmp_path: Path
) -> None:
    config, _directory = demo
    app = screenshots.make_app(config, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await screenshots.health_ready(pilot)
        screen: Any = app.screen
        assert isinstance(screen, HealthScreen)
        cis = {c.ci_name: c for c in screen.cis}
        assert cis["Kaminario K2 CI"].stopped and not cis["Mellanox CI"].stopped
        assert cis["HPE Storage CI"].success_rate < 0.5
        keys = [r.key for r in screen.table.rows if r.key[0] == "ci"]
        rates = [cis_by_key(screen, k).success_rate for k in keys]
        assert rates == sorted(rates)  # worst first by default
        await pilot.press("s")  # by name
        names = [cis_by_key(screen, r.key).ci_name for r in screen.table.rows if r.key[0] == "ci"]
        assert names == sorted(names, key=str.casefold)
        # enter on HPE lists its failures; enter there opens the change
        screen.table.move_cursor_to_key(("ci", "hpe-storage-ci"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FailuresScreen))
        failures: Any = app.screen
        assert failures.failures and all(f.result == "FAILURE" for f in failures.failures)
        first = failures.failures[0].change
        await pilot.press("enter")
        await wait_until(pilot, lambda: getattr(app.screen, "number", None) == first)


def cis_by_key(screen: Any, key: Any) -> Any:
    return next(c for c in screen.cis if c.ci == key[1])


async def test_the_users_recheck_is_answered_by_the_emulators_ci(
    fake_gerrit_factory: Any, make_app: Any
) -> None:
    """`R` in the TUI: the pre-filled comment is posted, the CI shows ↻ pending, then the
    emulator's CI answers after its delay and the pending mark goes."""
    from tests.ui.test_app import open_change

    fg = fake_gerrit_factory(scenario="seed", recheck_delay=0.5)
    app = make_app(fg, history=True)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, screenshots.SEED_CHANGE)
        pane = change.ci_pane

        def hpe_failing() -> Any:
            return next((j for j in pane.jobs if j.ci_name == "HPE Storage CI" and j.failing), None)

        # the start-up sync and the change's write give the verdicts the reason comes from
        await wait_until(pilot, lambda: hpe_failing() is not None and hpe_failing().verdicts)
        hpe = hpe_failing()
        pane.table.focus()
        pane.table.move_cursor_to_key(hpe.key)
        before = fg.rechecks.answered
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RecheckScreen))
        dialog: Any = app.screen
        assert dialog.text_input.value.startswith("recheck HPE Storage CI: failing on")
        await pilot.press("enter")  # the pre-filled comment, as the user would

        def hpe_jobs() -> list[Any]:
            return [j for j in change.ci_pane.jobs if j.ci_name == "HPE Storage CI"]

        await wait_until(pilot, lambda: fg.rechecks.answered > before, timeout=20)
        await wait_until(
            pilot, lambda: hpe_jobs() and not any(j.pending for j in hpe_jobs()), timeout=20
        )
        assert all(j.history >= 1 for j in hpe_jobs())  # the answer is a new run
