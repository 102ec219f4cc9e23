"""Secrets stay secret, private files stay private, bad config files are one line.

Regression tests for issue 9 item 13 (a password inside the profile `url` was printed by
`config check` and could reach the TUI's log; `vstui.log` was world-readable; a link like
`https://review.example.org@evil.example/` opened without saying where it goes) and the
config half of item 12 (100k-deep TOML was a traceback in `config check`, the TUI and
`watch`).
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from vstui.cli import main
from vstui.sanitize import RedactingFormatter, redact_secrets, redact_url, url_host_warning

SECRET = "s3cr3t-pa55"
URL_WITH_PASSWORD = f"https://alice:{SECRET}@review.example.org/"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ----------------------------------------------------------------- redaction


def test_userinfo_is_redacted_in_any_text():
    assert redact_url(URL_WITH_PASSWORD) == "https://***@review.example.org/"
    line = f"GET {URL_WITH_PASSWORD}a/changes/: cannot connect; see http://x.org/a@b"
    assert SECRET not in redact_secrets(line)
    assert "http://x.org/a@b" in redact_secrets(line)  # an @ in a path is not userinfo
    assert redact_secrets("mail alice@example.org") == "mail alice@example.org"


def test_config_check_never_prints_the_password(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text(f"[servers.a]\nurl = '{URL_WITH_PASSWORD}'\n")
    code = main(["--config", str(path), "config", "check"])
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
    assert "rest https://***@review.example.org/" in out.out
    assert "the url holds a user name or password" in out.out
    assert code == 1


def test_rest_errors_never_carry_the_password():
    import asyncio

    from vstui.gerrit.errors import GerritNetworkError
    from vstui.gerrit.rest import GerritRestClient, RetryPolicy

    async def fail() -> str:
        # Port 9 on loopback: nothing listens; the error names the URL.
        url = f"http://alice:{SECRET}@127.0.0.1:9/"
        async with GerritRestClient(url, retry=RetryPolicy(attempts=1)) as rest:
            with pytest.raises(GerritNetworkError) as info:
                await rest.get_version()
        return str(info.value)

    message = asyncio.run(fail())
    assert SECRET not in message and "***@127.0.0.1:9" in message


def test_log_lines_and_tracebacks_are_redacted():
    formatter = RedactingFormatter("%(message)s")
    try:
        raise RuntimeError(f"boom at {URL_WITH_PASSWORD}")
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", (URL_WITH_PASSWORD,), True
        )
        import sys

        record.exc_info = sys.exc_info()
    text = formatter.format(record)
    assert SECRET not in text and text.count("***@review.example.org") == 2


# ----------------------------------------------------------------- private files


def test_tui_log_is_0600_in_a_0700_dir_and_redacted(tmp_path, monkeypatch):
    from vstui.ui.launch import setup_logging

    log_dir = tmp_path / "logs" / "vstui"
    log_dir.mkdir(parents=True, mode=0o755)
    (log_dir / "vstui.log").write_text("")
    (log_dir / "vstui.log").chmod(0o644)
    monkeypatch.setattr("platformdirs.user_log_dir", lambda *a, **k: str(log_dir))
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        path = setup_logging()
        assert path == log_dir / "vstui.log"
        logging.getLogger("vstui.test").warning("session for %s", URL_WITH_PASSWORD)
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in root.handlers[:]:
            if handler not in before:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
    assert mode(log_dir) == 0o700
    assert mode(path) == 0o600
    text = path.read_text()
    assert "session for https://***@review.example.org/" in text and SECRET not in text


def test_new_log_file_is_created_0600(tmp_path):
    from vstui.private_files import create_private_file, private_dir

    old = os.umask(0o022)
    try:
        directory = private_dir(tmp_path / "a" / "b")
        path = create_private_file(directory / "x.log")
    finally:
        os.umask(old)
    assert mode(directory) == 0o700 and mode(path) == 0o600


def test_filter_state_is_0600_in_a_0700_dir(tmp_path):
    from vstui.core.ci_filter import CIFilter
    from vstui.core.filter_state import FilterStateStore

    path = tmp_path / "state" / "vstui" / "filters.json"
    old = os.umask(0o022)
    try:
        FilterStateStore(path).save("s", CIFilter(regex="nova"))
    finally:
        os.umask(old)
    assert mode(path.parent) == 0o700 and mode(path) == 0o600
    assert FilterStateStore(path).load("s") == CIFilter(regex="nova")


# ----------------------------------------------------------------- links that lie


def test_userinfo_host_trick_names_the_real_host():
    warning = url_host_warning("https://review.example.org@evil.example/job/1")
    assert warning is not None and "goes to evil.example" in warning
    assert "review.example.org" in warning
    assert url_host_warning("https://logs.opendev.org/72/1/check/job/abc/") is None


def test_punycode_host_is_named():
    warning = url_host_warning("https://xn--80ak6aa92e.com/")
    assert warning is not None and "internationalized" in warning and "xn--80ak6aa92e" in warning


async def test_opening_a_lying_link_asks_first_and_shows_the_real_host(tmp_path, monkeypatch):
    from textual.widgets import Static

    from vstui.ui.app import VstuiApp
    from vstui.ui.screens.confirm import ConfirmScreen

    app = VstuiApp(None, config_path=str(tmp_path / "config.toml"))
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **kw: opened.append(url))
    url = "https://review.example.org@evil.example/job/1"
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_untrusted_url(url, what="log of tox")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "goes to evil.example" in text
        await pilot.press("n")
        await pilot.pause()
        assert opened == []
        app.open_untrusted_url(url, what="log of tox")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert opened == [url]
        app.open_untrusted_url("https://logs.example.org/ok", what="log")
        await pilot.pause()
        assert opened[-1] == "https://logs.example.org/ok"  # a plain link opens at once


# ----------------------------------------------------------------- hostile config files

DEEP_TOML = "a = " + "[" * 100_000 + "]" * 100_000 + "\n"
HUGE_INT_TOML = "[servers.a]\nurl = 'https://x.org/'\nssh_port = " + "9" * 5000 + "\n"


@pytest.mark.parametrize(
    ("text", "why"), [(DEEP_TOML, "nested too deeply"), (HUGE_INT_TOML, "invalid TOML")]
)
@pytest.mark.parametrize("command", [["config", "check"], ["watch"], []])
def test_hostile_toml_is_one_line_everywhere(tmp_path, capsys, text, why, command):
    path = tmp_path / "config.toml"
    path.write_text(text)
    code = main(["--config", str(path), *command])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and why in err


DEEP_JSON = "[" * 100_000 + "]" * 100_000


def test_hostile_filter_state_file_is_set_aside(tmp_path):
    from vstui.core.ci_filter import CIFilter
    from vstui.core.filter_state import FilterStateStore

    path = tmp_path / "filters.json"
    path.write_text('{"s": ' + DEEP_JSON + "}")
    assert FilterStateStore(path).load("s") == CIFilter()
    assert (tmp_path / "filters.json.bad").exists()


def test_hostile_info_file_is_one_line(tmp_path, capsys):
    path = tmp_path / "info.json"
    path.write_text(DEEP_JSON)
    code = main(["watch", "--info-file", str(path)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "not a fake-gerrit info file" in err


def test_change_links_built_from_the_profile_url_carry_no_password(tmp_path):
    from vstui.core.connect import open_session
    from vstui.sanitize import without_userinfo

    assert without_userinfo(URL_WITH_PASSWORD) == "https://review.example.org/"
    path = tmp_path / "config.toml"
    path.write_text(f"[servers.a]\nurl = '{URL_WITH_PASSWORD}'\n")
    session = open_session(load_config_for(path))
    try:
        assert session.web_url == "https://review.example.org/"
    finally:
        import asyncio

        asyncio.run(session.rest.aclose())


def load_config_for(path: Path):
    from vstui.config import load_config

    return load_config(path).server("a")
