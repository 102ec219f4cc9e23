"""The status bar through an outage, driven by Textual's pilot over a real emulator reached
through proxies that can take the server away (SSH and HTTP alike)."""

from __future__ import annotations

import itertools
import re
from datetime import UTC
from pathlib import Path
from typing import Any

from tests.core.helpers import account
from tests.core.world import World
from tests.gerrit._support import outage_proxies, proxied_info
from tests.ui.conftest import wait_until
from vstui.core.filter_state import FilterStateStore
from vstui.core.session import ReviewSession
from vstui.core.status import StreamStatus
from vstui.core.stream_source import StreamSource
from vstui.gerrit.connect import ServerConnection
from vstui.gerrit.stream import Backoff
from vstui.ui.app import VstuiApp
from vstui.ui.widgets.status_bar import StatusBar

COUNTDOWN = re.compile(r"server unreachable, retrying in (\d+) s")


async def test_an_outage_says_unreachable_with_a_moving_countdown_then_recovers(
    review_world: tuple[Any, World], tmp_path: Path
):
    fg, world = review_world
    ssh, http = outage_proxies(fg)
    conn = ServerConnection.from_info(proxied_info(fg, ssh, http), state_dir=tmp_path)

    def make(on_event: Any, on_state: Any) -> Any:
        # Waits of 1.25-3.75 s: long enough for a countdown, and for the old code's REST
        # catch-up during waits over 3 s ("backfilling" while nothing answers).
        return conn.event_stream(
            on_event=on_event, on_state=on_state, backoff=Backoff(initial=2.5, maximum=2.5)
        )

    session = ReviewSession(
        "test", conn.rest_client(), StreamSource(make), web_url=fg.http_url, batch_interval=0.05
    )
    app = VstuiApp(session, tz=UTC, filter_store=FilterStateStore(tmp_path / "filters.json"))
    shown: list[str] = []
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            screen = app._list_screen
            assert screen is not None
            bar = screen.query_one(StatusBar)
            await wait_until(pilot, lambda: "stream: live" in bar.shown())
            await wait_until(pilot, lambda: world.change in screen._order)
            fg.store.post_review(world.change, 1, account(fg)["username"], message="hello")
            await wait_until(pilot, lambda: "last event" in bar.shown())

            ssh.down()
            http.down()

            def countdown_moved() -> bool:
                text = bar.shown()
                if not shown or shown[-1] != text:
                    shown.append(text)
                values = [int(m.group(1)) for t in shown if (m := COUNTDOWN.search(t))]
                return any(b < a for a, b in itertools.pairwise(values))

            await wait_until(pilot, countdown_moved, timeout=20)
            fg.store.abandon(world.change, account(fg)["username"], "gone during the outage")
            ssh.up()
            http.up()
            await wait_until(pilot, lambda: "stream: live" in bar.shown(), timeout=20)
            # Whatever the outage showed, the age of the last event stayed on the line, and
            # "backfilling" never appeared while nothing answered.
            outage = [t for t in shown if "stream: live" not in t]
            assert outage and all("last event" in t and "ago" in t for t in outage)
            assert not any("backfilling" in t for t in outage)
            # The change that left the query during the outage leaves the list.
            await wait_until(pilot, lambda: world.change not in screen._order, timeout=20)
    finally:
        ssh.close()
        http.close()


def test_a_long_reason_never_pushes_the_last_event_age_off_the_line():
    bar = StatusBar(lambda: 1000.0)
    bar.server = "review.opendev.org"
    bar.last_event_at = 940.0
    bar.status = StreamStatus("live", detail="missed events not caught up yet: " + "x" * 300)
    for width in (80, 120, 200):
        text = bar.describe(width)
        assert len(text) <= width and text.endswith("last event 1m ago"), text
    bar.status = StreamStatus("reconnecting", retry_at=1012.4, unreachable=True)
    assert "stream: server unreachable, retrying in 12 s │ last event" in bar.describe(120)
    # Narrow: the short wording keeps the countdown and the age.
    assert "stream: unreachable, retry in 12 s │ last event 1m ago" in bar.describe(80)
