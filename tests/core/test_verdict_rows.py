"""CI pane rows find their history verdicts under the per-CI run model: the CI by name (or
by account when two CIs share a name), the row's pipeline, the job's own name."""

from __future__ import annotations

from dataclasses import replace

from vstui.core.session_history import verdicts_for_item
from vstui.core.views import CIJobItem
from vstui.history.verdicts import ChangeVerdicts, JobKey, Verdict

ROW = CIJobItem(
    ci_name="Jenkins",
    name="docs",
    result="FAILURE",
    failing=True,
    running=False,
    voting=True,
    duration_s=None,
    when=None,
    url=None,
    source="comment",
    raw_title="",
    raw_text="",
    pipeline="check",
)


def test_rows_find_their_verdicts_by_ci_pipeline_and_job():
    check = Verdict("flaky", "flips", flips=3)
    gate = Verdict("new_failure", "new", previous="SUCCESS")
    other = Verdict("flaky", "someone else's", flips=1)
    verdicts = ChangeVerdicts(
        1,
        1,
        jobs={
            JobKey("jenkins", "Jenkins", "check", "docs"): (check,),
            JobKey("jenkins", "Jenkins", "gate", "docs"): (gate,),
            JobKey("mallory", "Storage CI", "check", "docs"): (other,),
        },
    )
    assert verdicts_for_item(verdicts, ROW) == (check,)
    # the same job current in two pipelines: its row is "docs (gate)"
    assert verdicts_for_item(verdicts, replace(ROW, name="docs (gate)", pipeline="gate")) == (gate,)
    # two CIs named alike are told apart by account: "Storage CI (mallory)"
    row = replace(ROW, ci_name="Storage CI (mallory)")
    assert verdicts_for_item(verdicts, row) == (other,)
    assert verdicts_for_item(None, ROW) == ()
