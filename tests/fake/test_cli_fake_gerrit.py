"""`vstui fake-gerrit` as a user runs it: a subprocess, its info file, ready line and signals."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["HOME"] = str(tmp_path / "home")
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return env


def _start(args: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "vstui", "fake-gerrit", *args],
        cwd=REPO,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_writes_info_prints_ready_line_and_stops_on_signal(tmp_path: Path, sig: int) -> None:
    info_file = tmp_path / "run" / "info.json"
    args = ["--scenario", "empty", "--info-file", str(info_file)]
    if sig == signal.SIGTERM:
        args += ["--state-dir", str(tmp_path / "state")]
    proc = _start(args, tmp_path)
    try:
        assert proc.stdout is not None
        ready = proc.stdout.readline()  # blocks until the servers are up (or the process dies)
        assert ready.startswith("fake-gerrit ready:"), (ready, proc.stderr.read())
        info = json.loads(info_file.read_text())  # written before the ready line
        port = info["ssh"]["port"]
        assert f"ssh -p {port} -i " in ready and info["http"]["url"] in ready
        assert "gerrit stream-events" in ready
        for p in (port, int(info["http"]["url"].rsplit(":", 1)[1].rstrip("/"))):
            with socket.create_connection(("127.0.0.1", p), timeout=5):
                pass
        key = Path(info["accounts"][0]["ssh_private_key"])
        state = tmp_path / "state" if sig == signal.SIGTERM else tmp_path / "cache"
        assert state in key.parents  # keys under the state dir (or the user cache), not the repo
        proc.send_signal(sig)
        started = time.monotonic()
        rc = proc.wait(timeout=5)
        assert time.monotonic() - started < 2.0
        assert rc == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["--http-fail-rate", "2"],
        ["--scenario", "bogus"],
        ["--ssh-port", "70000"],
        ["--activity", "-1"],
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "vstui", "fake-gerrit", *args],
        cwd=REPO,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


@pytest.mark.slow
def test_port_in_use_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "vstui", "fake-gerrit", "--scenario", "empty",
             "--http-port", str(port), "--state-dir", str(tmp_path / "state")],
            cwd=REPO,
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=30,
        )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr == (
        f"vstui fake-gerrit: error: cannot listen for HTTP on 127.0.0.1:{port}: "
        "Address already in use\n"
    )
