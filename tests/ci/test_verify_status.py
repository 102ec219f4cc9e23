"""verify-status rows map to the same Job model; one CI reporting both ways shows once."""

from __future__ import annotations

import pytest

from tests.ci._models import ZUUL, Message, Verification, at, zuul_report
from vstui.ci.results import build_change_results
from vstui.ci.verify_status import (
    job_from_verification,
    reports_from_verifications,
    result_for_value,
)


@pytest.mark.parametrize(
    ("value", "in_progress", "result"),
    [
        (-2, True, "FAILURE"),
        (-1, True, "FAILURE"),
        (0, True, "UNSTABLE"),
        (1, True, "SUCCESS"),
        (2, True, "STARTED"),
        (2, False, "SUCCESS"),
        (3, True, "SUCCESS"),
        ("x", True, None),
    ],
)
def test_value_mapping(value, in_progress, result):
    assert result_for_value(value, in_progress_status=in_progress) == result


def test_every_field_maps():
    v = Verification(
        "uuid-1",
        "gate-foo",
        "https://ci.example/job/gate-foo/12/",
        -1,
        abstain=True,
        rerun=True,
        reporter="Jenkins",
        comment="flaky",
        category="cloud",
        duration="1 min 30 sec",
        granted=at(3),
    )
    job = job_from_verification(v)
    assert (job.name, job.url, job.result, job.duration_s, job.voting) == (
        "gate-foo",
        "https://ci.example/job/gate-foo/12/",
        "FAILURE",
        90,
        False,
    )
    assert (job.source, job.reporter, job.rerun, job.comment, job.category, job.granted) == (
        "verify-status",
        "Jenkins",
        True,
        "flaky",
        "cloud",
        at(3),
    )
    assert job.failing and not job.running


def test_bad_url_and_duration_are_dropped_not_fatal():
    job = job_from_verification(Verification("u", "x", "javascript:alert(1)", 1, duration="soon"))
    assert job.url is None and job.duration_s is None and job.result == "SUCCESS"


def test_rows_become_current_and_history_per_reporter():
    rows = [
        Verification("a", "unit", "http://ci/1", -1, reporter="Jenkins", granted=at(1)),
        Verification("b", "unit", "http://ci/2", 1, reporter="Jenkins", rerun=True, granted=at(5)),
        Verification("c", "lint", "http://ci/3", 1, reporter="Jenkins", granted=at(2)),
        Verification("d", "scan", None, 0, reporter=None),
    ]
    groups = {r.ci_name: (r, h) for r, h in reports_from_verifications(rows, 3)}
    current, history = groups["Jenkins"]
    assert [(j.name, j.result) for j in current.jobs] == [("unit", "SUCCESS"), ("lint", "SUCCESS")]
    assert current.overall == "SUCCESS" and current.date == at(5)
    assert [h.jobs[0].url for h in history] == ["http://ci/1"]
    assert groups["verify-status"][0].overall == "UNSTABLE"


def test_ci_reporting_both_ways_shows_once():
    msgs = [zuul_report(1, 1, ok=True, minute=10)]
    rows = {
        1: [
            # same build as the comment's tox-py3 job (URL differs only by /console)
            Verification(
                "u1",
                "tox-py3",
                "https://zuul.example.org/build/1a/console",
                1,
                reporter="Zuul",
                duration="3m 10s",
                granted=at(11),
            ),
            # same reporter, a job the comment did not list
            Verification(
                "u2",
                "extra",
                "https://zuul.example.org/build/1x",
                -1,
                abstain=True,
                reporter="Zuul",
                granted=at(11),
            ),
        ]
    }
    ps = build_change_results(msgs, verifications=rows).for_patch_set(1)
    assert [r.ci_name for r in ps.runs] == ["Zuul"]
    jobs = {j.name: j for j in ps.runs[0].jobs}
    assert set(jobs) == {"tox-py3", "pep8", "docs-nv", "extra"}
    assert jobs["tox-py3"].source == "comment+verify-status"
    assert jobs["tox-py3"].duration_s == 190  # structured value wins
    assert jobs["tox-py3"].url == "https://zuul.example.org/build/1a/console"
    assert jobs["pep8"].source == "comment"
    assert (jobs["extra"].source, jobs["extra"].voting) == ("verify-status", False)


def test_match_by_url_even_when_reporter_differs():
    # The Jenkins reporter's default reporter name is "Jenkins"; the comment account differs.
    gt = Message(
        "g1",
        None,
        at(1),
        "Patch Set 1: Verified+1\n\nBuild Successful \n\nhttps://ci.example/job/unit/7/ : SUCCESS",
        revision_number=1,
    )
    gt = Message("g1", type(ZUUL)("Acme CI", "acme"), gt.date, gt.message)
    rows = {1: [Verification("u", "unit", "https://ci.example/job/unit/7/", 1, reporter="Jenkins")]}
    ps = build_change_results([gt], verifications=rows).for_patch_set(1)
    assert [r.ci_name for r in ps.runs] == ["Acme CI"]
    assert ps.runs[0].jobs[0].source == "comment+verify-status"


def test_verify_status_only_ci_gets_its_own_run():
    rows = {2: [Verification("u", "perf", "https://perf.example/1", 1, reporter="PerfBot")]}
    ps = build_change_results([], verifications=rows).for_patch_set(2)
    assert [(r.ci_name, r.current.source, r.current.overall) for r in ps.runs] == [
        ("PerfBot", "verify-status", "SUCCESS")
    ]


def test_malformed_rows_do_not_raise():
    class Odd:
        name = 42
        url = ("x",)
        value = "not-a-number"
        abstain = "yes"
        duration = 3
        granted = "yesterday"

    job = job_from_verification(Odd())
    assert (job.name, job.url, job.result, job.duration_s, job.granted) == (
        None,
        None,
        None,
        None,
        None,
    )
    ps = build_change_results([], verifications={1: [Odd(), object()]}).for_patch_set(1)
    assert len(ps.runs) == 1 and ps.runs[0].ci_name == "verify-status"
