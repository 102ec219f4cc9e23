"""Verdict rules on hand-built histories; each rule has a case where it must not fire."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.history.helpers import DAY, NOW, rec
from vstui.history.store import HistoryStore
from vstui.history.verdicts import VerdictRules, change_verdicts, missing_cis, recheck_reason


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    return HistoryStore(tmp_path / "h.sqlite3")


def kinds(store: HistoryStore, change: int, ps: int, **kw: object) -> dict[str, dict[str, object]]:
    v = change_verdicts(store, change, ps, now=NOW, **kw)  # type: ignore[arg-type]
    return {v.kind: v.as_json() for _key, v in v.all()}


# ------------------------------------------------------------------ flaky


def test_flaky_when_a_recheck_changed_the_outcome_with_flips(store: HistoryStore) -> None:
    store.add(
        [
            rec(1, 2, "FAILURE", t=NOW - 300),
            rec(1, 2, "SUCCESS", t=NOW - 200),
            rec(1, 2, "FAILURE", t=NOW - 100),
        ]
    )
    assert kinds(store, 1, 2)["flaky"] == {"kind": "flaky", "flips": 2}


def test_not_flaky_when_it_failed_twice_or_flipped_on_another_patch_set(
    store: HistoryStore,
) -> None:
    store.add(
        [
            rec(1, 1, "SUCCESS", t=NOW - 900),  # patch set 1 passed ...
            rec(1, 2, "FAILURE", t=NOW - 300),  # ... patch set 2 failed twice: consistent
            rec(1, 2, "FAILURE", t=NOW - 100),
        ]
    )
    assert "flaky" not in kinds(store, 1, 2)
    # and another job's flip on this patch set is not this job's
    store.add([rec(1, 2, "SUCCESS", t=NOW - 50, job="other-job")])
    assert "flaky" not in kinds(store, 1, 2)


# ------------------------------------------------------------------ failing elsewhere


def test_failing_elsewhere_counts_the_latest_result_on_other_changes(store: HistoryStore) -> None:
    store.add([rec(1, 1, "FAILURE", t=NOW - 60)])
    for change in (2, 3, 4):
        store.add([rec(change, 1, "FAILURE", t=NOW - DAY)])
    store.add([rec(5, 1, "SUCCESS", t=NOW - DAY)])
    # change 6 failed, then passed on a recheck: its latest result counts (a pass)
    store.add([rec(6, 1, "FAILURE", t=NOW - 2 * DAY), rec(6, 1, "SUCCESS", t=NOW - DAY)])
    assert kinds(store, 1, 1)["failing_elsewhere"] == {
        "kind": "failing_elsewhere",
        "failed": 3,
        "of": 5,
        "window_days": 7,
    }


def test_failing_elsewhere_does_not_fire_below_the_thresholds_or_outside_the_window(
    store: HistoryStore,
) -> None:
    store.add([rec(1, 1, "FAILURE", t=NOW - 60)])
    # one failure elsewhere (K < 2), failures older than the window, passes
    store.add([rec(2, 1, "FAILURE", t=NOW - DAY)])
    for change in (3, 4, 5):
        store.add([rec(change, 1, "FAILURE", t=NOW - 9 * DAY)])
    store.add([rec(6, 1, "SUCCESS", t=NOW - DAY), rec(7, 1, "SUCCESS", t=NOW - DAY)])
    assert "failing_elsewhere" not in kinds(store, 1, 1)
    # K = 2 of M = 5 is below half
    store.add([rec(8, 1, "FAILURE", t=NOW - DAY)])
    store.add([rec(9, 1, "SUCCESS", t=NOW - DAY), rec(10, 1, "SUCCESS", t=NOW - DAY)])
    assert "failing_elsewhere" not in kinds(store, 1, 1)
    # with a 10-day window the old failures count: 5 of 8
    longer = VerdictRules(window_days=10)
    assert kinds(store, 1, 1, rules=longer)["failing_elsewhere"]["failed"] == 5


def test_a_passing_job_is_never_failing_elsewhere(store: HistoryStore) -> None:
    store.add([rec(1, 1, "SUCCESS", t=NOW - 60)])
    store.add([rec(c, 1, "FAILURE", t=NOW - DAY) for c in (2, 3, 4)])
    assert kinds(store, 1, 1) == {}


# ------------------------------------------------------------------ new failure / infra


def test_new_failure_after_a_pass_on_the_previous_patch_set(store: HistoryStore) -> None:
    store.add([rec(1, 1, "SUCCESS", t=NOW - 900), rec(1, 2, "FAILURE", t=NOW - 60)])
    assert kinds(store, 1, 2)["new_failure"] == {"kind": "new_failure", "previous": "SUCCESS"}


def test_no_new_failure_when_it_failed_before_too_or_on_the_first_patch_set(
    store: HistoryStore,
) -> None:
    store.add([rec(1, 1, "FAILURE", t=NOW - 900), rec(1, 2, "FAILURE", t=NOW - 60)])
    assert "new_failure" not in kinds(store, 1, 2)
    store.add([rec(2, 1, "FAILURE", t=NOW - 60)])
    assert "new_failure" not in kinds(store, 2, 1)
    # a later patch set's pass is not "previous"
    store.add([rec(3, 2, "FAILURE", t=NOW - 900), rec(3, 3, "SUCCESS", t=NOW - 60)])
    assert "new_failure" not in kinds(store, 3, 2)


def test_infra_by_result_word_and_not_for_a_test_failure(store: HistoryStore) -> None:
    store.add([rec(1, 1, "NODE_FAILURE", t=NOW - 60), rec(2, 1, "FAILURE", t=NOW - 60)])
    assert kinds(store, 1, 1)["infra"] == {"kind": "infra"}
    assert "infra" not in kinds(store, 2, 1)


# ------------------------------------------------------------------ missing


def _project_history(store: HistoryStore, changes: range, *, with_late: bool) -> None:
    for c in changes:
        t0 = NOW - (200 - c) * 3600
        store.add([rec(c, 1, "SUCCESS", t=t0, ci="zuul", ci_name="Zuul", job="tox")])
        store.add([rec(c, 1, "FAILURE", t=t0 + 1800, ci="hpe-ci", job="hpe-iscsi")])
        if with_late and c % 3 == 0:  # a CI on a third of the changes only
            store.add([rec(c, 1, "SUCCESS", t=t0 + 600, ci="rare", ci_name="Rare CI")])


def test_missing_after_the_usual_delay(store: HistoryStore) -> None:
    _project_history(store, range(100, 130), with_late=True)
    # the new patch set: Zuul answered 3 h ago, HPE (usually 30 min later) never did
    store.add([rec(500, 1, "SUCCESS", t=NOW - 3 * 3600, ci="zuul", ci_name="Zuul", job="tox")])
    found = missing_cis(store, 500, 1, "openstack/cinder", now=NOW)
    assert [(ci, name) for ci, name, _v in found] == [("hpe-ci", "HPE Storage CI")]
    assert "usually within 30m" in found[0][2].explanation


def test_not_missing_before_its_usual_delay_nor_for_an_occasional_ci(
    store: HistoryStore,
) -> None:
    _project_history(store, range(100, 130), with_late=True)
    store.add([rec(500, 1, "SUCCESS", t=NOW - 600, ci="zuul", ci_name="Zuul", job="tox")])
    # 10 minutes in: HPE usually takes 30 minutes; Rare CI reports on a third only
    assert missing_cis(store, 500, 1, "openstack/cinder", now=NOW) == ()


def test_not_missing_with_too_little_history(store: HistoryStore) -> None:
    _project_history(store, range(100, 103), with_late=False)
    store.add([rec(500, 1, "SUCCESS", t=NOW - 9 * 3600, ci="zuul", ci_name="Zuul", job="tox")])
    assert missing_cis(store, 500, 1, "openstack/cinder", now=NOW) == ()


def test_recheck_reason_names_the_ci_and_the_evidence(store: HistoryStore) -> None:
    store.add([rec(1, 1, "FAILURE", t=NOW - 60)])
    store.add([rec(c, 1, "FAILURE", t=NOW - DAY) for c in range(2, 11)])
    store.add([rec(11, 1, "SUCCESS", t=NOW - DAY)])
    v = change_verdicts(store, 1, 1, now=NOW)
    reason = recheck_reason("HPE Storage CI", v.for_job("HPE Storage CI", "hpe-iscsi"), now=NOW)
    assert reason.startswith("recheck HPE Storage CI: failing on 9 of 10 other changes since ")
    assert recheck_reason("Zuul", (), now=NOW) == "recheck"


def test_thresholds_come_from_the_config_history_table(store: HistoryStore, tmp_path: Path) -> None:
    from vstui.config import load_config
    from vstui.history.verdicts import rules_from_config

    path = tmp_path / "config.toml"
    path.write_text("[history]\nwindow_days = 10\nmin_failed = 4\nmin_ratio = 0.25\n")
    rules = rules_from_config(load_config(path).history)
    assert rules == VerdictRules(window_days=10.0, min_failed=4, min_ratio=0.25)
    store.add([rec(1, 1, "FAILURE", t=NOW - 60)])
    store.add([rec(c, 1, "FAILURE", t=NOW - 8 * DAY) for c in (2, 3, 4)])
    store.add([rec(c, 1, "SUCCESS", t=NOW - DAY) for c in range(5, 12)])
    # 3 failures of 10 in 10 days: ratio 0.3 >= 0.25 but K = 3 < 4
    assert "failing_elsewhere" not in kinds(store, 1, 1, rules=rules)
    store.add([rec(12, 1, "FAILURE", t=NOW - DAY)])
    assert kinds(store, 1, 1, rules=rules)["failing_elsewhere"]["failed"] == 4
