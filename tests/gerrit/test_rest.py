"""The async REST client over real loopback HTTP against the emulator."""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime

import httpx
import pytest

from vstui.config import Credentials
from vstui.fake import Faults
from vstui.gerrit.dedupe import normalise_event_dict
from vstui.gerrit.errors import (
    GerritAuthError,
    GerritNetworkError,
    GerritNotFoundError,
    GerritServerError,
)
from vstui.gerrit.httpcommon import RetryPolicy, strip_xssi
from vstui.gerrit.rest import GerritRestClient, GerritSyncClient

FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)


def creds(fg, username=None) -> Credentials:
    username = username or fg.info["default_account"]
    entry = next(a for a in fg.info["accounts"] if a["username"] == username)
    return Credentials(username, entry["http_password"], "test")


def client(fg, **kw) -> GerritRestClient:
    kw.setdefault("credentials", creds(fg))
    kw.setdefault("retry", FAST_RETRY)
    return GerritRestClient(fg.http_url, **kw)


def make_changes(fg, count: int) -> list[int]:
    owner = fg.info["default_account"]
    return [fg.store.create_change("sandbox", owner, f"Change {i}").number for i in range(count)]


async def test_query_pages_follow_more_changes(empty_gerrit):
    numbers = make_changes(empty_gerrit, 7)
    async with client(empty_gerrit) as rest:
        pages = [p async for p in rest.iter_query_pages("project:sandbox", page_size=3)]
        assert [len(p) for p in pages] == [3, 3, 1]
        assert [p[-1].more_changes for p in pages] == [True, True, False]
        everything = await rest.query_changes("project:sandbox", page_size=3)
        assert sorted(c.number for c in everything) == sorted(numbers)
        assert len({c.number for c in everything}) == 7  # no page overlap
        assert len(await rest.query_changes("project:sandbox", page_size=3, limit=5)) == 5
        # anonymous access uses plain paths and still works for readable changes
    async with client(empty_gerrit, credentials=None) as anon:
        assert len(await anon.query_changes("project:sandbox")) == 7


async def test_change_detail_messages_review_and_verifications(empty_gerrit):
    fg = empty_gerrit
    (number,) = make_changes(fg, 1)
    async with client(fg) as rest:
        result = await rest.post_review(
            f"sandbox~{number}", message="Looks fine", labels={"Code-Review": 1}, tag="human-tag"
        )
        assert result.get("labels") == {"Code-Review": 1}
        detail = await rest.get_change_detail(f"sandbox~{number}")
        assert detail.number == number and detail.project == "sandbox"
        assert detail.current_patch_set_number == 1 and detail.patch_sets[0].revision
        votes = [(a.by.username, a.value) for a in detail.labels["Code-Review"].approvals]
        assert (fg.info["default_account"], 1) in votes
        messages = await rest.list_messages(number)
        assert messages[-1].tag == "human-tag" and "Looks fine" in messages[-1].message
        assert messages[-1].date.tzinfo is UTC
    bot = client(fg, credentials=creds(fg, "ci-bot"))
    async with bot:
        for value in (-1, 1):
            await bot.request(
                "POST",
                f"changes/{number}/revisions/1/verify-status~verifications",
                json={"verifications": {"unit": {"value": value, "reporter": "CI"}}},
            )
        every = await bot.get_verifications(number, 1)
        current = await bot.get_verifications(number, 1, current_only=True)
    assert [v.value for v in every if v.name == "unit"] and len(every) == 2
    assert [(v.name, v.value) for v in current] == [("unit", 1)]


async def test_xssi_prefix_is_stripped(empty_gerrit):
    raw = httpx.get(empty_gerrit.http_url + "config/server/version")
    assert raw.content.startswith(b")]}'\n")
    async with client(empty_gerrit) as rest:
        assert await rest.get_version() == raw.content[5:].decode().strip().strip('"')
    assert strip_xssi(b")]}'\n[1]\n") == b"[1]\n" and strip_xssi(b"[1]") == b"[1]"


async def test_auth_failure_and_not_found_are_typed_one_liners(empty_gerrit):
    bad = Credentials(empty_gerrit.info["default_account"], "wrong", "test")
    async with client(empty_gerrit, credentials=bad, server_name="fake") as rest:
        with pytest.raises(GerritAuthError) as info:
            await rest.get_self()
    message = str(info.value)
    assert message.startswith("fake: HTTP 401") and "HTTP password" in message
    assert "wrong" not in message and "\n" not in message
    async with client(empty_gerrit) as rest:
        with pytest.raises(GerritNotFoundError, match=r"HTTP 404 .*Not found: 99999"):
            await rest.get_change(99999)
    async with client(empty_gerrit, credentials=None) as anon:
        with pytest.raises(GerritAuthError, match="needs login"):
            await anon.post_review(1, message="x")


async def test_503s_are_retried_for_gets_only(fake_gerrit_factory):
    fg = fake_gerrit_factory(scenario="empty", faults=Faults(http_fail_rate=0.5, seed=3))
    make_changes(fg, 2)
    async with client(fg, retry=RetryPolicy(attempts=12, base_delay=0.001, max_delay=0.01)) as rest:
        for _ in range(10):  # ~half the requests fail; every call still succeeds
            assert len(await rest.query_changes("project:sandbox")) == 2
    fg.faults.http_fail_rate = 1.0
    async with client(fg, server_name="fake") as rest:
        with pytest.raises(GerritServerError, match=r"HTTP 503 for GET .* after 4 attempts"):
            await rest.query_changes("project:sandbox")
        with pytest.raises(GerritServerError) as info:
            await rest.post_review(1, message="not twice")
        assert "attempts" not in str(info.value)  # a sent POST is never repeated


async def test_unreachable_server_is_a_network_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: connection refused
    started = time.monotonic()
    async with GerritRestClient(f"http://127.0.0.1:{port}/", retry=FAST_RETRY) as rest:
        with pytest.raises(GerritNetworkError, match="cannot connect after 4 attempts"):
            await rest.get_version()
    assert time.monotonic() - started < 2


async def test_events_log_range_matches_the_stream(fake_gerrit_factory, tmp_path):
    log = tmp_path / "events.log"
    fg = fake_gerrit_factory(scenario="empty", event_log=log)
    since = datetime.fromtimestamp(int(time.time()), UTC)
    make_changes(fg, 3)
    async with client(fg) as rest:
        rows = await rest.get_events_log(since)
    # The log file only has events sent after the emulator started; the world it built in
    # the same second is in the events-log too, so compare the tail.
    streamed = [normalise_event_dict(json.loads(ln)) for ln in log.read_text().splitlines()]
    assert len(streamed) == 9  # 3 x (patchset-created + 2 ref-updated)
    assert [normalise_event_dict(r.event.raw) for r in rows][-9:] == streamed
    assert all(r.event.source == "events-log" for r in rows)
    sync = GerritSyncClient(fg.http_url, credentials=creds(fg))
    try:
        assert [r.line for r in sync.get_events_log(since)] == [r.line for r in rows]
    finally:
        sync.close()


async def test_events_log_paging_skips_the_repeated_boundary_second(fake_gerrit_factory):
    fg = fake_gerrit_factory(scenario="empty")
    since = datetime.fromtimestamp(int(time.time()), UTC)
    make_changes(fg, 4)
    async with client(fg) as rest:
        whole = await rest.get_events_log(since)
        paged = await rest.get_events_log(since, page_limit=3)
    # The client treats 3 rows as a full page and asks again from the last second; the
    # repeated rows of that second must be skipped, and the loop must end.
    assert len(whole) > 3
    assert [r.line for r in paged] == [r.line for r in whole]


async def test_forbidden_and_protocol_errors(empty_gerrit):
    from vstui.gerrit.errors import GerritForbiddenError, GerritProtocolError

    (number,) = make_changes(empty_gerrit, 1)
    async with client(empty_gerrit, server_name="fake") as rest:  # a human: no CI capability
        with pytest.raises(GerritForbiddenError, match=r"saveVerificationReport .*not permitted"):
            await rest.request(
                "POST",
                f"changes/{number}/revisions/1/verify-status~verifications",
                json={"verifications": {"unit": {"value": 1}}},
            )
        # events-log answers are JSON lines, not one Gerrit JSON document
        with pytest.raises(GerritProtocolError, match="not Gerrit JSON"):
            await rest.get_json("plugins/events-log/events/?t1=2020-01-01")


async def test_raw_query_pages_decode_off_the_loop_like_query_changes(empty_gerrit):
    """The pipelining API: `fetch_query_page` gives the body as received, `page_has_more`
    reads `_more_changes` without decoding, `decode_changes` (pure) gives the models."""
    import asyncio

    from vstui.gerrit.decode import decode_changes, page_has_more

    numbers = make_changes(empty_gerrit, 5)
    async with client(empty_gerrit, server_name="fake") as rest:
        first = await rest.fetch_query_page("project:sandbox", options=["LABELS"], limit=3)
        last = await rest.fetch_query_page("project:sandbox", options=["LABELS"], limit=3, start=3)
        expected = await rest.query_changes("project:sandbox", options=["LABELS"], page_size=3)
    assert first.startswith(b")]}'")  # untouched: the decoder strips it
    assert page_has_more(first) and not page_has_more(last)
    pages = [await asyncio.to_thread(decode_changes, body) for body in (first, last)]
    assert [len(p) for p in pages] == [3, 2]
    assert [p[-1].more_changes for p in pages] == [True, False]
    assert [*pages[0], *pages[1]] == expected
    assert sorted(c.number for c in expected) == sorted(numbers)
    assert "Code-Review" in expected[0].labels


def test_page_has_more_reads_only_a_real_trailing_flag():
    from vstui.gerrit.decode import page_has_more

    assert page_has_more(b')]}\'\n[{"_number":1,"_more_changes":true}]')
    assert page_has_more(b'[{"_number":1,\n  "_more_changes" : true\n}\n]\n')  # pretty-printed
    assert not page_has_more(b'[{"_number":1,"_more_changes":false}]')
    assert not page_has_more(b'[{"_number":1}]') and not page_has_more(b"")
    # not the last field: unknown here (the caller checks the decoded page instead)
    assert not page_has_more(b'[{"_more_changes":true,"_number":1}]')
    # a subject cannot fake it: quotes inside JSON strings are escaped
    assert not page_has_more(b'[{"subject":"\\"_more_changes\\":true}]"}]')


def test_decode_functions_raise_only_a_protocol_error(empty_gerrit):
    from vstui.gerrit.decode import (
        decode_change,
        decode_changes,
        decode_messages,
        decode_verifications,
    )
    from vstui.gerrit.errors import GerritProtocolError

    html = b"<html><body>Sign in</body></html>"
    for decode in (decode_changes, decode_change, decode_messages, decode_verifications):
        with pytest.raises(GerritProtocolError, match=r"^fake: GET x: .*not Gerrit JSON"):
            decode(html, server="fake", what="GET x")
    # JSON of the wrong shape is tolerated: nothing, not an error
    assert decode_changes(b")]}'\n{}") == () and decode_change(b"[]") is None
    assert decode_messages(b'{"a":1}') == () and decode_verifications(b"[1]") == ()
