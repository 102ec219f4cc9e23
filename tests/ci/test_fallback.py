"""The generic fallback: results of bots no family claims, and never jobs invented from prose."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures import FIXTURES
from vstui.ci.fallback import headline, job_from_line, parse_fallback
from vstui.ci.parse import _split, parse_record

CORPORA = [FIXTURES / "ci-comments" / "dev.jsonl", FIXTURES / "ci-comments" / "families.jsonl"]


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _bot(message: str, name: str = "Acme Build Robot"):
    return parse_record({"author": {"name": name, "username": "acme-ci"}, "message": message})


def test_no_jobs_from_any_human_message_of_the_dev_corpus():
    humans = [r for r in _rows(CORPORA[0]) if not r["expect"]["is_bot"]]
    assert len(humans) >= 15
    for r in humans:
        assert parse_fallback(_split(r["message"])[1]).jobs == (), r["id"]


def test_leave_one_family_out_precision():
    """Every family's bot messages read by the fallback alone: job precision >= 0.95."""
    tp = pred = gold = 0
    for path in CORPORA:
        for r in _rows(path):
            if not r["expect"]["is_bot"]:
                continue
            got = [j.as_dict() for j in parse_fallback(_split(r["message"])[1]).jobs]
            want = [json.dumps(j, sort_keys=True) for j in r["expect"]["jobs"]]
            pred += len(got)
            gold += len(want)
            tp += sum(1 for j in got if json.dumps(j, sort_keys=True) in want)
    assert pred > 50
    assert tp / pred >= 0.95
    assert tp / gold >= 0.5  # recall is reported by bench/fallback_lofo.py


@pytest.mark.parametrize(
    ("line", "want"),
    [
        ("Failed on linux-amd64: https://ci.example.org/log/1", ("linux-amd64", "FAILED", None)),
        ("https://ci.example.org/b/7 - lint: PASSED", ("lint", "PASSED", None)),
        ("✅ unit-tests https://ci.example.org/b/8", ("unit-tests", "SUCCESS", None)),
        ("* e2e (https://ci.example.org/b/9) failed in 3m 02s", ("e2e", "FAILED", 182)),
        ("docs | SUCCESS | https://ci.example.org/b/10 (non-voting)", ("docs", "SUCCESS", None)),
        (
            "https://ci.example.org/job/acme-verify/12/ : UNSTABLE",
            ("acme-verify", "UNSTABLE", None),
        ),
    ],
)
def test_job_lines_in_any_order(line, want):
    job = job_from_line(line)
    assert job is not None
    assert (job.name, job.result, job.duration_s) == want
    assert job.url.startswith("https://ci.example.org/")


@pytest.mark.parametrize(
    "line",
    [
        "Build failed.  For information on how to proceed, see https://wiki.example.org/x",
        "This failed for me too, see https://bugs.example.org/1 and the logs",
        "See https://ci.example.org/b/1 for details",  # no result word
        "lint https://ci.example.org/b/1 PASSED FAILED",  # two result words
        "https://ci.example.org/b/1 https://ci.example.org/b/2 : FAILURE",  # two links
        "> - tempest https://ci.example.org/b/3 : FAILURE",  # quoted: someone else's report
        "Logs: https://logs.example.org/1",
        "ok https://ci.example.org/b/5",  # a result word and nothing that names a job
    ],
)
def test_prose_and_secondary_links_are_not_jobs(line):
    assert parse_fallback("\n" + line).jobs == ()


@pytest.mark.parametrize(
    ("first", "overall"),
    [
        ("All checks passed.", "SUCCESS"),
        ("Verification FAILED", "FAILURE"),
        ("Status: failed (2 of 9 builds)", "FAILURE"),
        ("Acme pipeline running", "STARTED"),
        ("Build cancelled", "CANCELED"),
    ],
)
def test_headline_words(first, overall):
    assert headline([first]) == (overall, first)


@pytest.mark.parametrize(
    "first",
    [
        "I noticed Zuul failed, I think you hit bug(s):",
        "failed",  # a lone word is not a headline
        "This change was reviewed and the tests have all, as far as I can see, passed",
    ],
)
def test_not_headlines(first):
    assert headline([first]) is None


def test_an_unknown_bot_is_never_silent():
    r = _bot(
        "Patch Set 2:\n\nAcme verification finished\n\nReport at https://acme.example.org/r/42"
    )
    assert r.is_bot and r.jobs == () and r.overall is None
    assert r.report.links == ("https://acme.example.org/r/42",)
    r = _bot(
        "Patch Set 2:\n\nAcme checks: FAILED\n\n"
        "lint https://acme.example.org/r/42/lint OK\n"
        "unit https://acme.example.org/r/42/unit FAILED in 4m 10s\n"
    )
    assert r.overall == "FAILURE"
    assert [(j.name, j.result, j.duration_s) for j in r.jobs] == [
        ("lint", "OK", None),
        ("unit", "FAILED", 250),
    ]
    assert r.report.links == ()


def test_the_ci_pane_row_of_a_fallback_report_opens_its_link():
    from tests.ci._models import Account, Message, at
    from vstui.ci.results import build_change_results
    from vstui.core.present import ci_job_items

    msg = Message(
        "m1",
        Account("Acme Build Robot", "acme-ci"),
        at(1),
        "Patch Set 1:\n\nAll checks passed.\n\nFull report: https://acme.example.org/r/42",
    )
    results = build_change_results([msg])
    items = ci_job_items(results.for_patch_set(1), {"m1": msg})
    assert [(i.ci_name, i.name, i.result, i.url) for i in items] == [
        ("Acme Build Robot", "(overall)", "SUCCESS", "https://acme.example.org/r/42")
    ]


_PIECES = st.sampled_from(
    [
        "https://ci.example.org/b/1",
        "http://x/job/a/2/",
        "FAILED",
        "passed",
        "ok",
        "✅",
        "lint",
        " in 3m 02s",
        "(non-voting)",
        ": ",
        " - ",
        "\n",
        "> ",
        "Status: ",
        "javascript:alert(1)",
    ]
)
_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map("".join),
)
_OVERALLS = {None, "SUCCESS", "FAILURE", "UNSTABLE", "ABORTED", "CANCELED", "STARTED"}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(text=_TEXT)
def test_fallback_never_raises_and_keeps_its_promises(text):
    fb = parse_fallback(text)
    assert fb.overall in _OVERALLS
    for job in fb.jobs:
        assert job.url.startswith(("http://", "https://"))
        assert job.name and job.result
        assert job.duration_s is None or job.duration_s >= 0
    assert all(u.startswith(("http://", "https://")) for u in fb.links)
    assert len(fb.links) <= 20


def test_a_remark_in_parentheses_is_not_a_result():
    assert job_from_line("  - https://review.example.org/c/x/+/1 (config error)") is None
    assert job_from_line("lint https://ci.example.org/b/1 FAILED (see the log)") is not None
