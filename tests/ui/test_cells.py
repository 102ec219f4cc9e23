"""Cells of the change list and the CI table: the role (theme colour) and text each status gets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from vstui.core.views import CICounts, CIJobItem
from vstui.ui.widgets.change_table import ci_cell, vote_cell
from vstui.ui.widgets.ci_table import group_label, job_row, result_cell

JOB = CIJobItem(
    ci_name="Cisco CI",
    name="tempest",
    result="SUCCESS",
    failing=False,
    running=False,
    voting=True,
    duration_s=61.0,
    when=None,
    url=None,
    source="comment",
    raw_title="",
    raw_text="",
    status="success",
)


@pytest.mark.parametrize(
    ("changes", "role"),
    [
        ({}, "success"),
        ({"result": "FAILURE", "status": "failure", "failing": True}, "error-strong"),
        (
            {"result": "FAILURE", "status": "failure", "failing": True, "voting": False},
            "error-soft",
        ),
        ({"result": "RUNNING", "status": "running", "running": True}, "running"),
        ({"result": "STARTED", "status": "running", "running": True}, "running"),
        ({"result": "UNSTABLE", "status": "unstable", "failing": True}, "warning"),
        ({"result": "ABORTED", "status": "canceled", "failing": True}, "warning"),
        ({"result": "MYSTERY", "status": "unknown"}, "warning"),
        ({"result": "SKIPPED", "status": "skipped"}, "muted"),
    ],
)
def test_result_colours_by_status_and_voting(changes, role):
    cell = result_cell(replace(JOB, **changes))
    assert cell.parts == ((changes.get("result", "SUCCESS"), role),)


def test_a_pending_recheck_shows_the_last_result_with_a_marker():
    cell = result_cell(replace(JOB, result="POST_FAILURE", status="failure", pending=True))
    assert cell.parts == (("POST_FAIL…", "error-strong"), (" ↻", "pending"))
    label = group_label("Cisco CI", [replace(JOB, pending=True)], 1)
    assert label == "▾ Cisco CI  ·  1 job · recheck pending ↻"


def test_job_rows_dim_the_pipeline_and_no_voting():
    cells = job_row(replace(JOB, voting=False, pipeline="check"), now=0.0).cells
    assert cells[0].parts == (("check", "muted"),) and cells[4].parts == (("no", "muted"),)
    assert job_row(JOB, now=0.0).cells[4] == "yes"
    assert job_row(JOB, now=0.0).cells[3] == ""  # no verdict from the history


def test_verdict_chips_are_coloured_by_what_they_say():
    from vstui.history.verdicts import Verdict

    elsewhere = Verdict("failing_elsewhere", "", failed=9, of=12, window_days=7)
    new = Verdict("new_failure", "", previous="SUCCESS")
    cell = job_row(replace(JOB, verdicts=(elsewhere, new)), now=0.0).cells[3]
    assert cell.parts == (("elsewhere 9/12", "muted"), (" new", "error-strong"))


def test_list_cells_colour_votes_and_ci_counts():
    assert vote_cell("+2").parts == (("+2", "success-strong"),)
    assert vote_cell("-1").parts == (("-1", "error"),) and vote_cell("") == ""
    cell = ci_cell(CICounts(passing=12, failing_voting=2, failing_non_voting=1, pending=1))
    assert cell.parts == (
        ("  12", "success"),
        ("   2", "error-strong"),
        ("   1", "error-soft"),
        ("    ", ""),
        ("   1", "pending"),
    )
    assert ci_cell(None).plain.strip() == "·" and ci_cell(CICounts()).plain.strip() == "–"


def test_ci_counts_end_under_their_symbols_in_the_header():
    """Each count's last digit sits under its symbol, whatever the other counts' widths."""
    from vstui.ui.widgets.change_table import COLUMNS

    header = next(c.label for c in COLUMNS if c.key == "ci")
    symbols = {sym: header.index(sym) for sym in "✓✗!…↻"}
    for counts in (
        CICounts(passing=7, running=3),
        CICounts(passing=123, failing_voting=45, failing_non_voting=6, running=7, pending=89),
        CICounts(failing_voting=1, pending=12),
    ):
        plain = ci_cell(counts).plain
        values = (
            counts.passing,
            counts.failing_voting,
            counts.failing_non_voting,
            counts.running,
            counts.pending,
        )
        for sym, value in zip("✓✗!…↻", values, strict=True):
            end = symbols[sym] + 1
            cell = plain[end - 4 : end].strip()
            assert cell == (str(value) if value else ""), (sym, plain, header)


def test_a_ci_reported_from_several_accounts_names_them_in_its_group():
    one = replace(JOB, accounts=("oldbot", "newbot"))
    assert group_label("Storage CI", [one], 1).endswith("reported by oldbot, newbot")
    assert "reported by" not in group_label("Cisco CI", [JOB], 1)


def test_a_running_job_shows_its_elapsed_time() -> None:
    from datetime import UTC, datetime

    from vstui.core.views import CIJobItem
    from vstui.ui.widgets.ci_table import duration_cell

    started = datetime(2026, 3, 2, 11, 48, 0, tzinfo=UTC)
    job = CIJobItem(
        "Acme CI", "tempest", "STARTED", False, True, True, None, started,
        "http://ci/job/t/1/", "comment", "t", "Build Started http://ci/job/t/1/",
        status="running",
    )  # fmt: skip
    assert duration_cell(job, started.timestamp() + 725) == "▸ 12m 05s"
    done = CIJobItem(
        "Acme CI", "tempest", "SUCCESS", False, False, True, 90.0, started, None, "comment",
        "t", "x", status="success",
    )  # fmt: skip
    assert duration_cell(done, started.timestamp() + 725) == "1m 30s"
