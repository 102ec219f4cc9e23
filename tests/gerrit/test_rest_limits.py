"""Every REST request has a body cap and a total deadline, whatever the server does.

Regression tests for issue 9 item 11 (an endless or 500 MB body took the TUI to 8 GB, a
server ignoring `n=` to 5.8 GB, a server trickling one byte every 5 s kept "Loading
changes…" forever) and the server half of item 12 (invalid UTF-8 from a server was a
traceback). The servers are real loopback HTTP servers in `hostile_http.py`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.gerrit.hostile_http import HostileServer
from vstui.config import load_config
from vstui.gerrit.decode import decode_changes
from vstui.gerrit.errors import (
    GerritNetworkError,
    GerritProtocolError,
    GerritResponseTooLargeError,
)
from vstui.gerrit.httpcommon import HttpLimits
from vstui.gerrit.rest import GerritRestClient, GerritSyncClient, RetryPolicy

CAP = HttpLimits(max_response_bytes=2**20, deadline=1.5)
NO_RETRY = RetryPolicy(attempts=1)


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


async def _within(seconds: float, coro: Any) -> Any:
    """The old code never returns from these servers: fail the test instead of hanging."""
    return await asyncio.wait_for(coro, seconds)


@pytest.mark.parametrize("kind", ["endless", "declared", "gzip-bomb", "huge-page"])
async def test_oversized_answers_stop_at_the_cap(hostile, kind):
    async with GerritRestClient(hostile.url(kind), limits=CAP, retry=NO_RETRY) as rest:
        started = time.monotonic()
        with pytest.raises(GerritResponseTooLargeError) as info:
            await _within(10, rest.fetch_query_page("status:open", limit=25))
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert "larger than 1 MB" in message and "max_response_mb" in message
    assert "\n" not in message
    if kind == "declared":
        assert "announced 500 MB" in message


async def test_a_trickling_server_hits_the_total_deadline(hostile):
    async with GerritRestClient(hostile.url("trickle"), limits=CAP) as rest:
        started = time.monotonic()
        with pytest.raises(GerritNetworkError, match=r"no complete answer within 1.5 s"):
            await _within(10, rest.get_version())
    assert 1.4 < time.monotonic() - started < 4


async def test_limits_leave_normal_answers_alone(hostile):
    async with GerritRestClient(hostile.url("ok"), limits=CAP) as rest:
        assert await rest.get_version() == "3.9.1"


async def test_session_query_on_a_server_ignoring_n_fails_with_one_line(hostile):
    from vstui.core.session import ReviewSession

    progress: list[str] = []

    class Listener:
        def changes_updated(self, numbers: frozenset[int]) -> None: ...
        def status_changed(self, status: Any) -> None: ...
        def event_received(self, when: float) -> None: ...
        def progress(self, text: str) -> None:
            progress.append(text)

        def error(self, text: str) -> None: ...

    rest = GerritRestClient(
        hostile.url("huge-page"), server_name="hostile", limits=CAP, retry=NO_RETRY
    )
    session = ReviewSession("hostile", rest)
    await session.start(Listener())
    try:
        with pytest.raises(GerritResponseTooLargeError, match="hostile: GET changes/"):
            await _within(10, session.run_query("status:open"))
        assert progress[-1] == ""  # "Loading changes…" ends
    finally:
        await session.close()


async def test_session_query_on_a_trickling_server_ends(hostile):
    from vstui.core.session import ReviewSession

    session = ReviewSession("hostile", GerritRestClient(hostile.url("trickle"), limits=CAP))
    try:
        with pytest.raises(GerritNetworkError, match="no complete answer"):
            await _within(10, session.run_query("status:open"))
    finally:
        await session.close()


async def test_session_query_on_a_server_ignoring_start_ends(hostile):
    from vstui.core.session import ReviewSession

    errors: list[str] = []

    class Listener:
        def changes_updated(self, numbers: frozenset[int]) -> None: ...
        def status_changed(self, status: Any) -> None: ...
        def event_received(self, when: float) -> None: ...
        def progress(self, text: str) -> None: ...
        def error(self, text: str) -> None:
            errors.append(text)

    session = ReviewSession("hostile", GerritRestClient(hostile.url("same-page"), limits=CAP))
    await session.start(Listener())
    try:
        await _within(10, session.run_query("status:open"))
        assert session.list_order() == [1, 2, 3]
        assert errors == [
            "hostile: the server sent the same changes again (it ignores S=); showing the first 3"
        ]
    finally:
        await session.close()


def _in_thread(fn: Any, seconds: float) -> BaseException | None:
    """Run `fn` in a thread; the exception it raised (fails the test if it never ends)."""
    box: list[BaseException | None] = []

    def work() -> None:
        try:
            fn()
            box.append(None)
        except BaseException as exc:
            box.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"still running after {seconds} s"
    return box[0]


@pytest.mark.parametrize("kind", ["endless", "huge-page"])
def test_sync_client_caps_bodies(hostile, kind):
    client = GerritSyncClient(hostile.url(kind), limits=CAP, retry=NO_RETRY)
    try:
        error = _in_thread(lambda: client.query_changes("status:open"), 10)
    finally:
        client.close()
    assert isinstance(error, GerritResponseTooLargeError)


def test_sync_client_has_a_total_deadline(hostile):
    client = GerritSyncClient(hostile.url("trickle"), limits=CAP)
    started = time.monotonic()
    try:
        error = _in_thread(lambda: client.query_changes("status:open"), 10)
    finally:
        client.close()
    assert isinstance(error, GerritNetworkError) and "within 1.5 s" in str(error)
    assert time.monotonic() - started < 4


async def test_invalid_utf8_from_a_server_is_named_not_a_traceback(hostile, caplog):
    async with GerritRestClient(hostile.url("bad-utf8"), server_name="evil") as rest:
        body = await rest.fetch_query_page("status:open")
    with caplog.at_level(logging.WARNING, logger="vstui.gerrit.decode"):
        changes = decode_changes(body, server="evil")
    assert [c.number for c in changes] == [1, 2]
    assert "\ufffd" in changes[1].subject
    assert any(
        "evil: GET changes/: the answer is not valid UTF-8" in r.getMessage()
        for r in caplog.records
    )


def test_one_undecodable_change_does_not_cost_the_page():
    good = b'{"_number": 1, "project": "p", "status": "NEW"}'
    huge = b'{"_number": 2, "project": "p", "insertions": ' + b"9" * 5000 + b"}"
    deep = b'{"_number": 3, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    body = b")]}'\n[" + b",".join([good, huge, good.replace(b"1", b"4")]) + b"]"
    assert [c.number for c in decode_changes(body)] == [1, 4]
    # Too deep to even split into entries: the page is refused with one line, no traceback.
    with pytest.raises(GerritProtocolError, match="not Gerrit JSON"):
        decode_changes(b"[" + good + b"," + deep + b"]")


def test_profile_sets_the_limits(tmp_path):
    from vstui.gerrit.connect import ServerConnection

    path = tmp_path / "config.toml"
    path.write_text(
        "[servers.a]\nurl = 'https://review.example.org/'\n"
        "max_response_mb = 8\nrequest_deadline = 12.5\n"
    )
    profile = load_config(path).server("a")
    conn = ServerConnection.from_profile(profile)
    assert conn.http_limits == HttpLimits(max_response_bytes=8 * 2**20, deadline=12.5)
    rest = conn.rest_client()
    assert rest.limits.deadline == 12.5
    assert GerritRestClient.from_profile(profile).limits.max_response_bytes == 8 * 2**20


def test_profile_limits_are_validated(tmp_path):
    from vstui.config import ConfigError

    path = tmp_path / "config.toml"
    path.write_text(
        "[servers.a]\nurl = 'https://x.org/'\nmax_response_mb = 0\nrequest_deadline = 'x'\n"
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert any("max_response_mb: must be a number from 1" in p for p in info.value.problems)
    assert any("request_deadline: must be a number from 1" in p for p in info.value.problems)
