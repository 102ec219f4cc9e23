"""The session writes the CI runs it sees to the history and shows verdicts from it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.core.helpers import Recorder, account
from vstui.core.session import ReviewSession
from vstui.history import HistoryStore


async def until(condition: Any, timeout: float = 30.0) -> None:
    """Poll `condition` on the loop (the sync sends no notice of its own)."""
    import asyncio

    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def session_with_history(
    fg: Any, history: HistoryStore, *, stream: bool = False, url: str | None = None
) -> ReviewSession:
    from vstui.config import Credentials
    from vstui.gerrit.rest import GerritRestClient

    entry = account(fg)
    url = url or fg.http_url
    rest = GerritRestClient(
        url, credentials=Credentials(entry["username"], entry["http_password"], "test")
    )
    return ReviewSession("test", rest, None, web_url=url, history=history)


async def test_opening_the_seed_change_shows_failing_elsewhere_and_flaky(
    seed_gerrit: Any, tmp_path: Path
) -> None:
    history = HistoryStore(tmp_path / "h.sqlite3")
    session = session_with_history(seed_gerrit, history)
    recorder = Recorder()
    try:
        await session.start(recorder)
        # the start-up sync fills the history from an empty file
        await until(lambda: session.history.synced is not None or session.history.sync_error)
        assert session.history.sync_error is None
        assert history.count() > 1000
        await session.load_change(381272)
        view = session.change_view(381272)
        assert view is not None and view.shown_patch_set == 2
        chips = {(j.ci_name, j.name): [v.kind for v in j.verdicts] for j in view.jobs}
        assert "failing_elsewhere" in chips[("HPE Storage CI", "hpe-3par-fc-dsvm")]
        assert "flaky" in chips[("Tegile Storage CI", "tegile-dsvm-tempest-fc")]
        assert chips[("Cisco CI", "cisco_zm_cinder")] == []
    finally:
        await session.close()


async def test_a_change_opened_is_written_once_however_often_it_is_fetched(
    seed_gerrit: Any, tmp_path: Path
) -> None:
    history = HistoryStore(tmp_path / "h.sqlite3")
    # a cursor in the future: nothing to sync, the history holds only what the session sees
    history.set_meta("sync_cursor", repr(time.time() + 86400))
    session = session_with_history(seed_gerrit, history)
    try:
        await session.start(Recorder())
        await session.load_change(381272)
        first = history.count()
        assert first > 50
        await session.load_change(381272)
        assert history.count() == first
        await session.load_patch_set(381272, 1)  # patch set 1's verify-status rows: new runs
        second = history.count()
        await session.load_patch_set(381272, 1)
        await session.load_change(381272)
        assert history.count() == second
        assert session.history.sync_error is None
        assert {r.change for r in history.runs_for_change(381272)} == {381272}
    finally:
        await session.close()


def test_a_ci_missing_from_the_patch_set_gets_a_row_with_its_verdict(tmp_path: Path) -> None:
    from tests.history.helpers import NOW, rec
    from vstui.core.session_history import SessionHistory

    store = HistoryStore(tmp_path / "h.sqlite3")
    for c in range(100, 130):  # HPE reports 30 minutes after Zuul on every change
        t0 = NOW - (200 - c) * 3600
        store.add([rec(c, 1, "SUCCESS", t=t0, ci="zuul", ci_name="Zuul", job="tox")])
        store.add([rec(c, 1, "FAILURE", t=t0 + 1800)])
    store.add([rec(500, 1, "SUCCESS", t=NOW - 3 * 3600, ci="zuul", ci_name="Zuul", job="tox")])
    history = SessionHistory(store, clock=lambda: NOW)
    computed = history._write_sync(_Change(500), (), None, [1])
    history._verdicts.update(computed)
    rows = history.decorate(500, 1, ())
    assert [(r.ci_name, r.name, r.result) for r in rows] == [
        ("HPE Storage CI", "(not reported)", "MISSING")
    ]
    assert rows[0].verdicts[0].kind == "missing" and not rows[0].failing


class _Change:
    def __init__(self, number: int) -> None:
        self.number = number
        self.project = "openstack/cinder"


async def test_the_list_paints_from_the_cache_then_the_live_answer_wins(
    fake_gerrit_factory: Any, tmp_path: Path
) -> None:
    fg = fake_gerrit_factory(scenario="seed")
    history = HistoryStore(tmp_path / "h.sqlite3")
    first = session_with_history(fg, history)
    try:
        await first.run_query("status:open")
        live_before = list(first.list_order())
        await until(lambda: history.get_list_cache("status:open") is not None)
    finally:
        await first.close()
    gone = live_before[0]
    fg.store.abandon(gone, fg.info["default_account"], "gone since the cache was written")
    second = session_with_history(fg, history)
    batches: list[list[int]] = []
    try:
        await second.run_query("status:open", partial_results=lambda ns: batches.append(list(ns)))
        assert second.cached_at is not None
        assert gone in batches[0]  # the cached first page, painted before the live one
        assert gone not in second.list_order()  # the server no longer lists it
        assert second.list_order() == [n for n in live_before if n != gone]
    finally:
        await second.close()


async def test_offline_the_cached_list_is_shown_and_said_so(
    fake_gerrit_factory: Any, tmp_path: Path
) -> None:
    fg = fake_gerrit_factory(scenario="seed")
    history = HistoryStore(tmp_path / "h.sqlite3")
    first = session_with_history(fg, history)
    try:
        await first.run_query("status:open")
        cached = list(first.list_order())[:100]
        await until(lambda: history.get_list_cache("status:open") is not None)
    finally:
        await first.close()
    url = fg.http_url
    entry = account(fg)
    fg.stop()  # the server goes away
    from vstui.config import Credentials
    from vstui.gerrit.httpcommon import RetryPolicy
    from vstui.gerrit.rest import GerritRestClient

    rest = GerritRestClient(
        url,
        credentials=Credentials(entry["username"], entry["http_password"], "test"),
        retry=RetryPolicy(attempts=1),
    )
    offline = ReviewSession("test", rest, None, web_url=url, history=history)
    recorder = Recorder()
    offline.listener = recorder
    try:
        await offline.run_query("status:open")
        assert offline.list_order() == cached
        assert any(e.startswith("offline, showing cached data from ") for e in recorder.errors)
    finally:
        await offline.close()
