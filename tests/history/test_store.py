"""The history store: idempotent rows, file modes, migrations, two writing processes."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.history.helpers import NOW, rec
from vstui.history.records import records_from_results
from vstui.history.store import MIGRATIONS, SCHEMA_VERSION, HistoryError, HistoryStore


def test_the_same_report_from_stream_fetch_and_backfill_is_one_row(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3", server="s")
    report = [
        rec(1, 1, "FAILURE", t=NOW, key="m1"),
        rec(1, 1, "SUCCESS", t=NOW, key="m1", job="other"),
    ]
    assert store.add(report) == 2  # the stream's view
    assert store.add(report) == 0  # the change fetch
    assert store.add(list(reversed(report))) == 0  # a backfill, in another order
    assert store.count() == 2
    # A recheck is a new report (another message): a second run of the same job.
    assert store.add([rec(1, 1, "SUCCESS", t=NOW + 60, key="m2")]) == 1
    assert store.count() == 3


def test_records_from_ci_results_are_idempotent_over_refetches(tmp_path: Path) -> None:
    from tests.ci._models import Account, Message, at  # ChangeMessage-shaped test doubles
    from vstui.ci.results import build_change_results

    body = (
        "Patch Set 1: Verified-1\n\nBuild failed. To recheck, comment 'run-HPE Storage CI'.\n\n"
        "- hpe-iscsi http://logs.example.org/72/381272/1/check/hpe-iscsi/abc/ : FAILURE in 1h 02m 03s\n"
        "- hpe-fc http://logs.example.org/72/381272/1/check/hpe-fc/abc/ : SUCCESS in 58m 00s\n"
    )
    messages = [Message("mid-1", Account("HPE Storage CI", "hpe-ci"), at(0), body)]
    results = build_change_results(messages)
    records = records_from_results(381272, "openstack/cinder", results, now=NOW)
    assert {(r.job, r.result, r.ci, r.report_key) for r in records} == {
        ("hpe-iscsi", "FAILURE", "hpe-ci", "mid-1"),
        ("hpe-fc", "SUCCESS", "hpe-ci", "mid-1"),
    }
    store = HistoryStore(tmp_path / "h.sqlite3")
    assert store.add(records) == 2
    again = records_from_results(381272, "openstack/cinder", build_change_results(messages))
    assert store.add(again) == 0


def test_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "history" / "s.sqlite3"
    store = HistoryStore(path)
    store.add([rec(1, 1, "SUCCESS", t=NOW)])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    wal = Path(str(path) + "-wal")
    if wal.exists():
        assert stat.S_IMODE(os.stat(wal).st_mode) & 0o077 == 0


def test_migration_from_the_first_schema_keeps_rows_and_adds_last_seen(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO project (id, name) VALUES (1, 'openstack/cinder')")
    db.execute("INSERT INTO ci (id, key, name) VALUES (1, 'hpe-ci', 'HPE Storage CI')")
    db.execute("INSERT INTO job (id, ci_id, pipeline, name) VALUES (1, 1, 'check', 'hpe-iscsi')")
    db.execute(
        "INSERT INTO run VALUES (42, 7, 381272, 1, 1, 1, 'FAILURE', 1, 1, NULL, 60, ?, 'm1')",
        (NOW,),
    )
    db.close()
    store = HistoryStore(path)
    assert store.schema_version == SCHEMA_VERSION == 3
    assert store.count() == 1
    assert store.last_seen() == {"hpe-ci": NOW}
    (run,) = store.runs_for_change(381272)
    assert (run.ci_name, run.job, run.result) == ("HPE Storage CI", "hpe-iscsi", "FAILURE")
    # and it keeps working: the old row is the same report as a new sighting of it
    names = {r[0] for r in store.query("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"run_job_change", "run_project_time", "run_key"} <= names
    assert store.get_list_cache("status:open") is None
    store.put_list_cache("status:open", b")]}'\n[]", NOW)
    assert store.get_list_cache("status:open") == (b")]}'\n[]", NOW)


def test_a_file_from_a_newer_vstui_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(HistoryError, match="newer vstui"):
        HistoryStore(path)


def test_a_file_that_is_not_a_database_is_one_readable_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(HistoryError, match="not a vstui history file"):
        HistoryStore(path)


def _writer(path: str, worker: int, count: int) -> None:
    store = HistoryStore(path)
    for i in range(count):
        # Both writers also store the same shared reports: still one row each.
        store.add(
            [
                rec(1000 + i, 1, "SUCCESS", t=NOW + i, key=f"w{worker}-{i}"),
                rec(5000 + i, 1, "FAILURE", t=NOW + i, key=f"shared-{i}"),
            ]
        )
    store.close()


def test_two_processes_write_one_file(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    HistoryStore(path).close()  # created and migrated once; both writers open it
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, 60)) for w in (1, 2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    store = HistoryStore(path)
    assert store.count() == 60 * 2 + 60
