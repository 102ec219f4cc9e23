"""Dashboard keys, query history and stars on the list screen, driven by the pilot over the
seed world (real HTTP and SSH to an in-process emulator)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.ui.conftest import wait_until
from vstui.core.dashboards import Dashboard, dashboards
from vstui.core.query_history import QueryHistory
from vstui.ui.app import VstuiApp
from vstui.ui.screens.change_list import ChangeListScreen

SEED = 381272


@pytest.fixture
def seed(fake_gerrit_factory: Callable[..., Any]) -> Any:
    return fake_gerrit_factory(scenario="seed")


def _list(app: VstuiApp) -> ChangeListScreen:
    assert app._list_screen is not None
    return app._list_screen


def _title(app: VstuiApp) -> str:
    return str(_list(app).query_one("#list-title").render())


def _expected(fg: Any, query: str) -> list[int]:
    me = fg.store.account(fg.info["default_account"])
    return [c.number for c in fg.store.query(query, me).changes]


async def _loaded(pilot: Any, app: VstuiApp) -> list[int]:
    screen = _list(app)
    await wait_until(pilot, lambda: not screen.loading_changes)
    return list(screen._order)


@pytest.mark.parametrize("key", ["1", "2", "3", "4"])
async def test_each_dashboard_key_lists_its_query_and_names_it(
    seed_gerrit: Any, make_app: Any, key: str
) -> None:
    app = make_app(seed_gerrit)
    async with app.run_test(size=(120, 30)) as pilot:
        await _loaded(pilot, app)
        await pilot.press(key)
        board = next(d for d in dashboards() if d.key == key)
        await wait_until(pilot, lambda: app.current_dashboard == board)
        order = await _loaded(pilot, app)
        assert order == _expected(seed_gerrit, board.query)
        assert board.title in _title(app)
        if key == "2":
            # Sean was added as a reviewer of 381272 and has not replied: it needs him.
            assert SEED in order


async def test_a_server_without_attention_gets_the_fallback_query(
    seed_gerrit: Any, make_app: Any
) -> None:
    board = Dashboard("2", "Needs my review", "attention:self bogus:operator",
                      fallback="reviewer:self -owner:self status:open")  # fmt: skip
    app = make_app(seed_gerrit, dashboards=[board])
    async with app.run_test(size=(120, 30)) as pilot:
        await _loaded(pilot, app)
        await pilot.press("2")
        await wait_until(pilot, lambda: app.current_query == board.fallback)
        order = await _loaded(pilot, app)
        assert order == _expected(seed_gerrit, "reviewer:self -owner:self status:open")
        await pilot.press("7")  # no such section: a warning, the list stays
        assert _list(app)._order == order


async def test_query_history_up_down_is_per_server_and_persisted(
    seed_gerrit: Any, make_app: Any, tmp_path: Path
) -> None:
    history = QueryHistory(tmp_path / "history.json")
    history.add("elsewhere", "project:other")
    app = make_app(seed_gerrit, query_history=history)
    async with app.run_test(size=(120, 30)) as pilot:
        await _loaded(pilot, app)
        for query in ("owner:self", "is:starred"):
            await pilot.press("slash")
            box = _list(app).query_input
            box.value = query
            await pilot.press("enter")
            await wait_until(pilot, lambda q=query: app.current_query == q)
            await _loaded(pilot, app)
        await app.workers.wait_for_complete()
        await pilot.press("slash")
        box = _list(app).query_input
        typed = box.value
        await pilot.press("up")
        assert box.value == "is:starred"
        await pilot.press("up")
        assert box.value == "owner:self"
        await pilot.press("up")  # nothing older on this server (not project:other)
        assert box.value == "owner:self"
        await pilot.press("down", "down")
        assert box.value == typed
    assert QueryHistory(tmp_path / "history.json").entries("test") == ["is:starred", "owner:self"]


async def test_s_stars_the_change_and_dashboard_3_lists_it(seed: Any, make_app: Any) -> None:
    app = make_app(seed)
    async with app.run_test(size=(120, 30)) as pilot:
        await _loaded(pilot, app)
        screen = _list(app)
        assert screen.table.move_cursor_to_key(SEED)
        await pilot.press("s")
        await wait_until(pilot, lambda: app.session.is_starred(SEED))
        await wait_until(pilot, lambda: screen._items[SEED].starred)
        await pilot.press("3")
        await wait_until(pilot, lambda: app.current_dashboard is not None)
        assert await _loaded(pilot, app) == [SEED]


async def test_unread_marks_show_what_moved_and_clear_on_open(
    seed: Any, make_app: Any, tmp_path: Path
) -> None:
    from vstui.core.unread import SeenStore

    path = tmp_path / "seen.json"
    app = make_app(seed, seen_store=SeenStore(path))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = _list(app)
        await _loaded(pilot, app)
        assert screen._mark(screen._items[SEED]) == ""  # never opened: no mark
        assert screen.table.move_cursor_to_key(SEED)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert path.exists()
        seed.store.post_review(SEED, "current", "vladani", message="One more thing.")
        await wait_until(pilot, lambda: screen._mark(screen._items[SEED]) == "M")
        seed.store.new_patch_set(SEED, "eharney")
        await wait_until(pilot, lambda: screen._mark(screen._items[SEED]) == "P")
        await wait_until(pilot, lambda: getattr(screen._rows[SEED].cells[0], "parts", None)
                         == (("P", "pending"),))  # fmt: skip
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        assert screen._mark(screen._items[SEED]) == ""
    # persisted: a new app on the same file knows it was seen
    assert SeenStore(path).mark("test", SEED, screen._items[SEED].updated, None) == ""


async def test_the_palette_binds_the_current_query_to_a_key(
    seed_gerrit: Any, make_app: Any, tmp_path: Path
) -> None:
    from vstui.core.dashboards import SavedDashboards

    path = tmp_path / "dashboards.json"
    app = make_app(seed_gerrit, saved_dashboards=SavedDashboards(path))
    async with app.run_test(size=(120, 30)) as pilot:
        await _loaded(pilot, app)
        await pilot.press("slash")
        _list(app).query_input.value = "project:openstack/cinder status:open"
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_query.startswith("project:openstack/cinder"))
        await _loaded(pilot, app)
        await pilot.press("ctrl+p", *"dashboard key 7")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: bool(app.saved_dashboards.entries("test")))
        await app.workers.wait_for_complete()
        await pilot.press("1")
        await _loaded(pilot, app)
        await pilot.press("7")
        await wait_until(pilot, lambda: app.current_query == "project:openstack/cinder status:open")
        assert await _loaded(pilot, app) == _expected(seed_gerrit, app.current_query)
    assert SavedDashboards(path).entries("test") == [
        ("7", "project:openstack/cinder status:open", "project:openstack/cinder status:open")
    ]
