"""Several servers: `S` switches; each server keeps its own session, list and query; the
title and status bar name the server shown; other servers' notices stay out of the view."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import OptionList

from tests.core.helpers import session_for
from tests.ui.conftest import wait_until
from vstui.ui.app import VstuiApp
from vstui.ui.screens.change_list import ChangeListScreen
from vstui.ui.screens.server_picker import ServerPickerScreen
from vstui.ui.widgets.status_bar import StatusBar


def _world(fg: Any, subject: str) -> int:
    s = fg.store
    if s.project("sandbox") is None:
        s.create_project("sandbox")
    return s.create_change("sandbox", fg.info["default_account"], subject).number


async def _pick(pilot: Any, app: VstuiApp, name: str) -> None:
    await pilot.press("S")
    await wait_until(pilot, lambda: isinstance(app.screen, ServerPickerScreen))
    picker = app.screen
    options = picker.query_one(OptionList)
    options.highlighted = app.server_names().index(name)
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.session is not None and app.session.server == name)


async def test_s_switches_servers_each_with_its_own_list(
    fake_gerrit_factory: Callable[..., Any], make_app: Any, tmp_path: Path
) -> None:
    first, second = fake_gerrit_factory(scenario="empty"), fake_gerrit_factory(scenario="empty")
    one = _world(first, "Only on the first server")
    _world(second, "Only on the second server")
    (tmp_path / "second").mkdir()
    app = make_app(
        first,
        server="first",
        servers={"second": lambda: session_for(second, tmp_path / "second", server="second")},
    )
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app._list_screen
        assert isinstance(screen, ChangeListScreen)
        await wait_until(pilot, lambda: not screen.loading_changes and screen._order == [one])
        first_session = app.session
        await _pick(pilot, app, "second")
        await wait_until(
            pilot,
            lambda: (
                not screen.loading_changes
                and [screen._items[n].subject for n in screen._order]
                == ["Only on the second server"]
            ),
        )
        assert "second" in str(screen.query_one("#list-title").render())
        await wait_until(pilot, lambda: "second" in screen.query_one(StatusBar).describe())
        # The first server keeps streaming behind: its news does not reach this list.
        first.store.create_change("sandbox", first.info["default_account"], "Later on first")
        await pilot.pause(0.5)
        assert [screen._items[n].subject for n in screen._order] == ["Only on the second server"]
        await _pick(pilot, app, "first")
        assert app.session is first_session  # the same session, not a new one
        subjects = lambda: {screen._items[n].subject for n in screen._order}  # noqa: E731
        await wait_until(pilot, lambda: "Only on the first server" in subjects())
        assert "Only on the second server" not in subjects()
        assert "first" in str(screen.query_one("#list-title").render())
