"""`vstui logs anomalies`: JSON Lines, best first; one line and exit 1 when unreadable."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from vstui.cli import main

PASSING = "10:00:01 INFO start\n10:00:02 ERROR AMQP server on 10.0.0.1 is unreachable\nok 1\n"
FAILING = (
    "11:00:01 INFO start\n11:00:02 ERROR AMQP server on 10.0.0.7 is unreachable\n"
    "11:00:03 ERROR cinder.volume.manager Failed to create volume: VolumeBackendAPIException\n"
    "ok 2\n"
)


def test_json_lines_best_first_with_a_gzip_baseline(tmp_path: Path, capsys) -> None:
    target = tmp_path / "t.log"
    target.write_text(FAILING)
    base = tmp_path / "b.log.gz"
    base.write_bytes(gzip.compress(PASSING.encode()))
    assert main(["logs", "anomalies", str(target), "--baseline", str(base), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [{"line": 3, "score": rows[0]["score"], "text": FAILING.splitlines()[2]}]
    assert isinstance(rows[0]["score"], float)


def test_top_and_plain_output(tmp_path: Path, capsys) -> None:
    target = tmp_path / "t.log"
    target.write_text("Traceback (most recent call last):\nValueError: x\nfine\n")
    assert main(["logs", "anomalies", str(target), "--top", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "Traceback" in out[0]


def test_unreadable_log_is_one_line_and_exit_1(tmp_path: Path, capsys) -> None:
    assert main(["logs", "anomalies", str(tmp_path / "missing.log")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("vstui logs: ")
    assert main(["logs", "anomalies", "file:///etc/passwd"]) == 1


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["logs", "anomalies", "x", "--top", "0"])
    assert info.value.code == 2


def test_over_the_emulator_log_mirror(seed_gerrit, capsys) -> None:
    mirror = seed_gerrit.info["log_mirror"]
    base = "http://15.126.198.151/hpe-storage-ci/72/381272/1/check/hpe-3par-iscsi-dsvm/"
    target = f"{mirror}http/{base[7:]}b341fac/"
    passing = f"{mirror}http/{base[7:]}8f837ef/"
    assert main(["logs", "anomalies", target, "--baseline", passing, "--top", "20", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert 10 <= len(rows) <= 20 and any("Traceback" in r["text"] for r in rows[:5])
