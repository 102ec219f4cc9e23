"""The CI pane's `/` filter survives hostile patterns (issue 9 item 10).

`a{99999999999}` raised OverflowError out of `re.compile` and killed the app with a
traceback; `(a+)+$` saved in the filter state froze every start.
"""

from __future__ import annotations

from typing import Any

from tests.core.world import World
from tests.ui.conftest import record_notices
from tests.ui.test_app import open_change, shown
from vstui.core.ci_filter import CIFilter
from vstui.core.filter_state import FilterStateStore


async def test_huge_repeat_in_the_filter_is_one_warning(
    review_world: tuple[Any, World], make_app: Any
):
    fg, world = review_world
    app = make_app(fg)
    notices = record_notices(app)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        change = await open_change(pilot, app, world.change)
        pane = change.ci_pane
        await pilot.press("slash", *"a{99999999999}", "enter")
        await pilot.pause()
        assert app.is_running
        assert pane.ci_filter.regex == "a{99999999999}" and pane.ci_filter.pattern is None
        assert "(invalid)" in str(pane.border_title)
        warnings = [text for severity, text in notices if severity == "warning"]
        assert any("above 1000" in text for text in warnings), warnings


async def test_saved_catastrophic_filter_opens_promptly(
    review_world: tuple[Any, World], make_app: Any, tmp_path: Any
):
    fg, world = review_world
    FilterStateStore(tmp_path / "filters.json").save("test", CIFilter(regex="(a+)+$|tempest"))
    app = make_app(fg)
    async with app.run_test(size=(120, 40)) as pilot:
        change = await open_change(pilot, app, world.change)
        assert shown(change.ci_pane) == {k for k in world.jobs if "tempest" in k[1]}
