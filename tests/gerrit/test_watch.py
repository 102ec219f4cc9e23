"""`vstui watch` end to end: zero loss under drops and stalls, clean failures, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from vstui.cli import main
from vstui.fake import Faults
from vstui.gerrit.dedupe import normalise_event_dict

from ._support import account, wait_until

pytestmark = pytest.mark.timeout(90)

EVENTS = 2000
RATE = 600.0  # activity events/s: ~3.5 s of traffic, several drops/stalls while it runs


# `vstui watch` as a terminal's Ctrl-C meets it. A runner that starts this suite in the
# background without job control hands its children SIGINT *ignored*, and Python keeps an
# inherited SIG_IGN, so a plain `python -m vstui watch` would not see the SIGINT this test
# sends. Restore the default handler in the child before vstui starts.
WATCH_WITH_CTRL_C = [
    sys.executable,
    "-c",
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from vstui.cli import main; sys.exit(main(sys.argv[1:]))",
    "watch",
]


def env_for(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    env.pop("SSH_AUTH_SOCK", None)
    env.pop("VSTUI_HTTP_PASSWORD", None)
    return env


def start_watch(
    info: Path, tmp_path: Path, *args: str
) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """`vstui watch --info-file INFO ARGS` with stdout and stderr in files of `tmp_path`;
    returns (process, stdout path, stderr path)."""
    out_path, err_path = tmp_path / "out.txt", tmp_path / "err.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen(
            [*WATCH_WITH_CTRL_C, "--info-file", str(info), *args],
            stdout=out,
            stderr=err,
            env=env_for(tmp_path),
        )
    return proc, out_path, err_path


def normalised(lines: list[str]) -> list[str]:
    """Only the documented events-log shape difference is normalised."""
    return [json.dumps(normalise_event_dict(json.loads(ln)), sort_keys=True) for ln in lines]


def run_zero_loss(fake_gerrit_factory, tmp_path: Path, faults: Faults) -> tuple[list, list, str]:
    log = tmp_path / "events.log"
    fg = fake_gerrit_factory(scenario="empty", event_log=log, faults=faults)
    info = tmp_path / "info.json"
    fg.write_info(info)
    proc, out_path, err_path = start_watch(info, tmp_path, "--json")
    try:
        wait_until(
            lambda: "live" in err_path.read_text() and fg.stream_session_count >= 1,
            timeout=15,
            what="watch live",
        )
        base = len(log.read_text().splitlines())
        fg.start_activity(RATE)
        wait_until(
            lambda: len(log.read_text().splitlines()) - base >= EVENTS,
            timeout=40,
            what=f"{EVENTS} events",
        )
        fg.stop_activity()
        expected = normalised(log.read_text().splitlines()[base:])

        def caught_up() -> bool:
            return len(out_path.read_text().splitlines()) >= len(expected)

        wait_until(caught_up, timeout=20, what="watch caught up")
        time.sleep(0.5)  # anything doubled would show up now
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a watcher behind, even when the test fails
            proc.wait()
            raise
    stderr = err_path.read_text()
    assert rc == 130 and "Traceback" not in stderr, stderr[-2000:]
    got = normalised(out_path.read_text().splitlines())
    return got, expected, stderr


@pytest.mark.slow
def test_zero_loss_with_ssh_dropped_every_2s(fake_gerrit_factory, tmp_path):
    got, expected, stderr = run_zero_loss(fake_gerrit_factory, tmp_path, Faults(drop_ssh_every=2.0))
    assert len(expected) >= EVENTS
    assert Counter(got) == Counter(expected)  # nothing lost, nothing doubled
    assert got == expected  # and in order
    assert stderr.count("reconnecting") >= 1 and "backfilling" in stderr


@pytest.mark.slow
def test_zero_loss_with_stalled_streams(fake_gerrit_factory, tmp_path):
    got, expected, stderr = run_zero_loss(
        fake_gerrit_factory, tmp_path, Faults(stall_ssh_every=2.0, stall_ssh_for=1.0)
    )
    assert len(expected) >= EVENTS
    assert "dropped output" in stderr  # the stall overflowed Gerrit's 128-event queue
    # `--json` prints dropped-output too (a line Gerrit sent; the emulator's event log has
    # only events): every other line is each event once, in order.
    drops = [line for line in got if '"dropped-output"' in line]
    assert drops
    events = [line for line in got if '"dropped-output"' not in line]
    assert Counter(events) == Counter(expected)
    assert events == expected


def write_profile(tmp_path: Path, fg, **extra: object) -> Path:
    entry = account(fg)
    lines = [
        "[servers.fake]",
        f'url = "{fg.http_url}"',
        'ssh_host = "127.0.0.1"',
        f"ssh_port = {fg.ssh_port}",
        f'ssh_user = "{entry["username"]}"',
        f'ssh_key = "{extra.pop("ssh_key", entry["ssh_private_key"])}"',
    ]
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def isolated_home(tmp_path, monkeypatch):
    for key, value in env_for(tmp_path).items():
        if key in ("HOME", "XDG_CONFIG_HOME"):
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return tmp_path


def test_profile_with_unknown_host_key_fails_with_fingerprint(empty_gerrit, isolated_home, capsys):
    fg = empty_gerrit
    config = write_profile(isolated_home, fg)
    assert main(["--config", str(config), "watch"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    last = err[-1]
    assert last.startswith("vstui watch: fake: unknown SSH host key")
    assert fg.info["ssh"]["host_key_fingerprint"] in last
    assert fg.info["ssh"]["known_hosts_line"] in last
    assert str(isolated_home / "xdg" / "vstui" / "known_hosts") in last
    assert not (isolated_home / "home" / ".ssh").exists()  # nothing written, nothing accepted
    # With that line in vstui's known_hosts file the same profile streams.
    known = isolated_home / "xdg" / "vstui" / "known_hosts"
    known.parent.mkdir(parents=True)
    known.write_text(fg.info["ssh"]["known_hosts_line"] + "\n")
    wrong_key = next(a for a in fg.info["accounts"] if a["username"] != account(fg)["username"])
    config = write_profile(isolated_home, fg, ssh_key=wrong_key["ssh_private_key"])
    assert main(["--config", str(config), "watch", "--server", "fake"]) == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "SSH login as" in last and "was refused" in last


@pytest.mark.slow
def test_unreachable_server_is_one_clear_line(tmp_path):
    info = {
        "ssh": {
            "host": "127.0.0.1",
            "port": 9,
            "host_key_fingerprint": "SHA256:x",
            "known_hosts_line": "[127.0.0.1]:9 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBn",
        },
        "http": {"url": "http://127.0.0.1:9/"},
        "accounts": [
            {"username": "u", "ssh_private_key": str(tmp_path / "k"), "http_password": "p"}
        ],
        "default_account": "u",
    }
    path = tmp_path / "info.json"
    path.write_text(json.dumps(info))
    result = subprocess.run(
        [sys.executable, "-m", "vstui", "watch", "--info-file", str(path)],
        capture_output=True,
        text=True,
        env=env_for(tmp_path),
        timeout=30,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last == (
        "vstui watch: 127.0.0.1:9: cannot connect to 127.0.0.1 port 9: Connection refused; "
        "check ssh_host/ssh_port and your network"
    )
    assert "Traceback" not in result.stderr and result.stdout == ""
    bad = subprocess.run(
        [sys.executable, "-m", "vstui", "watch", "--info-file", str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
        env=env_for(tmp_path),
        timeout=30,
    )
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "no such file" in bad.stderr


def test_readable_lines_are_terminal_safe(empty_gerrit, tmp_path):
    from vstui.commands.watch import format_event
    from vstui.gerrit.decode import decode_event

    event = decode_event(
        json.dumps(
            {
                "type": "comment-added",
                "eventCreatedOn": 0,
                "author": {"name": "Evil\x1b]0;pwned\x07"},
                "comment": "Patch Set 1: Verified+1\n\nBuild \x1b[31mfailed\nsecond line",
                "approvals": [{"type": "Verified", "value": "1", "oldValue": "0"}],
                "change": {"number": 5, "project": "p"},
                "patchSet": {"number": 1},
            }
        )
    )
    line = format_event(event)
    assert line == "00:00:00 comment-added p 5,1 by Evil: Verified+1 Build failed"


def test_readable_lines_mark_dropped_output_and_caught_up_events():
    from vstui.commands.watch import format_event
    from vstui.gerrit.decode import decode_event

    dropped = decode_event('{"type":"dropped-output","eventCreatedOn":0}')
    assert format_event(dropped) == (
        "00:00:00 dropped-output: the server dropped events here; catching up"
    )
    line = json.dumps(
        {"type": "change-abandoned", "eventCreatedOn": 0, "change": {"number": 5}, "reason": "x"}
    )
    assert "(caught up) x" in format_event(decode_event(line, source="events-log"))
    assert "caught up" not in format_event(decode_event(line))
