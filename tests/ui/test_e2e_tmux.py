"""End to end in a real terminal: `vstui demo` inside tmux, driven by keys as a person types.

tmux gives the app a real pty (escape sequences, terminal size, key parsing) and lets the
test read the screen back with `capture-pane`. The emulator, SSH and HTTP are all real.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TMUX = shutil.which("tmux")


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        done = subprocess.run([TMUX, *args], capture_output=True, text=True, timeout=10)
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def wait_for(self, condition: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if condition(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def wait_text(self, text: str, timeout: float = 30) -> str:
        return self.wait_for(lambda s: text in s, repr(text), timeout)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """`vstui demo` in a detached 120x40 tmux session whose HOME and XDG dirs are tmp dirs.

    Why: the demo writes its remembered filters and its log under the user's state dir; a
    test must never touch the real home directory.
    """
    if TMUX is None:
        pytest.skip("tmux is not installed: the real-terminal test needs it")
    name = f"vstui-e2e-{uuid.uuid4().hex[:8]}"
    vstui = str(Path(sys.executable).with_name("vstui"))
    env = {
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TERM": "xterm-256color",
    }
    exports = " ".join(f"{k}={v}" for k, v in env.items())
    command = f"env {exports} {vstui} demo --activity 0; echo VSTUI-EXIT=$?; sleep 30"
    subprocess.run(
        [TMUX, "new-session", "-d", "-s", name, "-x", "120", "-y", "40", command],
        check=True,
        timeout=10,
        env={**os.environ, "TMUX": ""},
    )
    term = Terminal(name)
    try:
        yield term
    finally:
        term.tmux("kill-session", "-t", name)


def test_demo_in_a_real_terminal(terminal: Terminal):
    screen = terminal.wait_for(
        lambda s: "stream: live" in s and "changes" in s and "381272" in s,
        "the change list with a live stream",
    )
    assert "Traceback" not in screen
    terminal.keys("/")

    def query_box(screen: str) -> str:
        return next((line for line in screen.splitlines() if line.startswith("▊  ")), "")

    terminal.wait_for(lambda s: "status:open" in query_box(s), "the query box")
    # ctrl+u clears the box, which proves it has the focus before we type (a key sent
    # before Textual moved the focus would go to the list instead: send it again then).
    for attempt in range(5):
        terminal.keys("C-u")
        try:
            terminal.wait_for(
                lambda s: "Gerrit query, e.g." in query_box(s), "the empty query box", timeout=2
            )
            break
        except AssertionError:
            if attempt == 4:
                raise
    terminal.type("change:381272")
    terminal.wait_for(lambda s: "change:381272" in query_box(s), "the typed query")
    terminal.keys("Enter")
    terminal.wait_for(
        lambda s: any(
            ln.rstrip().endswith("query: change:381272 · 1 change") for ln in s.splitlines()
        ),
        "the one-change list (singular)",
    )
    terminal.keys("Enter")
    screen = terminal.wait_text("CI results (")
    assert "Fix volume migration for encrypted volumes" in screen
    assert "Discussion — " in screen and "(hidden, b shows)" in screen
    terminal.keys("x")
    screen = terminal.wait_text("CI results — hide failing non-voting (showing")
    terminal.keys("?")
    terminal.wait_text("Keys: CI results")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "Keys: CI results" not in s, "the help to close")
    terminal.keys("q")
    screen = terminal.wait_text("VSTUI-EXIT=")
    assert "VSTUI-EXIT=0" in screen and "Traceback" not in screen
