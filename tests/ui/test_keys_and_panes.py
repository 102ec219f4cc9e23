"""Keys land where the reviewer meant them: a burst after `/` goes to the query box whatever
the load state, CI filter keys work from either pane of the change screen, and `v` opens the
Discussion message under its cursor."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from textual import events
from textual.keys import _character_to_key, _get_unicode_name_from_key

from tests.core.world import World
from tests.ui.conftest import wait_until
from vstui.ui.app import VstuiApp
from vstui.ui.screens.change import ChangeScreen
from vstui.ui.screens.change_list import ChangeListScreen


def burst(app: VstuiApp, text: str) -> None:
    """Send every key of `text` at once, as a paste or a laggy SSH link delivers them: no
    wait between keys (Pilot.press waits for idle after each one, which hides the bug)."""
    driver = app._driver
    assert driver is not None
    for ch in text:
        key = {"\r": "enter", "\x1b": "escape"}.get(ch) or (
            ch if ch.isalnum() else _character_to_key(ch)
        )
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(key))
        except KeyError:
            char = ch if len(ch) == 1 and ch.isprintable() else None
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)


def guard(app: VstuiApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record instead of launching a browser (`App.open_url` calls webbrowser.open)."""
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    return opened


def list_screen(app: VstuiApp) -> ChangeListScreen:
    assert app._list_screen is not None
    return app._list_screen


@pytest.mark.parametrize("typed", ["owner:jb", "query", "wow is:open"])
async def test_a_burst_after_slash_lands_in_the_query_box(
    review_world: tuple[Any, World], make_app: Any, monkeypatch: pytest.MonkeyPatch, typed: str
):
    fg, _world = review_world
    app = make_app(fg)
    opened = guard(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = list_screen(app)
        await wait_until(pilot, lambda: not screen.loading_changes and screen._order)
        burst(app, "/" + typed + "\r")
        await wait_until(pilot, lambda: app.current_query == typed)
        await pilot.pause()
        assert app.is_running and app.screen is screen and not opened
        assert not screen.query_input.has_class("editing")


async def test_typing_while_the_first_list_loads_keeps_every_character(
    review_world: tuple[Any, World], make_app: Any, monkeypatch: pytest.MonkeyPatch
):
    fg, _world = review_world
    app = make_app(fg)
    opened = guard(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        burst(app, "/owner:jb")  # at once: the first list is still loading
        await pilot.pause()
        screen = list_screen(app)
        await wait_until(pilot, lambda: screen.query_input.value == "owner:jb")
        await wait_until(pilot, lambda: not screen.loading_changes)
        # the list arriving meanwhile took neither focus nor characters
        assert app.focused is screen.query_input and screen.query_input.value == "owner:jb"
        burst(app, "wo\r")
        await wait_until(pilot, lambda: app.current_query == "owner:jbwo")
        assert app.is_running and app.screen is screen and not opened


@pytest.mark.parametrize("end", ["\x1b", "\r"])
async def test_keys_after_escape_or_enter_in_the_same_burst_reach_the_list(
    review_world: tuple[Any, World], make_app: Any, monkeypatch: pytest.MonkeyPatch, end: str
):
    fg, _world = review_world
    app = make_app(fg)
    opened = guard(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = list_screen(app)
        await wait_until(pilot, lambda: not screen.loading_changes and screen._order)
        runs: list[str] = []
        real_run = app.run_query
        monkeypatch.setattr(app, "run_query", lambda q: (runs.append(q), real_run(q)))
        burst(app, "/status:open" + end + "w")
        if end == "\x1b":
            await wait_until(pilot, lambda: bool(opened))
            assert len(opened) == 1
        else:  # the query runs again (the list empties while it reloads: nothing to open)
            await wait_until(pilot, lambda: runs == ["status:open"])
            await wait_until(pilot, lambda: not screen.loading_changes)
        await pilot.pause()
        assert app.focused is screen.table and app.current_query == "status:open"
        assert screen.query_input.value == "status:open" and app.is_running


async def open_change(pilot: Any, app: VstuiApp, number: int) -> ChangeScreen:
    screen = list_screen(app)
    await wait_until(pilot, lambda: not screen.loading_changes and number in screen._order)
    assert screen.table.move_cursor_to_key(number)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, ChangeScreen))
    change = app.screen
    assert isinstance(change, ChangeScreen)
    await wait_until(pilot, lambda: change.view is not None and change.view.loaded)
    await pilot.pause()
    return change


def votes_shown(change: ChangeScreen) -> str:
    return str(change.query_one("#change-votes").render())


async def test_header_votes_name_their_voters_and_follow_live_events(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    reviewer = fg.store.account(fg.info["default_account"])
    gorka = fg.store.create_account("geguileo", "Gorka Eguileor")
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.stream_status.state == "live")
        change = await open_change(pilot, app, world.change)
        assert f"Code-Review: +1 {reviewer.name}" in votes_shown(change)
        assert "Verified: -1 Cisco CI" in votes_shown(change)
        fg.store.post_review(world.change, 1, gorka, message="No.", labels={"Code-Review": -1})
        want = f"Code-Review: +1 {reviewer.name}, -1 Gorka Eguileor"
        await wait_until(pilot, lambda: want in votes_shown(change))  # no `r` pressed
        assert "Verified: -1 Cisco CI" in votes_shown(change)
        assert change.view is not None and [lv.text for lv in change.view.labels] == [
            want,
            "Verified: -1 Cisco CI",
        ]
