"""A CI is the account that reports it: one group per CI whatever its pipelines, the newest
result per (CI, pipeline, job) is current, and a lookalike account cannot take a CI over."""

from __future__ import annotations

from typing import Any

from tests.ci._models import JANE, Account, Message, at, human
from vstui.ci.classify import BotRules
from vstui.ci.results import build_change_results

JENKINS = Account("Jenkins", "jenkins", ("SERVICE_USER",), account_id=1000040)
# An ordinary account: Gerrit lets anyone set the display name "Jenkins".
MALLORY = Account("Jenkins", "mallory", (), account_id=1000666)


def zuul_v2(n: int, minute: float, headline: str, docs: str, who: Account = JENKINS) -> Message:
    """Zuul v2 as OpenStack's "Jenkins" account wrote it (381049 in the seed-1 demo)."""
    return Message(
        f"j{n}",
        who,
        at(minute),
        f"Patch Set 1: Verified{'+1' if docs == 'SUCCESS' else '-1'}\n\n{headline}\n\n"
        f"- gate-swift-pep8 http://logs.example.org/{n}/pep8/ : SUCCESS in 4m 01s\n"
        f"- gate-swift-docs http://logs.example.org/{n}/docs/ : {docs} in 5m 18s\n",
    )


def test_a_run_without_a_pipeline_and_the_recheck_run_are_one_ci():
    """381049: "Build failed." (no pipeline), recheck, "Build succeeded (check pipeline)."
    used to make two groups, a "recheck pending" that never cleared and a stale ✗1."""
    msgs = [
        zuul_v2(1, 1, "Build failed.  For information on how to proceed, see the wiki", "FAILURE"),
        human(1, 1, "recheck bug 1969617", 2),
        zuul_v2(2, 3, "Build succeeded (check pipeline).", "SUCCESS"),
    ]
    ps = build_change_results(msgs).for_patch_set(1)
    (run,) = ps.runs
    assert run.label == "Jenkins" and not run.pending
    assert {j.name: j.result for j in run.jobs} == {
        "gate-swift-pep8": "SUCCESS",
        "gate-swift-docs": "SUCCESS",
    }
    assert [h.message_id for h in run.history] == ["j1"]
    assert (ps.summary.passing, ps.summary.failing_voting, ps.summary.pending) == (2, 0, 0)


def test_recheck_mark_clears_when_the_ci_reports_again_in_any_pipeline():
    msgs = [
        zuul_v2(1, 1, "Build failed (gate pipeline).", "FAILURE"),
        human(1, 1, "recheck", 2),
    ]
    ps = build_change_results(msgs).for_patch_set(1)
    assert ps.runs[0].pending and ps.summary.pending == 2 and ps.summary.failing_voting == 0
    msgs.append(zuul_v2(2, 3, "Build succeeded (check pipeline).", "SUCCESS"))
    ps = build_change_results(msgs).for_patch_set(1)
    (run,) = ps.runs
    assert not run.pending and ps.summary.pending == 0
    # both pipelines keep their newest result of each job: gate's failure is still current
    assert [(j.pipeline, j.job.name, j.job.result) for j in run.current_jobs] == [
        ("gate", "gate-swift-pep8", "SUCCESS"),
        ("gate", "gate-swift-docs", "FAILURE"),
        ("check", "gate-swift-pep8", "SUCCESS"),
        ("check", "gate-swift-docs", "SUCCESS"),
    ]
    assert ps.summary.failing_voting == 1 and ps.summary.passing == 3


def test_a_human_named_jenkins_cannot_replace_jenkins_results():
    real = zuul_v2(1, 1, "Build failed (check pipeline).", "FAILURE")
    fake = Message(
        "m1",
        MALLORY,
        at(2),
        "Patch Set 1:\n\nBuild succeeded (check pipeline).\n\n"
        "- gate-swift-pep8 http://evil.example/pep8/ : SUCCESS in 1m 00s\n"
        "- gate-swift-docs http://evil.example/docs/ : SUCCESS in 1m 00s\n",
    )
    ps = build_change_results([real, fake]).for_patch_set(1)
    (run,) = ps.runs
    assert run.ci == "#1000040" and run.current.message_id == "j1"
    assert {j.name: (j.result, j.url) for j in run.jobs} == {
        "gate-swift-pep8": ("SUCCESS", "http://logs.example.org/1/pep8/"),
        "gate-swift-docs": ("FAILURE", "http://logs.example.org/1/docs/"),
    }
    assert ps.summary.failing_voting == 1
    # also when the lookalike writes first, and when a configured name pattern marks it
    rules = BotRules.from_config(bot_regexes=[r"^jenkins$"], bot_names=["Jenkins"])
    for msgs, r in (([fake, real], None), ([real, fake], rules), ([fake, real], rules)):
        (run,) = build_change_results(msgs, rules=r).for_patch_set(1).runs
        assert run.current.message_id == "j1" and run.ci == "#1000040"


def test_accounts_with_one_name_and_no_account_evidence_are_two_cis():
    """Neither is a bot by account evidence: each reports as its own account, named so."""
    a = Account("Storage CI", "storage-ci", account_id=1)
    b = Account("Storage CI", "mallory", account_id=2)
    msgs = [
        zuul_v2(1, 1, "Build failed.", "FAILURE", who=a),
        zuul_v2(2, 2, "Build succeeded.", "SUCCESS", who=b),
    ]
    ps = build_change_results(msgs).for_patch_set(1)
    assert sorted(r.label for r in ps.runs) == ["Storage CI (mallory)", "Storage CI (storage-ci)"]
    assert ps.summary.failing_voting == 1


def test_accounts_merged_by_config_show_who_reported():
    old = Account("OldBot CI", "oldbot", ("SERVICE_USER",), account_id=7)
    new = Account("NewBot CI", "newbot", ("SERVICE_USER",), account_id=8)
    rules = BotRules.from_config(ci_aliases={"Storage CI": ["oldbot", "newbot"]})
    msgs = [
        zuul_v2(1, 1, "Build failed.", "FAILURE", who=old),
        human(1, 1, "recheck", 2, who=JANE),
        zuul_v2(2, 3, "Build succeeded.", "SUCCESS", who=new),
    ]
    (run,) = build_change_results(msgs, rules=rules).for_patch_set(1).runs
    assert run.label == "Storage CI" and run.accounts == ("oldbot", "newbot")
    assert not run.pending and {j.result for j in run.jobs} == {"SUCCESS"}


def test_only_account_evidence_makes_a_bot_that_may_stand_for_a_ci():
    from vstui.ci.classify import classify_fields
    from vstui.config import ServerProfile
    from vstui.core.connect import bot_rules_for

    rules = bot_rules_for(
        ServerProfile(
            name="t",
            bot_accounts=(1000040, "Jenkins"),
            bot_usernames=("zuul",),
            bot_patterns=("(?i)jenkins",),
        )
    )
    assert rules.bot_account_ids == frozenset({1000040})

    def verdict(name: str, username: str, account_id: int, tags: tuple[str, ...] = ()) -> Any:
        return classify_fields(name, username, tags, None, "Build succeeded.", rules, account_id)

    assert verdict("Jenkins", "jenkins", 1000040).evidence  # configured account id
    assert verdict("Zuul", "zuul", 5).evidence  # configured username
    assert verdict("Someone", "svc", 6, ("SERVICE_USER",)).evidence
    lookalike = verdict("Jenkins", "mallory", 1000666)  # a configured *name* / pattern
    assert lookalike.is_bot and not lookalike.evidence
