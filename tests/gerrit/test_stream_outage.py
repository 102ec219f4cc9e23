"""The stream under outages: a server frozen mid-handshake or for seconds (SIGSTOP), and a
server whose backfill fails. Every failure is a reconnect, never the end; live events never
wait long for a backfill; what arrived is printed on Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from vstui.gerrit.connect import ServerConnection
from vstui.gerrit.decode import decode_event
from vstui.gerrit.dedupe import content_key
from vstui.gerrit.stream import Backoff, EventStream, StreamState

from ._support import Collector, target, wait_until
from .test_watch import WATCH_WITH_CTRL_C, env_for, start_watch

pytestmark = pytest.mark.timeout(60)


class FrozenSSHServer:
    """Accepts TCP connections, sends an SSH banner, then never says another word (a server
    that froze in the middle of the handshake)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        self.listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)
            conn.sendall(b"SSH-2.0-Frozen\r\n")

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        for conn in self._held:
            conn.close()


def test_a_server_frozen_mid_handshake_is_retried_not_fatal(empty_gerrit, tmp_path):
    """paramiko's start_client returns silently on timeout; the host-key check then raised
    SSHException('No existing session'), which ended the stream thread for good."""
    server = FrozenSSHServer()
    try:
        got = Collector()
        stream = EventStream(
            target(empty_gerrit, tmp_path, port=server.port),
            on_event=got.on_event,
            on_state=got.on_state,
            connect_timeout=0.3,
            backoff=Backoff(initial=0.05, maximum=0.1),
        )
        stream.start()
        wait_until(lambda: got.count(StreamState.RECONNECTING) >= 5, what="5 retries")
        assert stream.running and stream.error is None
        assert got.count(StreamState.ERROR) == 0
        retries = [s for s in got.states if s.state is StreamState.RECONNECTING]
        assert all(s.unreachable and "server unreachable" in str(s) for s in retries)
        assert any("no SSH handshake" in s.detail for s in retries)
        assert stream.stop(timeout=2.0)
    finally:
        server.close()


@pytest.fixture
def emulator_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path, Path]]:
    """`vstui fake-gerrit --activity` in its own process, so the test can SIGSTOP it (a
    frozen server: SSH and REST alike, the kernel still accepting connections)."""
    info, log = tmp_path / "info.json", tmp_path / "events.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vstui",
            "fake-gerrit",
            "--scenario",
            "empty",
            "--activity",
            "40",
            "--event-log",
            str(log),
            "--info-file",
            str(info),
            "--state-dir",
            str(tmp_path / "fg-state"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env_for(tmp_path),
    )
    try:
        wait_until(info.exists, timeout=20, what="emulator ready")
        yield proc, info, log
    finally:
        os.kill(proc.pid, signal.SIGCONT)
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
def test_a_frozen_server_is_survived_and_the_gap_delivered_once_in_order(
    emulator_process, tmp_path
):
    proc, info, log = emulator_process
    state_dir = tmp_path / "client"
    state_dir.mkdir()
    conn = ServerConnection.from_info(info, state_dir=state_dir)
    got = Collector()
    stream = conn.event_stream(
        on_event=got.on_event,
        on_state=got.on_state,
        # A 95 s freeze, scaled down: the stall timeout is injectable.
        stall_timeout=0.3,
        probe_timeout=0.3,
        connect_timeout=0.5,
        keepalive_interval=30,
        backoff=Backoff(initial=0.2, maximum=0.5),
    )
    stream.start()
    try:
        wait_until(lambda: len(got.events) >= 10, timeout=20, what="first live events")
        os.kill(proc.pid, signal.SIGSTOP)
        frozen_at = len(got.states)
        # Several connection attempts fail against the frozen server, and none ends it (the
        # old code died at the first handshake timeout: SSHException('No existing session')).
        wait_until(
            lambda: (
                sum(
                    1
                    for s in got.states[frozen_at:]
                    if s.state is StreamState.RECONNECTING and s.unreachable
                )
                >= 4
            ),
            timeout=20,
            what="four failed reconnects",
        )
        during = got.states[frozen_at:]
        os.kill(proc.pid, signal.SIGCONT)
        assert stream.running and stream.error is None
        # Nothing answers during the freeze: never "backfilling" then.
        assert not any(s.state is StreamState.BACKFILLING for s in during)
        resumed_at = len(got.states)
        wait_until(
            lambda: any(s.state is StreamState.LIVE for s in got.states[resumed_at:]),
            timeout=20,
            what="live again",
        )
        # Everything the server emitted from our first event up to now, once, in order.
        lines = log.read_text().splitlines()
        keys = [content_key(decode_event(line)) for line in lines]
        first = content_key(got.events[0])
        expected = keys[keys.index(first) :]
        wait_until(lambda: len(got.snapshot()) >= len(expected), timeout=20, what="catch-up")
        delivered = [content_key(e) for e in got.snapshot() if e.type != "dropped-output"]
        assert delivered[: len(expected)] == expected
        assert len(set(delivered)) == len(delivered)  # nothing twice, even later
        assert stream.reconnects >= 1
    finally:
        assert stream.stop(timeout=2.0)


# --------------------------------------------------------------------------- item 2


class FailingRest:
    """An HTTP server answering every request with `status` (no events-log, no REST)."""

    def __init__(self, status: int) -> None:
        code = status

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = b"Not found\n"
                self.send_response(code)
                if code == 401:
                    self.send_header("WWW-Authenticate", 'Basic realm="Gerrit"')
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def overflow(fg: Any, number: int, count: int = 140) -> None:
    """Make the server drop output: stall the stream while more than 128 events happen,
    then wait for the stall to end."""
    fg.stall_streams(1.5)
    for i in range(count):
        fg.store.post_review(number, "current", "ci-bot", message=f"Build {i}: SUCCESS")
    assert fg.hub.max_backlog() >= 128, "the stall ended before the queue overflowed"
    wait_until(lambda: fg.hub.stalled_for() == 0, what="stall over")
    # The server's queue must have room again, or the next event is dropped there too.
    wait_written(fg)


def wait_written(fg: Any) -> None:
    """The emulator has written every queued event to the socket."""
    wait_until(lambda: fg.hub.backlog() == 0, what="server wrote everything")


@pytest.mark.slow
@pytest.mark.parametrize("status", [404, 401])
def test_a_failing_backfill_does_not_hold_live_events(fake_gerrit_factory, tmp_path, status):
    fg = fake_gerrit_factory(scenario="empty")
    rest = FailingRest(status)
    info = dict(fg.info, http={"url": rest.url})
    info_path = tmp_path / "info.json"
    info_path.write_text(json.dumps(info))
    number = fg.store.create_change("sandbox", fg.info["default_account"], "A change").number
    proc, out_path, err_path = start_watch(info_path, tmp_path, "--json")
    try:
        wait_until(
            lambda: "live" in err_path.read_text() and fg.stream_session_count >= 1,
            timeout=15,
            what="watch live",
        )

        def printed() -> list[dict[str, Any]]:
            return [json.loads(line) for line in out_path.read_text().splitlines()]

        def comments() -> list[str]:
            return [e["comment"] for e in printed() if e.get("type") == "comment-added"]

        overflow(fg, number)
        wait_until(lambda: any(e["type"] == "dropped-output" for e in printed()), timeout=10)
        # Later live events flow within ~2 s, whatever the failing backfill does.
        fg.store.post_review(number, "current", "ci-bot", message="after the drop")
        started = time.monotonic()
        wait_until(
            lambda: any("after the drop" in c for c in comments()),
            timeout=15,
            what="a live event after dropped-output",
        )
        assert time.monotonic() - started < 4.0
        kinds = [e["type"] for e in printed()]
        assert kinds.index("dropped-output") < len(kinds) - 1  # printed before what follows
        # Ctrl-C while live events are held for a new gap: what arrived is printed first.
        overflow(fg, number)
        fg.store.post_review(number, "current", "ci-bot", message="just before ctrl-c")
        wait_written(fg)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        rest.close()
    stderr = err_path.read_text()
    assert rc == 130 and "Traceback" not in stderr, stderr[-2000:]
    assert any("just before ctrl-c" in c for c in comments())
    assert [e["type"] for e in printed()].count("dropped-output") == 2
    assert "not caught up yet" in stderr  # the failing backfill is said, not hidden


def test_a_slow_backfill_lets_live_events_go_ahead_and_delivers_the_gap_late(
    fake_gerrit_factory, tmp_path
):
    from vstui.fake import Faults

    from ._support import backfill_client

    fg = fake_gerrit_factory(scenario="empty", faults=Faults(http_latency_ms=2000))
    got = Collector()
    stream = EventStream(
        target(fg, tmp_path),
        on_event=got.on_event,
        on_state=got.on_state,
        backfill=backfill_client(fg),
        backoff=Backoff(initial=0.2, maximum=0.5),
    )
    stream.start()
    try:
        wait_until(lambda: got.count(StreamState.LIVE) and fg.stream_session_count == 1)
        seq = fg.store.last_seq
        number = fg.store.create_change("sandbox", fg.info["default_account"], "A").number
        wait_until(lambda: len(got.events) >= len(fg.store.events(seq)), what="first event")
        overflow(fg, number)  # the server drops events: a gap the slow events-log must fill
        fg.store.post_review(number, "current", "ci-bot", message="after the drop")
        started = time.monotonic()
        wait_until(
            lambda: any("after the drop" in (getattr(e, "comment", "") or "") for e in got.events),
            what="the live event",
        )
        assert time.monotonic() - started < 1.9  # did not wait for the 2 s backfill
        expected = [content_key(e) for e in (decode_event(x.line) for x in fg.store.events(seq))]
        wait_until(lambda: stream.late > 0, timeout=15, what="the gap, late")
        wait_until(
            lambda: {content_key(e) for e in got.snapshot()} >= set(expected),
            timeout=15,
            what="every event",
        )
        delivered = [content_key(e) for e in got.snapshot() if e.type != "dropped-output"]
        assert len(set(delivered)) == len(delivered)  # nothing twice
        assert set(expected) <= set(delivered)  # nothing lost
        # (Events of the very second we connected in may come too: seconds can't tell
        # whether they were before the connection, and with a gap vstui errs on delivering.)
        assert len(delivered) - len(expected) <= 5
        assert any(s.late for s in got.states)
        assert any("delivered late" in str(s) for s in got.states)
    finally:
        stream.stop()


@pytest.mark.slow
def test_watch_exits_quietly_when_its_reader_goes_away(fake_gerrit_factory, tmp_path):
    fg = fake_gerrit_factory(scenario="empty")
    info = tmp_path / "info.json"
    fg.write_info(info)
    err_path = tmp_path / "err.txt"
    with err_path.open("w") as err:
        proc = subprocess.Popen(
            [*WATCH_WITH_CTRL_C, "--info-file", str(info), "--json"],
            stdout=subprocess.PIPE,
            stderr=err,
            env=env_for(tmp_path),
        )
    try:
        assert proc.stdout is not None
        wait_until(lambda: fg.stream_session_count >= 1, timeout=15, what="watch live")
        fg.start_activity(50)
        first = proc.stdout.readline()
        assert json.loads(first)["type"]
        proc.stdout.close()  # `vstui watch --json | head -1`
        rc = proc.wait(10)
    finally:
        fg.stop_activity()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = err_path.read_text()
    assert rc == 0 and "Traceback" not in stderr and "Exception" not in stderr, stderr


def test_a_bug_in_the_stream_thread_is_a_reconnect_not_the_end(empty_gerrit, tmp_path):
    from vstui.gerrit.dedupe import Deduper

    from ._support import backfill_client

    class BrokenOnce(Deduper):
        """Raises on the first live event (any unforeseen exception in the thread)."""

        broken = True

        def accept_live(self, event):  # type: ignore[no-untyped-def]
            if self.broken:
                self.broken = False
                raise RuntimeError("boom")
            return super().accept_live(event)

    fg = empty_gerrit
    got = Collector()
    stream = EventStream(
        target(fg, tmp_path),
        on_event=got.on_event,
        on_state=got.on_state,
        backfill=backfill_client(fg),
        backoff=Backoff(initial=0.1, maximum=0.2),
    )
    stream.deduper = BrokenOnce(keep_seconds=30)
    stream.start()
    try:
        wait_until(lambda: got.count(StreamState.LIVE) and fg.stream_session_count == 1)
        seq = fg.store.last_seq
        fg.store.create_change("sandbox", fg.info["default_account"], "A change")
        expected = [content_key(decode_event(e.line)) for e in fg.store.events(seq)]
        before = {content_key(decode_event(e.line)) for e in fg.store.events(0)} - set(expected)

        def caught_up() -> bool:
            delivered = [content_key(e) for e in got.snapshot()]
            return delivered[-len(expected) :] == expected

        wait_until(caught_up, what="every event, the one that hit the bug backfilled")
        delivered = [content_key(e) for e in got.snapshot()]
        assert len(set(delivered)) == len(delivered)  # nothing twice
        # The gap opened in the second vstui connected in: events of that second from just
        # before the connection may come too (seconds can't tell; vstui errs on delivering).
        assert set(delivered[: -len(expected)]) <= before
        assert stream.running and stream.error is None and stream.reconnects == 1
        assert any(
            "RuntimeError: boom" in s.detail
            for s in got.states
            if s.state is StreamState.RECONNECTING
        )
    finally:
        stream.stop()


def test_a_login_refused_after_being_live_is_retried_but_a_host_key_never(empty_gerrit, tmp_path):
    """A restarting server may refuse logins for a while: once the stream has been live, a
    refusal is retried (on the first connection it is a configuration error: fatal, see
    test_stream.py). An unknown or changed host key is always fatal."""
    from vstui.gerrit.errors import HostKeyChangedError
    from vstui.gerrit.stream import _is_fatal

    fg = empty_gerrit
    got = Collector()
    stream = EventStream(
        target(fg, tmp_path),
        on_event=got.on_event,
        on_state=got.on_state,
        backoff=Backoff(initial=0.1, maximum=0.2),
    )
    stream.start()
    account = fg.store.account(fg.info["default_account"])
    saved = list(account.ssh_keys)
    try:
        wait_until(lambda: got.count(StreamState.LIVE) and fg.stream_session_count == 1)
        account.ssh_keys.clear()  # the server forgets our key (emulator state, poked)
        fg.drop_stream_sessions()

        def refusals() -> list:
            return [
                s
                for s in got.states
                if s.state is StreamState.RECONNECTING and "was refused" in s.detail
            ]

        wait_until(lambda: len(refusals()) >= 2, what="refused logins retried")
        assert stream.running and stream.error is None
        assert not any(s.unreachable for s in refusals())  # the server did answer
        account.ssh_keys.extend(saved)
        wait_until(lambda: got.count(StreamState.LIVE) >= 2, what="live again")
    finally:
        account.ssh_keys[:] = saved
        stream.stop()
    changed = HostKeyChangedError("s", "changed", fingerprint="f", known_hosts_line="l")
    assert _is_fatal(changed, first_connection=False)
