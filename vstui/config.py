"""The vstui configuration file: server profiles and room for keys, filters and UI settings.

The file is TOML at `<platform user config dir>/vstui/config.toml` (on Linux
`~/.config/vstui/config.toml`, honouring `XDG_CONFIG_HOME`), or the path given with
`--config` / `VSTUI_CONFIG`. Example::

    default_server = "opendev"

    [servers.opendev]
    url = "https://review.opendev.org/"     # web/REST base URL
    ssh_host = "review.opendev.org"         # or a Host alias from ~/.ssh/config
    ssh_port = 29418                        # default: ~/.ssh/config Port, else 29418
    ssh_user = "alice"                      # default: ~/.ssh/config User, else $USER
    ssh_key = "~/.ssh/id_ed25519"           # optional; ~/.ssh/config and the agent also work
    http_user = "alice"                     # for /a/ REST calls
    password_env = "OPENDEV_HTTP_PASSWORD"  # else $VSTUI_HTTP_PASSWORD, else ~/.netrc
    bot_usernames = ["zuul"]
    bot_patterns = ["(?i)\\bci\\b"]
    ci_aliases = { "Zuul" = ["zuul", "Zuul CI"] }
    default_query = "status:open"
    max_response_mb = 64                    # cap on one REST answer
    request_deadline = 60                   # seconds for one whole REST request

    [servers.opendev.ci_formats."Corp CI"]  # an in-house CI's format (vstui/ci/userformat.py)
    headline = 'Pipeline (?P<result>passed|failed)'
    job = '^(?P<name>[\\w.-]+): (?P<result>OK|KO) (?P<url>https?://\\S+)'
    results = { OK = "SUCCESS", KO = "FAILURE" }

    [keys]      # binding id -> key (validated by the TUI)
    [filters]   # passed to the TUI as-is
    [ui]
    theme = "textual-dark"

Unknown keys and bad values are rejected with the file, the key and what is allowed. The HTTP
password never lives in this file and is never printed: `repr()` of a profile shows only where
the password would come from. No Textual here.
"""

from __future__ import annotations

import netrc
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_SSH_PORT",
    "Config",
    "ConfigError",
    "Credentials",
    "ServerProfile",
    "default_config_path",
    "default_known_hosts_path",
    "load_config",
    "resolve_credentials",
]

DEFAULT_SSH_PORT = 29418
PASSWORD_ENV = "VSTUI_HTTP_PASSWORD"
CONFIG_ENV = "VSTUI_CONFIG"


class ConfigError(Exception):
    """The config file cannot be used. `problems` lists every problem, one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)


def default_config_path() -> Path:
    """`$VSTUI_CONFIG`, else `<user config dir>/vstui/config.toml`."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_config_path("vstui") / "config.toml"


def default_known_hosts_path() -> Path:
    """vstui's own known-hosts file, read in addition to `~/.ssh/known_hosts`."""
    import platformdirs

    return platformdirs.user_config_path("vstui") / "known_hosts"


@dataclass(frozen=True)
class Credentials:
    """HTTP Basic credentials for `/a/` REST calls. The password never appears in repr."""

    username: str
    password: str = field(repr=False)
    source: str = ""  # where the password came from, safe to show

    def __repr__(self) -> str:
        return f"Credentials(username={self.username!r}, password=<hidden from {self.source}>)"


@dataclass(frozen=True)
class ServerProfile:
    """One `[servers.NAME]` table. Holds no secrets: see `resolve_credentials`."""

    name: str
    url: str | None = None
    ssh_host: str | None = None
    ssh_port: int | None = None
    ssh_user: str | None = None
    ssh_key: Path | None = None
    known_hosts: Path | None = None
    http_user: str | None = None
    password_env: str | None = None
    netrc: bool = True
    bot_accounts: tuple[int | str, ...] = ()
    bot_usernames: tuple[str, ...] = ()
    bot_patterns: tuple[str, ...] = ()
    human_accounts: tuple[int | str, ...] = ()
    ci_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ci_formats: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    default_query: str = "status:open"
    events_log_timezone: str = "UTC"
    keepalive_interval: float = 15.0
    stall_timeout: float = 60.0
    max_response_mb: float = 64.0  # cap on one REST answer (vstui.gerrit.httpcommon.HttpLimits)
    request_deadline: float = 60.0  # seconds for one whole REST request, body included
    # Read CI logs through a mirror: `scheme://host/path` as `<log_mirror><scheme>/<host>/path`
    # (the demo points it at the emulator, which serves every CI run's log there).
    log_mirror: str | None = None

    @property
    def rest_url(self) -> str | None:
        """`url` with exactly one trailing slash."""
        return self.url.rstrip("/") + "/" if self.url else None

    @property
    def ssh_target(self) -> str | None:
        """The host (or ~/.ssh/config alias) to SSH to: `ssh_host`, else the URL's host."""
        if self.ssh_host:
            return self.ssh_host
        if self.url:
            return urlsplit(self.url).hostname
        return None


@dataclass(frozen=True)
class Config:
    """The whole file. `servers` is keyed by profile name."""

    path: Path | None = None
    servers: Mapping[str, ServerProfile] = field(default_factory=dict)
    default_server: str | None = None
    keys: Mapping[str, str] = field(default_factory=dict)
    filters: Mapping[str, Any] = field(default_factory=dict)
    theme: str | None = None
    history: Mapping[str, float] = field(default_factory=dict)  # [history] verdict thresholds

    def server(self, name: str | None = None) -> ServerProfile:
        """The named profile, else `default_server`, else the only one; ConfigError if none."""
        where = str(self.path) if self.path else "config"
        if name is not None:
            try:
                return self.servers[name]
            except KeyError:
                known = ", ".join(sorted(self.servers)) or "none are configured"
                raise ConfigError(
                    [f"{where}: no server profile named {name!r} (known: {known})"]
                ) from None
        if self.default_server:
            return self.servers[self.default_server]
        if len(self.servers) == 1:
            return next(iter(self.servers.values()))
        if not self.servers:
            raise ConfigError(
                [f"{where}: no [servers.NAME] profile is configured (see 'vstui config path')"]
            )
        raise ConfigError(
            [f"{where}: several servers and no default_server; pass --server NAME or set one"]
        )


# --------------------------------------------------------------------------- validation

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SSH_HOST = re.compile(r"[A-Za-z0-9_.:\[\]%-]+\Z")


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def bad(self, key: str, problem: str) -> None:
        self.problems.append(f"{self.path}: {key}: {problem}")

    def unknown(self, table: str, data: Mapping[str, Any], allowed: list[str]) -> None:
        for key in data:
            if key not in allowed:
                where = f"[{table}] {key}" if table else key
                if key in ("http_password", "password"):
                    self.bad(
                        where,
                        "passwords do not belong in the config file; set password_env, "
                        f"${PASSWORD_ENV} or ~/.netrc",
                    )
                else:
                    self.bad(where, f"unknown key (allowed: {', '.join(allowed)})")

    def string(
        self,
        where: str,
        value: Any,
        *,
        pattern: re.Pattern[str] | None = None,
        what: str = "a non-empty string",
    ) -> str | None:
        if isinstance(value, str) and value.strip() and (pattern is None or pattern.match(value)):
            return value
        self.bad(where, f"must be {what}, got {_show(value)}")
        return None

    def number(self, where: str, value: Any, lo: float, hi: float, *, integer: bool) -> Any:
        ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
        if ok_type and not isinstance(value, bool) and lo <= value <= hi:
            return value
        kind = "an integer" if integer else "a number"
        self.bad(where, f"must be {kind} from {lo:g} to {hi:g}, got {_show(value)}")
        return None

    def boolean(self, where: str, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        self.bad(where, f"must be true or false, got {_show(value)}")
        return None

    def str_list(self, where: str, value: Any, *, allow_int: bool = False) -> tuple[Any, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.bad(where, f"must be a list of strings, got {_show(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            is_id = allow_int and isinstance(item, int) and not isinstance(item, bool)
            if (isinstance(item, str) and item.strip()) or is_id:
                out.append(item)
            else:
                kinds = "strings or account ids" if allow_int else "non-empty strings"
                self.bad(f"{where}[{i}]", f"must be {kinds}, got {_show(item)}")
        return tuple(out)

    def path_value(self, where: str, value: Any) -> Path | None:
        text = self.string(where, value, what="a file path")
        return Path(text).expanduser() if text else None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_PROFILE_KEYS = [
    "url",
    "ssh_host",
    "ssh_port",
    "ssh_user",
    "ssh_key",
    "known_hosts",
    "http_user",
    "password_env",
    "netrc",
    "bot_accounts",
    "bot_usernames",
    "bot_patterns",
    "human_accounts",
    "ci_aliases",
    "ci_formats",
    "default_query",
    "events_log_timezone",
    "keepalive_interval",
    "stall_timeout",
    "max_response_mb",
    "request_deadline",
    "log_mirror",
]
_TOP_KEYS = ["default_server", "servers", "keys", "filters", "ui", "history"]
# [history]: verdict thresholds (vstui.history.verdicts.VerdictRules), name -> (lo, hi, int)
_HISTORY_KEYS = {
    "window_days": (0.1, 365.0, False),
    "min_failed": (1, 100_000, True),
    "min_ratio": (0.0, 1.0, False),
}
_UI_KEYS = ["theme"]


def _profile(c: _Checker, name: str, data: Any) -> ServerProfile | None:
    table = f"servers.{name}"
    if not isinstance(data, dict):
        c.bad(f"[{table}]", f"must be a table, got {_show(data)}")
        return None
    c.unknown(table, data, _PROFILE_KEYS)
    kw: dict[str, Any] = {"name": name}

    def key(k: str) -> str:
        return f"[{table}] {k}"

    if "url" in data:
        url = c.string(key("url"), data["url"], what="an http(s) URL")
        if url is not None:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                c.bad(key("url"), f"must be an http:// or https:// URL with a host, got {url!r}")
            elif parts.query or parts.fragment:
                c.bad(key("url"), f"must not have a query or fragment, got {url!r}")
            else:
                kw["url"] = url
    for k in ("ssh_host",):
        if k in data:
            kw[k] = c.string(key(k), data[k], pattern=_SSH_HOST, what="a host name or alias")
    if "ssh_port" in data:
        kw["ssh_port"] = c.number(key("ssh_port"), data["ssh_port"], 1, 65535, integer=True)
    for k in ("ssh_user", "http_user", "default_query"):
        if k in data:
            kw[k] = c.string(key(k), data[k])
    for k in ("ssh_key", "known_hosts"):
        if k in data:
            kw[k] = c.path_value(key(k), data[k])
    if "password_env" in data:
        kw["password_env"] = c.string(
            key("password_env"),
            data["password_env"],
            pattern=_ENV_NAME,
            what="an environment variable name",
        )
    if "netrc" in data:
        kw["netrc"] = c.boolean(key("netrc"), data["netrc"])
    for k in ("bot_accounts", "human_accounts"):
        if k in data:
            kw[k] = c.str_list(key(k), data[k], allow_int=True)
    if "bot_usernames" in data:
        kw["bot_usernames"] = c.str_list(key("bot_usernames"), data["bot_usernames"])
    if "bot_patterns" in data:
        patterns = c.str_list(key("bot_patterns"), data["bot_patterns"])
        from vstui.saferegex import RegexError, compile_user_regex

        for i, pattern in enumerate(patterns):
            try:
                compile_user_regex(pattern)
            except RegexError as exc:
                c.bad(
                    f"{key('bot_patterns')}[{i}]",
                    f"is not a valid regular expression: {exc.reason}",
                )
        kw["bot_patterns"] = patterns
    if "ci_aliases" in data:
        aliases = data["ci_aliases"]
        if not isinstance(aliases, dict):
            c.bad(key("ci_aliases"), "must be a table: CI name = [account names...]")
        else:
            kw["ci_aliases"] = {
                str(ci): c.str_list(f"{key('ci_aliases')}.{ci}", members)
                for ci, members in aliases.items()
            }
    if "ci_formats" in data:
        formats = data["ci_formats"]
        if not isinstance(formats, dict):
            c.bad(key("ci_formats"), 'must be a table of CI accounts: ["CI account"] headline/job')
        else:
            from vstui.userformats import all_problems

            problems = list(all_problems(formats))
            for problem in problems:
                c.bad(f"[{table}]", problem)
            if not problems:
                kw["ci_formats"] = {str(k): dict(v) for k, v in formats.items()}
    if "events_log_timezone" in data:
        tz = c.string(
            key("events_log_timezone"), data["events_log_timezone"], what="an IANA time zone name"
        )
        if tz is not None:
            try:
                ZoneInfo(tz)
                kw["events_log_timezone"] = tz
            except (ZoneInfoNotFoundError, ValueError):
                c.bad(key("events_log_timezone"), f"unknown time zone {tz!r} (e.g. 'UTC')")
    if "keepalive_interval" in data:
        kw["keepalive_interval"] = c.number(
            key("keepalive_interval"), data["keepalive_interval"], 1, 3600, integer=False
        )
    if "stall_timeout" in data:
        kw["stall_timeout"] = c.number(
            key("stall_timeout"), data["stall_timeout"], 1, 86400, integer=False
        )
    if "max_response_mb" in data:
        kw["max_response_mb"] = c.number(
            key("max_response_mb"), data["max_response_mb"], 1, 65536, integer=False
        )
    if "request_deadline" in data:
        kw["request_deadline"] = c.number(
            key("request_deadline"), data["request_deadline"], 1, 3600, integer=False
        )
    if "log_mirror" in data:
        mirror = c.string(key("log_mirror"), data["log_mirror"], what="an http(s) URL")
        if mirror is not None:
            if urlsplit(mirror).scheme not in ("http", "https") or not urlsplit(mirror).hostname:
                c.bad(key("log_mirror"), f"must be an http:// or https:// URL, got {mirror!r}")
            else:
                kw["log_mirror"] = mirror
    if not (kw.get("url") or kw.get("ssh_host")) and "url" not in data and "ssh_host" not in data:
        c.bad(f"[{table}]", "needs at least url (REST) or ssh_host (event stream)")
    clean = {k: v for k, v in kw.items() if v is not None}
    return ServerProfile(**clean)


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    """Validate an already-parsed TOML document. Raises ConfigError listing every problem."""
    c = _Checker(path)
    c.unknown("", data, _TOP_KEYS)
    servers: dict[str, ServerProfile] = {}
    raw_servers = data.get("servers", {})
    if not isinstance(raw_servers, dict):
        c.bad("servers", "must be a table of [servers.NAME] tables")
        raw_servers = {}
    for name, table in raw_servers.items():
        if not name.strip() or not name.isprintable():
            c.bad(f"[servers.{name!r}]", "profile names must be printable and non-empty")
            continue
        profile = _profile(c, name, table)
        if profile is not None:
            servers[name] = profile
    default = data.get("default_server")
    if default is not None:
        default = c.string("default_server", default)
        if default is not None and default not in raw_servers:
            known = ", ".join(sorted(raw_servers)) or "none are configured"
            c.bad("default_server", f"names no [servers.{default}] table (known: {known})")
    keys: dict[str, str] = {}
    raw_keys = data.get("keys", {})
    if not isinstance(raw_keys, dict):
        c.bad("keys", 'must be a table: binding id = "key"')
    else:
        for binding, key in raw_keys.items():
            value = c.string(f"[keys] {binding}", key, what='a key name such as "ctrl+r"')
            if value is not None:
                keys[binding] = value
    filters = data.get("filters", {})
    if not isinstance(filters, dict):
        c.bad("filters", "must be a table")
        filters = {}
    theme = None
    ui = data.get("ui", {})
    if not isinstance(ui, dict):
        c.bad("ui", "must be a table")
    else:
        c.unknown("ui", ui, _UI_KEYS)
        if "theme" in ui:
            theme = c.string("[ui] theme", ui["theme"], what="a theme name")
    history: dict[str, float] = {}
    raw_history = data.get("history", {})
    if not isinstance(raw_history, dict):
        c.bad("history", "must be a table")
    else:
        c.unknown("history", raw_history, list(_HISTORY_KEYS))
        for key, (lo, hi, integer) in _HISTORY_KEYS.items():
            if key in raw_history:
                value = c.number(f"[history] {key}", raw_history[key], lo, hi, integer=integer)
                if value is not None:
                    history[key] = value
    if c.problems:
        raise ConfigError(c.problems)
    return Config(
        path=path,
        servers=servers,
        default_server=default,
        keys=keys,
        filters=dict(filters),
        theme=theme,
        history=history,
    )


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate the config.

    `path=None` means the default location, where a missing file is fine (an empty config).
    An explicit path that does not exist is an error. Raises ConfigError, never OSError or a
    TOML error.
    """
    explicit = path is not None or bool(os.environ.get(CONFIG_ENV))
    file = Path(path).expanduser() if path is not None else default_config_path()
    try:
        text = file.read_bytes()
    except FileNotFoundError:
        if explicit:
            raise ConfigError([f"{file}: no such file"]) from None
        return Config(path=file)
    except OSError as exc:
        raise ConfigError([f"{file}: cannot read: {exc.strerror or exc}"]) from None
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{file}: not UTF-8 text ({exc.reason})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{file}: invalid TOML: {exc}"]) from None
    except RecursionError:
        raise ConfigError([f"{file}: invalid TOML: nested too deeply"]) from None
    except (ValueError, MemoryError) as exc:  # e.g. an integer of 5,000 digits
        raise ConfigError([f"{file}: invalid TOML: {str(exc)[:120]}"]) from None
    return parse_config(data, file)


# --------------------------------------------------------------------------- secrets


def resolve_credentials(
    profile: ServerProfile,
    *,
    environ: Mapping[str, str] | None = None,
    netrc_path: Path | None = None,
) -> Credentials | None:
    """Find the HTTP password for `profile`; None means anonymous REST access.

    Order: the variable named by `password_env`, then `$VSTUI_HTTP_PASSWORD`, then the
    `~/.netrc` (or `$NETRC`) entry for the URL's host (when `netrc` is true). The user is
    `http_user`, else the netrc login, else `ssh_user`. Raises ConfigError when `password_env`
    names a variable that is not set (a silent fallback to anonymous would hide the mistake).
    """
    env = os.environ if environ is None else environ
    user = profile.http_user
    if profile.password_env:
        password = env.get(profile.password_env)
        if not password:
            raise ConfigError(
                [
                    f"server {profile.name!r}: password_env names ${profile.password_env}, "
                    "which is not set"
                ]
            )
        source = f"${profile.password_env}"
    elif env.get(PASSWORD_ENV):
        password, source = env[PASSWORD_ENV], f"${PASSWORD_ENV}"
    else:
        password, source = None, ""
        if profile.netrc and profile.url:
            found = _from_netrc(profile.url, env, netrc_path)
            if found is not None:
                login, password = found
                user = user or login
                source = "netrc"
    if password is None:
        return None
    user = user or profile.ssh_user
    if not user:
        raise ConfigError(
            [f"server {profile.name!r}: an HTTP password is set ({source}) but no http_user"]
        )
    return Credentials(user, password, source)


def _from_netrc(url: str, env: Mapping[str, str], path: Path | None) -> tuple[str, str] | None:
    host = urlsplit(url).hostname
    if not host:
        return None
    file = path or Path(env.get("NETRC") or Path.home() / ".netrc")
    try:
        entry = netrc.netrc(str(file)).authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None
    if not entry or not entry[2]:
        return None
    return entry[0] or "", entry[2]
