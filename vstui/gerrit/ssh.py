"""Open an SSH connection to Gerrit the way `ssh` would, with strict host-key checking.

- `~/.ssh/config` (via `paramiko.SSHConfig`): Host aliases, HostName, Port, User,
  IdentityFile, IdentitiesOnly, ProxyCommand, UserKnownHostsFile.
- Authentication: the SSH agent, then the explicit key files, then the default
  `~/.ssh/id_*` keys (unless IdentitiesOnly). Encrypted key files are skipped (use the agent).
- Host keys: checked against every known-hosts file given (by default `~/.ssh/known_hosts`,
  `/etc/ssh/ssh_known_hosts` and vstui's own file). An unknown key is refused with its SHA256
  fingerprint and the exact line to add; a changed key is refused loudly. Never auto-accepted,
  never written anywhere.
- Every blocking step has a timeout and can be cut short from another thread (`stop` event /
  closing the transport), so a stream thread can stop within a second.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import select
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paramiko

from vstui.gerrit.errors import (
    GerritAuthError,
    GerritNetworkError,
    HostKeyChangedError,
    HostKeyUnknownError,
)

__all__ = ["SSHTarget", "connect_transport", "fingerprint", "known_hosts_name", "resolve_target"]

log = logging.getLogger("vstui.gerrit.ssh")

DEFAULT_PORT = 29418
DEFAULT_KEY_NAMES = ("id_ed25519", "id_ecdsa", "id_rsa")


@dataclass(frozen=True)
class SSHTarget:
    """Everything needed to connect; build it with `resolve_target`."""

    alias: str
    hostname: str
    port: int
    user: str
    key_files: tuple[Path, ...] = ()
    known_hosts_files: tuple[Path, ...] = ()
    use_agent: bool = True
    proxy_command: str | None = None
    # Where the "add this line" advice points (vstui's own known-hosts file by default).
    known_hosts_advice: Path | None = None
    server_name: str = ""

    @property
    def label(self) -> str:
        return self.server_name or f"{self.hostname}:{self.port}"


def known_hosts_name(hostname: str, port: int) -> str:
    """The name a host's key is filed under in known_hosts (`[host]:port` unless port 22)."""
    return hostname if port == 22 else f"[{hostname}]:{port}"


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH-style `SHA256:<base64>` fingerprint."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")


def resolve_target(
    host: str,
    *,
    port: int | None = None,
    user: str | None = None,
    key_file: Path | None = None,
    known_hosts: Sequence[Path] = (),
    ssh_config: Path | None = None,
    use_default_known_hosts: bool = True,
    use_default_keys: bool = True,
    use_agent: bool = True,
    known_hosts_advice: Path | None = None,
    server_name: str = "",
) -> SSHTarget:
    """Combine explicit settings with `~/.ssh/config` the way `ssh` does (explicit wins).

    `ssh_config=None` reads `~/.ssh/config` when `use_default_keys` is true; pass a path to
    read another file. Tests pass `use_default_*=False, use_agent=False` to stay out of `~`.
    """
    home_ssh = Path.home() / ".ssh"
    config_path = (
        ssh_config
        if ssh_config is not None
        else (home_ssh / "config" if use_default_keys else None)
    )
    entry: dict[str, object] = {}
    if config_path is not None and config_path.is_file():
        try:
            entry = dict(paramiko.SSHConfig.from_path(str(config_path)).lookup(host))
        except Exception as exc:  # a broken ~/.ssh/config must not crash vstui
            log.warning("ignoring %s: %s", config_path, exc)
    hostname = str(entry.get("hostname") or host)
    resolved_port = port or _int(entry.get("port")) or DEFAULT_PORT
    resolved_user = user or str(entry.get("user") or "") or _local_user()
    keys: list[Path] = []
    if key_file is not None:
        keys.append(key_file.expanduser())
    identity_files: Any = entry.get("identityfile") or []
    for item in identity_files:
        path = Path(str(item)).expanduser()
        if path not in keys:
            keys.append(path)
    identities_only = str(entry.get("identitiesonly", "no")).lower() == "yes"
    if use_default_keys and not identities_only:
        for name in DEFAULT_KEY_NAMES:
            path = home_ssh / name
            if path not in keys and path.is_file():
                keys.append(path)
    files: list[Path] = []
    for item in str(entry.get("userknownhostsfile") or "").split():
        files.append(Path(item).expanduser())
    if use_default_known_hosts:
        files += [home_ssh / "known_hosts", Path("/etc/ssh/ssh_known_hosts")]
    files += [Path(p).expanduser() for p in known_hosts]
    proxy = entry.get("proxycommand")
    return SSHTarget(
        alias=host,
        hostname=hostname,
        port=resolved_port,
        user=resolved_user,
        key_files=tuple(keys),
        known_hosts_files=tuple(dict.fromkeys(files)),
        use_agent=use_agent and not identities_only,
        proxy_command=str(proxy) if proxy and str(proxy).lower() != "none" else None,
        known_hosts_advice=known_hosts_advice,
        server_name=server_name,
    )


def _int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def _local_user() -> str:
    for var in ("USER", "LOGNAME", "USERNAME"):
        if os.environ.get(var):
            return os.environ[var]
    return "gerrit"


# --------------------------------------------------------------------------- connect


def _open_socket(
    target: SSHTarget, timeout: float, stop: threading.Event | None
) -> socket.socket | paramiko.ProxyCommand:
    if target.proxy_command:
        command = (
            target.proxy_command.replace("%h", target.hostname)
            .replace("%p", str(target.port))
            .replace("%r", target.user)
        )
        return paramiko.ProxyCommand(command)
    try:
        infos = socket.getaddrinfo(target.hostname, target.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise GerritNetworkError(
            target.label, f"cannot resolve host {target.hostname!r}: {exc.strerror}"
        ) from None
    last: str = "no address"
    for family, kind, proto, _name, address in infos:
        sock = socket.socket(family, kind, proto)
        sock.setblocking(False)
        try:
            err = sock.connect_ex(address)
            if err not in (0, 115, 36, 10035):  # EINPROGRESS / EWOULDBLOCK
                raise OSError(err, os.strerror(err))
            deadline = _now() + timeout
            while True:
                if stop is not None and stop.is_set():
                    raise _Stopped
                remaining = deadline - _now()
                if remaining <= 0:
                    raise TimeoutError("connection timed out")
                _r, writable, _x = select.select([], [sock], [], min(0.2, remaining))
                if writable:
                    break
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                raise OSError(err, os.strerror(err))
            sock.setblocking(True)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            return sock
        except _Stopped:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            last = exc.strerror or str(exc)
    raise GerritNetworkError(
        target.label,
        f"cannot connect to {target.hostname} port {target.port}: {last}; "
        "check ssh_host/ssh_port and your network",
    )


class _Stopped(Exception):
    """Raised inside connect when the caller asked the stream to stop."""


def _now() -> float:
    import time

    return time.monotonic()


def _load_host_keys(target: SSHTarget) -> paramiko.HostKeys:
    keys = paramiko.HostKeys()
    for path in target.known_hosts_files:
        if not path.is_file():
            continue
        try:
            keys.load(str(path))
        except (OSError, paramiko.SSHException, ValueError) as exc:
            log.warning("skipping unreadable known_hosts file %s: %s", path, exc)
    return keys


def _check_host_key(
    target: SSHTarget, transport: paramiko.Transport, host_keys: paramiko.HostKeys
) -> None:
    name = known_hosts_name(target.hostname, target.port)
    key = transport.get_remote_server_key()  # only after a completed key exchange
    fp = fingerprint(key)
    line = f"{name} {key.get_name()} {key.get_base64()}"
    known = host_keys.lookup(name)
    if known is not None and key.get_name() in known:
        expected = known[key.get_name()]
        if expected == key:
            return
        files = ", ".join(str(p) for p in target.known_hosts_files if p.is_file())
        raise HostKeyChangedError(
            target.label,
            f"WARNING: SSH HOST KEY CHANGED for {name}: expected {fingerprint(expected)}, got "
            f"{fp}. Someone could be intercepting the connection; refusing. If the server's key "
            f"really changed, replace its line in {files or 'your known_hosts'} with: {line}",
            fingerprint=fp,
            known_hosts_line=line,
        )
    advice = target.known_hosts_advice or (Path.home() / ".ssh" / "known_hosts")
    others = f" (known types: {', '.join(sorted(known))})" if known else ""
    raise HostKeyUnknownError(
        target.label,
        f"unknown SSH host key for {name}{others}: {key.get_name()} {fp}. If that is the "
        f"server's key, add this line to {advice}: {line}",
        fingerprint=fp,
        known_hosts_line=line,
    )


def _auth(target: SSHTarget, transport: paramiko.Transport) -> None:
    tried: list[str] = []
    skipped: list[str] = []
    if target.use_agent and os.environ.get("SSH_AUTH_SOCK"):
        try:
            agent_keys = paramiko.Agent().get_keys()
        except paramiko.SSHException:
            agent_keys = ()
        for key in agent_keys:
            if _try_key(transport, target.user, key):
                return
        if agent_keys:
            tried.append(f"agent ({len(agent_keys)} keys)")
    for path in target.key_files:
        try:
            file_key = paramiko.PKey.from_path(str(path))
        except paramiko.PasswordRequiredException:
            skipped.append(f"{path} (passphrase-protected: add it to ssh-agent)")
            continue
        except (OSError, paramiko.SSHException, ValueError) as exc:
            skipped.append(f"{path} ({type(exc).__name__})")
            continue
        if _try_key(transport, target.user, file_key):
            return
        tried.append(str(path))
    if not transport.is_active():
        raise GerritNetworkError(target.label, "the server closed the connection during login")
    detail = ", ".join(tried) or "no keys"
    if skipped:
        detail += "; skipped " + ", ".join(skipped)
    raise GerritAuthError(
        target.label,
        f"SSH login as {target.user!r} was refused (publickey; tried {detail}); register the "
        "public key in Gerrit (Settings > SSH Keys) or set ssh_user/ssh_key",
    )


def _try_key(transport: paramiko.Transport, user: str, key: paramiko.PKey) -> bool:
    try:
        remaining = transport.auth_publickey(user, key)
    except paramiko.AuthenticationException as exc:
        # paramiko reports a server that stops answering mid-login as an
        # AuthenticationException("Authentication timeout."): that is an outage, not a refusal.
        if "timeout" in str(exc).lower() or not transport.is_active():
            raise _NoAnswer(f"no answer during SSH login ({exc})") from None
        return False
    except (paramiko.SSHException, EOFError, OSError) as exc:
        if not transport.is_active():
            raise _NoAnswer(f"the connection ended during SSH login ({exc or 'EOF'})") from None
        return False
    return not remaining and transport.is_authenticated()


class _NoAnswer(Exception):
    """The server stopped answering during login (a network problem, not a refusal)."""


def connect_transport(
    target: SSHTarget,
    *,
    timeout: float = 15.0,
    keepalive: float = 15.0,
    stop: threading.Event | None = None,
    on_transport: object = None,
) -> paramiko.Transport:
    """Connect, verify the host key, authenticate; return an active Transport.

    Raises GerritNetworkError, HostKeyUnknownError, HostKeyChangedError or GerritAuthError.
    `on_transport(transport)` is called as soon as the Transport exists so another thread can
    close it to abort a blocking handshake.
    """
    try:
        sock = _open_socket(target, timeout, stop)
    except _Stopped:
        raise GerritNetworkError(target.label, "stopped while connecting") from None
    host_keys = _load_host_keys(target)
    transport = paramiko.Transport(sock)
    if callable(on_transport):
        on_transport(transport)
    try:
        transport.banner_timeout = timeout
        transport.handshake_timeout = timeout
        transport.auth_timeout = timeout
        known = host_keys.lookup(known_hosts_name(target.hostname, target.port))
        if known:
            # Ask for the key type we have on record first, as OpenSSH does.
            options = transport.get_security_options()
            preferred = [t for t in options.key_types if t in known]
            # RSA keys on record may be offered as rsa-sha2-*.
            if "ssh-rsa" in known:
                preferred += [t for t in options.key_types if t.startswith("rsa-sha2")]
            rest = [t for t in options.key_types if t not in preferred]
            options.key_types = tuple(preferred + rest)
        try:
            transport.start_client(timeout=timeout)
        except (paramiko.SSHException, EOFError, OSError) as exc:
            if stop is not None and stop.is_set():
                raise GerritNetworkError(target.label, "stopped while connecting") from None
            raise GerritNetworkError(
                target.label,
                f"SSH handshake with {target.hostname} port {target.port} failed: "
                f"{exc or type(exc).__name__}; is this Gerrit's SSH port?",
            ) from None
        try:
            transport.get_remote_server_key()
        except paramiko.SSHException:
            # paramiko's start_client returns silently when its timeout passes before the
            # key exchange ends (a frozen or overloaded server); the key is then missing
            # ("No existing session"). That is an outage, to be retried, not a key problem.
            raise GerritNetworkError(
                target.label,
                f"no SSH handshake from {target.hostname} port {target.port} within "
                f"{timeout:g} s (the server does not answer)",
            ) from None
        _check_host_key(target, transport, host_keys)
        try:
            _auth(target, transport)
        except _NoAnswer as exc:
            raise GerritNetworkError(target.label, str(exc)) from None
        transport.set_keepalive(max(1, int(keepalive)))
        return transport
    except BaseException:
        transport.close()
        raise
