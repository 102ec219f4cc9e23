"""The session across an outage: after a reconnect the list is reconciled with one query."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.core.helpers import Recorder, account
from tests.core.world import World
from tests.gerrit._support import outage_proxies, proxied_info
from vstui.core.session import ReviewSession
from vstui.core.stream_source import StreamSource
from vstui.gerrit.connect import ServerConnection
from vstui.gerrit.stream import Backoff


async def test_after_a_reconnect_changes_that_left_the_query_leave_the_list(
    review_world: tuple[Any, World], tmp_path: Path
):
    fg, world = review_world
    ssh, http = outage_proxies(fg)
    conn = ServerConnection.from_info(proxied_info(fg, ssh, http), state_dir=tmp_path)

    def make(on_event: Any, on_state: Any) -> Any:
        # No backfill: what happened during the outage can only be learnt from the list query.
        return conn.event_stream(
            on_event=on_event, on_state=on_state, backfill=None, backoff=Backoff(0.2, 0.5)
        )

    session = ReviewSession("test", conn.rest_client(), StreamSource(make), batch_interval=0.05)
    recorder = Recorder()
    try:
        await session.start(recorder)
        await recorder.wait_for(lambda: "live" in recorder.states)
        await session.run_query("status:open")
        assert {world.change, world.hostile_change} <= session.list_members()
        seen = len(recorder.statuses)
        ssh.down()
        http.down()
        await recorder.wait_for(lambda: "reconnecting" in recorder.states[seen:])
        fg.store.abandon(world.change, account(fg)["username"], "gone while vstui was away")
        # A change updated during the outage is refreshed too.
        fg.store.post_review(world.hostile_change, 1, account(fg)["username"], message="hi")
        seen = len(recorder.statuses)
        ssh.up()
        http.up()
        await recorder.wait_for(lambda: world.change not in session.list_members(), timeout=20)
        assert world.change not in session.list_order()
        assert world.hostile_change in session.list_members()
        assert any(world.change in u for u in recorder.updates)
        assert any(world.hostile_change in u for u in recorder.updates)
        assert session.reconciles == 1
        assert recorder.states[-1] == "live"
    finally:
        await session.close()
        ssh.close()
        http.close()
