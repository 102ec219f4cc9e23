"""Helpers for the gerrit client tests: targets built from the emulator's info (never ~),
an event collector, and a TCP proxy that can black-hole its connections."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vstui.config import Credentials
from vstui.gerrit.rest import GerritSyncClient
from vstui.gerrit.ssh import SSHTarget, resolve_target
from vstui.gerrit.stream import ConnectionState, StreamState


def account(fg: Any, username: str | None = None) -> dict[str, Any]:
    username = username or fg.info["default_account"]
    return next(a for a in fg.info["accounts"] if a["username"] == username)


def target(
    fg: Any,
    tmp_path: Path,
    *,
    user: str | None = None,
    key: Path | None = None,
    known_hosts_line: str | None = None,
    port: int | None = None,
) -> SSHTarget:
    """A target for the emulator that trusts only `known_hosts_line` (default: the real one)."""
    entry = account(fg, user)
    port = port or fg.ssh_port
    line = known_hosts_line
    if line is None:
        _name, kind, blob = fg.info["ssh"]["known_hosts_line"].split()
        line = f"[127.0.0.1]:{port} {kind} {blob}"
    known = tmp_path / f"known_hosts-{port}"
    known.write_text(line + "\n" if line else "")
    return resolve_target(
        "127.0.0.1",
        port=port,
        user=entry["username"],
        key_file=key or Path(entry["ssh_private_key"]),
        known_hosts=[known],
        ssh_config=tmp_path / "no-ssh-config",
        use_default_known_hosts=False,
        use_default_keys=False,
        use_agent=False,
        known_hosts_advice=known,
    )


def backfill_client(fg: Any, *, anonymous: bool = False) -> GerritSyncClient:
    entry = account(fg)
    creds = None if anonymous else Credentials(entry["username"], entry["http_password"], "t")
    return GerritSyncClient(fg.http_url, credentials=creds)


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f}s: {what}")
        time.sleep(0.01)


class Collector:
    """on_event/on_state sink for EventStream, safe to read from the test thread."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.states: list[ConnectionState] = []
        self._lock = threading.Lock()

    def on_event(self, event: Any) -> None:
        with self._lock:
            self.events.append(event)

    def on_state(self, state: ConnectionState) -> None:
        with self._lock:
            self.states.append(state)

    def count(self, state: StreamState) -> int:
        with self._lock:
            return sum(1 for s in self.states if s.state is state)

    def snapshot(self) -> list[Any]:
        with self._lock:
            return list(self.events)


class BlackholeProxy:
    """TCP forwarder to `upstream`; `blackhole()` silently stops forwarding on every open
    connection (no FIN, no RST: a dead Wi-Fi), new connections work normally."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._generation = 0
        self._stop = threading.Event()
        self._socks: list[socket.socket] = []
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
            up = socket.create_connection(self.upstream)
            self._socks += [conn, up]
            gen = self._generation
            for a, b in ((conn, up), (up, conn)):
                threading.Thread(target=self._pump, args=(a, b, gen), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, gen: int) -> None:
        src.settimeout(0.1)
        while not self._stop.is_set():
            if gen != self._generation:
                time.sleep(0.05)  # black-holed: hold everything, close nothing
                continue
            try:
                data = src.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            try:
                dst.sendall(data)
            except OSError:
                return

    def blackhole(self) -> None:
        self._generation += 1

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        for s in self._socks:
            s.close()


class OutageProxy:
    """TCP forwarder to `upstream` that can take the server away: `down()` closes every
    open connection and closes new ones at once (nothing answers), `up()` forwards again."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.refused = 0  # connections closed while down
        self._down = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
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
            if self._down.is_set():
                self.refused += 1
                conn.close()
                continue
            try:
                up = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                conn.close()
                continue
            with self._lock:
                self._socks += [conn, up]
            for a, b in ((conn, up), (up, conn)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        src.settimeout(0.1)
        while not self._stop.is_set():
            try:
                data = src.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                break
            if not data:
                break
            try:
                dst.sendall(data)
            except OSError:
                break
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def down(self) -> None:
        self._down.set()
        with self._lock:
            socks, self._socks = self._socks, []
        for s in socks:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def up(self) -> None:
        self._down.clear()

    def close(self) -> None:
        self._stop.set()
        self.down()
        self.listener.close()


def proxied_info(fg: Any, ssh: OutageProxy, http: OutageProxy) -> dict[str, Any]:
    """The emulator's info with SSH and HTTP reached through the proxies (the host key line
    filed under the proxy's port)."""
    _name, kind, blob = fg.info["ssh"]["known_hosts_line"].split()
    return dict(
        fg.info,
        ssh=dict(
            fg.info["ssh"], port=ssh.port, known_hosts_line=f"[127.0.0.1]:{ssh.port} {kind} {blob}"
        ),
        http=dict(fg.info["http"], url=f"http://127.0.0.1:{http.port}/"),
    )


def outage_proxies(fg: Any) -> tuple[OutageProxy, OutageProxy]:
    """Proxies to the emulator's SSH and HTTP ports (take both down for an outage)."""
    from urllib.parse import urlsplit

    http_port = urlsplit(fg.http_url).port
    assert http_port is not None
    return OutageProxy(("127.0.0.1", fg.ssh_port)), OutageProxy(("127.0.0.1", http_port))
