"""CI comment generators: README conventions, checked against the labelled dev corpus."""

from __future__ import annotations

import json
import random
import re
from typing import Any

import pytest

from tests.fixtures import CI_COMMENTS_DEV
from vstui.fake import ci_styles
from vstui.fake.ci_styles import (
    JobResult,
    fmt_minutes_duration,
    fmt_zuul_duration,
    votes_in_first_line,
    zuul_line,
)
from vstui.fake.scenarios import catalog

CORPUS = CI_COMMENTS_DEV


def _records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]


def test_duration_formats() -> None:
    assert fmt_zuul_duration(3723) == "1h 02m 03s"
    assert fmt_zuul_duration(2100) == "35m 00s"
    assert fmt_zuul_duration(46) == "46s"
    assert fmt_minutes_duration(6557) == "109m 17s"


def test_zuul_job_lines_reproduce_the_corpus_exactly() -> None:
    """Every labelled job of the Zuul-style records, re-rendered, is a line of its message."""
    checked = 0
    for rec in _records():
        if rec["format"] not in ("zuul-v2", "zuul-third-party", "zuul-v3"):
            continue
        for job in rec["expect"]["jobs"]:
            seconds = job["duration_s"]
            line = zuul_line(
                JobResult(job["name"], job["url"], job["result"], seconds, job["voting"])
            )
            if line in rec["message"]:
                checked += 1
            else:
                # Third-party minutes style ("109m 17s") is the only other duration spelling.
                alt = zuul_line(
                    JobResult(job["name"], job["url"], job["result"], seconds, job["voting"]),
                    fmt_minutes_duration(seconds) if seconds else None,
                )
                assert alt in rec["message"], (rec["id"], line)
                checked += 1
    assert checked > 40


def test_votes_in_first_line_matches_corpus_truth() -> None:
    for rec in _records():
        assert votes_in_first_line(rec["message"]) == rec["expect"]["vote"], rec["id"]


def _seed_ci(name: str) -> ci_styles.CISystem:
    return next(ci for ci, _ in catalog.SEED_CIS if ci.name == name)


def _job_line_re(name: str) -> str:
    return rf"^- {re.escape(name)} \S+ : (SUCCESS|FAILURE)( in [0-9hms ]+)?( \(non-voting\))?$"


@pytest.mark.parametrize("seed", range(5))
def test_zuul_v2_report_matches_its_truth(seed: int) -> None:
    rng = random.Random(seed)
    rep = ci_styles.ci_report(catalog.JENKINS, rng, 381272, 1)
    lines = rep.body.splitlines()
    if rep.overall == "SUCCESS":
        assert lines[0] == "Build succeeded (check pipeline)."
        assert rep.labels == {"Verified": 1}
    else:
        assert lines[0].startswith(
            "Build failed.  For information on how to proceed, see https://wiki"
        )
        assert rep.labels == {"Verified": -1}
    job_lines = [line for line in lines if line.startswith("- ")]
    assert len(job_lines) == len(rep.jobs) == len(catalog.JENKINS.jobs)
    for line, job in zip(job_lines, rep.jobs, strict=True):
        assert re.match(_job_line_re(job.name), line)
        assert job.url in line and "/72/381272/1/check/" in job.url
    voting_failed = any(j.result != "SUCCESS" for j in rep.jobs if j.voting)
    assert (rep.overall == "FAILURE") == voting_failed
    stored = "Patch Set 1: Verified+1\n\n" + rep.body
    assert rep.expect(stored)["vote"] == {"Verified": 1}


def test_forced_outcomes_and_non_voting_headline_rule() -> None:
    rng = random.Random(1)
    for _ in range(20):
        rep = ci_styles.ci_report(catalog.JENKINS, rng, 1, 1, outcome="SUCCESS")
        assert rep.overall == "SUCCESS" and all(j.result == "SUCCESS" for j in rep.jobs if j.voting)
        rep = ci_styles.ci_report(catalog.JENKINS, rng, 1, 1, outcome="FAILURE")
        assert rep.overall == "FAILURE"


def test_third_party_styles_from_seed_table() -> None:
    rng = random.Random(7)
    fujitsu = ci_styles.ci_report(_seed_ci("Fujitsu ETERNUS CI"), rng, 381272, 1, outcome="SUCCESS")
    assert fujitsu.body.startswith(
        "Build succeeded\n  - For information of Fujitsu ETERNUS CI, see:\n"
    )
    assert re.search(
        r"^- fujitsu-eternus-dx-fc http://openstackci\.jp\.fujitsu\.com/Eternusci/72/381272/1/check/fujitsu-eternus-dx-fc/[0-9a-f]{7} : SUCCESS in 1h \d\dm \d\ds$",
        fujitsu.body,
        re.M,
    )
    brocade = ci_styles.ci_report(
        _seed_ci("Brocade Openstack CI"), rng, 381272, 1, outcome="SUCCESS"
    )
    assert re.fullmatch(
        r"\* brocade_fc_zone_driver_tempest_full http://144\.49\.208\.28:8000/build_logs/\S+/ : SUCCESS \(non-voting\)",
        brocade.body,
    )
    assert brocade.expect()["jobs"][0]["voting"] is False
    solidfire = ci_styles.ci_report(_seed_ci("SolidFire CI"), rng, 381272, 1, outcome="SUCCESS")
    assert (
        solidfire.body
        == "* SolidFire-dsvm-full http://54.164.167.86/solidfire-ci-logs/refs-changes-72-381272-1 : SUCCESS"
    )
    nexenta = ci_styles.ci_report(_seed_ci("Nexenta Edge CI"), rng, 381272, 1, outcome="FAILURE")
    m = re.search(r" : FAILURE in (\d+)m (\d\d)s$", nexenta.body)
    assert m and int(m.group(1)) * 60 + int(m.group(2)) == nexenta.jobs[0].duration_s
    emc = ci_styles.ci_report(_seed_ci("EMC XIO CI"), rng, 381272, 1, outcome="SUCCESS")
    assert emc.body.startswith(
        "Build succeed.\n\n- EMC_XtremIO_FC http://publiclogs.emc.com/xio_ostack/EMC_XtremIO_FC/"
    )
    zadara = ci_styles.ci_report(
        _seed_ci("ZadaraStorage VPSA CI"), rng, 381272, 1, outcome="SUCCESS"
    )
    assert zadara.body.startswith(
        "Build succeeded (check pipeline). Use run-ZadaraStorage VPSA CI to recheck."
    )
    netapp = ci_styles.ci_report(_seed_ci("NetApp CI"), rng, 381272, 1, outcome="FAILURE")
    assert set(netapp.verifications) == {j.name for j in netapp.jobs}
    assert {v["reporter"] for v in netapp.verifications.values()} == {"NetApp CI"}


def test_gerrit_trigger_defaults() -> None:
    rng = random.Random(3)
    rep = ci_styles.ci_report(catalog.LF_JENKINS, rng, 100, 2, outcome="SUCCESS")
    assert rep.body.startswith("Build Successful \n\nhttps://jenkins.opendaylight.org/releng/job/")
    assert "(skipped)" in rep.body  # the non-voting sonar job
    sonar = next(j for j in rep.jobs if j.name == "lf-infra-sonar")
    assert sonar.voting is False and sonar.duration_s is None
    started = ci_styles.gerrit_trigger_started(catalog.LF_JENKINS, rng, 100, 2)
    assert re.fullmatch(
        r"Build Started https://\S+/job/lf-infra-global-jjb-tox-verify-any/\d+/ \(1/3\)",
        started.body,
    )
    assert started.overall == "STARTED" and started.jobs[0].result == "STARTED"


def test_zuul_v3_specials() -> None:
    rng = random.Random(0)
    seen_results: set[str] = set()
    overalls: set[str | None] = set()
    for _ in range(300):
        rep = ci_styles.ci_report(catalog.ZUUL, rng, 613377, 5)
        overalls.add(rep.overall)
        assert rep.tag == "autogenerated:zuul:check"
        for j in rep.jobs:
            seen_results.add(j.result)
            if j.url is None:
                assert f"- {j.name} {j.name} : {j.result}" in rep.body  # name in the URL slot
        if rep.overall not in ("MERGE_CONFLICT",):
            assert "https://zuul.opendev.org/t/openstack/buildset/" in rep.body
    assert {"POST_FAILURE", "NODE_FAILURE", "SKIPPED", "SUCCESS", "FAILURE"} <= seen_results
    assert "MERGE_CONFLICT" in overalls


@pytest.mark.parametrize(
    ("ci", "marker"),
    [
        (
            catalog.GERRITFORGE_CI,
            "    (https://gerrit-ci.gerritforge.com/job/Gerrit-verifier-bazel/",
        ),
        (catalog.WIKIMEDIA_JENKINS_BOT, "- https://integration.wikimedia.org/ci/job/"),
        (catalog.LUCI_CQ, "CQ dry run"),
        (catalog.TREEHUGGER, "=== Finished presubmit run: L"),
        (catalog.OVIRT_JENKINS, "http://jenkins.ovirt.org/job/"),
    ],
)
def test_other_families_render(ci: ci_styles.CISystem, marker: str) -> None:
    rng = random.Random(2)
    rep = ci_styles.ci_report(ci, rng, 4242, 1, outcome="SUCCESS")
    assert marker in rep.body and rep.overall == "SUCCESS" and rep.is_bot
    assert rep.expect()["ci_name"] == ci.name
    failed = ci_styles.ci_report(ci, rng, 4242, 1, outcome="FAILURE")
    assert failed.overall == "FAILURE"


def test_non_run_messages() -> None:
    rng = random.Random(0)
    er = ci_styles.elastic_recheck(rng, "tempest-full", 1960346)
    assert (
        er.body.startswith("I noticed Zuul failed, I think you hit bug(s):") and er.overall is None
    )
    assert er.expect()["jobs"] == []
    human = ci_styles.human_recheck(rng, "recheck bug {bug}")
    assert re.fullmatch(r"recheck bug \d{7}", human.body) and human.expect()["is_bot"] is False
