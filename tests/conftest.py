"""Shared fixtures: the Gerrit emulator, started over real loopback sockets.

Every network test in the suite talks to a real `FakeGerrit` (paramiko SSH + HTTP on
127.0.0.1, ports chosen by the OS). These fixtures are the one way to get one, so that
keys are generated once per session and every server is stopped when its test ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

_HOME_VARS = ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")


def pytest_configure(config: pytest.Config) -> None:
    """Point HOME and the XDG dirs at a throw-away directory for the whole run.

    Why: vstui reads ~/.ssh, the platformdirs config, and writes filter state and logs under
    the user's state dir. A test must never read the developer's real config or keys, nor
    leave files in their home; subprocesses (vstui watch, vstui demo in tmux) inherit this.
    """
    import os
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="vstui-test-home-"))
    config._vstui_saved_env = {k: os.environ.get(k) for k in _HOME_VARS}  # type: ignore[attr-defined]
    os.environ["HOME"] = str(home)
    for var, sub in zip(
        _HOME_VARS[1:], (".config", ".local/state", ".cache", ".local/share"), strict=True
    ):
        os.environ[var] = str(home / sub)
    config._vstui_home = home  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    import os
    import shutil

    for var, value in getattr(config, "_vstui_saved_env", {}).items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value
    home = getattr(config, "_vstui_home", None)
    if home is not None:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def fake_gerrit_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One state directory for the whole session.

    Why: generating the host key and one ed25519 key pair per account costs time; with a
    shared state dir every emulator of the session reuses the same key files (exactly as
    `vstui fake-gerrit` reuses them between runs), and nothing is written under `~`.
    """
    return tmp_path_factory.mktemp("fake-gerrit-state")


@pytest.fixture
def fake_gerrit_factory(fake_gerrit_state_dir: Path) -> Iterator[Callable[..., Any]]:
    """Start emulators with any arguments (scenario, faults, activity, event_log, ...).

    Why: tests that need a fresh or unusual world (faults, an event log, a mutated
    store) must not share one; this starts as many as asked and stops them all on
    teardown, even when the test fails. Returns the started `FakeGerrit`.
    """
    from vstui.fake import FakeGerrit

    started: list[Any] = []

    def start(**kwargs: Any) -> Any:
        kwargs.setdefault("state_dir", fake_gerrit_state_dir)
        fg = FakeGerrit(**kwargs)
        started.append(fg)
        return fg.start()

    yield start
    for fg in reversed(started):
        fg.stop()


@pytest.fixture(scope="module")
def seed_gerrit(fake_gerrit_state_dir: Path) -> Iterator[Any]:
    """The seed world (cinder change 381272 and friends), one per test module.

    Why: building the seed world and starting two servers is the most expensive setup in
    the suite, and most readers only look at it. Treat it as read-only: a test that
    mutates it (reviews, votes) would make later tests in the module order-dependent;
    use `fake_gerrit_factory` for those.
    """
    from vstui.fake import FakeGerrit

    with FakeGerrit(scenario="seed", seed=0, state_dir=fake_gerrit_state_dir) as fg:
        yield fg


@pytest.fixture
def empty_gerrit(fake_gerrit_factory: Callable[..., Any]) -> Any:
    """An empty world (no projects, one human admin reviewer) for one test.

    Why: tests that build exactly the state they assert on (a project, a change, a few
    votes) need a world nobody else touched; starting one takes milliseconds.
    """
    return fake_gerrit_factory(scenario="empty")
