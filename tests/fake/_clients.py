"""Small real clients for the emulator tests: paramiko SSH (host key verified) and HTTP."""

from __future__ import annotations

import base64
import http.client
import json
import time
from collections.abc import Callable
from typing import Any

import paramiko

XSSI = b")]}'\n"


def host_keys(fg: Any) -> paramiko.HostKeys:
    """A HostKeys holding only the emulator's key, from its info (never ~/.ssh)."""
    keys = paramiko.HostKeys()
    target, name, blob = fg.info["ssh"]["known_hosts_line"].split()
    keys.add(target, name, paramiko.PKey.from_type_string(name, base64.b64decode(blob)))
    return keys


def ssh_client(
    fg: Any, username: str | None = None, key_path: str | None = None
) -> paramiko.SSHClient:
    username = username or fg.info["default_account"]
    client = paramiko.SSHClient()
    for host, entries in host_keys(fg).items():
        for name, key in entries.items():
            client.get_host_keys().add(host, name, key)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        fg.ssh_host,
        port=fg.ssh_port,
        username=username,
        key_filename=str(key_path or fg.key_path(username)),
        look_for_keys=False,
        allow_agent=False,
        timeout=10,
    )
    return client


def ssh_run(client: paramiko.SSHClient, command: str, timeout: float = 10) -> tuple[int, str, str]:
    _stdin, stdout, stderr = client.exec_command(command, timeout=timeout)
    out = stdout.read().decode()
    err = stderr.read().decode()
    return stdout.channel.recv_exit_status(), out, err


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.01) -> None:
    """Poll `predicate` until true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout:.1f}s")
        time.sleep(interval)


class Http:
    """A plain http.client wrapper keeping the raw status, headers and body bytes."""

    def __init__(self, fg: Any) -> None:
        self.port = int(fg.http_url.rsplit(":", 1)[1].rstrip("/"))

    def request(
        self,
        method: str,
        path: str,
        *,
        auth: tuple[str, str] | None = None,
        body: bytes | str | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        hdrs = dict(headers or {})
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            hdrs["Authorization"] = f"Basic {token}"
        if isinstance(body, dict):
            body = json.dumps(body)
            hdrs.setdefault("Content-Type", "application/json; charset=UTF-8")
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def json(self, method: str, path: str, **kw: Any) -> Any:
        status, _headers, data = self.request(method, path, **kw)
        assert status == 200, (status, data)
        assert data.startswith(XSSI), data[:20]
        return json.loads(data[len(XSSI) :])
