"""Stream fan-out: many concurrent SSH subscribers each get every event, in order."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import paramiko

from tests.fake._clients import host_keys, wait_until

SUBSCRIBERS = 100


def _connect(fg: Any, key: paramiko.PKey, username: str) -> tuple[paramiko.Transport, Any]:
    t = paramiko.Transport((fg.ssh_host, fg.ssh_port))
    expected = host_keys(fg)
    t.start_client(timeout=20)
    server_key = t.get_remote_server_key()
    target = next(iter(expected.keys()))
    assert expected.check(target, server_key), "host key mismatch"
    t.auth_publickey(username, key)
    chan = t.open_session()
    chan.exec_command("gerrit stream-events")
    return t, chan


def test_hundred_subscribers_each_receive_every_event_in_order(fake_gerrit_factory: Any) -> None:
    fg = fake_gerrit_factory(scenario="empty")
    s = fg.store
    user = fg.info["default_account"]
    key = paramiko.Ed25519Key(filename=str(fg.key_path(user)))
    with ThreadPoolExecutor(max_workers=8) as pool:
        conns = list(pool.map(lambda _: _connect(fg, key, user), range(SUBSCRIBERS)))
    try:
        wait_until(lambda: fg.stream_session_count == SUBSCRIBERS, timeout=20)
        owner = s.create_account("owner", "Change Owner", "owner@example.com")
        since = len(s.events())
        change = s.create_change("sandbox", owner, "Fan-out")
        for i in range(20):
            s.post_review(change, "current", owner, message=f"comment {i}")
        expected = "".join(e.line + "\n" for e in s.events(since)).encode()
        received: list[bytes] = [b""] * SUBSCRIBERS

        def read(i: int, chan: Any) -> None:
            chan.settimeout(20)
            buf = b""
            while len(buf) < len(expected):
                data = chan.recv(len(expected) - len(buf))
                if not data:
                    break
                buf += data
            received[i] = buf

        readers = [
            threading.Thread(target=read, args=(i, chan)) for i, (_t, chan) in enumerate(conns)
        ]
        for r in readers:
            r.start()
        for r in readers:
            r.join(timeout=30)
        assert len(expected.splitlines()) == 43  # 3 for the change + 2 per review
        assert all(buf == expected for buf in received)
    finally:
        for t, _chan in conns:
            t.close()
    wait_until(lambda: fg.stream_session_count == 0, timeout=10)
