"""The emulator's SSH daemon: paramiko, publickey auth only, Gerrit commands over `exec`.

One listener thread accepts connections; each connection is a paramiko `Transport` (its own
thread) and each exec request runs in its own thread. Stream-events sessions are served by
`StreamSession`, which copies Gerrit's `StreamEvents` command: a bounded queue of 128 events
per connection, batches of at most 32 events per write, and a `dropped-output` event written
before the next event once the queue has overflowed.

Nothing here knows the Gerrit world: authentication and command dispatch are callables
handed in by `FakeGerrit` (see `ssh_commands.py`).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import paramiko
from paramiko.common import cMSG_CHANNEL_FAILURE, cMSG_CHANNEL_SUCCESS

log = logging.getLogger(__name__)

MAX_EVENTS = 128  # StreamEvents.MAX_EVENTS
BATCH_SIZE = 32  # StreamEvents.BATCH_SIZE
_POLL = 0.25  # how often idle loops re-check for shutdown / a closed channel


class _Transport(paramiko.Transport):
    """A server Transport that can run code right after a channel request has been answered.

    paramiko calls `check_channel_exec_request` *before* it sends CHANNEL_SUCCESS. A command
    thread started there can finish (data, exit-status, close) before that reply goes out,
    and a client waiting for the reply then sees "Channel closed". So command threads wait
    for `reply_sent(channel)`, which this hook signals once the reply is on the wire.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(sock)
        self._awaiting_reply: dict[int, threading.Event] = {}

    def expect_reply(self, channel: paramiko.Channel) -> threading.Event:
        ev = threading.Event()
        self._awaiting_reply[channel.remote_chanid] = ev
        return ev

    def _send_user_message(self, data):  # type: ignore[no-untyped-def]
        super()._send_user_message(data)
        if self._awaiting_reply:
            raw = data.asbytes() if isinstance(data, paramiko.Message) else bytes(data)
            if raw[:1] in (cMSG_CHANNEL_SUCCESS, cMSG_CHANNEL_FAILURE) and len(raw) >= 5:
                (remote_id,) = struct.unpack(">I", raw[1:5])
                ev = self._awaiting_reply.pop(remote_id, None)
                if ev is not None:
                    ev.set()


@dataclass
class SshRequest:
    """One exec request, as a command implementation sees it."""

    username: str
    command_line: str
    channel: paramiko.Channel
    transport: paramiko.Transport
    server: SshServer
    _out: list[bytes] = field(default_factory=list)
    _err: list[bytes] = field(default_factory=list)

    def out(self, text: str) -> None:
        self._out.append(text.encode("utf-8"))

    def err(self, text: str) -> None:
        self._err.append(text.encode("utf-8"))

    def flush(self) -> None:
        if self._out:
            self.channel.sendall(b"".join(self._out))
            self._out.clear()
        if self._err:
            self.channel.sendall_stderr(b"".join(self._err))
            self._err.clear()


class StreamHub:
    """Fans each emitted event line out to every live stream-events session."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._sessions: set[StreamSession] = set()
        self._lock = threading.Lock()
        self._stalled_until = 0.0
        self._clock = clock

    def publish(self, event_type: str, line: str) -> None:
        """Offer one event (its compact JSON line without newline) to every session."""
        with self._lock:
            sessions = tuple(self._sessions)
        for s in sessions:
            s.offer(event_type, line)

    def add(self, session: StreamSession) -> None:
        with self._lock:
            self._sessions.add(session)

    def remove(self, session: StreamSession) -> None:
        with self._lock:
            self._sessions.discard(session)

    @property
    def session_count(self) -> int:
        with self._lock:
            return len(self._sessions)

    def backlog(self) -> int:
        """Events queued or being written, over all sessions (0 = every session caught up)."""
        with self._lock:
            sessions = tuple(self._sessions)
        return sum(s.backlog for s in sessions)

    def max_backlog(self) -> int:
        """The largest per-session backlog (a session drops events once it reaches 128)."""
        with self._lock:
            sessions = tuple(self._sessions)
        return max((s.backlog for s in sessions), default=0)

    def drop_all(self) -> int:
        """Abruptly close the connection of every stream session; returns how many."""
        with self._lock:
            sessions = tuple(self._sessions)
            self._sessions.clear()  # gone as of now, even before their threads notice
        for s in sessions:
            s.abort()
        return len(sessions)

    def stall(self, seconds: float) -> None:
        """Stop writing to all stream sessions for `seconds`, keeping them open."""
        until = time.monotonic() + max(0.0, seconds)
        with self._lock:
            self._stalled_until = max(self._stalled_until, until)
            sessions = tuple(self._sessions)
        for s in sessions:
            s.wake()

    def stalled_for(self) -> float:
        """Seconds left in the current stall (0 when not stalled)."""
        return max(0.0, self._stalled_until - time.monotonic())

    def now_seconds(self) -> int:
        return int(self._clock())


class StreamSession:
    """One `gerrit stream-events` session: Gerrit's bounded queue, batching and drop marker."""

    def __init__(
        self,
        request: SshRequest,
        hub: StreamHub,
        subscribed: Iterable[str] = (),
        stop: threading.Event | None = None,
    ) -> None:
        self.request = request
        self.channel = request.channel
        self.hub = hub
        self.subscribed = frozenset(subscribed)
        self._queue: deque[str] = deque()
        self._dropped = False
        self._done = False
        self._writing = 0
        self._cond = threading.Condition()
        self._stop = stop or threading.Event()

    def offer(self, event_type: str, line: str) -> None:
        if self.subscribed and event_type not in self.subscribed:
            return
        with self._cond:
            if self._done:
                return
            if len(self._queue) >= MAX_EVENTS:
                self._dropped = True  # the new event is discarded, as LinkedBlockingQueue.offer
            else:
                self._queue.append(line)
            self._cond.notify()

    @property
    def backlog(self) -> int:
        with self._cond:
            return len(self._queue) + self._writing + (1 if self._dropped else 0)

    def wake(self) -> None:
        with self._cond:
            self._cond.notify()

    def abort(self) -> None:
        """Cut the connection without an exit status: the client sees the stream die."""
        with self._cond:
            self._done = True
            self._cond.notify()
        self.request.transport.close()

    def _alive(self) -> bool:
        return (
            not self._stop.is_set()
            and not self.channel.closed
            and self.request.transport.is_active()
        )

    def run(self) -> None:
        """Write events until the client goes away, the server stops or the session is cut."""
        self.hub.add(self)
        try:
            while True:
                with self._cond:
                    while True:
                        if self._done or not self._alive():
                            return
                        stall = self.hub.stalled_for()
                        if stall > 0:
                            self._cond.wait(min(stall, _POLL))
                            continue
                        if self._queue or self._dropped:
                            break
                        self._cond.wait(_POLL)
                    batch: list[str] = []
                    if self._dropped:
                        self._dropped = False
                        batch.append(
                            f'{{"type":"dropped-output","eventCreatedOn":{self.hub.now_seconds()}}}'
                        )
                    for _ in range(min(BATCH_SIZE, len(self._queue))):
                        batch.append(self._queue.popleft())
                    self._writing = len(batch)
                batch.append("")
                try:
                    # Blocks while the client's SSH window is full: a slow reader's queue then
                    # fills up and overflows into dropped-output, exactly as on Gerrit.
                    self.channel.sendall("\n".join(batch).encode("utf-8"))
                except (OSError, EOFError, paramiko.SSHException):
                    return
                finally:
                    with self._cond:
                        self._writing = 0
        finally:
            with self._cond:
                self._done = True
            self.hub.remove(self)


class _ServerInterface(paramiko.ServerInterface):
    def __init__(self, server: SshServer, transport: _Transport) -> None:
        self.server = server
        self.transport = transport

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_none(self, username: str) -> int:
        return paramiko.AUTH_FAILED

    def check_auth_password(self, username: str, password: str) -> int:
        return paramiko.AUTH_FAILED

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        try:
            ok = self.server.authenticate(username, key)
        except Exception:  # a lookup bug must not kill the transport thread
            log.exception("publickey lookup failed for %r", username)
            ok = False
        return paramiko.AUTH_SUCCESSFUL if ok else paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        if kind == "session":
            return paramiko.OPEN_SUCCEEDED
        return paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_env_request(self, channel, name, value) -> bool:  # type: ignore[no-untyped-def]
        return True

    def check_channel_pty_request(self, channel, *args) -> bool:  # type: ignore[no-untyped-def]
        return True

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        text = command.decode("utf-8", errors="replace")
        self.server._start_request(self.transport, channel, text)
        return True

    def check_channel_shell_request(self, channel: paramiko.Channel) -> bool:
        self.server._start_request(self.transport, channel, None)
        return True


CommandRunner = Callable[[SshRequest], int]
Authenticator = Callable[[str, paramiko.PKey], bool]


class SshServer:
    """Listen on `host:port` (0 = any free port) and serve exec requests with `run_command`.

    `run_command(request)` returns the exit status; it writes through `request.out/err`
    (flushed afterwards) or directly to `request.channel` for long-running output.
    `shell` is called for an interactive shell request (Gerrit prints a greeting).
    """

    def __init__(
        self,
        host: str,
        port: int,
        host_key: paramiko.PKey,
        authenticate: Authenticator,
        run_command: CommandRunner,
        shell: CommandRunner | None = None,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.host_key = host_key
        self.authenticate = authenticate
        self.run_command = run_command
        self.shell = shell
        self.stopping = threading.Event()
        self._sock: socket.socket | None = None
        self._accept_thread: threading.Thread | None = None
        self._transports: set[_Transport] = set()
        self._workers: set[threading.Thread] = set()
        self._lock = threading.Lock()
        self.port = 0

    def start(self) -> None:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.requested_port))
        except OSError as exc:
            sock.close()
            raise OSError(
                exc.errno,
                f"cannot listen for SSH on {self.host}:{self.requested_port}: {exc.strerror}",
            ) from None
        sock.listen(128)
        sock.settimeout(_POLL)
        self._sock = sock
        self.port = sock.getsockname()[1]
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"fake-gerrit-sshd:{self.port}", daemon=True
        )
        self._accept_thread.start()

    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self.stopping.is_set():
            try:
                conn, _addr = self._sock.accept()
            except TimeoutError:
                self._prune()
                continue
            except OSError:
                if self.stopping.is_set():
                    return
                continue
            try:
                self._serve(conn)
            except Exception:
                log.exception("cannot start SSH transport")
                conn.close()

    def _serve(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        t = _Transport(conn)
        t.add_server_key(self.host_key)
        t.banner_timeout = 10
        t.auth_timeout = 10
        if len(self._transports) > 256:
            self._prune()  # busy server: the idle-time pruning may never run
        with self._lock:
            if self.stopping.is_set():
                conn.close()
                return
            self._transports.add(t)
        # With an Event, start_server returns at once; the transport thread does the rest.
        t.start_server(event=threading.Event(), server=_ServerInterface(self, t))

    def _prune(self) -> None:
        with self._lock:
            self._transports = {t for t in self._transports if t.is_active()}
            self._workers = {w for w in self._workers if w.is_alive()}

    def _start_request(
        self, transport: _Transport, channel: paramiko.Channel, command_line: str | None
    ) -> None:
        replied = transport.expect_reply(channel)
        worker = threading.Thread(
            target=self._run_request,
            args=(transport, channel, command_line, replied),
            name=f"fake-gerrit-ssh-cmd:{transport.get_username()}",
            daemon=True,
        )
        with self._lock:
            self._workers.add(worker)
        worker.start()

    def _run_request(
        self,
        transport: _Transport,
        channel: paramiko.Channel,
        command_line: str | None,
        replied: threading.Event,
    ) -> None:
        # Clients that do not ask for a reply get none; do not wait for ever on them.
        replied.wait(1.0)
        request = SshRequest(
            username=transport.get_username() or "",
            command_line=command_line or "",
            channel=channel,
            transport=transport,
            server=self,
        )
        rc = 1
        try:
            if command_line is None:
                rc = self.shell(request) if self.shell else 127
            else:
                rc = self.run_command(request)
            request.flush()
        except (OSError, EOFError, paramiko.SSHException):
            return  # the client went away mid-command
        except Exception:
            log.exception("SSH command failed: %r", command_line)
            request._out.clear()
            request._err.clear()
            request.err("fatal: internal server error\n")
            rc = 128
            try:
                request.flush()
            except (OSError, EOFError, paramiko.SSHException):
                return
        try:
            if not channel.closed:
                channel.send_exit_status(rc)
                channel.shutdown_write()
                channel.close()
        except (OSError, EOFError, paramiko.SSHException):
            pass

    def stop(self, timeout: float = 1.5) -> None:
        """Stop accepting, cut every connection and wait (bounded) for worker threads."""
        self.stopping.set()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
            with contextlib.suppress(OSError):
                self._sock.close()
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=1.0)
        with self._lock:
            transports = tuple(self._transports)
            workers = tuple(self._workers)
            self._transports.clear()
        for t in transports:
            try:
                t.close()
            except Exception:  # a half-negotiated transport may fail to close cleanly
                log.debug("error closing transport", exc_info=True)
        deadline = time.monotonic() + timeout
        for w in workers:
            w.join(timeout=max(0.0, deadline - time.monotonic()))

    def close_connections(self, transports: Iterable[paramiko.Transport]) -> None:
        for t in transports:
            t.close()
