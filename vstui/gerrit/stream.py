"""`gerrit stream-events` in a background thread that never loses an event.

    def on_event(event):      # called in the stream thread, in order, once per event
        queue.put(event)
    def on_state(state):      # ConnectionState; str(state) is the status-bar text
        print(state)

    stream = EventStream(target, on_event=on_event, on_state=on_state,
                         backfill=GerritSyncClient(url, credentials=creds))
    stream.start()
    ...
    stream.stop()             # returns within about a second

How it keeps every event:
- SSH keepalives keep NATs open; when nothing arrives for `stall_timeout` seconds the thread
  sends a keepalive that needs an answer and reconnects if none comes within
  `probe_timeout`, so a connection that died without a FIN is noticed.
- Reconnects use exponential backoff with jitter.
- After every reconnect and after a `dropped-output` line the gap is backfilled from the
  events-log plugin (`t1` = last delivered second minus `margin`), or, when the server has no
  events-log (404) or refuses it (401/403), from a REST query for changes updated since then,
  turned into synthesized `change-updated` events (`"vstui":{"synthesized":true}`).
- The backfill runs after the new stream is subscribed, so live events that arrive meanwhile
  wait in the SSH channel; `Deduper` then drops the copies (multiset matching by content per
  second), so each event reaches `on_event` exactly once and in order.
- `dropped-output` itself is not passed on (it only means "backfill now"); it shows as a
  state.

Thread-safety: `on_event` and `on_state` are called from the stream thread; hand off with a
queue, `loop.call_soon_threadsafe`, or Textual's `post_message` (which is thread-safe).
"""

from __future__ import annotations

import contextlib
import enum
import logging
import random
import shlex
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
import paramiko

from vstui.gerrit.decode import EventDecodeError, decode_event
from vstui.gerrit.dedupe import Deduper
from vstui.gerrit.errors import (
    GerritAuthError,
    GerritError,
    GerritForbiddenError,
    GerritNetworkError,
    GerritNotFoundError,
    HostKeyError,
    StreamCommandError,
)
from vstui.gerrit.models import ChangeEvent, DroppedOutput, Event
from vstui.gerrit.ssh import SSHTarget, connect_transport

__all__ = [
    "Backoff",
    "ConnectionState",
    "EventStream",
    "StreamState",
    "synthesize_change_updated",
]

log = logging.getLogger("vstui.gerrit.stream")

_READ_SLICE = 0.2  # recv timeout: how quickly the thread notices stop()
_MAX_LINE = 32 * 1024 * 1024
_NOT_CHANGE_TYPES = frozenset(
    {
        "ref-updated",
        "batch-ref-updated",
        "project-created",
        "project-head-updated",
        "dropped-output",
    }
)


class StreamState(enum.Enum):
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    BACKFILLING = "backfilling"
    ERROR = "error"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ConnectionState:
    """What the stream is doing. `str()` gives the status-bar text, e.g. "reconnecting in 4 s".

    `fatal` errors end the thread (unknown/changed host key, login refused, no permission).
    """

    state: StreamState
    detail: str = ""
    retry_in: float | None = None
    count: int | None = None
    fatal: bool = False

    def __str__(self) -> str:
        if self.state is StreamState.RECONNECTING:
            text = f"reconnecting in {self.retry_in:.0f} s" if self.retry_in else "reconnecting"
            return f"{text} ({self.detail})" if self.detail else text
        if self.state is StreamState.BACKFILLING:
            if self.count is None:
                return f"backfilling ({self.detail})" if self.detail else "backfilling"
            return f"backfilling {self.count} events" + (f" ({self.detail})" if self.detail else "")
        if self.state is StreamState.ERROR:
            return f"error: {self.detail}"
        if self.state is StreamState.CONNECTING and self.detail:
            return f"connecting to {self.detail}"
        return str(self.state.value)


@dataclass(frozen=True)
class Backoff:
    """Reconnect delays: `initial * 2**n` capped at `maximum`, times a jitter in [0.5, 1.5)."""

    initial: float = 1.0
    maximum: float = 60.0

    def delay(self, failures: int) -> float:
        base = min(self.maximum, self.initial * 2 ** max(0, failures - 1))
        return float(base) * random.uniform(0.5, 1.5)


class _Interrupted(Exception):
    """stop() was called while the thread waited for REST work."""


class _Disconnected(Exception):
    """The stream connection ended (EOF, reset, or detected stall)."""


class EventStream:
    """One server's event stream, run in its own daemon thread.

    Args:
        target: where and how to connect (`vstui.gerrit.ssh.resolve_target`).
        on_event: called with each `Event`, in order, exactly once.
        on_state: called with each `ConnectionState` change (optional).
        backfill: a `GerritSyncClient` for closing gaps (None = no backfill; events that
            happen while disconnected are then lost, which the state says).
        subscribe: event types for `-s` (empty = all types); applied to backfill too.
        keepalive_interval: seconds between SSH keepalives.
        stall_timeout: silence (s) after which the connection is probed.
        probe_timeout: how long a probe may take before the connection counts as dead.
        connect_timeout: TCP/SSH handshake timeout.
        margin: seconds before the last delivered event where a backfill starts.
        backfill_delay: wait this long after reconnecting before backfilling (real
            events-log plugins flush to their store every couple of seconds).
        backoff: reconnect delays.
        exit_on_initial_failure: give up (fatal error) if the very first connection fails,
            instead of retrying (what `vstui watch` wants).
        max_hold: longest time (s) live events are held back while a backfill keeps failing.
        own_backfill: close the backfill client when the thread ends.
    """

    def __init__(
        self,
        target: SSHTarget,
        *,
        on_event: Callable[[Event], None],
        on_state: Callable[[ConnectionState], None] | None = None,
        backfill: Any = None,
        subscribe: Sequence[str] = (),
        keepalive_interval: float = 15.0,
        stall_timeout: float = 60.0,
        probe_timeout: float = 10.0,
        connect_timeout: float = 15.0,
        margin: int = 2,
        backfill_delay: float = 0.0,
        backoff: Backoff | None = None,
        exit_on_initial_failure: bool = False,
        max_hold: float = 20.0,
        own_backfill: bool = False,
    ) -> None:
        for kind in subscribe:
            if not kind or not all(c.isalnum() or c in "-_." for c in kind):
                raise ValueError(f"not an event type name: {kind!r}")
        self.target = target
        self.on_event = on_event
        self.on_state = on_state
        self.backfill_client = backfill
        self.subscribe = tuple(subscribe)
        self.keepalive_interval = keepalive_interval
        self.stall_timeout = stall_timeout
        self.probe_timeout = probe_timeout
        self.connect_timeout = connect_timeout
        self.margin = margin
        self.backfill_delay = backfill_delay
        self.backoff = backoff or Backoff()
        self.exit_on_initial_failure = exit_on_initial_failure
        self.max_hold = max_hold
        self.own_backfill = own_backfill

        self.deduper = Deduper(keep_seconds=max(30, margin * 4))
        self.error: GerritError | None = None  # the fatal error, if the thread gave up
        self.state = ConnectionState(StreamState.STOPPED)
        self.reconnects = 0
        self.backfilled = 0
        self.synthesized = 0
        self.undecodable = 0
        self.dropped_outputs = 0
        self._gap_opened = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._transport: paramiko.Transport | None = None
        self._transport_lock = threading.Lock()
        self._gap_since: int | None = None  # epoch second a pending backfill starts at
        # The earliest second this stream is responsible for: replayed rows older than this
        # happened before vstui first connected and are not delivered.
        self._floor: int | None = None
        self._events_log_ok: bool | None = None  # None = not tried yet
        self._synth_seen: set[tuple[int, int]] = set()
        self._backfill_failures = 0
        self._backfill_retry_at = 0.0

    # ------------------------------------------------------------------ public API

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is not None:
            raise RuntimeError("EventStream already started")
        self._thread = threading.Thread(
            target=self._run, name=f"vstui-stream-{self.target.label}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> bool:
        """Ask the thread to stop and wait up to `timeout` s; True if it has stopped."""
        self._stop.set()
        with self._transport_lock:
            transport = self._transport
        if transport is not None:
            transport.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ------------------------------------------------------------------ internals

    def _publish(self, state: ConnectionState) -> None:
        self.state = state
        if self.on_state is not None:
            try:
                self.on_state(state)
            except Exception:  # a consumer bug must not kill the stream
                log.exception("on_state callback failed")

    def _deliver(self, event: Event) -> None:
        try:
            self.on_event(event)
        except Exception:
            log.exception("on_event callback failed")

    def _command(self) -> str:
        parts = ["gerrit", "stream-events"]
        for kind in self.subscribe:
            parts += ["-s", shlex.quote(kind)]
        return " ".join(parts)

    def _set_transport(self, transport: paramiko.Transport | None) -> None:
        with self._transport_lock:
            self._transport = transport
        if transport is not None and self._stop.is_set():
            transport.close()

    def _run(self) -> None:
        failures = 0
        ever_live = False
        try:
            while not self._stop.is_set():
                self._publish(ConnectionState(StreamState.CONNECTING, self.target.label))
                try:
                    transport = connect_transport(
                        self.target,
                        timeout=self.connect_timeout,
                        keepalive=self.keepalive_interval,
                        stop=self._stop,
                        on_transport=self._set_transport,
                    )
                    channel = self._open_stream(transport)
                except (HostKeyError, GerritAuthError) as exc:
                    self._fail(exc)
                    return
                except GerritError as exc:
                    if self._stop.is_set():
                        return
                    if not ever_live and self.exit_on_initial_failure:
                        self._fail(exc)
                        return
                    failures += 1
                    self._wait_reconnect(failures, str(exc))
                    continue
                ever_live = True
                failures = 0
                reason = "stopped"
                try:
                    self._pump(channel)
                except _Disconnected as exc:
                    reason = str(exc)
                except GerritError as exc:  # the server refused the command itself
                    self._fail(exc)
                    return
                finally:
                    self._close_transport()
                if self._stop.is_set():
                    return
                self.reconnects += 1
                self._open_gap()
                failures += 1
                self._wait_reconnect(failures, reason)
        except Exception as exc:  # never die silently
            log.exception("stream thread crashed")
            self._fail(GerritNetworkError(self.target.label, f"internal error: {exc!r}"))
        finally:
            self._close_transport()
            if self.own_backfill and self.backfill_client is not None:
                with contextlib.suppress(Exception):
                    self.backfill_client.close()
            if self.error is None:
                self._publish(ConnectionState(StreamState.STOPPED))

    def _fail(self, exc: GerritError) -> None:
        self.error = exc
        self._publish(ConnectionState(StreamState.ERROR, str(exc), fatal=True))

    def _close_transport(self) -> None:
        with self._transport_lock:
            transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    def _wait_reconnect(self, failures: int, reason: str) -> None:
        delay = self.backoff.delay(failures)
        self._publish(ConnectionState(StreamState.RECONNECTING, reason, retry_in=delay))
        deadline = time.monotonic() + delay
        if delay > 3 and self._gap_since is not None:
            # A long wait: catch up over REST now so the user is not left behind, then
            # reopen the gap so the next connection backfills what happens meanwhile.
            self._maybe_backfill()
            if self._gap_since is None:
                self._open_gap()
        self._stop.wait(max(0.0, deadline - time.monotonic()))

    def _open_stream(self, transport: paramiko.Transport) -> paramiko.Channel:
        try:
            channel = transport.open_session(timeout=self.connect_timeout)
            channel.settimeout(_READ_SLICE)
            channel.exec_command(self._command())
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise GerritNetworkError(
                self.target.label, f"could not start gerrit stream-events: {exc}"
            ) from None
        return channel

    def _open_gap(self) -> None:
        """Remember where the next backfill must start (the earliest open gap wins)."""
        if self._floor is None:
            return  # never connected: nothing to catch up with
        newest = self.deduper.newest
        since = self._floor if newest is None else max(self._floor, newest - self.margin)
        if self._gap_since is None or since < self._gap_since:
            if self._gap_since is not None:
                self.deduper.unpin(self._gap_since)
            else:
                self._gap_opened = time.monotonic()
            self._gap_since = since
            self.deduper.pin(since)
        self._backfill_retry_at = time.monotonic() + self.backfill_delay

    # ------------------------------------------------------------------ reading

    def _pump(self, channel: paramiko.Channel) -> None:
        """Read lines until the connection ends; raises _Disconnected or a GerritError.

        While a gap is open (after a reconnect or `dropped-output`) live lines stay unread in
        the SSH channel until the backfill closes the gap, so delivery stays in order; after
        `max_hold` seconds of failing backfills live delivery resumes (late replayed events
        are still delivered, once, when the backfill finally works).
        """
        self._publish(ConnectionState(StreamState.LIVE))
        if self._floor is None:
            # Our clock, one second early; lowered below if the server's clock is behind.
            self._floor = int(time.time()) - 1
            self._baseline()
        pending: deque[bytes] = deque()
        buf = b""
        last_data = time.monotonic()
        while not self._stop.is_set():
            if self._gap_since is not None:
                self._maybe_backfill()
                if (
                    self._gap_since is not None
                    and time.monotonic() - self._gap_opened < self.max_hold
                ):
                    self._stop.wait(0.05)
                    last_data = time.monotonic()
                    continue
            if pending:
                self._handle_line(pending.popleft())
                continue
            try:
                data = channel.recv(262144)
            except TimeoutError:
                if time.monotonic() - last_data >= self.stall_timeout:
                    if not self._probe(channel.get_transport()):
                        raise _Disconnected(
                            f"no answer for {self.stall_timeout + self.probe_timeout:.0f} s"
                        ) from None
                    last_data = time.monotonic()
                continue
            except (OSError, EOFError, paramiko.SSHException) as exc:
                raise _Disconnected(f"connection lost: {exc or type(exc).__name__}") from None
            if not data:
                self._raise_for_exit(channel)
                raise _Disconnected("the server closed the stream")
            last_data = time.monotonic()
            buf += data
            if b"\n" not in data:
                if len(buf) > _MAX_LINE:
                    log.warning("dropping an over-long stream line (%d bytes)", len(buf))
                    self.undecodable += 1
                    buf = b""
                continue
            *lines, buf = buf.split(b"\n")
            pending.extend(lines)

    def _raise_for_exit(self, channel: paramiko.Channel) -> None:
        """A stream that ends with an error message is a fatal command error."""
        deadline = time.monotonic() + 0.5
        while not channel.exit_status_ready() and time.monotonic() < deadline:
            time.sleep(0.02)
        status = channel.recv_exit_status() if channel.exit_status_ready() else None
        stderr = b""
        try:
            while channel.recv_stderr_ready():
                stderr += channel.recv_stderr(65536)
        except (OSError, paramiko.SSHException):
            pass
        text = stderr.decode("utf-8", "replace").strip()
        if status not in (None, 0) and text:
            if "not permitted" in text:
                raise GerritForbiddenError(
                    self.target.label,
                    f"gerrit stream-events refused: {text}; the account needs the Stream "
                    "Events capability (or membership in Service Users)",
                )
            raise StreamCommandError(self.target.label, f"gerrit stream-events failed: {text}")

    def _probe(self, transport: paramiko.Transport | None) -> bool:
        """Send a keepalive that needs an answer; False if none comes in probe_timeout."""
        if transport is None or not transport.is_active():
            return False
        done = threading.Event()

        def ask() -> None:
            # Any answer (success or failure) proves the peer is alive.
            with contextlib.suppress(Exception):
                transport.global_request("keepalive@openssh.com", wait=True)
            done.set()

        threading.Thread(target=ask, name="vstui-stream-probe", daemon=True).start()
        deadline = time.monotonic() + self.probe_timeout
        while not done.wait(0.1):
            if self._stop.is_set() or time.monotonic() > deadline:
                return False
        return transport.is_active()

    def _handle_line(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            event = decode_event(line)
        except EventDecodeError as exc:
            self.undecodable += 1
            log.warning("skipping undecodable stream line: %s", exc)
            return
        if isinstance(event, DroppedOutput):
            # Not passed on: it only means "events were lost here"; the pump holds further
            # lines until the backfill has closed this gap.
            self.dropped_outputs += 1
            self._publish(ConnectionState(StreamState.BACKFILLING, "the server dropped output"))
            self._open_gap()
            return
        ts = event.event_created_on
        if ts is not None and self._floor is not None and ts < self._floor:
            self._floor = ts
        if self.deduper.accept_live(event):
            self._deliver(event)

    # ------------------------------------------------------------------ backfill

    def _maybe_backfill(self) -> None:
        if self._gap_since is None:
            return
        if self.backfill_client is None:
            self._publish(
                ConnectionState(
                    StreamState.ERROR,
                    "events sent while disconnected may be missing (no REST url to catch up)",
                )
            )
            self.deduper.unpin(self._gap_since)
            self._gap_since = None
            return
        if time.monotonic() < self._backfill_retry_at:
            return
        since = self._gap_since
        self._publish(ConnectionState(StreamState.BACKFILLING))
        try:
            events = self._interruptible(lambda: self._fetch_backfill(since))
        except _Interrupted:
            return
        except GerritError as exc:
            self._backfill_failures += 1
            delay = self.backoff.delay(self._backfill_failures)
            self._backfill_retry_at = time.monotonic() + delay
            self._publish(
                ConnectionState(
                    StreamState.ERROR, f"backfill failed, retry in {delay:.0f} s: {exc}"
                )
            )
            return
        self._backfill_failures = 0
        fresh = self.deduper.accept_replay(events, since) if events else []
        self._publish(ConnectionState(StreamState.BACKFILLING, count=len(fresh)))
        for event in fresh:
            if event.synthesized:
                self.synthesized += 1
            else:
                self.backfilled += 1
            self._deliver(event)
        self.deduper.unpin(since)
        if self._gap_since == since:
            self._gap_since = None
        if self._transport is not None:
            self._publish(ConnectionState(StreamState.LIVE))

    def _interruptible(self, work: Callable[[], Any]) -> Any:
        """Run blocking REST work in a helper thread so stop() is never stuck behind a slow
        HTTP answer; raises _Interrupted if asked to stop first (the result is dropped)."""
        box: dict[str, Any] = {}
        done = threading.Event()

        def run() -> None:
            try:
                box["value"] = work()
            except BaseException as exc:
                box["error"] = exc
            done.set()

        threading.Thread(target=run, name="vstui-stream-backfill", daemon=True).start()
        while not done.wait(0.1):
            if self._stop.is_set():
                raise _Interrupted
        if "error" in box:
            raise box["error"]
        return box["value"]

    def _baseline(self) -> None:
        """On the first connection, note what the events-log already holds for the last
        seconds: those events happened before vstui connected, so a later replay that
        reaches back that far must not deliver them (seconds are too coarse to tell)."""
        if self.backfill_client is None or self._floor is None:
            return
        since = self._floor - self.margin
        client = self.backfill_client
        try:
            rows = self._interruptible(
                lambda: client.get_events_log(datetime.fromtimestamp(since, UTC))
            )
        except _Interrupted:
            return
        except (GerritNotFoundError, GerritForbiddenError, GerritAuthError):
            self._events_log_ok = False
            return
        except GerritError as exc:
            log.info("could not read the events-log baseline: %s", exc)
            return
        self._events_log_ok = True
        self.deduper.mark_seen(r.event for r in rows if self._wanted(r.event))
        self._floor = since

    def _wanted(self, event: Event) -> bool:
        if not self.subscribe or event.type in self.subscribe:
            return True
        # A synthesized change-updated stands in for any change event.
        return event.synthesized and any(t not in _NOT_CHANGE_TYPES for t in self.subscribe)

    def _fetch_backfill(self, since: int) -> list[Event]:
        client = self.backfill_client
        start = datetime.fromtimestamp(since, UTC)
        if self._events_log_ok is not False:
            try:
                rows = client.get_events_log(start)
                self._events_log_ok = True
                return [r.event for r in rows if self._wanted(r.event)]
            except (GerritNotFoundError, GerritForbiddenError, GerritAuthError) as exc:
                log.info("events-log unavailable (%s); catching up over REST", exc)
                self._events_log_ok = False
        # REST fallback: one synthesized change-updated per change updated since `since`.
        query = f'after:"{start.strftime("%Y-%m-%d %H:%M:%S")}"'
        changes = client.query_changes(query)
        out: list[Event] = []
        for change in reversed(changes):  # REST is newest first; deliver oldest first
            updated = int(change.updated.timestamp()) if change.updated else since
            mark = (change.number, updated)
            if updated < since or mark in self._synth_seen:
                continue
            self._synth_seen.add(mark)
            event = synthesize_change_updated(change, updated)
            if self._wanted(event):
                out.append(event)
        return out


def synthesize_change_updated(change: Any, updated: int) -> Event:
    """A `change-updated` event (vstui's own type, marked synthesized) for a REST `Change`."""
    owner = change.owner
    change_attr: dict[str, Any] = {
        "project": change.project,
        "branch": change.branch,
        "id": change.change_id,
        "number": change.number,
        "subject": change.subject,
        "status": change.status,
    }
    if change.topic:
        change_attr["topic"] = change.topic
    if owner is not None:
        change_attr["owner"] = {
            k: v
            for k, v in (("name", owner.name), ("email", owner.email), ("username", owner.username))
            if v is not None
        }
    obj = {
        "change": change_attr,
        "project": change.project,
        "refName": f"refs/heads/{change.branch}",
        "changeKey": {"id": change.change_id},
        "type": "change-updated",
        "eventCreatedOn": updated,
        "vstui": {"synthesized": True},
    }
    line = msgspec.json.encode(obj).decode()
    event = decode_event(line, source="rest")
    assert isinstance(event, ChangeEvent)
    return event


# socket.timeout is TimeoutError on 3.10+; keep the name for readers.
assert socket.timeout is TimeoutError
