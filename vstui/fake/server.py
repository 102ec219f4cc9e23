"""`FakeGerrit`: the whole emulator (store + SSH + HTTP + faults + activity) in one object.

    with FakeGerrit(scenario="seed", state_dir=tmp) as fg:
        fg.info            # what --info-file writes: ports, host key, accounts, key paths
        fg.store           # call its mutation methods to cause stream events

Keys live in `state_dir` and are reused: `host_ed25519_key` (the SSH host key), `keys/<user>`
(one ed25519 key pair per account, registered as that account's SSH key) and a
`known_hosts` file for the current port, so the printed `ssh` example verifies the host.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import IO, Any

from vstui.fake import keys
from vstui.fake.ci_logs import CiLogs
from vstui.fake.faults import Faults, FaultScheduler
from vstui.fake.http_server import HttpServer
from vstui.fake.model import CAP_STREAM_EVENTS, Account
from vstui.fake.rest_api import RestApi
from vstui.fake.scenarios import load_scenario, parse_scenario
from vstui.fake.ssh_commands import GerritSshCommands
from vstui.fake.ssh_server import SshServer, StreamHub
from vstui.fake.store import GerritStore, StreamEvent

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._@+-]")


def _key_file_name(username: str) -> str:
    # Usernames may hold characters that are awkward in paths; keep the file name plain.
    return _SAFE_NAME.sub("_", username) or "_"


class FakeGerrit:
    """A running Gerrit emulator on loopback. Use as a context manager or call start/stop."""

    def __init__(
        self,
        scenario: str = "seed",
        seed: int = 0,
        activity: float = 0.0,
        faults: Faults | None = None,
        state_dir: str | os.PathLike[str] | None = None,
        event_log: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        ssh_port: int = 0,
        http_port: int = 0,
        store: GerritStore | None = None,
        recheck_delay: float | None = None,
    ) -> None:
        if activity < 0:
            raise ValueError("activity must be >= 0")
        parse_scenario(scenario)  # a bad name fails here, with a one-line reason
        self.scenario = scenario
        self.seed = seed
        self.activity_rate = activity
        self.faults = faults if faults is not None else Faults()
        self.faults.validate()
        self._own_state_dir: tempfile.TemporaryDirectory[str] | None = None
        if state_dir is None:
            self._own_state_dir = tempfile.TemporaryDirectory(prefix="fake-gerrit-")
            state_dir = self._own_state_dir.name
        self.state_dir = Path(state_dir)
        self.event_log_path = Path(event_log) if event_log is not None else None
        self.host = host
        self._ssh_port = ssh_port
        self._http_port = http_port
        self.store = store if store is not None else GerritStore()
        self._stopping = threading.Event()
        self.hub = StreamHub(clock=self.store.now)
        self._commands = GerritSshCommands(self.store, self.hub, self._stopping)
        self._ssh: SshServer | None = None
        self._http: HttpServer | None = None
        self._scheduler: FaultScheduler | None = None
        self._activity: Any = None
        # CIs answer rechecks after this many seconds (None: they never do).
        self.recheck_delay = recheck_delay
        self.rechecks: Any = None
        self._event_log: IO[str] | None = None
        self._event_log_lock = threading.Lock()
        self._unsubscribe_log: Any = None
        self._key_paths: dict[str, Path] = {}
        self._host_key: Any = None
        self.info: dict[str, Any] = {}
        self._started = False

    # -- lifecycle --------------------------------------------------------------------

    def __enter__(self) -> FakeGerrit:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> FakeGerrit:
        """Build the world, start both listeners, then fill `info`. Idempotent."""
        if self._started:
            return self
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self._started = True
        self.state_dir.mkdir(parents=True, exist_ok=True)
        load_scenario(self.store, self.scenario, seed=self.seed)
        self._ensure_default_account()
        self._host_key = keys.load_or_create_ed25519(
            self.state_dir / "host_ed25519_key", comment="fake-gerrit host key"
        )
        self._install_account_keys()
        if self.event_log_path is not None:
            self.event_log_path.parent.mkdir(parents=True, exist_ok=True)
            self._event_log = open(self.event_log_path, "a", encoding="utf-8")  # noqa: SIM115
            self._unsubscribe_log = self.store.subscribe(self._log_event)
        self._ssh = SshServer(
            self.host,
            self._ssh_port,
            self._host_key,
            self._commands.authenticate,
            self._commands.run,
            shell=self._commands.shell,
        )
        self._ssh.start()
        api = RestApi(self.store, version=self._commands.version)
        self.ci_logs = CiLogs(self.store)
        self._http = HttpServer(
            self.host,
            self._http_port,
            self.ci_logs.wrap(api.route),
            self.store.check_http_password,
            self.faults,
        )
        self._http.start()
        self.store.canonical_url = self._http.url
        ssh_host = f"[{self.host}]" if ":" in self.host else self.host
        self.store.ssh_url = f"ssh://{ssh_host}:{self._ssh.port}/"
        self.info = self._build_info()
        self._write_known_hosts()
        self._scheduler = FaultScheduler(self.faults, self.drop_stream_sessions, self.stall_streams)
        self._scheduler.start()
        if self.activity_rate > 0:
            self.start_activity(self.activity_rate)
        if self.recheck_delay is not None:
            from vstui.fake.recheck_responder import RecheckResponder

            self.rechecks = RecheckResponder(self.store, delay=self.recheck_delay, seed=self.seed)
            self.rechecks.start()

    def stop(self) -> None:
        """Stop everything within about a second; safe to call twice."""
        self._stopping.set()
        if self._activity is not None:
            with contextlib.suppress(Exception):
                self._activity.stop()
            self._activity = None
        if self.rechecks is not None:
            self.rechecks.stop()
            self.rechecks = None
        if self._scheduler is not None:
            self._scheduler.stop()
            self._scheduler = None
        self.hub.drop_all()  # wake stream writers now rather than at their next poll
        if self._ssh is not None:
            self._ssh.stop()
            self._ssh = None
        if self._http is not None:
            self._http.stop()
            self._http = None
        if self._unsubscribe_log is not None:
            self._unsubscribe_log()
            self._unsubscribe_log = None
        with self._event_log_lock:
            if self._event_log is not None:
                self._event_log.close()
                self._event_log = None
        if self._own_state_dir is not None:
            self._own_state_dir.cleanup()
            self._own_state_dir = None

    # -- accounts and keys ------------------------------------------------------------

    def _ensure_default_account(self) -> None:
        if self._pick_default_account() is None:
            # An empty world still needs someone to log in as: a human administrator
            # (administrators hold Stream Events through the admin fallback).
            self.store.create_account(
                "reviewer", "Default Reviewer", "reviewer@example.com", admin=True
            )

    def _pick_default_account(self) -> Account | None:
        humans = [a for a in self.store.accounts() if not a.is_service_user and not a.inactive]
        for a in humans:
            if self.store.has_capability(a, CAP_STREAM_EVENTS) and not a.is_admin:
                return a
        for a in humans:
            if self.store.has_capability(a, CAP_STREAM_EVENTS):
                return a
        return None

    def _install_account_keys(self) -> None:
        key_dir = self.state_dir / "keys"
        for account in self.store.accounts():
            path = key_dir / _key_file_name(account.username)
            key = keys.load_or_create_ed25519(path, comment=account.username)
            self.store.set_ssh_key(account.username, keys.public_line(key, account.username))
            self._key_paths[account.username] = path

    def key_path(self, username: str) -> Path:
        """The private key file registered for `username` (created at start)."""
        path = self._key_paths.get(username)
        if path is None:
            account = self.store.account(username)
            if account is None:
                raise KeyError(username)
            path = self.state_dir / "keys" / _key_file_name(account.username)
            key = keys.load_or_create_ed25519(path, comment=account.username)
            self.store.set_ssh_key(account.username, keys.public_line(key, account.username))
            self._key_paths[account.username] = path
        return path

    def account_info(self, account: Account) -> dict[str, Any]:
        return {
            "username": account.username,
            "name": account.name,
            "email": account.email,
            "http_password": account.http_password,
            "ssh_private_key": str(self.key_path(account.username)),
            "is_service_user": account.is_service_user,
        }

    def _build_info(self) -> dict[str, Any]:
        assert self._ssh is not None and self._http is not None
        default = self._pick_default_account()
        return {
            "ssh": {
                "host": self.host,
                "port": self._ssh.port,
                "host_key_fingerprint": self._host_key.fingerprint,
                "known_hosts_line": keys.known_hosts_line(
                    self.host, self._ssh.port, self._host_key
                ),
            },
            "http": {"url": self._http.url},
            "log_mirror": f"{self._http.url}_ci/",
            "accounts": [self.account_info(a) for a in self.store.accounts()],
            "default_account": default.username if default else None,
        }

    def write_info(self, path: str | os.PathLike[str]) -> None:
        """Write `info` as JSON atomically (temp file in the same directory, then rename)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.info, fh, indent=2)
                fh.write("\n")
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # -- addresses --------------------------------------------------------------------

    @property
    def http_url(self) -> str:
        assert self._http is not None, "FakeGerrit is not started"
        return self._http.url

    @property
    def ssh_host(self) -> str:
        return self.host

    @property
    def ssh_port(self) -> int:
        assert self._ssh is not None, "FakeGerrit is not started"
        return self._ssh.port

    @property
    def known_hosts_path(self) -> Path:
        """An OpenSSH known_hosts file trusting this host key on any port of `host`."""
        return self.state_dir / "known_hosts"

    def _write_known_hosts(self) -> None:
        # A `[host]:*` pattern (OpenSSH matches it; paramiko does not, it uses
        # info["ssh"]["known_hosts_line"]): emulators sharing a state dir share the host
        # key, so one file stays right for all of them whatever port each one got.
        key = f"{self._host_key.get_name()} {self._host_key.get_base64()}"
        keys.atomic_write(self.known_hosts_path, f"[{self.host}]:* {key}\n".encode(), 0o644)

    def ready_line(self) -> str:
        """One line saying where the emulator listens and how to connect."""
        user = self.info.get("default_account") or "USER"
        key = self._key_paths.get(user, Path("KEY"))
        return (
            f"fake-gerrit ready: scenario {self.scenario}, ssh {self.host}:{self.ssh_port}, "
            f"http {self.http_url} | try: ssh -p {self.ssh_port} -i {key} "
            f"-o UserKnownHostsFile={self.known_hosts_path} {user}@{self.host} "
            f"gerrit stream-events"
        )

    # -- streams ----------------------------------------------------------------------

    def _log_event(self, event: StreamEvent) -> None:
        # Delivery is serialised by the store, so lines land in emission order.
        with self._event_log_lock:
            if self._event_log is not None:
                self._event_log.write(event.line + "\n")
                self._event_log.flush()

    def drop_stream_sessions(self) -> int:
        """Abruptly close every stream-events connection now; returns how many."""
        return self.hub.drop_all()

    def stall_streams(self, seconds: float) -> None:
        """Stop writing to stream-events sessions for `seconds` without closing them."""
        self.hub.stall(seconds)

    @property
    def stream_session_count(self) -> int:
        return self.hub.session_count

    # -- activity ---------------------------------------------------------------------

    def start_activity(self, rate: float) -> None:
        """Let simulated CIs and humans act at about `rate` events/s (0 stops them)."""
        from vstui.fake.activity import Activity

        self.stop_activity()
        self.activity_rate = rate
        if rate > 0:
            self._activity = Activity(self.store, rate=rate, seed=self.seed)
            self._activity.start()

    def stop_activity(self) -> None:
        if self._activity is not None:
            self._activity.stop()
            self._activity = None
