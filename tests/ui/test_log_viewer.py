"""The log viewer driven by the pilot: `l` on a failing job over the emulator's log mirror."""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from tests.core.helpers import session_for
from tests.ui.conftest import record_notices, wait_until
from tests.ui.test_app import list_screen, open_change
from vstui.core.filter_state import FilterStateStore
from vstui.ui.app import VstuiApp
from vstui.ui.screens.log_viewer import LogRequest, LogViewerScreen

HPE = "http://15.126.198.151/hpe-storage-ci/72/381272/1/check/hpe-3par-iscsi-dsvm/"


@pytest.fixture
def seed_app(seed_gerrit: Any, tmp_path: Path) -> VstuiApp:
    session = session_for(seed_gerrit, tmp_path)
    session.log_mirror = seed_gerrit.info["log_mirror"]
    return VstuiApp(session, tz=UTC, filter_store=FilterStateStore(tmp_path / "f.json"))


async def test_l_on_hpes_failing_job_shows_its_failing_lines_first(seed_app: VstuiApp) -> None:
    app = seed_app
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: not list_screen(app).loading_changes)
        change = await open_change(pilot, app, 381272)
        if change.view is not None and change.view.shown_patch_set != 1:
            await pilot.press("left_square_bracket")  # HPE reported on patch set 1
            await wait_until(pilot, lambda: change.view is not None and change.view.loaded
                             and change.view.shown_patch_set == 1)  # fmt: skip
        pane = change.ci_pane
        key = next(j.key for j in pane.shown_jobs if j.ci_name == "HPE Storage CI" and j.failing)
        assert pane.table.move_cursor_to_key(key)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogViewerScreen))
        viewer = app.screen
        assert isinstance(viewer, LogViewerScreen)
        assert viewer.request.baseline_url is not None  # the passing recheck of the same job
        await wait_until(pilot, lambda: bool(viewer._found), timeout=20)
        top = [a.text for a in viewer._found[:10]]
        assert any("Traceback" in t for t in top) and any("FAILED" in t for t in top)
        assert "passing run" in str(viewer.anomaly_list.border_title)
        # enter jumps to that line in the full log
        first = viewer._found[0].line
        await pilot.press("enter")
        await wait_until(pilot, lambda: viewer.showing_log and viewer.view.cursor == first - 1)
        await pilot.pause()
        view = viewer.view
        assert view.scroll_y <= view.cursor < view.scroll_y + view.size.height  # on screen
        assert str(first).encode() in b"".join(s.text.encode() for s in [view.render_line(
            view.cursor - int(view.scroll_y))])  # fmt: skip
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is change)


class _Host(App[None]):
    def __init__(self, request: LogRequest) -> None:
        super().__init__()
        self.request = request

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        self.push_screen(LogViewerScreen(self.request))


async def test_search_next_previous_error_goto_wrap_copy(seed_gerrit: Any) -> None:
    mirror = seed_gerrit.info["log_mirror"]
    app = _Host(LogRequest(HPE + "b341fac/", "hpe", None, mirror))
    async with app.run_test(size=(120, 30)) as pilot:
        viewer = app.screen
        assert isinstance(viewer, LogViewerScreen)
        await wait_until(pilot, lambda: viewer._loaded and bool(viewer._found))
        log = viewer.log_text
        await pilot.press("slash", *"extend", "enter")
        await wait_until(pilot, lambda: viewer.showing_log)
        first = viewer.view.cursor
        assert "test_volume_extend" in log.line_text(first)
        await pilot.press("n")
        second = viewer.view.cursor
        assert second > first and "test_volume_extend" in log.line_text(second)
        await pilot.press("N")
        assert viewer.view.cursor == first
        await pilot.press("home", "e")
        assert re.search(
            r"ERROR|Traceback|FAILED|Error|Exception", log.line_text(viewer.view.cursor)
        )
        await pilot.press("end")
        await pilot.press("colon", *"42", "enter")
        await pilot.pause()
        assert viewer.view.cursor == 41
        assert viewer.view.scroll_y <= 41 < viewer.view.scroll_y + viewer.view.size.height
        await pilot.press("y")
        assert app.clipboard == re.sub(r"\x1b\[[0-9;]*m", "", log.line_text(41))
        await pilot.press("w")
        assert viewer.view.wrap
        await pilot.press("slash", *"(unclosed", "enter")  # a bad regex: one notice, no crash
        assert viewer.view.cursor == 41


async def test_follow_mode_reads_a_running_build_as_it_grows(fake_gerrit_factory: Any) -> None:
    seed_gerrit = fake_gerrit_factory(scenario="seed")
    url = "https://jenkins.opendaylight.org/releng/job/lf-infra-sonar/777/"
    seed_gerrit.store.post_review(381272, 2, "lf-jenkins", message=f"Build Started {url}")
    running = seed_gerrit.ci_logs.index.find(url)
    assert running is not None and running.running
    now = [5000.0]
    seed_gerrit.ci_logs.clock = lambda: now[0]
    running.watched_since = None
    try:
        app = _Host(LogRequest(running.url, "running", None, seed_gerrit.info["log_mirror"], True))
        import vstui.ui.screens.log_viewer as lv

        lv.FOLLOW_EVERY_S = 0.05
        async with app.run_test(size=(120, 30)) as pilot:
            viewer = app.screen
            assert isinstance(viewer, LogViewerScreen)
            await wait_until(pilot, lambda: viewer._loaded)
            size = len(viewer.log_text)
            assert viewer._more and size > 0
            await pilot.press("F")
            assert viewer.view.follow and viewer.showing_log
            now[0] += 5
            await wait_until(pilot, lambda: len(viewer.log_text) > size + 100_000)
            await wait_until(pilot, lambda: viewer.view.cursor >= viewer.log_text.line_count - 2)
            assert "running" in str(viewer.query_one("#log-status").render())
    finally:
        lv.FOLLOW_EVERY_S = 2.0
        seed_gerrit.ci_logs.clock = __import__("time").monotonic


async def test_a_started_build_shows_as_running_with_elapsed_time_and_its_log_follows(
    fake_gerrit_factory: Any, tmp_path: Path
) -> None:
    fg = fake_gerrit_factory(scenario="seed")
    url = "https://jenkins.opendaylight.org/releng/job/lf-infra-global-jjb-tox-verify-any/4242/"
    fg.store.post_review(381272, 2, "lf-jenkins", message=f"Build Started {url}")
    session = session_for(fg, tmp_path)
    session.log_mirror = fg.info["log_mirror"]
    app = VstuiApp(session, tz=UTC, filter_store=FilterStateStore(tmp_path / "f.json"))
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: not list_screen(app).loading_changes)
        change = await open_change(pilot, app, 381272)
        pane = change.ci_pane
        job = next(j for j in pane.shown_jobs if j.url == url)
        assert job.running
        from vstui.ui.widgets.ci_table import duration_cell

        assert duration_cell(job, app.clock()).startswith("▸ ")
        assert pane.table.move_cursor_to_key(job.key)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogViewerScreen))
        viewer = app.screen
        assert isinstance(viewer, LogViewerScreen) and viewer.request.running
        await wait_until(pilot, lambda: viewer._loaded)
        assert viewer._more and "running" in str(viewer.query_one("#log-status").render())


async def test_a_running_zuul_ci_shows_its_jobs_progress_from_the_status_api(
    fake_gerrit_factory: Any, tmp_path: Path
) -> None:
    fg = fake_gerrit_factory(scenario="seed")
    fg.store.post_review(381272, 2, "zuul", message="Starting check jobs.",
                         tag="autogenerated:zuul:check")  # fmt: skip
    session = session_for(fg, tmp_path)
    session.log_mirror = fg.info["log_mirror"]
    app = VstuiApp(session, tz=UTC, filter_store=FilterStateStore(tmp_path / "f.json"))
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: not list_screen(app).loading_changes)
        change = await open_change(pilot, app, 381272)
        pane = change.ci_pane

        def live() -> list[Any]:
            return [j for j in pane.shown_jobs if j.source == "zuul-status"]

        await wait_until(pilot, lambda: bool(live()))
        names = {j.name for j in live()}
        assert "openstack-tox-pep8" in names
        assert all(re.fullmatch(r"RUNNING \d+%", j.result) for j in live())
        assert change._zuul_timer is not None  # polling while it runs
        notices = record_notices(app)
        assert pane.table.move_cursor_to_key(live()[0].key)
        await pilot.press("l")  # a websocket stream, not a file: says so, opens nothing
        assert not isinstance(app.screen, LogViewerScreen)
        assert any("browser" in text for _, text in notices)
        # The CI reports: the rows become its results and the polling stops.
        fg.store.post_review(
            381272, 2, "zuul", tag="autogenerated:zuul:check",
            message="Build succeeded (check pipeline).\n\n"
            "- openstack-tox-pep8 https://zuul.opendev.org/t/openstack/build/"
            "0123456789abcdef0123456789abcdef : SUCCESS in 3m 02s",
        )  # fmt: skip
        await wait_until(pilot, lambda: not live() and change._zuul_timer is None, timeout=20)


async def test_h_shows_every_run_of_a_ci_side_by_side_and_reads_one(seed_app: VstuiApp) -> None:
    from textual.widgets import DataTable

    from vstui.ui.screens.earlier_runs import EarlierRunsScreen

    app = seed_app
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_until(pilot, lambda: not list_screen(app).loading_changes)
        change = await open_change(pilot, app, 381272)
        if change.view is not None and change.view.shown_patch_set != 1:
            await pilot.press("left_square_bracket")
            await wait_until(pilot, lambda: change.view is not None and change.view.loaded
                             and change.view.shown_patch_set == 1)  # fmt: skip
        pane = change.ci_pane
        job = next(j for j in pane.shown_jobs if j.ci_name == "HPE Storage CI")
        assert job.history >= 1  # HPE ran twice on patch set 1 (the seed's recheck)
        assert pane.table.move_cursor_to_key(job.key)
        await pilot.press("h")
        await wait_until(pilot, lambda: isinstance(app.screen, EarlierRunsScreen))
        runs = app.screen
        assert isinstance(runs, EarlierRunsScreen)
        assert len(runs.runs.headers) == job.history + 1
        table = runs.query_one(DataTable)
        assert table.row_count == 2 and len(table.columns) == len(runs.runs.headers) + 1
        results = {name: [r for r, _ in cells] for name, cells in runs.runs.rows}
        assert (
            results["hpe-3par-iscsi-dsvm"] != results["hpe-3par-fc-dsvm"]
            or len(set(results["hpe-3par-iscsi-dsvm"])) > 1
        )  # a recheck changed something
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogViewerScreen))


async def test_a_hostile_local_log_renders_inert(tmp_path: Path) -> None:
    """Escape sequences, a 10 MB line and invalid UTF-8: shown as text, nothing reaches the
    terminal but SGR colour, and the viewer stays responsive."""
    path = tmp_path / "hostile.log"
    path.write_bytes(
        b"\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x1b[0m [b]not markup[/b] [@click=app.quit]x[/]\n"
        + b"A" * (10 * 1024 * 1024)
        + b"\nbad \xff\xfe utf8 ERROR here\n\x1b]52;c;c2VjcmV0\x07clipboard\n"
    )
    app = _Host(LogRequest(str(path), "hostile"))
    async with app.run_test(size=(100, 20)) as pilot:
        viewer = app.screen
        assert isinstance(viewer, LogViewerScreen)
        await wait_until(pilot, lambda: viewer._loaded and bool(viewer._found))
        await pilot.press("a")
        await pilot.pause()
        view = viewer.view
        texts = []
        for y in range(4):
            strip = view.render_line(y)
            texts.append("".join(seg.text for seg in strip))
        assert all("\x1b" not in t and "\x07" not in t for t in texts)
        assert "[b]not markup[/b]" in texts[0] and "red" in texts[0]
        assert "\ufffd" in texts[2]
        await pilot.press("slash", *"clipboard", "enter")
        assert view.cursor == 3
        assert app.is_running  # the markup-looking text did not quit it
