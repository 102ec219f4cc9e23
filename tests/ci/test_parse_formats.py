"""Per-format parsing: realistic messages of all 14 families, plus the field rules they rely on."""

from __future__ import annotations

import json

import pytest

from tests.ci.generalization_cases import records
from tests.fixtures import CI_COMMENTS_DEV
from vstui.ci.fields import clean_url, jenkins_job_name, parse_duration, status_of
from vstui.ci.parse import parse_record, parse_text
from vstui.votes import parse_votes

DEV = CI_COMMENTS_DEV

INPUT_KEYS = ("id", "author", "tag", "date", "_revision_number", "message")


def _check(record: dict) -> None:
    got = parse_record({k: record[k] for k in INPUT_KEYS if k in record}).as_dict()
    want = record["expect"]
    assert got["is_bot"] == want["is_bot"]
    assert got["ci_name"] == want["ci_name"]
    assert got["overall"] == want["overall"]
    assert got["vote"] == want["vote"]
    # Order is not significant; identical lines count once.
    key = lambda j: json.dumps(j, sort_keys=True)  # noqa: E731
    assert sorted(map(key, got["jobs"])) == sorted(map(key, want["jobs"]))


GEN = records()


@pytest.mark.parametrize("record", GEN, ids=[f"{r['format']}-{r['id']}" for r in GEN])
def test_held_out_style_messages(record):
    _check(record)


def test_every_family_is_covered_by_own_cases():
    families = {r["format"] for r in GEN}
    assert len(families) == 14, sorted(families)


def test_dev_corpus_all_records():
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) == 67
    for row in rows:
        _check(row)


# ------------------------------------------------------------------ field rules
@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1h 02m 03s", 3723),
        ("35m 00s", 2100),
        ("46s", 46),
        ("109m 17s", 6557),
        ("1 min 30 sec", 90),
        ("1 hr 2 min", 3720),
        ("2.6 sec", 3),
        ("3m 10s", 190),
        ("01:02:03", 3723),
        ("03:10", 190),
        ("1 day 1 hr", 90000),
    ],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "3 parsecs", "1h 2x", "in 3m", "12", "m 3"])
def test_not_durations(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("https://x.org/job/a/1/console)", "https://x.org/job/a/1/console"),
        ("(https://x.org/a)", "https://x.org/a"),
        ("https://x.org/a.", "https://x.org/a"),
        ('https://x.org/a"', "https://x.org/a"),
        ("https://en.wikipedia.org/wiki/A_(b)", "https://en.wikipedia.org/wiki/A_(b)"),
        ("javascript:alert(1)", None),
        ("ftp://x.org/a", None),
        ("http://", None),
        ("gate-x-name", None),
    ],
)
def test_clean_url(raw, url):
    assert clean_url(raw) == url


def test_jenkins_names_from_urls():
    assert jenkins_job_name("https://j.org/job/infra/job/wiki/246/") == "infra/wiki"
    assert jenkins_job_name("https://j.org/releng/job/tox-verify/154/") == "tox-verify"
    assert jenkins_job_name("https://j.org/view/All/job/my%20job/3/") == "my job"
    assert jenkins_job_name("https://logs.example/72/381272/1/check/x/abc/") is None


def test_votes_from_first_line():
    assert parse_votes("Patch Set 3: Code-Review+2 Workflow+1") == (
        ("Code-Review", 2),
        ("Workflow", 1),
    )
    assert parse_votes("Patch Set 4: -Verified") == (("Verified", 0),)
    assert parse_votes("Patch Set 1: Code-Review-2 Sanity-Review+1") == (
        ("Code-Review", -2),
        ("Sanity-Review", 1),
    )
    assert parse_votes("Patch Set 4: Doesn't seem to work") == ()
    assert parse_votes("Patch Set 2: Looks good to me, approved; Verified") == ()
    assert parse_votes("Patch Set 2:") == ()
    assert parse_votes("Uploaded patch set 2: Verified+1.") == (("Verified", 1),)
    assert parse_votes("Uploaded patch set 3: Patch Set 2 was rebased.") == ()
    assert parse_votes("Removed Verified-1 by Zuul") == ()


def test_result_words_read_as_statuses():
    assert status_of("POST_FAILURE") == "failure"
    assert status_of("SUCCEEDED") == "success"
    assert status_of("PASS") == "success"
    assert status_of("STARTED") == "running"
    assert status_of("NOT_BUILT") == "skipped"
    assert status_of("ABORTED") == "canceled"
    assert status_of(None) == "unknown"


# ------------------------------------------------------------ specific rules
def test_headline_beats_job_lines():
    # "Build succeeded" whose only job failed non-voting stays SUCCESS...
    p = parse_text(
        "Patch Set 1:\n\nBuild succeeded.\n\n- a http://x.org/a : FAILURE in 3s (non-voting)"
    )
    assert p.overall == "SUCCESS"
    # ...and a real "Build Failed" listing only a SUCCESS job is FAILURE.
    p = parse_text("Patch Set 1:\n\nBuild Failed \n\nhttps://j.org/job/a/1/ : SUCCESS")
    assert p.overall == "FAILURE"


def test_no_headline_voting_failure_decides():
    p = parse_text("Patch Set 1:\n\n* a http://x.org/a : SUCCESS\n* b http://x.org/b : FAILURE")
    assert p.overall == "FAILURE"
    p = parse_text("Patch Set 1:\n\n* a http://x.org/a : FAILURE (non-voting)")
    assert p.overall == "SUCCESS"


def test_zuul_detail_and_duration_and_crlf():
    p = parse_text(
        "Patch Set 1: Verified-1\r\n\r\nBuild failed.\r\n\r\n"
        "- docs docs : ERROR Project foo has no branch master in 5s\r\n"
    )
    (job,) = p.jobs
    assert (job.name, job.url, job.result, job.duration_s) == ("docs", None, "ERROR", 5)
    assert job.detail == "Project foo has no branch master"
    assert p.votes == (("Verified", -1),)


def test_secondary_links_are_not_jobs():
    text = (
        "Patch Set 2: Verified-1\n\nBuild Failed \n\n"
        "https://j.org/releng/job/lf-verify/154/ : FAILURE\n\n"
        "No problems were identified. ( https://j.org/releng/job/lf-verify/154/ )\n\n"
        "Logs: https://logs.org/releng/lf-verify/154\n\n"
        "Status: https://status.example/where-is-my-cl/1\n"
        "https://zuul.opendev.org/t/openstack/buildset/abc\n"
    )
    p = parse_text(text)
    assert [(j.name, j.url) for j in p.jobs] == [
        ("lf-verify", "https://j.org/releng/job/lf-verify/154/")
    ]


def test_gerrit_trigger_custom_message_single_build_takes_headline_result():
    p = parse_text(
        "Patch Set 1: Verified+1\n\nBuild Successful \n\n"
        "https://j.org/job/app/7/ : Build passed, see the console"
    )
    assert [(j.name, j.result, j.detail) for j in p.jobs] == [
        ("app", "SUCCESS", "Build passed, see the console")
    ]


def test_unsafe_job_urls_are_dropped_but_job_kept():
    p = parse_text("Patch Set 1:\n\nBuild failed.\n\n- a javascript:alert(1) : FAILURE in 3s")
    assert [(j.name, j.url, j.result) for j in p.jobs] == [("a", None, "FAILURE")]


def test_recheck_hints_advertised_by_cis():
    p = parse_text(
        "Patch Set 1:\n\nBuild succeeded. For rechecking only on the IBM PowerKVM CI, add a "
        "review comment with pkvm: recheck. For contact see https://wiki.openstack.org/x"
    )
    assert p.recheck_hints == ("pkvm: recheck",)
    p = parse_text(
        "Patch Set 1:\n\nBuild succeeded (check pipeline). Use run-Zadara CI to recheck."
    )
    assert p.recheck_hints == ("run-zadara ci",)
    p = parse_text("Patch Set 1:\n\nBuild failed. To recheck use 'lenovo-ci: recheck'.")
    assert p.recheck_hints == ("lenovo-ci: recheck",)


def test_zuul_pipeline_from_tag_and_headline():
    assert parse_text("Patch Set 1:\n\nBuild succeeded (gate pipeline).").pipeline == "gate"
    assert parse_text("x", tag="autogenerated:zuul:check").pipeline == "check"
    assert parse_text("Patch Set 1:\n\nBuild Started https://j.org/job/a/1/ (1/2)").pipeline is None


def test_zuul_config_errors_without_a_headline():
    for text in (
        "Patch Set 1: Verified-1\n\nJob project-test3 not defined",
        'Patch Set 1: Verified-1\n\nThe nodeset "ubuntu-xenial" was not found.',
        "Patch Set 1: Verified-1\n\nUnable to freeze job graph: Job x depends on y",
    ):
        assert parse_text(text).overall == "FAILURE", text
    # An unknown Zuul text still reads from Zuul's own Verified vote...
    odd = "Patch Set 2: Verified-1\n\nSomething odd happened in the scheduler."
    assert parse_text(odd, ci_name="Zuul").overall == "FAILURE"
    assert parse_text(odd, tag="autogenerated:zuul:check").overall == "FAILURE"
    # ...but other bots vote without reporting a run (policy hooks): no overall.
    assert parse_text(odd, ci_name="gerrit-hooks").overall is None
