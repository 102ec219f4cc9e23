"""Unread marks: never-opened changes carry none; a newer update after opening marks M, a new
patch set P; opening again clears; persisted privately; a broken file starts empty."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from vstui.core.unread import SeenStore

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def test_marks_follow_updates_since_last_opened(tmp_path: Path) -> None:
    seen = SeenStore(tmp_path / "s" / "seen.json")
    assert seen.mark("demo", 1, T0, 1) == ""  # never opened: no mark
    seen.record("demo", 1, T0, 1)
    assert seen.mark("demo", 1, T0, 1) == ""
    assert seen.mark("demo", 1, T0 + timedelta(minutes=5), 1) == "M"
    assert seen.mark("demo", 1, T0 + timedelta(minutes=5), 2) == "P"
    assert seen.mark("other", 1, T0 + timedelta(minutes=5), 2) == ""  # per server
    again = SeenStore(tmp_path / "s" / "seen.json")  # persisted
    assert again.mark("demo", 1, T0 + timedelta(minutes=5), 1) == "M"
    again.record("demo", 1, T0 + timedelta(minutes=5), 2)
    assert again.mark("demo", 1, T0 + timedelta(minutes=5), 2) == ""
    path = tmp_path / "s" / "seen.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_broken_file_starts_empty(tmp_path: Path) -> None:
    path = tmp_path / "seen.json"
    path.write_text('{"demo": {"1": "x", "y": [1, 2], "2": [1.0, 1]}}')
    seen = SeenStore(path)
    assert seen.mark("demo", 2, T0, 1) == "M"
    assert seen.mark("demo", 1, T0, 1) == ""
