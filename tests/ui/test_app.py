"""The TUI driven by Textual's pilot over an in-process emulator (real HTTP and SSH)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.core.world import HOSTILE, World
from tests.ui.conftest import record_notices, wait_until
from vstui.core.ci_filter import CIFilter
from vstui.ui.app import VstuiApp
from vstui.ui.screens.change import ChangeScreen
from vstui.ui.screens.change_list import ChangeListScreen
from vstui.ui.screens.ci_picker import CIPickerScreen
from vstui.ui.screens.help import HelpScreen
from vstui.ui.screens.recheck import RecheckScreen
from vstui.ui.widgets.ci_pane import CIPane
from vstui.ui.widgets.status_bar import StatusBar


def list_screen(app: VstuiApp) -> ChangeListScreen:
    assert app._list_screen is not None
    return app._list_screen


async def open_change(pilot: Any, app: VstuiApp, number: int) -> ChangeScreen:
    """From the list: put the cursor on `number`, press enter, wait for its CI results."""
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


def shown(pane: CIPane) -> set[tuple[str, str]]:
    return {job.key for job in pane.shown_jobs}


def table_keys(pane: CIPane) -> set[tuple[str, str]]:
    return {row.key for row in pane.table.rows if not row.group}


async def test_list_shows_the_query_result_and_enter_opens_the_change(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = list_screen(app)
        await wait_until(pilot, lambda: not screen.loading_changes)
        assert screen._order == app.session.list_order() == [world.hostile_change, world.change]
        assert [row.key for row in screen.table.rows] == screen._order
        change = await open_change(pilot, app, world.change)
        header = str(change.query_one("#change-header").render())
        assert "Fix the retry path" in header and "patch set 1 of 1" in header
        await pilot.press("escape")
        assert app.screen is screen and screen.table.cursor_key == world.change


async def test_discussion_shows_human_messages_and_b_toggles_bots(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        view = change.discussion_pane.view
        assert [m.author for m in view.messages] == ["Eric Harney", "Sean McGinnis"]
        await pilot.press("b")
        assert [m.author for m in view.messages][-1] == "Cisco CI"
        assert view.messages[-1].is_bot
        await pilot.press("b")
        assert all(not m.is_bot for m in view.messages)


FILTER_CASES = {
    "f": lambda failing, voting: failing,
    "n": lambda failing, voting: voting,
    "x": lambda failing, voting: not (failing and not voting),
}


@pytest.mark.parametrize("key", sorted(FILTER_CASES))
async def test_each_filter_key_shows_exactly_the_matching_jobs(
    review_world: tuple[Any, World], make_app: Any, key: str
):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        pane = change.ci_pane
        assert shown(pane) == table_keys(pane) == set(world.jobs)
        await pilot.press(key)
        keep = FILTER_CASES[key]
        expected = {k for k, (failing, voting) in world.jobs.items() if keep(failing, voting)}
        assert shown(pane) == table_keys(pane) == expected
        assert f"(showing {len(expected)} of {len(world.jobs)})" in str(pane.border_title)
        await pilot.press("c")
        assert shown(pane) == set(world.jobs)


async def test_x_hides_exactly_the_failing_non_voting_jobs_and_says_so(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        pane = change.ci_pane
        await pilot.press("x")
        hidden = set(world.jobs) - shown(pane)
        assert hidden == {
            ("Cisco CI", "cinder-tempest-slow"),
            ("Storage VS CI", "vs-lint"),
        }
        assert str(pane.border_title) == "CI results — hide failing non-voting (showing 4 of 6)"


async def test_regex_and_ci_picker_filter_by_name(review_world: tuple[Any, World], make_app: Any):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        pane = change.ci_pane
        await pilot.press("slash", *"tempest", "enter")
        assert shown(pane) == {k for k in world.jobs if "tempest" in k[1]}
        assert app.focused is pane.table  # enter gives the focus back to the table
        await pilot.press("c", "s")
        await wait_until(pilot, lambda: isinstance(app.screen, CIPickerScreen))
        await pilot.press("a", "down", "space", "enter")  # none, then only the second CI
        await wait_until(pilot, lambda: isinstance(app.screen, ChangeScreen))
        assert pane.ci_filter.ci_names == frozenset({"Storage VS CI"})
        assert shown(pane) == {k for k in world.jobs if k[0] == "Storage VS CI"}
        await pilot.press("slash", *"nomatch(", "escape")  # escape restores the old regex
        assert pane.ci_filter.regex == ""


async def test_filters_are_remembered_per_server(review_world: tuple[Any, World], make_app: Any):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        await pilot.press("x", "f")
    again = make_app(fg)
    async with again.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, again, world.change)
        assert change.ci_pane.ci_filter == CIFilter(failing_only=True, hide_failing_non_voting=True)
    other = make_app(fg, server="elsewhere")
    async with other.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, other, world.change)
        assert change.ci_pane.ci_filter == CIFilter()


async def test_open_and_copy_use_the_selected_rows_url(
    review_world: tuple[Any, World], make_app: Any, monkeypatch: pytest.MonkeyPatch
):
    fg, world = review_world
    opened: list[str] = []
    app = make_app(fg)
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        pane = change.ci_pane
        key = ("Storage VS CI", "vs-unit")
        assert pane.table.move_cursor_to_key(key)
        await pilot.press("o")
        await pilot.press("enter")
        assert opened == [world.urls[key]] * 2
        await pilot.press("y")
        assert app.clipboard == world.urls[key]
        await pilot.press("w")
        assert opened[-1].endswith(f"/c/openstack/cinder/+/{world.change}")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"])
async def test_only_http_urls_are_opened(
    review_world: tuple[Any, World], make_app: Any, monkeypatch: pytest.MonkeyPatch, url: str
):
    fg, _world = review_world
    opened: list[str] = []
    app = make_app(fg)
    monkeypatch.setattr(app, "open_url", lambda u, **kw: opened.append(u))
    notices = record_notices(app)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        app.open_untrusted_url(url, what="log")
        await pilot.pause()
        assert opened == []
        assert any("only http/https" in text for _severity, text in notices)


async def test_a_stream_event_updates_the_open_change_in_place(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.stream_status.state == "live")
        change = await open_change(pilot, app, world.change)
        pane = change.ci_pane
        await pilot.press("x")
        key = ("Cisco CI", "cinder-pep8")
        pane.table.move_cursor_to_key(key)
        screen_line = pane.table.cursor_index - int(pane.table.scroll_y)
        fg.store.post_review(
            world.change,
            1,
            "vs-ci",
            message="Build failed.\n\n- vs-extra http://ci.storage.example.com/x/ : FAILURE in 2m\n",
        )
        await wait_until(pilot, lambda: any(j.name == "vs-extra" for j in pane.jobs))
        assert pane.table.cursor_key == key  # the cursor stayed on its row
        assert pane.table.cursor_index - int(pane.table.scroll_y) == screen_line
        assert pane.ci_filter.hide_failing_non_voting  # and the filter stayed on
        assert any(j.name == "vs-extra" for j in pane.shown_jobs)
        assert app.screen is change  # updated in place, no new screen


async def test_a_dropped_stream_shows_reconnecting_then_recovers(
    review_world: tuple[Any, World], make_app: Any
):
    fg, _world = review_world
    app = make_app(fg)
    shown_texts: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        bar = list_screen(app).query_one(StatusBar)
        original = bar.set_status

        def recording(status: Any) -> None:
            original(status)
            shown_texts.append(bar.describe())

        bar.set_status = recording  # type: ignore[method-assign]
        await wait_until(pilot, lambda: "stream: live" in bar.describe())
        fg.drop_stream_sessions()
        await wait_until(pilot, lambda: any("stream: reconnecting" in t for t in shown_texts))
        await wait_until(pilot, lambda: "stream: live" in bar.describe(), timeout=20)


async def test_hostile_text_displays_literally_and_does_nothing(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    app = make_app(fg)
    inert = HOSTILE.replace("\x1b]0;pwned\x07", "")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = list_screen(app)
        await wait_until(pilot, lambda: not screen.loading_changes)
        row_text = screen.table.render_line(1).text
        assert "[@click=app.quit]boom[/] [/] [WIP]" in row_text
        assert "\x1b" not in row_text and "pwned" not in row_text
        await pilot.click(screen.table, offset=(30, 1))
        change = await open_change(pilot, app, world.hostile_change)
        assert inert in str(change.query_one("#change-header").render())
        pane = change.ci_pane
        group = pane.table.render_line(1).text
        assert "Evil [@click=app.quit]boom[/] [/] [WIP]  tail CI" in group
        lines = [change.discussion_pane.view.render_line(y).text for y in range(8)]
        assert any(f"Comment {inert}" in line for line in lines)
        await pilot.click(pane.table, offset=(20, 1))
        await pilot.click(change.discussion_pane.view, offset=(20, 4))
        await pilot.press("v")  # the raw view: data as well
        await pilot.pause()
        assert app.is_running
        assert "\x1b]0;pwned" not in app.export_screenshot()


async def test_recheck_posts_the_dialogs_comment(review_world: tuple[Any, World], make_app: Any):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_change(pilot, app, world.change)
        before = len(fg.store.change(world.change).messages)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RecheckScreen))
        await pilot.press("escape")  # cancelled: nothing posted
        await wait_until(pilot, lambda: not isinstance(app.screen, RecheckScreen))
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, RecheckScreen))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        messages = fg.store.change(world.change).messages
        assert len(messages) == before + 1
        assert "recheck" in messages[-1].message or "run-" in messages[-1].message


async def test_brackets_step_through_patch_sets(review_world: tuple[Any, World], make_app: Any):
    fg, world = review_world
    fg.store.new_patch_set(world.change)
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        header = change.query_one("#change-header")
        assert "patch set 2 of 2" in str(header.render())
        assert change.ci_pane.jobs == ()  # nothing reported on the new patch set yet
        await pilot.press("left_square_bracket")
        await wait_until(pilot, lambda: len(change.ci_pane.jobs) == len(world.jobs))
        assert "patch set 1 of 2 (not the latest)" in str(header.render())
        await pilot.press("right_square_bracket")
        assert "patch set 2 of 2" in str(header.render())


async def test_help_lists_the_focused_areas_bindings_with_ids(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_change(pilot, app, world.change)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_screen = app.screen
        ids = {e.binding_id for e in help_screen._entries}
        assert {"ci.hide_failing_non_voting", "ci.open", "change.recheck", "app.quit"} <= ids
        assert help_screen._focused_area == "CI results"
        await pilot.press("escape")
        await pilot.press("tab")
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert app.screen._focused_area == "Discussion"
        assert "ci.open" not in {e.binding_id for e in app.screen._entries}


async def test_keys_can_be_remapped_by_binding_id(review_world: tuple[Any, World], make_app: Any):
    fg, world = review_world
    app = make_app(fg, keys={"ci.hide_failing_non_voting": "X", "no.such.binding": "z"})
    notices = record_notices(app)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        change = await open_change(pilot, app, world.change)
        await pilot.press("x")
        assert not change.ci_pane.ci_filter.hide_failing_non_voting
        await pilot.press("X")
        assert change.ci_pane.ci_filter.hide_failing_non_voting
        assert any("no.such.binding" in text for _severity, text in notices)


async def test_command_palette_finds_a_change_by_subject(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = list_screen(app)
        await wait_until(pilot, lambda: not screen.loading_changes)
        await pilot.press("ctrl+p", *"retry path")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ChangeScreen))
        assert app.screen.number == world.change


async def test_first_run_screen_without_a_server(tmp_path: Path):
    app = VstuiApp(None, config_path=str(tmp_path / "config.toml"))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#first-run-text").render())
        assert "vstui demo" in text and str(tmp_path / "config.toml") in text
        await pilot.press("q")
    assert not app.is_running


async def test_an_unreachable_server_is_one_readable_notification(tmp_path: Path):
    import socket

    from vstui.core.session import ReviewSession
    from vstui.gerrit.rest import GerritRestClient, RetryPolicy

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    rest = GerritRestClient(
        f"http://127.0.0.1:{port}/", retry=RetryPolicy(attempts=2, base_delay=0.01)
    )
    app = VstuiApp(ReviewSession("down", rest))
    notices = record_notices(app)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        screen = list_screen(app)
        await wait_until(pilot, lambda: screen.failed)
        await app.workers.wait_for_complete()
        errors = [text for severity, text in notices if severity == "error"]
        assert len(errors) == 1
        assert "cannot connect" in errors[0]
        assert "Could not load the changes" in screen.table.render_line(1).text
        assert "failed" in str(screen.query_one("#list-title").render())
        assert app.is_running


async def test_a_long_list_arrives_in_pages_and_ends_complete_and_in_order(
    fake_gerrit_factory: Any, make_app: Any
):
    """Pages after the first screenful are handed to the table in batches (fewer repaints);
    when the load ends every change is there, once, in the server's order."""
    fg = fake_gerrit_factory(scenario="large:1200")
    app = make_app(fg)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = list_screen(app)
        await wait_until(pilot, lambda: screen.table.row_count > 0)
        first = screen.table.row_count
        await wait_until(pilot, lambda: not screen.loading_changes, timeout=30)
        assert first < 1200  # the first page was on screen before the rest arrived
        me = fg.store.account(fg.info["default_account"])
        expected = [c.number for c in fg.store.query("status:open", me, no_limit=True).changes]
        assert [row.key for row in screen.table.rows] == expected == app.session.list_order()
        assert str(screen.query_one("#list-title").render()).endswith(f"· {len(expected)} changes")


async def test_the_footer_shows_the_focused_areas_main_keys(
    review_world: tuple[Any, World], make_app: Any
):
    from vstui.ui.widgets.status_bar import KeyHints

    def footer_text(app: VstuiApp) -> str:
        return " ".join(hints.describe() for hints in app.screen.query(KeyHints))

    fg, world = review_world
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "Query" in footer_text(app))
        assert "Open" in footer_text(app) and "Help" in footer_text(app)
        await open_change(pilot, app, world.change)
        await wait_until(pilot, lambda: "Hide failing NV" in footer_text(app))
        on_ci = footer_text(app)
        assert "Failing" in on_ci and "Recheck" in on_ci and "Query" not in on_ci
        assert "Open log" in on_ci
        await pilot.press("tab")  # the discussion: its keys, not the CI table's
        await wait_until(pilot, lambda: "Open log" not in footer_text(app))
        assert "Raw" in footer_text(app) and "Back" in footer_text(app)
        assert "Failing" in footer_text(app)  # the filter keys work from here too
