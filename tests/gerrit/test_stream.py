"""EventStream over real SSH against the emulator: delivery, host keys, auth, stalls,
gaps and stopping."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import paramiko
import pytest

from vstui.gerrit.decode import decode_event
from vstui.gerrit.dedupe import content_key
from vstui.gerrit.errors import (
    GerritAuthError,
    GerritForbiddenError,
    GerritNetworkError,
    HostKeyChangedError,
    HostKeyUnknownError,
)
from vstui.gerrit.ssh import connect_transport, fingerprint
from vstui.gerrit.stream import Backoff, EventStream, StreamState

from ._support import BlackholeProxy, Collector, backfill_client, target, wait_until

pytestmark = pytest.mark.timeout(60)


def start_stream(fg, tmp_path, collector, **kw) -> EventStream:
    kw.setdefault("backfill", backfill_client(fg))
    kw.setdefault("backoff", Backoff(initial=0.2, maximum=0.5))
    tgt = kw.pop("target", None) or target(fg, tmp_path)
    stream = EventStream(tgt, on_event=collector.on_event, on_state=collector.on_state, **kw)
    stream.start()
    return stream


def emitted_lines(fg, since_seq: int) -> list[str]:
    return [e.line for e in fg.store.events(since_seq)]


def change(fg) -> int:
    return fg.store.create_change("sandbox", fg.info["default_account"], "A change").number


def review(fg, number: int, i: int) -> None:
    fg.store.post_review(
        number,
        "current",
        "ci-bot",
        message=f"Build {i}: SUCCESS",
        labels={"Verified": 1 if i % 2 else -1},
    )


def test_live_events_in_order_then_stop_within_a_second(empty_gerrit, tmp_path):
    fg = empty_gerrit
    got, only_ps = Collector(), Collector()
    stream = start_stream(fg, tmp_path, got)
    filtered = start_stream(fg, tmp_path, only_ps, subscribe=["patchset-created"])
    # LIVE means the command was accepted; the server registers the listener a moment later
    # (Gerrit gives no acknowledgement), so also wait for the emulator to count it.
    wait_until(lambda: got.count(StreamState.LIVE) and only_ps.count(StreamState.LIVE))
    wait_until(lambda: fg.stream_session_count == 2)
    seq = fg.store.last_seq
    number = change(fg)
    for i in range(5):
        review(fg, number, i)
    expected = emitted_lines(fg, seq)
    wait_until(lambda: len(got.events) >= len(expected), what="all events")
    assert [e.line for e in got.snapshot()] == expected
    assert got.events[0].type == "patchset-created" and got.events[0].change.number == number
    wait_until(lambda: len(only_ps.events) >= 1)
    for s in (stream, filtered):
        started = time.monotonic()
        assert s.stop(timeout=1.0) is True
        assert time.monotonic() - started < 1.0
    assert [e.type for e in only_ps.snapshot()] == ["patchset-created"]
    assert got.states[-1].state is StreamState.STOPPED


def test_unknown_host_key_is_refused_with_fingerprint_and_line(empty_gerrit, tmp_path):
    fg = empty_gerrit
    with pytest.raises(HostKeyUnknownError) as info:
        connect_transport(target(fg, tmp_path, known_hosts_line=""), timeout=5)
    err = info.value
    assert err.fingerprint == fg.info["ssh"]["host_key_fingerprint"]
    assert err.known_hosts_line == fg.info["ssh"]["known_hosts_line"]
    assert err.fingerprint in str(err) and err.known_hosts_line in str(err)
    assert "\n" not in str(err)


def test_changed_host_key_is_refused_loudly(empty_gerrit, tmp_path):
    fg = empty_gerrit
    other = paramiko.PKey.from_path(fg.info["accounts"][0]["ssh_private_key"])  # some ed25519
    line = f"[127.0.0.1]:{fg.ssh_port} {other.get_name()} {other.get_base64()}"
    collector = Collector()
    stream = start_stream(
        fg, tmp_path, collector, target=target(fg, tmp_path, known_hosts_line=line)
    )
    stream.join(10)
    assert not stream.running
    err = stream.error
    assert isinstance(err, HostKeyChangedError)
    assert "HOST KEY CHANGED" in str(err) and fingerprint(other) in str(err)
    assert err.fingerprint == fg.info["ssh"]["host_key_fingerprint"] in str(err)
    assert collector.states[-1].fatal and collector.events == []


def test_wrong_key_and_missing_capability_are_fatal_one_liners(empty_gerrit, tmp_path):
    fg = empty_gerrit
    admin_key = Path(
        next(a for a in fg.info["accounts"] if a["username"] != fg.info["default_account"])[
            "ssh_private_key"
        ]
    )
    stream = start_stream(fg, tmp_path, Collector(), target=target(fg, tmp_path, key=admin_key))
    stream.join(10)
    assert isinstance(stream.error, GerritAuthError)
    assert "refused" in str(stream.error) and "Settings > SSH Keys" in str(stream.error)

    fg.store.create_account("visitor", "Visitor")
    fg.key_path("visitor")  # registers an SSH key; no Stream Events capability
    fg.info["accounts"].append(fg.account_info(fg.store.account("visitor")))
    stream = start_stream(fg, tmp_path, Collector(), target=target(fg, tmp_path, user="visitor"))
    stream.join(10)
    assert isinstance(stream.error, GerritForbiddenError)
    assert "not permitted" in str(stream.error) and "Stream Events" in str(stream.error)


def test_blackholed_connection_is_detected_and_the_gap_backfilled(empty_gerrit, tmp_path):
    fg = empty_gerrit
    proxy = BlackholeProxy(("127.0.0.1", fg.ssh_port))
    try:
        got = Collector()
        stream = start_stream(
            fg,
            tmp_path,
            got,
            target=target(fg, tmp_path, port=proxy.port),
            keepalive_interval=30,
            stall_timeout=0.5,
            probe_timeout=0.5,
        )
        wait_until(lambda: got.count(StreamState.LIVE) and fg.stream_session_count == 1)
        seq = fg.store.last_seq
        number = change(fg)
        wait_until(lambda: len(got.events) == len(emitted_lines(fg, seq)))
        proxy.blackhole()  # nothing more gets through, and nobody closes anything
        for i in range(10):
            review(fg, number, i)
        wait_until(lambda: got.count(StreamState.RECONNECTING), what="stall detected")
        review(fg, number, 99)
        expected = emitted_lines(fg, seq)
        wait_until(lambda: len(got.events) >= len(expected), what="backfill")
        time.sleep(0.3)  # nothing extra may trail in
        got_keys = [content_key(e) for e in got.snapshot()]
        assert got_keys == [content_key(decode_event(line)) for line in expected]
        assert any(e.source == "events-log" for e in got.snapshot())
        assert "no answer" in next(
            s.detail for s in got.states if s.state is StreamState.RECONNECTING
        )
        stream.stop()
    finally:
        proxy.close()


def test_without_events_log_the_gap_becomes_synthesized_change_updates(empty_gerrit, tmp_path):
    fg = empty_gerrit
    got = Collector()
    stream = start_stream(
        fg,
        tmp_path,
        got,
        backfill=backfill_client(fg, anonymous=True),
        backoff=Backoff(initial=1.0, maximum=1.0),
    )
    wait_until(lambda: got.count(StreamState.LIVE) and fg.stream_session_count == 1)
    first = change(fg)
    wait_until(lambda: any(e.change_number == first for e in got.snapshot()))
    fg.drop_stream_sessions()
    missed = [change(fg), change(fg)]  # while vstui is disconnected
    wait_until(
        lambda: {e.change_number for e in got.snapshot() if e.synthesized} >= set(missed),
        what="synthesized catch-up",
    )
    synth = [e for e in got.snapshot() if e.synthesized]
    assert all(e.type == "change-updated" and e.source == "rest" for e in synth)
    assert all('"vstui":{"synthesized":true}' in e.line for e in synth)
    assert {e.change_number for e in synth} <= {first, *missed}
    stream.stop()


def test_unreachable_server(tmp_path, empty_gerrit):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gave_up = start_stream(
        empty_gerrit,
        tmp_path,
        Collector(),
        target=target(empty_gerrit, tmp_path, port=port),
        exit_on_initial_failure=True,
    )
    gave_up.join(5)
    assert isinstance(gave_up.error, GerritNetworkError)
    assert f"cannot connect to 127.0.0.1 port {port}" in str(gave_up.error)
    waiting = start_stream(
        empty_gerrit,
        tmp_path,
        Collector(),
        target=target(empty_gerrit, tmp_path, port=port),
        backoff=Backoff(initial=30, maximum=30),
    )
    wait_until(lambda: waiting.state.state is StreamState.RECONNECTING)
    started = time.monotonic()
    assert waiting.stop(timeout=1.0) and time.monotonic() - started < 1.0


def test_stop_is_not_held_up_by_a_slow_rest_answer(fake_gerrit_factory, tmp_path):
    from vstui.fake import Faults

    fg = fake_gerrit_factory(scenario="empty", faults=Faults(http_latency_ms=3000))
    got = Collector()
    stream = start_stream(fg, tmp_path, got)  # first connect reads the events-log baseline
    wait_until(lambda: got.count(StreamState.LIVE))
    time.sleep(0.2)  # the baseline GET is now waiting on the slow server
    started = time.monotonic()
    assert stream.stop(timeout=1.0) is True
    assert time.monotonic() - started < 1.0
