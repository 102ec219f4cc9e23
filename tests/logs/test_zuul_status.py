"""Zuul status API answers to live jobs, and CI report URLs to the status URL."""

from __future__ import annotations

import json

import pytest

from vstui.core.job_logs import live_job_items
from vstui.core.views import CIJobItem
from vstui.logs.zuul_status import LiveJob, parse_status, status_url


def test_status_url_from_a_build_url() -> None:
    assert (
        status_url("https://zuul.opendev.org/t/openstack/build/abc", 381272, 2)
        == "https://zuul.opendev.org/api/tenant/openstack/status/change/381272,2"
    )
    assert (
        status_url("https://ci.example/zuul/t/acme/buildset/1", 5, 1)
        == "https://ci.example/zuul/api/tenant/acme/status/change/5,1"
    )
    assert status_url("http://logs.example/12/5/1/check/job/abc/", 5, 1) is None


def test_parse_status_reads_jobs_and_skips_malformed_entries() -> None:
    body = json.dumps([
        {"id": "5,1", "jobs": [
            {"name": "tox-py3", "elapsed_time": 60000, "estimated_time": 240,
             "start_time": 1.7e9, "url": "https://zuul.example/stream/1", "result": None},
            {"name": "bad", "elapsed_time": "x", "url": "javascript:alert(1)"},
            {"nope": 1}, "junk",
            {"name": "done", "result": "SUCCESS"},
        ]},
        "junk",
    ]).encode()  # fmt: skip
    jobs = parse_status(body)
    assert [j.name for j in jobs] == ["tox-py3", "bad", "done"]
    assert jobs[0].elapsed_s == 60.0 and jobs[0].progress == 0.25
    assert jobs[1].url is None and jobs[1].elapsed_s is None and jobs[1].progress is None
    assert parse_status(b'{"not": "a list"}') == []
    with pytest.raises(ValueError):
        parse_status(b"<html>")


def test_live_jobs_replace_the_started_row() -> None:
    started = CIJobItem(
        "Zuul (check)", "(overall)", "STARTED", False, True, True, None, None, None,
        "comment", "t", "Starting check jobs.", status="running",
    )  # fmt: skip
    other = CIJobItem(
        "Acme CI", "unit", "SUCCESS", False, False, True, 10.0, None, None, "comment", "t", "x",
        status="success",
    )  # fmt: skip
    live = {"Zuul (check)": [LiveJob("tox-py3", 1.7e9, 60.0, 240.0, None)]}
    rows = live_job_items([started, other], live)
    assert [(r.ci_name, r.name, r.result) for r in rows] == [
        ("Acme CI", "unit", "SUCCESS"),
        ("Zuul (check)", "tox-py3", "RUNNING 25%"),
    ]
    assert rows[1].running and rows[1].when is not None
