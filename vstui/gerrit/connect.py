"""One place that turns "which server" into ready clients: a config profile or an emulator
info file -> `ServerConnection` -> REST client, sync backfill client, event stream.

    conn = ServerConnection.from_profile(config.server(name))
    rest = conn.rest_client()                       # async, for the session
    stream = conn.event_stream(on_event=q.put, on_state=show)
    stream.start()

`from_info` trusts the host key recorded in a `vstui fake-gerrit --info-file` file through a
known_hosts file in a directory the caller owns (never `~/.ssh`), and reads nothing from `~`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vstui.config import (
    ConfigError,
    Credentials,
    ServerProfile,
    default_known_hosts_path,
    resolve_credentials,
)
from vstui.gerrit.httpcommon import HttpLimits
from vstui.gerrit.models import Event
from vstui.gerrit.ssh import SSHTarget, resolve_target

if TYPE_CHECKING:  # paramiko loads with the stream, not with this module
    from vstui.gerrit.stream import ConnectionState, EventStream

__all__ = ["InfoFileError", "ServerConnection"]

# Real events-log plugins write events to their store every couple of seconds, so a replay
# right after a reconnect could miss the newest ones; the emulator stores them at once.
REAL_SERVER_BACKFILL_DELAY = 2.5


class InfoFileError(Exception):
    """The emulator info file is missing or malformed (one readable line)."""


@dataclass(frozen=True)
class ServerConnection:
    """How to reach one server. Holds credentials: `repr` never shows the password."""

    name: str
    rest_url: str | None
    credentials: Credentials | None = field(default=None, repr=False)
    target: SSHTarget | None = None
    events_log_timezone: str = "UTC"
    stream_options: Mapping[str, Any] = field(default_factory=dict)
    http_limits: HttpLimits = field(default_factory=HttpLimits)

    # ------------------------------------------------------------------ builders

    @classmethod
    def from_profile(cls, profile: ServerProfile) -> ServerConnection:
        """A config profile; SSH like `ssh` (~/.ssh/config, agent, keys, known_hosts plus
        vstui's known_hosts file). May raise ConfigError (e.g. password_env not set)."""
        target = None
        host = profile.ssh_target
        if host:
            advice = default_known_hosts_path()
            extra = [profile.known_hosts] if profile.known_hosts else []
            target = resolve_target(
                host,
                port=profile.ssh_port,
                user=profile.ssh_user,
                key_file=profile.ssh_key,
                known_hosts=[advice, *extra],
                # Advise the file the user chose for this server, if any.
                known_hosts_advice=profile.known_hosts or advice,
                server_name=profile.name,
            )
        return cls(
            name=profile.name,
            rest_url=profile.rest_url,
            credentials=resolve_credentials(profile),
            target=target,
            events_log_timezone=profile.events_log_timezone,
            http_limits=HttpLimits.from_profile_values(
                profile.max_response_mb, profile.request_deadline
            ),
            stream_options={
                "keepalive_interval": profile.keepalive_interval,
                "stall_timeout": profile.stall_timeout,
                "backfill_delay": REAL_SERVER_BACKFILL_DELAY,
            },
        )

    @classmethod
    def from_info(
        cls,
        info: Mapping[str, Any] | str | os.PathLike[str],
        *,
        state_dir: str | os.PathLike[str],
        account: str | None = None,
    ) -> ServerConnection:
        """The emulator described by an info file (or its dict), logged in as `account`
        (default: its `default_account`). Writes `state_dir/known_hosts` with the recorded
        host key line; the caller owns `state_dir` (a temp dir is fine)."""
        data: Mapping[str, Any]
        if isinstance(info, Mapping):
            data = info
        else:
            path = Path(info)
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise InfoFileError(
                    f"{path}: no such file (start 'vstui fake-gerrit --info-file {path}')"
                ) from None
            except (OSError, ValueError, RecursionError) as exc:
                reason = str(exc)[:120] if not isinstance(exc, RecursionError) else "too deep"
                raise InfoFileError(f"{path}: not a fake-gerrit info file ({reason})") from None
        try:
            ssh = data["ssh"]
            host, port, line = str(ssh["host"]), int(ssh["port"]), str(ssh["known_hosts_line"])
            url = str(data["http"]["url"])
            accounts = {a["username"]: a for a in data["accounts"]}
            user = account or data.get("default_account")
        except (KeyError, TypeError, ValueError) as exc:
            raise InfoFileError(f"not a fake-gerrit info file (missing {exc})") from None
        if not user or user not in accounts:
            raise InfoFileError(f"no account {user!r} (known: {', '.join(sorted(accounts))})")
        entry = accounts[user]
        state = Path(state_dir)
        known_hosts = state / "known_hosts"
        known_hosts.write_text(line + "\n", encoding="utf-8")
        key = entry.get("ssh_private_key")
        target = resolve_target(
            host,
            port=port,
            user=user,
            key_file=Path(key) if key else None,
            known_hosts=[known_hosts],
            ssh_config=state / "no-ssh-config",
            use_default_known_hosts=False,
            use_default_keys=False,
            use_agent=False,
            known_hosts_advice=known_hosts,
            server_name=f"{host}:{port}",
        )
        password = entry.get("http_password")
        return cls(
            name=f"{host}:{port}",
            rest_url=url,
            credentials=Credentials(user, password, "info file") if password else None,
            target=target,
        )

    # ------------------------------------------------------------------ clients

    def rest_client(self, **kwargs: Any) -> Any:
        """An async `GerritRestClient` (kwargs: max_concurrency, timeout, retry, ...)."""
        from vstui.gerrit.rest import GerritRestClient

        if not self.rest_url:
            raise ConfigError([f"server {self.name!r}: no url configured for REST"])
        kwargs.setdefault("events_log_timezone", self.events_log_timezone)
        kwargs.setdefault("limits", self.http_limits)
        return GerritRestClient(
            self.rest_url, credentials=self.credentials, server_name=self.name, **kwargs
        )

    def sync_client(self, **kwargs: Any) -> Any:
        """A blocking `GerritSyncClient` (used by the stream thread for backfill)."""
        from vstui.gerrit.rest import GerritSyncClient

        if not self.rest_url:
            raise ConfigError([f"server {self.name!r}: no url configured for REST"])
        kwargs.setdefault("events_log_timezone", self.events_log_timezone)
        kwargs.setdefault("limits", self.http_limits)
        return GerritSyncClient(
            self.rest_url, credentials=self.credentials, server_name=self.name, **kwargs
        )

    def event_stream(
        self,
        *,
        on_event: Callable[[Event], None],
        on_state: Callable[[ConnectionState], None] | None = None,
        subscribe: Sequence[str] = (),
        **kwargs: Any,
    ) -> EventStream:
        """An `EventStream` (not started) with backfill over this server's REST URL.

        kwargs override the stream options (stall_timeout, backoff, exit_on_initial_failure,
        ...). The stream closes its backfill client when its thread ends.
        """
        from vstui.gerrit.stream import EventStream

        if self.target is None:
            raise ConfigError([f"server {self.name!r}: set ssh_host to stream events"])
        options = {**self.stream_options, **kwargs}
        if "backfill" not in options:
            options["backfill"] = self.sync_client() if self.rest_url else None
            options["own_backfill"] = True
        return EventStream(
            self.target, on_event=on_event, on_state=on_state, subscribe=subscribe, **options
        )
