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


async def test_ci_filter_keys_work_from_the_discussion_pane(
    review_world: tuple[Any, World], make_app: Any
):
    from vstui.ui.screens.ci_picker import CIPickerScreen

    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        pane = change.ci_pane
        change.set_focus(change.discussion_pane.view)
        await pilot.pause()
        for key, flag in (("f", "failing_only"), ("n", "hide_non_voting")):
            await pilot.press(key)
            assert getattr(pane.ci_filter, flag), key
            assert app.focused is change.discussion_pane.view  # focus stays where it was
        await pilot.press("x")
        assert pane.ci_filter.hide_failing_non_voting
        await pilot.press("c")
        assert pane.ci_filter == type(pane.ci_filter)()
        await pilot.press("s")
        await wait_until(pilot, lambda: isinstance(app.screen, CIPickerScreen))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is change)
        change.set_focus(change.discussion_pane.view)
        await pilot.pause()
        burst(app, "/pep8\r")  # j/k/v/g of the discussion must not fire meanwhile
        await wait_until(pilot, lambda: pane.ci_filter.regex == "pep8")
        assert {j.name for j in pane.shown_jobs} == {"cinder-pep8"}
        assert app.screen is change


async def test_discussion_cursor_selects_any_message_for_v(
    review_world: tuple[Any, World], make_app: Any
):
    from vstui.ui.screens.raw import RawScreen

    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        view = change.discussion_pane.view
        change.set_focus(view)
        await pilot.press("b")  # bots too: three messages
        assert [m.author for m in view.messages][-1] == "Cisco CI"
        for steps, author in ((0, "Eric Harney"), (1, "Sean McGinnis"), (2, "Cisco CI")):
            await pilot.press("g", *["j"] * steps, "v")
            await wait_until(pilot, lambda: isinstance(app.screen, RawScreen))
            body = str(app.screen.query_one("#raw-body").render())
            assert view.cursor_message is not None and view.cursor_message.author == author
            assert body.strip() == view.cursor_message.text.strip()
            await pilot.press("escape")
            await wait_until(pilot, lambda: app.screen is change)
        await pilot.press("k")
        assert view.cursor == 1


def _bg_256(strip: Any) -> set[Any]:
    from rich.color import ColorSystem

    return {
        seg.style.bgcolor.downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
        for seg in strip
        if seg.style is not None and seg.style.bgcolor is not None and seg.text.strip()
    }


async def test_cursor_rows_differ_from_other_rows_by_background_in_256_colours(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        table = change.ci_pane.table
        view = change.discussion_pane.view
        await pilot.press("b")
        for focused in (table, view):
            change.set_focus(focused)
            await pilot.pause()
            header = 1  # the table's column header line
            cursor_y = table.cursor_index - int(table.scroll_y) + header
            other_y = next(
                i + header
                for i, row in enumerate(table.rows)
                if i != table.cursor_index and not row.group
            )
            cursor_bg = _bg_256(table.render_line(cursor_y))
            assert cursor_bg and cursor_bg.isdisjoint(_bg_256(table.render_line(other_y))), (
                f"table cursor ({'focused' if focused is table else 'blurred'})"
            )
            cursor_bg = _bg_256(view.render_line(0))  # the first message is selected
            body_bg = _bg_256(view.render_line(1))
            assert cursor_bg and cursor_bg.isdisjoint(body_bg), (
                f"discussion cursor ({'focused' if focused is view else 'blurred'})"
            )


async def test_a_change_still_loading_says_so_in_each_pane(
    review_world: tuple[Any, World], make_app: Any, monkeypatch: pytest.MonkeyPatch
):
    fg, world = review_world
    app = make_app(fg)
    # Neither the list's summaries nor the change's detail ever arrive.
    monkeypatch.setattr(app, "load_change", lambda number: None)
    monkeypatch.setattr(app, "load_summaries", lambda numbers: None)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = list_screen(app)
        await wait_until(
            pilot, lambda: not screen.loading_changes and world.change in screen._order
        )
        assert screen.table.move_cursor_to_key(world.change)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ChangeScreen))
        change = app.screen
        assert isinstance(change, ChangeScreen)
        await pilot.pause()
        assert "loading" in str(change.discussion_pane.border_title).lower()
        assert "human message" not in str(change.discussion_pane.border_title)
        assert "loading" in str(change.ci_pane.border_title).lower()
        # the votes the list already knew are shown (with their voters) meanwhile
        assert "Verified: -1 Cisco CI" in votes_shown(change)


async def test_rows_arriving_above_the_view_are_announced_not_scrolled_in_silently(
    review_world: tuple[Any, World], make_app: Any
):
    fg, _world = review_world
    owner = fg.store.account("eharney")
    for i in range(20):
        fg.store.create_change("openstack/cinder", owner, f"Filler change {i}")
    app = make_app(fg)
    async with app.run_test(size=(120, 14)) as pilot:
        await wait_until(pilot, lambda: app.stream_status.state == "live")
        screen = list_screen(app)
        await wait_until(pilot, lambda: not screen.loading_changes and len(screen._order) == 22)
        table = screen.table
        top = screen._order[0]
        assert table.cursor_key == top and not screen.new_above
        new = fg.store.create_change("openstack/cinder", owner, "Arrives while I read").number
        await wait_until(pilot, lambda: new in screen._order)
        await pilot.pause()
        assert screen._order[0] == new
        assert table.cursor_key == top and table.cursor_index - int(table.scroll_y) == 0
        assert screen.new_above == {new}
        title = str(screen.query_one("#list-title").render())
        assert "1 new above" in title
        await pilot.press("g")  # to the top: the new row is seen, the note goes
        await wait_until(pilot, lambda: not screen.new_above)
        assert "new above" not in str(screen.query_one("#list-title").render())


async def test_help_on_the_list_explains_the_ci_column_symbols(
    review_world: tuple[Any, World], make_app: Any
):
    from vstui.ui.screens.help import HelpScreen

    fg, _world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = list_screen(app)
        await wait_until(pilot, lambda: not screen.loading_changes)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        table = app.screen.query_one("#help-table")
        legend = {
            row.cells[0]: row.cells[1]
            for row in table.rows
            if isinstance(row.key, tuple) and row.key[0] == "legend"
        }
        assert set(legend) >= set("✓✗!…↻")
        assert all("jobs" in legend[s] for s in "✓✗!…↻")  # one unit for every symbol
