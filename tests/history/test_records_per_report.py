"""History records follow the CI run model: one CI whatever its pipelines, each report
recorded once with its own pipeline and message, verify-status rows once."""

from __future__ import annotations

from tests.ci._models import JANE, Message, Verification, at, human
from tests.ci.test_ci_identity import JENKINS, zuul_v2
from tests.history.helpers import NOW
from vstui.ci.results import build_change_results
from vstui.history.records import dedupe, records_from_results


def test_each_report_of_one_ci_is_recorded_once_with_its_own_pipeline():
    msgs = [
        zuul_v2(1, 1, "Build failed.", "FAILURE"),  # no pipeline named
        human(1, 1, "recheck", 2, who=JANE),
        Message(
            "j2",
            JENKINS,
            at(3),
            "Patch Set 1: Verified+1\n\nBuild succeeded (check pipeline).\n\n"
            "- gate-swift-docs http://logs.example.org/2/docs/ : SUCCESS in 5m 18s\n",
        ),
    ]
    results = build_change_results(msgs)
    (run,) = results.for_patch_set(1).runs
    # pep8's current result still comes from j1, docs' from j2: both reports are current
    assert {cj.job.name: cj.report.message_id for cj in run.current_jobs} == {
        "gate-swift-pep8": "j1",
        "gate-swift-docs": "j2",
    }
    records = records_from_results(1, "p", results, now=NOW)
    assert sorted((r.report_key, r.pipeline, r.job, r.result) for r in records) == [
        ("j1", "", "gate-swift-docs", "FAILURE"),
        ("j1", "", "gate-swift-pep8", "SUCCESS"),
        ("j2", "check", "gate-swift-docs", "SUCCESS"),
    ]
    assert dedupe(records) == records


def test_a_job_seen_in_a_comment_and_in_verify_status_is_one_record():
    msgs = [zuul_v2(1, 1, "Build failed (check pipeline).", "FAILURE")]
    rows = [
        Verification(
            "v1",
            "gate-swift-docs",
            "http://logs.example.org/1/docs/",
            -1,
            reporter="Jenkins",
            granted=at(1),
        )
    ]
    results = build_change_results(msgs, verifications={1: rows})
    records = records_from_results(1, "p", results, now=NOW)
    docs = [r for r in records if r.job == "gate-swift-docs"]
    assert len(docs) == 1 and docs[0].report_key.startswith("vs:")
    assert [r.job for r in records if r.report_key == "j1"] == ["gate-swift-pep8"]


def test_earlier_runs_and_log_baselines_read_every_report_of_the_ci():
    from vstui.core.job_logs import find_baseline, runs_side_by_side

    msgs = [
        zuul_v2(1, 1, "Build succeeded.", "SUCCESS"),  # docs passed here, no pipeline named
        human(1, 1, "recheck", 2, who=JANE),
        Message(
            "j2",
            JENKINS,
            at(3),
            "Patch Set 1: Verified-1\n\nBuild failed (check pipeline).\n\n"
            "- gate-swift-docs http://logs.example.org/2/docs/ : FAILURE in 5m 18s\n",
        ),
    ]
    results = build_change_results(msgs)
    table = runs_side_by_side(results, 1, "Jenkins")
    assert [h.split(" · ")[0] for h in table.headers] == ["run 1", "run 2 (check)"]
    assert dict(table.rows)["gate-swift-docs"] == (
        ("SUCCESS", "http://logs.example.org/1/docs/"),
        ("FAILURE", "http://logs.example.org/2/docs/"),
    )
    # j1 is still current for pep8, yet its passing docs run is the failing one's baseline
    baseline = find_baseline(
        results, "Jenkins", "gate-swift-docs", 1, "http://logs.example.org/2/docs/"
    )
    assert baseline == "http://logs.example.org/1/docs/"
