"""Config file loading, validation messages, secrets handling, `vstui config path|check`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from vstui.cli import main
from vstui.config import (
    ConfigError,
    ServerProfile,
    default_config_path,
    load_config,
    resolve_credentials,
)

GOOD = """
default_server = "dev"

[servers.dev]
url = "https://review.example.org/gerrit"
ssh_host = "review"
ssh_port = 29419
ssh_user = "alice"
ssh_key = "~/keys/id_ed25519"
http_user = "alice"
password_env = "DEV_PW"
bot_accounts = [1000, "zuul@example.org"]
bot_usernames = ["zuul"]
bot_patterns = ["(?i)\\\\bci\\\\b"]
human_accounts = [1001]
ci_aliases = { "Zuul" = ["zuul", "Zuul CI"] }
default_query = "status:open project:nova"
events_log_timezone = "Europe/Berlin"

[servers.other]
url = "http://127.0.0.1:8080/"

[keys]
refresh = "ctrl+r"

[filters]
hide_bots = true

[ui]
theme = "textual-dark"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    # Never read the developer's real config, netrc or environment.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    for var in ("VSTUI_CONFIG", "VSTUI_HTTP_PASSWORD", "DEV_PW"):
        monkeypatch.delenv(var, raising=False)


def test_full_config_round_trip(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    dev = config.server()
    assert dev.name == "dev" and config.default_server == "dev"
    assert dev.rest_url == "https://review.example.org/gerrit/"
    assert (dev.ssh_target, dev.ssh_port, dev.ssh_user) == ("review", 29419, "alice")
    assert dev.ssh_key == Path(tmp_path / "home" / "keys" / "id_ed25519")
    assert dev.bot_accounts == (1000, "zuul@example.org")
    assert dev.bot_patterns == ("(?i)\\bci\\b",)
    assert dev.ci_aliases == {"Zuul": ("zuul", "Zuul CI")}
    assert dev.events_log_timezone == "Europe/Berlin"
    other = config.server("other")
    assert other.ssh_port is None and other.ssh_target == "127.0.0.1"
    assert other.default_query == "status:open"
    assert config.keys == {"refresh": "ctrl+r"} and config.filters == {"hide_bots": True}
    assert config.theme == "textual-dark"


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            "[servers.a]\nurl = 'https://x/'\nsssh_host = 'x'",
            "[servers.a] sssh_host: unknown key (allowed: url,",
        ),
        ("[servers.a]\nurl = 'ftp://x/'", "[servers.a] url: must be an http:// or https:// URL"),
        (
            "[servers.a]\nurl = 'https://x/'\nssh_port = 70000",
            "[servers.a] ssh_port: must be an integer from 1 to 65535, got 70000",
        ),
        ("[servers.a]\nurl = 'https://x/'\nssh_port = '22'", "ssh_port: must be an integer"),
        (
            "[servers.a]\nurl = 'https://x/'\nbot_patterns = ['(unclosed']",
            "bot_patterns[0]: is not a valid regular expression",
        ),
        (
            "[servers.a]\nurl = 'https://x/'\nhttp_password = 'hunter2'",
            "passwords do not belong in the config file",
        ),
        (
            "[servers.a]\nurl = 'https://x/'\nevents_log_timezone = 'Mars/Base'",
            "unknown time zone 'Mars/Base'",
        ),
        (
            "[servers.a]\nurl = 'https://x/'\nbot_usernames = [1]",
            "bot_usernames[0]: must be non-empty strings, got 1",
        ),
        ("[servers.a]\nssh_port = 22", "[servers.a]: needs at least url (REST) or ssh_host"),
        (
            "default_server = 'nope'\n[servers.a]\nurl = 'https://x/'",
            "default_server: names no [servers.nope] table (known: a)",
        ),
        (
            "colour = 'red'",
            "colour: unknown key (allowed: default_server, servers, keys, filters, ui, history)",
        ),
        ("[history]\nmin_ratio = 2", "[history] min_ratio: must be a number from 0 to 1"),
        ("[history]\nmin_failed = 1.5", "[history] min_failed: must be an integer"),
        ("[history]\nwindow = 7", "[history] window: unknown key (allowed: window_days"),
        ("[ui]\ntheme = 3", "[ui] theme: must be a theme name, got 3"),
        ("[ui]\nfont = 'x'", "[ui] font: unknown key (allowed: theme)"),
        ("[keys]\nquit = ''", "[keys] quit: must be a key name"),
        (
            "[servers.a]\nurl = 'https://x/'\npassword_env = 'NOT A NAME'",
            "password_env: must be an environment variable name",
        ),
    ],
)
def test_bad_values_name_the_file_the_key_and_what_is_allowed(tmp_path, snippet, expected):
    path = write(tmp_path, snippet)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert any(str(path) in p and expected in p for p in info.value.problems), info.value.problems


def test_every_problem_is_reported_and_the_message_is_one_line(tmp_path):
    path = write(tmp_path, "[servers.a]\nurl = 1\nssh_port = 0\nfoo = 2\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert len(info.value.problems) == 3
    assert "\n" not in str(info.value) and "(and 2 more problem(s))" in str(info.value)


def test_missing_and_broken_files(tmp_path):
    assert load_config().servers == {}  # default location, no file: empty config
    assert default_config_path() == tmp_path / "xdg" / "vstui" / "config.toml"
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(write(tmp_path, "[servers.a\n"))
    with pytest.raises(ConfigError, match="no server profile named 'x'"):
        load_config(write(tmp_path, GOOD)).server("x")


def test_password_sources_in_order_and_never_in_repr(tmp_path, monkeypatch):
    profile = load_config(write(tmp_path, GOOD)).server("dev")
    with pytest.raises(ConfigError, match=r"password_env names \$DEV_PW, which is not set"):
        resolve_credentials(profile)
    monkeypatch.setenv("DEV_PW", "s3cret-env")
    monkeypatch.setenv("VSTUI_HTTP_PASSWORD", "s3cret-generic")
    creds = resolve_credentials(profile)
    assert (creds.username, creds.password, creds.source) == ("alice", "s3cret-env", "$DEV_PW")
    assert "s3cret" not in repr(creds) and "s3cret" not in repr(profile)

    other = ServerProfile(name="o", url="https://review.example.org/", http_user="bob")
    assert resolve_credentials(other).password == "s3cret-generic"
    monkeypatch.delenv("VSTUI_HTTP_PASSWORD")
    netrc = tmp_path / "netrc"
    netrc.write_text("machine review.example.org login carol password s3cret-netrc\n")
    netrc.chmod(0o600)
    creds = resolve_credentials(
        ServerProfile(name="o", url="https://review.example.org/"), netrc_path=netrc
    )
    assert (creds.username, creds.password, creds.source) == ("carol", "s3cret-netrc", "netrc")
    assert (
        resolve_credentials(ServerProfile(name="o", url="https://elsewhere/"), netrc_path=netrc)
        is None
    )


def test_config_path_and_check_commands(tmp_path, capsys, monkeypatch):
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "xdg" / "vstui" / "config.toml")
    path = write(tmp_path, GOOD)
    monkeypatch.setenv("DEV_PW", "s3cret-env")
    rc = main(["--config", str(path), "config", "check"])
    out, err = capsys.readouterr()
    assert "ok:" in out and "2 server profile(s), default dev" in out
    assert "password from $DEV_PW" in out and "s3cret" not in out + err
    assert "warning: ssh_key" in out and rc == 1  # the key file does not exist
    bad = write(tmp_path, "[servers.a]\nurl = 'ftp://x'\n")
    assert main(["--config", str(bad), "config", "check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("vstui config: ") and "url: must be" in err and "Traceback" not in err
