"""`vstui sync`, `checks`, `ci-health` and `record` against the emulator over loopback."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fake._clients import wait_until
from vstui.cli import main
from vstui.fake import ci_styles
from vstui.fake.scenarios import catalog
from vstui.history import HistoryStore


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The seed world with its CI history, read-only for this module's tests."""
    from vstui.fake import FakeGerrit

    directory = tmp_path_factory.mktemp("history-cli")
    with FakeGerrit(scenario="seed", seed=0, state_dir=directory / "state") as fg:
        fg.write_info(directory / "info.json")
        yield fg, directory


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def where(directory: Path, history: Path) -> list[str]:
    return ["--info-file", str(directory / "info.json"), "--history-file", str(history)]


def test_sync_from_empty_then_incremental(seed: Any, tmp_path: Path, capsys: Any) -> None:
    _fg, directory = seed
    history = tmp_path / "h.sqlite3"
    code, out, err = cli(capsys, "sync", *where(directory, history))
    assert code == 0, err
    assert out.startswith("synced ") and err == ""  # quiet when stderr is not a terminal
    stored = HistoryStore(history).count()
    assert stored > 1000
    code, out, _err = cli(capsys, "sync", *where(directory, history))
    assert code == 0
    assert ": 0 new runs" in out  # nothing changed since: nothing new, and no duplicates
    assert HistoryStore(history).count() == stored


def test_checks_on_the_seed_change_shows_failing_elsewhere_and_flaky(
    seed: Any, tmp_path: Path, capsys: Any
) -> None:
    _fg, directory = seed
    code, out, err = cli(
        capsys, "checks", "381272", "--json", *where(directory, tmp_path / "h.sqlite3")
    )
    assert code == 1, err  # HPE Storage CI's voting job failed
    doc = json.loads(out)
    assert (doc["change"], doc["patch_set"], doc["status"]) == (381272, 2, "failed")
    assert set(doc["jobs"][0]) == {
        "ci", "job", "pipeline", "result", "voting", "url", "duration_s", "verdicts"
    }  # fmt: skip
    by_ci: dict[str, list[dict[str, Any]]] = {}
    for job in doc["jobs"]:
        by_ci.setdefault(job["ci"], []).append(job)
    hpe = [v for j in by_ci["HPE Storage CI"] for v in j["verdicts"]]
    elsewhere = [v for v in hpe if v["kind"] == "failing_elsewhere"]
    assert elsewhere and elsewhere[0]["failed"] >= 2 and elsewhere[0]["window_days"] == 7
    assert elsewhere[0]["failed"] / elsewhere[0]["of"] >= 0.5
    tegile = [v for j in by_ci["Tegile Storage CI"] for v in j["verdicts"]]
    assert {"kind": "flaky", "flips": 2} in tegile
    code, out, _err = cli(
        capsys, "checks", "381272", "--patch-set", "1", "--voting-only",
        *where(directory, tmp_path / "h.sqlite3"),
    )  # fmt: skip
    assert code == 1
    assert out.startswith("change 381272 patch set 1: failed")
    assert "(non-voting)" not in out


def test_ci_health_json_shows_the_seed_profiles(seed: Any, tmp_path: Path, capsys: Any) -> None:
    _fg, directory = seed
    code, out, err = cli(
        capsys, "ci-health", "--json", "--project", "openstack/cinder",
        *where(directory, tmp_path / "h.sqlite3"),
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert doc["since"].endswith("Z")
    cis = {c["ci"]: c for c in doc["cis"]}
    assert cis["HPE Storage CI"]["success_rate"] < 0.5
    assert cis["Mellanox CI"]["success_rate"] >= 0.9
    assert sum(j["flaky"] for j in cis["Tegile Storage CI"]["jobs"]) >= 3
    assert "Kaminario K2 CI" in cis  # stopped two days ago, still in the week
    code, out, _err = cli(
        capsys, "ci-health", "--ci", "hpe-storage-ci", *where(directory, tmp_path / "h.sqlite3")
    )
    assert code == 0 and "HPE Storage CI" in out and "Mellanox" not in out


def test_usage_errors_are_one_line_exit_2(seed: Any, tmp_path: Path, capsys: Any) -> None:
    _fg, directory = seed
    code, _out, err = cli(capsys, "checks", "not-a-change", *where(directory, tmp_path / "h"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit) as exc:
        main(["ci-health", "--since"])
    assert exc.value.code == 2
    code, _out, err = cli(capsys, "ci-health", "--since", "soon", *where(directory, tmp_path / "h"))
    assert code == 1 and "not a duration" in err


def _hidden(fg: Any) -> int:
    """Changes the default account may not see (private ones of others) or older than a week."""
    import time

    account = fg.store.account(fg.info["default_account"])
    week = time.time() - 7 * 86400
    return sum(
        1 for c in fg.store.changes() if not fg.store.can_see(account, c) or c.last_updated < week
    )


def _new_change_with_jenkins(fg: Any, outcome: str) -> int:
    store = fg.store
    owner = store.account(catalog.SEED_OWNER[0])
    change = store.create_change("openstack/cinder", owner, "A change for checks")
    jenkins = store.account(catalog.JENKINS.username)
    rep = ci_styles.ci_report(catalog.JENKINS, random.Random(1), change.number, 1, outcome=outcome)
    store.post_review(change, 1, jenkins, message=rep.body, labels=rep.labels)
    return int(change.number)


def test_checks_exit_codes_and_watch_until_a_recheck_is_answered(
    fake_gerrit_factory: Callable[..., Any], tmp_path: Path, capsys: Any
) -> None:
    fg = fake_gerrit_factory(scenario="seed", recheck_delay=1.0)
    fg.write_info(tmp_path / "info.json")
    args = where(tmp_path, tmp_path / "h.sqlite3")
    passed = _new_change_with_jenkins(fg, "SUCCESS")
    assert cli(capsys, "checks", str(passed), *args)[0] == 0
    # a recheck makes Jenkins pending (8) until it answers; --watch waits for the answer
    store = fg.store
    store.post_review(store.change(passed), 1, store.account(catalog.SEED_OWNER[0]),
                      message="recheck")  # fmt: skip
    code, out, _err = cli(capsys, "checks", str(passed), "--json", *args)
    if code == 8:  # (the answer may already be in on a slow machine)
        assert json.loads(out)["status"] == "pending"
    code, out, err = cli(capsys, "checks", str(passed), "--watch", "--json", *args)
    assert code in (0, 1), err
    assert json.loads(out)["status"] in ("passed", "failed")
    assert fg.rechecks.answered >= 1
    failed = _new_change_with_jenkins(fg, "FAILURE")
    assert cli(capsys, "checks", str(failed), "--watch", "--fail-fast", *args)[0] == 1


def test_record_writes_reports_as_they_stream_and_stops_on_sigterm(
    fake_gerrit_factory: Callable[..., Any], tmp_path: Path
) -> None:
    fg = fake_gerrit_factory(scenario="empty")
    info = tmp_path / "info.json"
    fg.write_info(info)
    history = tmp_path / "h.sqlite3"
    store = fg.store
    store.create_project("demo")
    owner = next(a for a in store.accounts() if not a.is_service_user)
    ci = store.create_account("zuul", "Zuul", "zuul@example.org", service_user=True)
    err_path = tmp_path / "err.txt"
    env = dict(os.environ)
    with err_path.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "vstui.cli", "record", "--info-file", str(info),
             "--history-file", str(history), "--batch", "0.2"],
            stdout=subprocess.DEVNULL, stderr=err, env=env,
        )  # fmt: skip
    try:
        wait_until(lambda: "recording" in err_path.read_text(), timeout=20)
        wait_until(lambda: fg.stream_session_count >= 1, timeout=20)
        change = store.create_change("demo", owner, "Recorded")
        body = (
            "Build failed (check pipeline).\n\n"
            "- tox-py3 https://logs.example.org/1/tox-py3/ : FAILURE in 3m 02s\n"
            "- tox-pep8 https://logs.example.org/1/tox-pep8/ : SUCCESS in 1m 00s\n"
        )
        store.post_review(change, 1, ci, message=body)

        def recorded() -> bool:
            with HistoryStore(history) as h:
                return h.count() == 2

        wait_until(recorded, timeout=20)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    stderr = err_path.read_text()
    assert rc == 0 and "Traceback" not in stderr, stderr
    assert "stopped:" in stderr
    with HistoryStore(history) as h:
        assert {r.job: r.result for r in h.runs_for_change(change.number)} == {
            "tox-py3": "FAILURE",
            "tox-pep8": "SUCCESS",
        }


def test_sync_pages_cover_every_change_once(
    seed: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vstui.core import history_sync

    _fg, directory = seed
    one_page = tmp_path / "one.sqlite3"
    assert cli(capsys, "sync", *where(directory, one_page))[0] == 0
    monkeypatch.setattr(history_sync, "PAGE_SIZE", 7)  # 116 changes: 17 pages, read ahead
    paged = tmp_path / "paged.sqlite3"
    code, out, _err = cli(capsys, "sync", *where(directory, paged))
    assert code == 0
    with HistoryStore(one_page) as a, HistoryStore(paged) as b:
        assert a.count() == b.count() > 1000
    synced = int(out.split()[1])
    assert synced == len([c for c in _fg.store.changes() if c.last_updated > 0]) - _hidden(_fg)
