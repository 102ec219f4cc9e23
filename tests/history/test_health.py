"""CI health aggregates on a hand-built history."""

from __future__ import annotations

from pathlib import Path

from tests.history.helpers import DAY, NOW, rec
from vstui.history.health import ci_health, health_json, recent_failures, sparkline
from vstui.history.store import HistoryStore


def test_health_counts_runs_failures_flaky_failing_now_and_marks_stopped_cis(
    tmp_path: Path,
) -> None:
    store = HistoryStore(tmp_path / "h.sqlite3")
    since = NOW - 7 * DAY
    # HPE: fails on 3 changes (one flaky on a recheck that passed), passes on one.
    store.add(
        [
            rec(1, 1, "FAILURE", t=NOW - 3600),
            rec(2, 1, "FAILURE", t=NOW - 2 * 3600),
            rec(3, 1, "FAILURE", t=NOW - 3 * 3600),
            rec(3, 1, "SUCCESS", t=NOW - 2.5 * 3600),  # the recheck passed: flaky, not failing
            rec(4, 1, "SUCCESS", t=NOW - 4 * 3600),
            rec(4, 1, "FAILURE", t=NOW - 9 * DAY),  # outside the window
        ]
    )
    # Gone: reported every 6 hours until three days ago.
    store.add(
        [
            rec(
                c,
                1,
                "SUCCESS",
                t=NOW - 3 * DAY - c * 6 * 3600,
                ci="gone",
                ci_name="Gone CI",
                job="g",
            )
            for c in range(0, 8)
        ]
    )
    # Rare: one report two days ago is not "stopped" (no usual gap to judge by)
    store.add([rec(9, 1, "SUCCESS", t=NOW - 2 * DAY, ci="rare", ci_name="Rare CI", job="r")])
    cis = {c.ci_name: c for c in ci_health(store, since=since, now=NOW)}
    hpe = cis["HPE Storage CI"]
    assert (hpe.runs, hpe.failed, hpe.flaky, hpe.changes_failing_now) == (5, 3, 1, 2)
    assert hpe.success_rate == 0.4
    assert not hpe.stopped
    assert cis["Gone CI"].stopped
    assert cis["Gone CI"].runs == 8
    assert not cis["Rare CI"].stopped
    doc = health_json(list(cis.values()), since)
    assert doc["since"].endswith("Z")
    assert set(doc["cis"][0]) == {"ci", "runs", "failed", "success_rate", "last_seen", "jobs"}
    assert set(doc["cis"][0]["jobs"][0]) == {
        "job", "runs", "failed", "success_rate", "flaky", "changes_failing_now"
    }  # fmt: skip
    assert [c.ci_name for c in ci_health(store, since=since, now=NOW, ci="gone")] == ["Gone CI"]
    assert ci_health(store, since=since, now=NOW, project="other/project") == []
    failures = recent_failures(store, hpe.jobs[0].job_ids, since=since)
    assert [f.change for f in failures] == [1, 2, 3]
    assert len(sparkline(hpe.trend)) == 7
