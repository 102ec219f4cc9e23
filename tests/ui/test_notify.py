"""Notifications in the app, driven by the pilot over the seed world: a reviewer stars
381272, rechecks it, and is told when the CIs asked to run again have all reported; their own
recheck is not news; the row is marked; quiet keeps the mark but drops the toast."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from tests.ui.conftest import record_notices, wait_until
from tests.ui.test_app import open_change
from vstui.core.notify import Rules
from vstui.fake import ci_styles, stars
from vstui.fake.scenarios import catalog
from vstui.ui.app import VstuiApp
from vstui.ui.screens.recheck import RecheckScreen

SEED = 381272


@pytest.fixture
def seed(fake_gerrit_factory: Callable[..., Any]) -> Any:
    fg = fake_gerrit_factory(scenario="seed")
    me = fg.store.account(fg.info["default_account"])
    stars.star(fg.store, me, fg.store.change(SEED))  # "my changes and starred"
    return fg


def _pending_cis(app: VstuiApp) -> list[str]:
    """The CIs (by name as the results name them) a recheck is waiting for."""
    entry = app.session.store.get((app.session.server, SEED))
    if entry is None or entry.results is None:
        return []
    runs = entry.results.for_patch_set(entry.current_patch_set).runs
    return [r.ci_name for r in runs if r.pending]


def _answer(fg: Any, names: list[str]) -> None:
    """The CIs asked to run again report (as the emulator's CI accounts, in their formats)."""
    systems = {}
    for ci in [*(ci for ci, _ in catalog.SEED_CIS), *catalog.VERIFY_ONLY_CIS]:
        systems[ci.name] = systems[ci.username] = ci
    change = fg.store.change(SEED)
    for name in names:
        ci = systems[name.removesuffix(" (check)")]
        username = ci.username
        rep = ci_styles.ci_report(ci, random.Random(1), SEED, change.current.number, rerun=True)
        if rep.verifications:
            fg.store.save_verifications(SEED, "current", username, rep.verifications)
        if ci.verify_status != "only":
            fg.store.post_review(SEED, "current", username, message=rep.body, tag=rep.tag)


async def test_told_when_the_cis_finish_after_a_recheck(seed: Any, make_app: Any) -> None:
    """The issue's "done when": a reviewer rechecks 381272 (starred) with `R`; the CIs
    answer (played by the test: the emulator's responder leaves some pending, see the
    report); the reviewer is told once they all have."""
    app = make_app(seed, notify_rules=Rules(per_change_seconds=0))
    notices = record_notices(app)
    terminal: list[tuple[str, str]] = []
    app.terminal_notify = lambda title, body: terminal.append((title, body))  # type: ignore[method-assign]
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.notifier is not None)
        change = await open_change(pilot, app, SEED)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RecheckScreen))
        app.screen.text_input.value = "recheck"
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(_pending_cis(app)))
        assert not [t for _s, t in notices if "new comment" in t]  # my own recheck: not news
        _answer(seed, _pending_cis(app))
        await wait_until(pilot, lambda: any("all CIs reported" in t for t, _b in terminal))
        title, body = next(x for x in terminal if "all CIs reported" in x[0])
        assert title.startswith(f"{SEED} all CIs reported") and "✓" in body
        assert any(t == body for _s, t in notices)  # the toast too (its title is the title)
        assert app.screen is change
        await pilot.press("escape")
        assert SEED not in app._list_screen.marks  # it was on screen: nothing left to read


async def test_done_when_the_emulators_cis_answer_the_recheck_of_the_tui(
    fake_gerrit_factory: Callable[..., Any], make_app: Any
) -> None:
    """The issue's "done when", end to end: the emulator's CIs answer the `R` recheck
    (comments and verify-status-only rows); the reviewer is told when all have."""
    fg = fake_gerrit_factory(scenario="seed", recheck_delay=0.5)
    fg.rechecks.stagger = 0.05  # (0.5 s between CIs by default: 10 s for 20 CIs)
    me = fg.store.account(fg.info["default_account"])
    stars.star(fg.store, me, fg.store.change(SEED))
    app = make_app(fg, notify_rules=Rules(per_change_seconds=0))
    app.session.pending_poll = 0.5  # verify-status rows come with no event
    terminal: list[tuple[str, str]] = []
    app.terminal_notify = lambda title, body: terminal.append((title, body))  # type: ignore[method-assign]
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: app.notifier is not None)
        await open_change(pilot, app, SEED)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RecheckScreen))
        app.screen.text_input.value = "recheck"
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(_pending_cis(app)), timeout=20)
        await wait_until(
            pilot, lambda: any("all CIs reported" in t for t, _b in terminal), timeout=40
        )
        assert not _pending_cis(app)


async def test_ci_reports_answering_a_recheck_are_counted_once_all_are_in(
    seed: Any, make_app: Any
) -> None:
    """Without the emulator's responder: the test plays the CIs, one by one."""
    app = make_app(seed, notify_rules=Rules(per_change_seconds=0))
    terminal: list[tuple[str, str]] = []
    app.terminal_notify = lambda title, body: terminal.append((title, body))  # type: ignore[method-assign]
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: app.notifier is not None)
        await open_change(pilot, app, SEED)
        me = seed.store.account(seed.info["default_account"])
        seed.store.post_review(SEED, "current", me, message="recheck")
        await wait_until(pilot, lambda: bool(_pending_cis(app)))
        pending = _pending_cis(app)
        _answer(seed, pending[:-1])
        await pilot.pause(0.5)
        assert not any("all CIs reported" in t for t, _b in terminal)  # one still missing
        _answer(seed, pending[-1:])
        await wait_until(pilot, lambda: any("all CIs reported" in t for t, _b in terminal))


async def test_a_comment_on_a_starred_change_marks_the_row_and_quiet_silences(
    seed: Any, make_app: Any
) -> None:
    app = make_app(seed)
    terminal: list[tuple[str, str]] = []
    app.terminal_notify = lambda title, body: terminal.append((title, body))  # type: ignore[method-assign]
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: app.notifier is not None)
        screen = app._list_screen
        assert screen is not None
        await wait_until(pilot, lambda: not screen.loading_changes)
        # 381272 on screen: rows on screen are kept fully fresh (messages, CI results).
        assert screen.table.move_cursor_to_key(SEED)
        await wait_until(pilot, lambda: screen._items[SEED].ci is not None, timeout=30)
        await wait_until(
            pilot, lambda: app.notifier._states.get(SEED) is not None
            and app.notifier._states[SEED].messages is not None,
        )  # fmt: skip
        seed.store.post_review(SEED, "current", "vladani", message="Still +1 from me.")
        await wait_until(pilot, lambda: SEED in screen.marks, timeout=30)
        await wait_until(
            pilot, lambda: any("new comment by Vijay Ladani" in t for t, _b in terminal)
        )
        await pilot.press("N")
        assert app.notifier is not None and app.notifier.quiet
        count = len(terminal)
        entry = app.session.store.get(("test", SEED))
        version = entry.version
        seed.store.post_review(SEED, "current", "geguileo", message="Thanks for the test.")
        await wait_until(pilot, lambda: entry.version > version, timeout=30)  # the refetch happened
        await pilot.pause(0.3)
        assert len(terminal) == count  # quiet: no toast, no terminal
        assert SEED in screen.marks
