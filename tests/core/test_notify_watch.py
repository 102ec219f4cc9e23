"""Headless notifications over the seed world (real HTTP and SSH): the same rules as the
TUI, on the changes they cover; and `vstui watch --notify` end to end."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.core.helpers import session_for
from tests.gerrit._support import wait_until
from tests.gerrit.test_watch import start_watch
from vstui.core.notify import Notice, Rules
from vstui.core.notify_watch import NotifyWatcher, scope_query
from vstui.fake import stars

SEED = 381272


def test_scope_queries() -> None:
    assert scope_query(Rules()) == "status:open (owner:self OR is:starred)"
    assert scope_query(Rules(scopes=frozenset({"all", "mine"}))) == "status:open"
    assert scope_query(Rules(scopes=frozenset({"reviewing"}))) == "status:open (reviewer:self)"


async def _until(condition: Any, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, f"timed out waiting for {condition}"
        await asyncio.sleep(0.02)


async def test_a_comment_on_a_starred_change_notifies_but_my_own_recheck_does_not(
    fake_gerrit_factory: Any, tmp_path: Path
) -> None:
    fg = fake_gerrit_factory(scenario="seed")
    me = fg.store.account(fg.info["default_account"])
    stars.star(fg.store, me, fg.store.change(SEED))
    notices: list[Notice] = []
    session = session_for(fg, tmp_path)
    watcher = NotifyWatcher(session, Rules(per_change_seconds=0), notices.append)
    stop = asyncio.Event()
    task = asyncio.create_task(watcher.run(stop))
    try:
        await asyncio.wait_for(watcher.ready.wait(), 20)
        assert SEED in session.list_order()
        await _until(lambda: session.status.state == "live")
        fg.store.post_review(SEED, "current", me, message="recheck")  # my own: not news
        fg.store.post_review(SEED, "current", "vladani", message="LGTM now.")
        await _until(lambda: any(n.event == "comment" for n in notices))
        assert [n.title for n in notices if n.event == "comment"] == [
            f"{SEED} new comment by Vijay Ladani"
        ]
        assert not any("Sean" in n.title for n in notices)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


@pytest.mark.timeout(60)
def test_watch_notify_prints_one_line_per_notice(fake_gerrit_factory: Any, tmp_path: Path) -> None:
    fg = fake_gerrit_factory(scenario="seed")
    me = fg.store.account(fg.info["default_account"])
    stars.star(fg.store, me, fg.store.change(SEED))
    info = tmp_path / "info.json"
    fg.write_info(info)
    proc, out_path, err_path = start_watch(info, tmp_path, "--notify")
    try:
        wait_until(lambda: "notifying for" in err_path.read_text(), timeout=30, what="ready")
        wait_until(lambda: "live" in err_path.read_text(), timeout=15, what="live")
        fg.store.post_review(SEED, "current", "geguileo", message="Thanks, +1 once CI passes.")
        wait_until(
            lambda: "new comment by Gorka" in out_path.read_text(), timeout=20, what="notice"
        )
    finally:
        proc.send_signal(2)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    lines = out_path.read_text().splitlines()
    assert len(lines) == 1 and f"{SEED} new comment by Gorka Eguileor" in lines[0]
    assert "\x1b" not in lines[0]  # not a terminal: no OSC sequence
    assert proc.returncode in (0, 130)
