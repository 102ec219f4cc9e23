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
- Reconnects use exponential backoff with jitter. Every failure is retried, whatever raised
  it (a frozen server, a paramiko error mid-handshake, a failing backfill, a bug in a
  consumer), except an unknown or changed SSH host key, which ends the thread with a loud
  error: retrying would only hide a possible interception. A refused login, a missing Stream
  Events capability or a refused `stream-events` are fatal on the first connection (a
  configuration error to fix), retried once the stream has been live (a restarting server).
- After every reconnect and after a `dropped-output` line the gap is backfilled from the
  events-log plugin (`t1` = last delivered second minus `margin`), or, when the server has no
  events-log (404) or refuses it (401/403), from a REST query for changes updated since then,
  turned into synthesized `change-updated` events (`"vstui":{"synthesized":true}`).
- The backfill runs in a helper thread after the new stream is subscribed. Live events wait
  for it at most `max_hold` seconds (in the SSH channel), so in the usual case the gap comes
  first and delivery stays in order; when the backfill is slow or fails, live events go
  ahead and the gap is delivered late, once it can be fetched (the state says so). With
  `backfill_delay` (real events-log plugins flush every couple of seconds) a second pass runs
  that much later for what the first could not see yet. `Deduper` drops the copies
  (multiset matching by content per second), so each event reaches `on_event` exactly once.
- `dropped-output` is passed on like any line Gerrit sends (before the events recovered for
  it), and shows as a state.
- `stop(drain=True)` delivers what already arrived before the thread ends (Ctrl-C in
  `vstui watch` prints everything received).

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
# stop(drain=True): read what is in flight until the channel stays quiet this long (a loaded
# machine may take a moment to hand over bytes the server already sent), at most _DRAIN_MAX.
_DRAIN_QUIET = 0.5
_DRAIN_MAX = 1.5
_NOTE_SECONDS = 30.0  # how long "N missed events delivered late" stays in the state
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

    `fatal` errors end the thread (unknown/changed host key; on the first connection also a
    refused login, no permission). `unreachable` says the server did not answer (connecting
    failed or a stall was detected), `down_since` (epoch seconds) when that outage began.
    `late` counts events of a gap delivered after newer live events.
    """

    state: StreamState
    detail: str = ""
    retry_in: float | None = None
    count: int | None = None
    fatal: bool = False
    unreachable: bool = False
    down_since: float | None = None
    late: int = 0

    def __str__(self) -> str:
        if self.state is StreamState.RECONNECTING:
            if self.unreachable:
                text = "server unreachable, " + (
                    f"retrying in {self.retry_in:.0f} s" if self.retry_in else "retrying"
                )
            else:
                text = f"reconnecting in {self.retry_in:.0f} s" if self.retry_in else "reconnecting"
            return f"{text} ({self.detail})" if self.detail else text
        if self.state is StreamState.BACKFILLING:
            if self.count is None:
                return f"backfilling ({self.detail})" if self.detail else "backfilling"
            return f"backfilling {self.count} events" + (f" ({self.detail})" if self.detail else "")
        if self.state is StreamState.ERROR:
            return f"error: {self.detail}"
        if self.state is StreamState.CONNECTING:
            if self.unreachable:
                return "server unreachable, retrying now"
            if self.detail:
                return f"connecting to {self.detail}"
        if self.state is StreamState.LIVE and self.detail:
            return f"live ({self.detail})"
        return str(self.state.value)


@dataclass(frozen=True)
class Backoff:
    """Reconnect delays: `initial * 2**n` capped at `maximum`, times a jitter in [0.5, 1.5)."""

    initial: float = 1.0
    maximum: float = 60.0

    def delay(self, failures: int) -> float:
        base = min(self.maximum, self.initial * 2 ** max(0, failures - 1))
        return float(base) * random.uniform(0.5, 1.5)


class _Disconnected(Exception):
    """The stream connection ended (EOF, reset, or detected stall).

    `unreachable`: the server stopped answering (a stall), rather than closing the stream.
    """

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.unreachable = unreachable


class _BackfillJob:
    """One backfill fetch running in a helper thread; the stream thread collects it."""

    def __init__(self, since: int, gen: int, work: Callable[[], list[Event]]) -> None:
        self.since = since
        self.gen = gen
        self.done = threading.Event()
        self.events: list[Event] = []
        self.error: BaseException | None = None
        self._work = work
        threading.Thread(target=self._run, name="vstui-stream-backfill", daemon=True).start()

    def _run(self) -> None:
        try:
            self.events = self._work()
        except BaseException as exc:  # handed to the stream thread, which decides
            self.error = exc
        self.done.set()


def _is_fatal(exc: BaseException, first_connection: bool) -> bool:
    """Whether `exc` ends the stream instead of a reconnect with backoff.

    An unknown or changed host key is always fatal (loud, never silently retried: it may be
    an interception). A refused login, a missing capability or a refused command are
    configuration errors on the first connection; once the stream has been live they are
    retried (a server restarting may refuse logins for a while).
    """
    if isinstance(exc, HostKeyError):
        return True
    if isinstance(exc, GerritAuthError | GerritForbiddenError | StreamCommandError):
        return first_connection
    return False


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
        backfill_delay: run a second backfill pass this long after the first (real
            events-log plugins flush to their store every couple of seconds).
        backoff: reconnect delays.
        exit_on_initial_failure: give up (fatal error) if the very first connection fails,
            instead of retrying (what `vstui watch` wants).
        max_hold: longest time (s) live events wait for a gap's backfill before they go
            ahead of it (the gap is then delivered late).
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
        max_hold: float = 1.5,
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
        self.late = 0  # gap events delivered after newer live events
        self._stop = threading.Event()
        self._drain = threading.Event()
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None
        self._transport: paramiko.Transport | None = None
        self._transport_lock = threading.Lock()
        self._connected = False
        self._failures = 0  # consecutive failed attempts (sets the backoff)
        self._connections = 0  # stream sessions that went live so far
        self._down_since: float | None = None  # epoch second the current outage began
        self._gap_since: int | None = None  # epoch second a pending backfill starts at
        self._gap_opened = 0.0  # monotonic time the open gap was opened
        self._gap_passes: list[float] = []  # monotonic times the gap's backfill passes are due
        self._gap_first_done = False  # the first pass succeeded: live events need not wait
        self._gap_gen = 0  # bumped when the gap grows: passes fetched before are not enough
        self._newest_live_in_gap: int | None = None  # newest live event delivered meanwhile
        self._job: _BackfillJob | None = None
        self._note_until = 0.0  # when a "delivered late" note leaves the state
        self._baseline_job: _BackfillJob | None = None
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

    def stop(self, timeout: float = 1.0, *, drain: bool = False) -> bool:
        """Ask the thread to stop and wait up to `timeout` s; True if it has stopped.

        With `drain`, lines that already arrived (held back for a backfill, or waiting in
        the SSH channel) are delivered first; that takes a fraction of a second.
        """
        if drain:
            self._drain.set()
        self._stop.set()
        if not drain or not self._connected:  # nothing to drain while (re)connecting
            with self._transport_lock:
                transport = self._transport
            if transport is not None:
                transport.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            if not self._finished.wait(timeout) and drain:
                self._close_transport()
                self._finished.wait(0.5)
            return self._finished.is_set()
        return True

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread to end. Waits on an Event, not `Thread.join`: a join cut
        short by Ctrl-C leaves `Thread.is_alive()` wrongly False on CPython < 3.13."""
        if self._thread is not None:
            self._finished.wait(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._finished.is_set()

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
        try:
            while not self._stop.is_set():
                try:
                    self._connect_loop()
                    return  # stopped, or a fatal error
                except Exception as exc:  # a bug: never the end of the stream either
                    log.exception("the stream thread failed; starting over")
                    self._connected = False
                    self._close_transport()
                    self._failures += 1
                    self._wait_reconnect(
                        self._failures, f"internal error: {exc!r}", unreachable=False
                    )
        finally:
            try:
                self._close_transport()
                if self.own_backfill and self.backfill_client is not None:
                    with contextlib.suppress(Exception):
                        self.backfill_client.close()
                if self.error is None:
                    self._publish(ConnectionState(StreamState.STOPPED))
            finally:
                self._finished.set()

    def _connect_loop(self) -> None:
        """Connect, stream, reconnect with backoff until stopped or a fatal error."""
        while not self._stop.is_set():
            unreachable = self._failures > 0 and self._down_since is not None
            self._publish(
                ConnectionState(
                    StreamState.CONNECTING,
                    self.target.label,
                    unreachable=unreachable,
                    down_since=self._down_since if unreachable else None,
                )
            )
            try:
                transport = connect_transport(
                    self.target,
                    timeout=self.connect_timeout,
                    keepalive=self.keepalive_interval,
                    stop=self._stop,
                    on_transport=self._set_transport,
                )
                channel = self._open_stream(transport)
            except Exception as exc:
                self._close_transport()
                if self._stop.is_set():
                    return
                if _is_fatal(exc, self._connections == 0) or (
                    self._connections == 0 and self.exit_on_initial_failure
                ):
                    self._fail(_as_gerrit_error(self.target.label, exc))
                    return
                if not isinstance(exc, GerritError):
                    log.warning("connecting failed: %r", exc)
                self._failures += 1
                # A refused login after a restart is an answer; anything else is not.
                unreachable = not isinstance(exc, GerritAuthError | GerritForbiddenError)
                if unreachable and self._down_since is None:
                    self._down_since = time.time()
                self._wait_reconnect(self._failures, _reason(exc), unreachable=unreachable)
                continue
            self._connections += 1
            self._failures = 0
            self._down_since = None
            reason, unreachable = "stopped", False
            try:
                self._pump(channel)
            except _Disconnected as exc:
                reason, unreachable = str(exc), exc.unreachable
            except Exception as exc:
                if _is_fatal(exc, self._connections == 1):
                    self._fail(_as_gerrit_error(self.target.label, exc))
                    return
                if not isinstance(exc, GerritError):
                    log.exception("the stream failed; reconnecting")
                reason = _reason(exc)
            finally:
                self._connected = False
                self._close_transport()
            if self._stop.is_set():
                return
            self.reconnects += 1
            self._open_gap()
            self._failures += 1
            if unreachable and self._down_since is None:
                self._down_since = time.time()
            self._wait_reconnect(self._failures, reason, unreachable=unreachable)

    def _fail(self, exc: GerritError) -> None:
        self.error = exc
        self._publish(ConnectionState(StreamState.ERROR, str(exc), fatal=True))

    def _close_transport(self) -> None:
        with self._transport_lock:
            transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    def _wait_reconnect(self, failures: int, reason: str, *, unreachable: bool) -> None:
        delay = self.backoff.delay(failures)
        self._publish(
            ConnectionState(
                StreamState.RECONNECTING,
                reason,
                retry_in=delay,
                unreachable=unreachable,
                down_since=self._down_since if unreachable else None,
            )
        )
        deadline = time.monotonic() + delay
        # A long wait: catch up over REST meanwhile (the SSH side may be the only part
        # down), quietly: the state stays "unreachable" whatever the backfill does.
        catch_up = delay > 3
        while not self._stop.is_set():
            if catch_up:
                try:
                    self._service_backfill()
                except Exception:  # a bug: give up catching up during this wait only
                    log.exception("catching up while disconnected failed")
                    self._job, catch_up = None, False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._stop.wait(min(0.1, remaining))

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
        """Remember where the next backfill must start (the earliest open gap wins); when
        connected, schedule its passes."""
        if self._floor is None:
            return  # never connected: nothing to catch up with
        newest = self.deduper.newest
        since = self._floor if newest is None else max(self._floor, newest - self.margin)
        if self._gap_since is None:
            self._newest_live_in_gap = None
        if self._gap_since is None or since < self._gap_since:
            if self._gap_since is not None:
                self.deduper.unpin(self._gap_since)
            self._gap_since = since
            self.deduper.pin(since)
        self._gap_gen += 1
        self._backfill_retry_at = time.monotonic()
        self._backfill_failures = 0
        if self._connected:
            self._schedule_passes()

    def _schedule_passes(self) -> None:
        """Backfill the open gap now and again after `backfill_delay`; live lines wait for
        the first pass at most `max_hold` s from now."""
        now = time.monotonic()
        self._gap_opened = now
        self._gap_first_done = False
        self._gap_passes = [now] + ([now + self.backfill_delay] if self.backfill_delay else [])
        self._backfill_retry_at = now
        self._backfill_failures = 0

    def _close_gap(self) -> None:
        if self._gap_since is not None:
            self.deduper.unpin(self._gap_since)
        self._gap_since = None
        self._gap_passes = []
        self._gap_first_done = False

    def _holding(self) -> bool:
        """Live lines wait (in the channel) while a fresh gap's first backfill runs."""
        return (
            self._gap_since is not None
            and not self._gap_first_done
            and not self._backfill_failures  # a failed pass: no point waiting for a retry
            and self.backfill_client is not None
            and time.monotonic() - self._gap_opened < self.max_hold
        )

    # ------------------------------------------------------------------ reading

    def _pump(self, channel: paramiko.Channel) -> None:
        """Read lines until the connection ends; raises _Disconnected or a GerritError.

        While a fresh gap's first backfill runs (at most `max_hold` s), live lines stay unread
        in the SSH channel, so the gap usually comes first and delivery stays in order; then
        live delivery goes on and the gap is delivered late, once a backfill pass works.
        """
        self._connected = True
        self._publish(ConnectionState(StreamState.LIVE))
        if self._gap_since is not None:
            self._gap_gen += 1  # passes fetched while disconnected end before this stream
            self._schedule_passes()
        if self._floor is None:
            # Our clock, one second early; lowered below if the server's clock is behind.
            self._floor = int(time.time()) - 1
            self._start_baseline()
        pending: deque[bytes] = deque()
        buf = b""
        last_data = time.monotonic()
        was_holding = False
        while True:
            if self._stop.is_set():
                if self._drain.is_set():
                    self._drain_channel(channel, pending, buf)
                return
            self._service_backfill()
            if self._note_until and time.monotonic() >= self._note_until:
                self._note_until = 0.0
                if self.state.state is StreamState.LIVE and self._gap_since is None:
                    self._publish(ConnectionState(StreamState.LIVE))  # the late note is old
            if self._holding():
                was_holding = True
                job = self._job
                if job is not None:
                    job.done.wait(0.02)
                else:
                    self._stop.wait(0.02)
                last_data = time.monotonic()
                continue
            if was_holding:
                was_holding = False
                if (
                    self._gap_since is not None
                    and not self._gap_first_done
                    and not self._backfill_failures  # (a failure said so already)
                ):
                    self._publish(
                        ConnectionState(
                            StreamState.LIVE,
                            "live events go ahead; missed events follow when caught up",
                        )
                    )
            if pending:
                self._handle_line(pending.popleft())
                continue
            try:
                data = channel.recv(262144)
            except TimeoutError:
                if time.monotonic() - last_data >= self.stall_timeout:
                    if not self._probe(channel.get_transport()):
                        raise _Disconnected(
                            f"no answer for {self.stall_timeout + self.probe_timeout:.0f} s",
                            unreachable=True,
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

    def _drain_channel(self, channel: paramiko.Channel, pending: deque[bytes], buf: bytes) -> None:
        """Deliver what already arrived: pending lines, then what the channel holds (read
        until it stays quiet for half a second, at most 1.5 s)."""
        deadline = time.monotonic() + _DRAIN_MAX
        quiet_until = time.monotonic() + _DRAIN_QUIET
        with contextlib.suppress(Exception):
            channel.settimeout(0.05)
        while time.monotonic() < deadline and time.monotonic() < quiet_until:
            try:
                data = channel.recv(262144)
            except TimeoutError:
                continue
            except Exception:
                break
            if not data:
                break
            quiet_until = time.monotonic() + _DRAIN_QUIET
            buf += data
            *lines, buf = buf.split(b"\n")
            pending.extend(lines)
        while pending:
            self._handle_line(pending.popleft())

    def _raise_for_exit(self, channel: paramiko.Channel) -> None:
        """A stream that ends with an error message is a command error."""
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
        return bool(transport.is_active())

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
            # A line Gerrit sent: passed on (it is not an event of the content multiset,
            # so it bypasses the deduper), then the gap it marks is backfilled.
            self.dropped_outputs += 1
            self._deliver(event)
            self._publish(ConnectionState(StreamState.BACKFILLING, "the server dropped output"))
            self._open_gap()
            return
        ts = event.event_created_on
        if ts is not None and self._floor is not None and ts < self._floor:
            self._floor = ts
        if self.deduper.accept_live(event):
            if self._gap_since is not None and ts is not None:
                newest = self._newest_live_in_gap
                self._newest_live_in_gap = ts if newest is None else max(newest, ts)
            self._deliver(event)

    # ------------------------------------------------------------------ backfill

    def _service_backfill(self) -> None:
        """Collect a finished backfill pass, and start the next one when it is due.

        Never blocks: the fetch runs in a helper thread (`_BackfillJob`)."""
        baseline = self._baseline_job
        if baseline is not None:
            if not baseline.done.is_set():
                return  # passes wait for it (else they could replay pre-connection events)
            self._baseline_job = None
            self._finish_baseline(baseline)
        job = self._job
        if job is not None:
            if not job.done.is_set():
                if job.gen == self._gap_gen or not self._connected:
                    return
                # Started before the gap grew (e.g. a REST call stuck on a frozen server
                # while disconnected): a fresh pass covers it; its answer is dropped.
                self._job = None
            else:
                self._job = None
                self._finish_backfill(job)
        since = self._gap_since
        if since is None:
            return
        if self.backfill_client is None:
            if self._connected:
                self._publish(
                    ConnectionState(
                        StreamState.LIVE,
                        "events sent while disconnected may be missing (no REST url to catch up)",
                    )
                )
                self._close_gap()
            return
        now = time.monotonic()
        if now < self._backfill_retry_at:
            return
        if self._connected:
            if not self._gap_passes or now < self._gap_passes[0]:
                return
            if not self._backfill_failures:  # retries keep the "not caught up yet" state
                self._publish(ConnectionState(StreamState.BACKFILLING))
        # While disconnected nothing is published: the state stays "unreachable".
        self._job = _BackfillJob(since, self._gap_gen, lambda: self._fetch_backfill(since))

    def _finish_backfill(self, job: _BackfillJob) -> None:
        error = job.error
        if error is not None:
            if not isinstance(error, GerritError):
                log.warning("backfill failed: %r", error)
            self._backfill_failures += 1
            delay = self.backoff.delay(self._backfill_failures)
            self._backfill_retry_at = time.monotonic() + delay
            if self._connected:
                self._publish(
                    ConnectionState(
                        StreamState.LIVE,
                        f"missed events not caught up yet, retry in {delay:.0f} s: "
                        f"{_reason(error)}",
                    )
                )
            return
        self._backfill_failures = 0
        events = self._unseen(job.events)
        fresh = self.deduper.accept_replay(events, job.since) if events else []
        newest_live = self._newest_live_in_gap
        late = 0
        if newest_live is not None:
            late = sum(1 for e in fresh if (e.event_created_on or 0) <= newest_live)
        if self._connected:
            self._publish(ConnectionState(StreamState.BACKFILLING, count=len(fresh), late=late))
        for event in fresh:
            if event.synthesized:
                self.synthesized += 1
            else:
                self.backfilled += 1
            self._deliver(event)
        self.late += late
        if not self._connected:
            # Still disconnected: what happens from now on is missed too; try again later.
            self._backfill_retry_at = time.monotonic() + max(5.0, self.backoff.maximum / 2)
            return
        if job.gen == self._gap_gen and job.since == self._gap_since:
            self._gap_first_done = True
            if self._gap_passes:
                self._gap_passes.pop(0)
            if not self._gap_passes:
                self._close_gap()
        # else: the gap grew meanwhile; its next pass is due at once.
        detail = f"{late} missed events delivered late" if late else ""
        if late:
            self._note_until = time.monotonic() + _NOTE_SECONDS
        self._publish(ConnectionState(StreamState.LIVE, detail, late=late))

    def _unseen(self, events: list[Event]) -> list[Event]:
        """Drop synthesized change-updated events already delivered (same change, same
        update time): a REST catch-up says nothing new about them."""
        out = []
        for event in events:
            if event.synthesized:
                mark = (event.change_number or 0, event.event_created_on or 0)
                if mark in self._synth_seen:
                    continue
                self._synth_seen.add(mark)
            out.append(event)
        return out

    def _start_baseline(self) -> None:
        """On the first connection, read what the events-log already holds for the last
        seconds: those events happened before vstui connected, so a later replay that
        reaches back that far must not deliver them (seconds are too coarse to tell).

        Runs beside live delivery (a slow or frozen REST server must not hold live events);
        backfill passes wait for it."""
        if self.backfill_client is None or self._floor is None:
            return
        since = self._floor - self.margin
        client = self.backfill_client

        def work() -> list[Event]:
            rows = client.get_events_log(datetime.fromtimestamp(since, UTC))
            return [r.event for r in rows if self._wanted(r.event)]

        self._baseline_job = _BackfillJob(since, 0, work)

    def _finish_baseline(self, job: _BackfillJob) -> None:
        error = job.error
        if error is None:
            self._events_log_ok = True
            # The answer may be computed after we subscribed and hold events since then. With
            # no gap so far those were all delivered live, and marking them is harmless; with
            # a gap (a drop, a reconnect) some may be lost ones the backfill must deliver, so
            # then only seconds wholly before the connection count as already seen.
            floor = job.since + self.margin
            cutoff = floor if self._gap_since is not None else floor + 1
            self.deduper.mark_seen(e for e in job.events if (e.event_created_on or 0) <= cutoff)
            if self._floor is not None:
                self._floor = min(self._floor, job.since)
        elif isinstance(error, GerritNotFoundError | GerritForbiddenError | GerritAuthError):
            self._events_log_ok = False
        else:
            log.info("could not read the events-log baseline: %s", _reason(error))

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
            if updated < since:
                continue
            # (Those already synthesized are dropped by the stream thread: `_unseen`.)
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


def _reason(exc: BaseException) -> str:
    """One line for a failure (GerritErrors say it themselves; others by type)."""
    if isinstance(exc, GerritError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _as_gerrit_error(label: str, exc: BaseException) -> GerritError:
    if isinstance(exc, GerritError):
        return exc
    return GerritNetworkError(label, _reason(exc))


# socket.timeout is TimeoutError on 3.10+; keep the name for readers.
assert socket.timeout is TimeoutError
