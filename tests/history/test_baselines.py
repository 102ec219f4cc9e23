"""The anomalies' baseline from the history: the newest passing run of the job by the CI."""

from __future__ import annotations

from vstui.history.baselines import latest_passing_url
from vstui.history.records import RunRecord
from vstui.history.store import HistoryStore


def _run(change: int, result: str, url: str | None, t: float, job: str = "tempest") -> RunRecord:
    return RunRecord(change, 1, "cinder", "hpe-ci", "HPE Storage CI", "check", job, result, True,
                     url, 60, t, f"m{change}-{t}")  # fmt: skip


def test_newest_passing_run_of_the_same_job_and_ci() -> None:
    store = HistoryStore(":memory:")
    store.add([
        _run(1, "SUCCESS", "http://ci/old/", 100.0),
        _run(2, "SUCCESS", "http://ci/new/", 200.0),
        _run(3, "FAILURE", "http://ci/failed/", 300.0),
        _run(4, "SUCCESS", "http://ci/other-job/", 400.0, job="unit"),
        _run(5, "SUCCESS", None, 500.0),
    ])  # fmt: skip
    assert latest_passing_url(store, ("HPE Storage CI",), "tempest") == "http://ci/new/"
    assert latest_passing_url(store, ("hpe-ci",), "tempest") == "http://ci/new/"
    assert latest_passing_url(store, ("HPE Storage CI",), "tempest", "http://ci/new/") == (
        "http://ci/old/"
    )
    assert latest_passing_url(store, ("Other CI",), "tempest") is None
    assert latest_passing_url(store, ("HPE Storage CI",), "missing") is None


def test_the_session_looks_the_baseline_up_in_its_history() -> None:
    from vstui.core.session import ReviewSession

    store = HistoryStore(":memory:")
    store.add([_run(1, "SUCCESS", "http://ci/pass/", 100.0)])
    session = ReviewSession("s", None, history=store)  # type: ignore[arg-type]
    assert session.history_baseline("HPE Storage CI", "tempest", None) == "http://ci/pass/"
    assert session.history_baseline("HPE Storage CI (check)", "tempest", None) == (
        "http://ci/pass/"
    )  # a pipeline label names the same CI
    assert ReviewSession("s", None).history_baseline("HPE Storage CI", "tempest", None) is None  # type: ignore[arg-type]
