"""Regenerate the README screenshots from the real app on the demo world.

    python -m tests.ui.screenshots screenshots      (what `make screenshots` runs)

Starts the emulator with the seed world at a fixed clock and no activity (so the SVGs only
change when the UI does), connects exactly as `vstui demo` does (temporary config, real SSH
and HTTP on loopback), and drives the app with Textual's pilot: the change list, change
381272 with `x` applied, change 380929 (a recheck asked) with `f` applied, the help
screen, 381272's inline thread and its reply dialog. The snapshot tests use the same drivers.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

SEED_CHANGE = 381272
RECHECK_CHANGE = 380929  # failing jobs; the shot asks for a recheck: results marked ↻
# 2026-03-02 12:00 UTC: the demo world is anchored here so every run draws the same world.
FIXED_TIME = datetime(2026, 3, 2, 12, 0, tzinfo=UTC).timestamp()
SIZES = {"wide": (120, 40), "narrow": (80, 24)}


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until `condition()` holds; TimeoutError after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(f"screenshot driver: timed out waiting for {condition}")
        await pilot.pause(0.02)


def footer_filled(pilot: Pilot) -> bool:
    """The screen's key hints list the focused area's keys (they follow the focus)."""
    from vstui.ui.widgets.status_bar import KeyHints

    return any(hints.describe() for hints in pilot.app.screen.query(KeyHints))


async def list_ready(pilot: Pilot) -> None:
    """The list is loaded, the stream is live and every visible row has its CI summary."""
    from vstui.ui.app import VstuiApp

    app = pilot.app
    assert isinstance(app, VstuiApp)
    screen = app._list_screen
    assert screen is not None

    def ready() -> bool:
        if screen.loading_changes or app.stream_status.state != "live":
            return False
        visible = screen.table.visible_keys()
        return bool(visible) and all(
            (item := screen._items.get(n)) is not None and item.ci is not None
            for n in visible
            if isinstance(n, int)
        )

    await wait_for(pilot, ready)
    await wait_for(pilot, lambda: footer_filled(pilot))
    await wait_for(pilot, lambda: history_synced(app))
    await pilot.pause()


def history_synced(app: Any) -> bool:
    """The start-up history sync is over (verdicts and health are complete)."""
    history = getattr(app.session, "history", None)
    return history is None or history.synced is not None or history.sync_error is not None


async def change_ready(pilot: Pilot, number: int = SEED_CHANGE, *keys: str) -> None:
    """Open `number` from the list, wait for its CI results, then press `keys`."""
    from vstui.ui.screens.change import ChangeScreen

    await list_ready(pilot)
    app: Any = pilot.app
    app._list_screen.table.move_cursor_to_key(number)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.screen, ChangeScreen))
    screen = app.screen
    await wait_for(pilot, lambda: screen.view is not None and screen.view.loaded)
    history = getattr(app.session, "history", None)
    if history is not None:  # the verdicts of the shown patch set are in
        await wait_for(
            pilot, lambda: history.verdicts(number, screen.view.shown_patch_set) is not None
        )
        screen.refresh_view()
    await wait_for(pilot, lambda: footer_filled(pilot))
    if keys:
        await pilot.press(*keys)
    await pilot.pause()


async def recheck_pending(pilot: Pilot) -> None:
    """RECHECK_CHANGE after a recheck and `f`: every failing job keeps its last result,
    marked ↻ until the CI answers (without activity, the demo's CIs answer nothing)."""
    await change_ready(pilot, RECHECK_CHANGE)
    screen: Any = pilot.app.screen
    # What `R` posts once its dialog is confirmed (the dialog itself has its own tests).
    pilot.app.post_recheck(RECHECK_CHANGE, screen.view.shown_patch_set, "recheck")
    await wait_for(pilot, lambda: any(j.pending for j in screen.ci_pane.jobs))
    await pilot.press("f")
    await pilot.pause()


async def help_ready(pilot: Pilot) -> None:
    """The change screen with the help for the CI results pane on top."""
    from vstui.ui.screens.help import HelpScreen

    await change_ready(pilot, SEED_CHANGE)
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    await pilot.pause()


async def thread_ready(pilot: Pilot) -> None:
    """Change 381272 with the Discussion scrolled to Gorka's inline thread (`t`)."""
    await change_ready(pilot, SEED_CHANGE)
    app: Any = pilot.app
    view = app.screen.discussion_pane.view
    await wait_for(pilot, lambda: any(t.context for t in view.threads))
    view.focus()
    for _ in range(len(view.threads) + 1):
        top = view.thread_at_top()
        if top is not None and "unit test" in top.comments[0].text:
            break
        await pilot.press("t")
    await wait_for(pilot, lambda: footer_filled(pilot))
    await pilot.pause()


async def log_ready(pilot: Pilot) -> None:
    """`l` on HPE Storage CI's failing job on 381272 patch set 1: the failing lines first."""
    from vstui.ui.screens.log_viewer import LogViewerScreen

    await change_ready(pilot, SEED_CHANGE)
    app: Any = pilot.app
    screen = app.screen
    if screen.view.shown_patch_set != 1:
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.view.loaded and screen.view.shown_patch_set == 1)
    pane = screen.ci_pane
    key = next(j.key for j in pane.shown_jobs if j.ci_name == "HPE Storage CI" and j.failing)
    pane.table.move_cursor_to_key(key)
    await pilot.press("l")
    await wait_for(pilot, lambda: isinstance(app.screen, LogViewerScreen))
    viewer = app.screen
    await wait_for(pilot, lambda: bool(viewer._found))
    await pilot.pause()


async def health_ready(pilot: Pilot) -> None:
    """The CI health screen (`H`) over the seed world's history."""
    from vstui.ui.screens.health import HealthScreen

    await list_ready(pilot)
    await pilot.press("H")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, HealthScreen))
    screen: Any = pilot.app.screen
    await wait_for(pilot, lambda: screen.loaded)
    await wait_for(pilot, lambda: footer_filled(pilot))
    await pilot.pause()


async def reply_ready(pilot: Pilot) -> None:
    """The reply dialog on 381272: a message and Code-Review -1 chosen (not posted)."""
    from textual.widgets import TextArea

    from vstui.ui.screens.reply import ReplyScreen
    from vstui.ui.widgets.vote_selector import VoteSelector

    await change_ready(pilot, SEED_CHANGE)
    app: Any = pilot.app
    await pilot.press("a")
    await wait_for(pilot, lambda: isinstance(app.screen, ReplyScreen))
    screen = app.screen
    await wait_for(pilot, lambda: bool(screen.query(VoteSelector)))
    screen.query_one(TextArea).text = "Agree with Gorka: the key clone needs a unit test first."
    selector = screen.query_one("#vote-0", VoteSelector)
    selector.focus()
    await pilot.press("left")
    await pilot.pause()


SHOTS: dict[str, Callable[[Pilot], Awaitable[None]]] = {
    "change-list": list_ready,
    "change-ci-hide-failing-non-voting": lambda pilot: change_ready(pilot, SEED_CHANGE, "x"),
    "change-ci-failing-only": recheck_pending,
    "help": help_ready,
    "change-inline-thread": thread_ready,
    "reply-dialog": reply_ready,
    "log-anomalies": log_ready,
    "ci-health": health_ready,
}


@contextmanager
def demo_world(directory: Path) -> Iterator[Any]:
    """The seed world at `FIXED_TIME`, no activity; yields (fake, config)."""
    from vstui.commands.demo import PASSWORD_ENV, demo_config
    from vstui.config import load_config
    from vstui.fake import FakeGerrit
    from vstui.fake.store import GerritStore

    store = GerritStore(clock=lambda: FIXED_TIME)
    with FakeGerrit(scenario="seed", seed=0, store=store, state_dir=directory / "state") as fake:
        info = fake.info
        user = info["default_account"]
        account = next(a for a in info["accounts"] if a["username"] == user)
        previous = os.environ.get(PASSWORD_ENV)
        os.environ[PASSWORD_ENV] = account["http_password"]
        try:
            yield fake, load_config(demo_config(info, directory))
        finally:
            if previous is None:
                os.environ.pop(PASSWORD_ENV, None)
            else:
                os.environ[PASSWORD_ENV] = previous


def make_app(config: Any, state_dir: Path) -> Any:
    """The app exactly as `vstui demo` builds it, with a fixed clock and UTC dates."""
    from vstui.core.connect import open_history, open_session
    from vstui.core.filter_state import FilterStateStore
    from vstui.ui.app import VstuiApp

    profile = config.server("demo")
    # A fresh history per app: verdicts come from the world, not from earlier runs.
    session = open_session(profile, history=open_history(profile, state_dir / "history.sqlite3"))
    session.clock = lambda: FIXED_TIME
    return VstuiApp(
        session,
        keys=config.keys,
        clock=lambda: FIXED_TIME,
        tz=UTC,
        # A fresh state file: remembered filters from earlier runs must not leak in.
        filter_store=FilterStateStore(state_dir / "filters.json"),
    )


def render(name: str, size: tuple[int, int], config: Any, state_dir: Path) -> str:
    """Run the app headless at `size`, drive it to shot `name`, return the screen as SVG."""
    app = make_app(config, state_dir / name)
    shot: list[str] = []

    async def drive(pilot: Pilot) -> None:
        await SHOTS[name](pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        shot.append(app.export_screenshot(title=f"vstui — {name}", simplify=True))
        app.exit()

    app.run(headless=True, size=size, auto_pilot=drive)
    if not shot:
        raise RuntimeError(f"screenshot {name!r}: the app ended before the shot was taken")
    return shot[0]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vstui-shots-") as tmp:
        directory = Path(tmp)
        with demo_world(directory) as (_fake, config):
            for name in SHOTS:
                svg = render(name, SIZES["wide"], config, directory)
                path = out / f"{name}.svg"
                path.write_text(svg, encoding="utf-8")
                print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
