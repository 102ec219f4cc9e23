"""Per patch set: current run per CI, history with counts, rechecks → pending, summary counts."""

from __future__ import annotations

from tests.ci._models import GT, JANE, NEC, PKVM, ZUUL, Account, Message, at, human, zuul_report
from vstui.ci.classify import BotRules
from vstui.ci.recheck import detect_recheck
from vstui.ci.results import build_change_results


def nec_report(n: int, ps: int, minute: float, ok: bool = False) -> Message:
    word, res = ("succeeded", "SUCCESS") if ok else ("failed", "FAILURE")
    return Message(
        f"n{n}",
        NEC,
        at(minute),
        f"Patch Set {ps}:\n\nBuild {word}.  To recheck use 'run-NEC Cinder CI'.\n\n"
        f"- NEC-FC http://nec.example/{n} : {res} in 1m 05s",
        revision_number=ps,
    )


def pkvm_report(n: int, ps: int, minute: float) -> Message:
    return Message(
        f"p{n}",
        PKVM,
        at(minute),
        f"Patch Set {ps}:\n\nBuild succeeded. For rechecking only on the IBM PowerKVM CI, add a "
        "review comment with pkvm: recheck. For contact see https://wiki.openstack.org/wiki/PowerKVM\n\n"
        f"- tempest-dsvm-full-xenial http://pkvm.example/{n}/ : SUCCESS in 1h 11m 50s",
        revision_number=ps,
    )


def test_latest_report_is_current_and_older_ones_are_history():
    msgs = [
        zuul_report(1, 1, ok=False, minute=1),
        human(1, 1, "recheck", 2),
        zuul_report(2, 1, ok=True, minute=3),
        human(2, 1, "recheck", 4),
        zuul_report(3, 1, ok=False, minute=5),
    ]
    run = build_change_results(msgs).for_patch_set(1).run_for("Zuul")
    assert run is not None
    assert run.current.message_id == "z3" and run.current.overall == "FAILURE"
    assert [h.message_id for h in run.history] == ["z1", "z2"]
    assert (run.runs, run.reruns, run.pending) == (3, 2, False)
    assert run.label == "Zuul" and run.pipeline == "check"


def test_messages_are_ordered_by_date_not_input_order():
    msgs = [zuul_report(2, 1, ok=True, minute=9), zuul_report(1, 1, ok=False, minute=1)]
    run = build_change_results(msgs).for_patch_set(1).runs[0]
    assert run.current.message_id == "z2"


def test_pipelines_are_runs_of_one_ci_and_each_pipeline_keeps_its_jobs():
    msgs = [
        zuul_report(1, 1, ok=True, minute=1),
        zuul_report(2, 1, ok=False, pipeline="experimental", minute=2),
    ]
    ps = build_change_results(msgs).for_patch_set(1)
    (run,) = ps.runs
    assert run.label == "Zuul" and run.pipelines == ("check", "experimental")
    assert [(j.pipeline, j.job.name, j.job.result) for j in run.current_jobs] == [
        ("check", "tox-py3", "SUCCESS"),
        ("check", "pep8", "SUCCESS"),
        ("check", "docs-nv", "FAILURE"),
        ("experimental", "tox-py3", "FAILURE"),
        ("experimental", "pep8", "SUCCESS"),
        ("experimental", "docs-nv", "FAILURE"),
    ]
    assert run.history == ()


def test_started_then_finished_is_one_run():
    started = [
        Message(
            f"s{i}",
            GT,
            at(i),
            f"Patch Set 1:\n\nBuild Started https://j.example/job/{n}/1/ ({i}/2)",
        )
        for i, n in ((1, "unit"), (2, "lint"))
    ]
    ps = build_change_results(started).for_patch_set(1)
    (run,) = ps.runs
    assert run.current.overall == "STARTED" and {j.name for j in run.jobs} == {"unit", "lint"}
    assert ps.summary.running == 2
    done = Message(
        "d",
        GT,
        at(5),
        "Patch Set 1: Verified+1\n\nBuild Successful \n\nhttps://j.example/job/unit/1/ : SUCCESS"
        "\n\nhttps://j.example/job/lint/1/ : SUCCESS",
    )
    (run,) = build_change_results([*started, done]).for_patch_set(1).runs
    assert run.current.message_id == "d" and run.history == ()


def test_plain_recheck_marks_every_ci_pending_until_it_reports():
    msgs = [
        zuul_report(1, 1, ok=False, minute=1),
        nec_report(1, 1, 2),
        human(1, 1, "This failure is unrelated.\n\nrecheck", 3),
        zuul_report(2, 1, ok=True, minute=4),
    ]
    ps = build_change_results(msgs).for_patch_set(1)
    assert ps.run_for("Zuul").pending is False  # answered
    nec = ps.run_for("NEC Cinder CI")
    assert nec.pending is True and nec.pending_since == at(3) and nec.status == "pending"
    assert ps.summary.pending == 1
    assert [r.keyword for r in ps.rechecks] == ["recheck"]


def test_targeted_rechecks_mark_only_that_ci():
    base = [zuul_report(1, 1, ok=False, minute=1), nec_report(1, 1, 2), pkvm_report(1, 1, 3)]
    for text in ("run-NEC Cinder CI", "run NEC", "nec-cinder-ci: recheck"):
        ps = build_change_results([*base, human(9, 1, text, 5)]).for_patch_set(1)
        assert [r.ci_name for r in ps.runs if r.pending] == ["NEC Cinder CI"], text
    ps = build_change_results([*base, human(9, 1, "pkvm: recheck", 5)]).for_patch_set(1)
    assert [r.ci_name for r in ps.runs if r.pending] == ["IBM PowerKVM CI"]
    # a recheck word that names no CI is a plain recheck (Zuul triggers on any "recheck ...")
    ps = build_change_results(
        [*base, human(9, 1, "recheck cinder-plugin-ceph-tempest timed out", 5)]
    ).for_patch_set(1)
    assert all(r.pending for r in ps.runs)
    # run-<unknown CI> asks a CI that has not reported: nothing here goes pending
    ps = build_change_results([*base, human(9, 1, "run-Virtuozzo Storage CI", 5)]).for_patch_set(1)
    assert not any(r.pending for r in ps.runs)


def test_check_experimental_targets_the_experimental_pipeline():
    msgs = [
        zuul_report(1, 1, ok=True, minute=1),
        zuul_report(2, 1, ok=False, pipeline="experimental", minute=2),
        human(1, 1, "check experimental", 3),
    ]
    ps = build_change_results(msgs).for_patch_set(1)
    (run,) = ps.runs
    assert (run.pending, run.pending_pipeline) == (True, "experimental")
    # only the experimental jobs wait for the answer; check's results still count
    assert (ps.summary.pending, ps.summary.passing, ps.summary.failing_non_voting) == (3, 2, 1)


def test_rechecks_from_bots_and_quotes_do_not_count():
    msgs = [
        nec_report(1, 1, 1),
        Message("b", Account("Tintri CI"), at(2), "Patch Set 1:\n\nrecheck"),
        human(1, 1, "> recheck\n\nwhy was this rechecked?", 3),
    ]
    ps = build_change_results(msgs).for_patch_set(1)
    assert not any(r.pending for r in ps.runs)


def test_recheck_on_another_patch_set_does_not_apply():
    msgs = [nec_report(1, 1, 1), human(1, 2, "recheck", 2)]
    assert not build_change_results(msgs).for_patch_set(1).runs[0].pending


def test_summary_counts_and_not_reported():
    msgs = [
        zuul_report(1, 1, ok=False, minute=1),
        nec_report(1, 1, 2),
        Message(
            "u",
            JANE,
            at(3),
            "Uploaded patch set 2.",
            tag="autogenerated:gerrit:newPatchSet",
            revision_number=2,
        ),
        zuul_report(2, 2, ok=True, minute=4),
    ]
    res = build_change_results(msgs, expected_cis=["Cisco CI"])
    s1 = res.for_patch_set(1).summary
    # Zuul PS1: tox-py3 FAILURE (voting), pep8 SUCCESS, docs-nv FAILURE non-voting; NEC FAILURE
    assert (s1.passing, s1.failing_voting, s1.failing_non_voting, s1.running, s1.pending) == (
        1,
        2,
        1,
        0,
        0,
    )
    assert s1.not_reported == ("Cisco CI",)
    s2 = res.for_patch_set(2).summary
    assert (s2.passing, s2.failing_voting, s2.failing_non_voting) == (2, 0, 1)
    assert s2.not_reported == ("Cisco CI", "NEC Cinder CI")
    assert res.latest.patch_set == 2


def test_run_without_job_lines_counts_once_by_overall():
    msgs = [
        Message(
            "c",
            Account("LUCI CQ"),
            at(1),
            "Patch Set 1:\n\nDry run: This CL passed the CQ dry run.",
            tag="autogenerated:cq:dry-run",
        )
    ]
    s = build_change_results(msgs).for_patch_set(1).summary
    assert (s.passing, s.total) == (1, 1)


def test_humans_and_bots_are_separated_for_the_discussion_pane():
    msgs = [zuul_report(1, 1, ok=True, minute=1), human(1, 1, "Looks good", 2)]
    res = build_change_results(msgs)
    assert [m.message_id for m in res.human_messages] == ["h1"]
    assert [m.message_id for m in res.bot_messages] == ["z1"]


def test_alias_merges_two_accounts_into_one_ci():
    rules = BotRules.from_config(ci_aliases={"Acme CI": ["acme-a", "acme-b"]})
    msgs = [
        Message(
            "a",
            Account("Acme A", "acme-a"),
            at(1),
            "Patch Set 1:\n\nBuild failed.\n\n- x http://a/1 : FAILURE",
        ),
        Message(
            "b",
            Account("Acme B", "acme-b"),
            at(2),
            "Patch Set 1:\n\nBuild succeeded.\n\n- x http://a/2 : SUCCESS",
        ),
    ]
    (run,) = build_change_results(msgs, rules=rules).for_patch_set(1).runs
    assert (run.ci_name, run.current.overall, run.runs) == ("Acme CI", "SUCCESS", 2)


def test_detect_recheck_forms():
    cases = {
        "Patch Set 3:\n\nrecheck": ("recheck", None, None),
        "Patch Set 3: Code-Review+2\n\nrecheck": ("recheck", None, None),
        "Patch Set 3:\n\nrecheck bug 1712345": ("recheck", None, None),
        "Patch Set 3:\n\nrecheck no bug": ("recheck", None, None),
        "Patch Set 3:\n\nreverify": ("reverify", None, None),
        "Patch Set 3:\n\nrecheck cinder-mlnx": ("recheck", "cinder-mlnx", None),
        "Patch Set 3:\n\npkvm: recheck": ("recheck", "pkvm", None),
        "Patch Set 3:\n\nrun-Virtuozzo Storage CI": ("run", "Virtuozzo Storage CI", None),
        "Patch Set 3:\n\nrun tegile": ("run", "tegile", None),
        "Patch Set 3:\n\ncheck experimental": ("check experimental", None, "experimental"),
    }
    for text, want in cases.items():
        r = detect_recheck(text)
        assert r is not None and (r.keyword, r.target, r.pipeline) == want, text
    for text in (
        "Patch Set 3:\n\nPlease do not recheck this.",
        "Patch Set 3:\n\n> recheck",
        "Patch Set 3: Code-Review+1",
        "Patch Set 3:\n\nLooks good",
    ):
        assert detect_recheck(text) is None, text


def test_fast_constructor_builds_the_same_frozen_instances():
    import dataclasses

    import pytest

    from vstui.ci.model import CIReport, Job, new_job, new_report

    a = new_job("tox", "https://x/1", "SUCCESS", 3, False, detail="d")
    b = Job("tox", "https://x/1", "SUCCESS", 3, False, detail="d")
    assert a == b and hash(a) == hash(b) and type(a) is Job and a.reporter is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "x"  # type: ignore[misc]
    assert new_report("Zuul", "SUCCESS", (a,)) == CIReport("Zuul", "SUCCESS", (b,))


def test_a_report_without_a_pipeline_answers_the_recheck_of_any_pipeline():
    """Zuul v2 said "Build succeeded (check pipeline)." but "Build failed.  For information
    on how to proceed, see ..." with no pipeline: that failure answers a check recheck."""
    failed = Message(
        "z2",
        ZUUL,
        at(4),
        "Patch Set 1: Verified-1\n\nBuild failed.  For information on how to proceed, see "
        "https://wiki.openstack.org/wiki/GerritJenkinsGit#Test_Failures\n\n"
        "- tox-py3 https://zuul.example.org/build/2a : FAILURE in 3m 00s\n",
        revision_number=1,
    )
    msgs = [zuul_report(1, 1, ok=True, minute=1), human(1, 1, "recheck", 2), failed]
    ps = build_change_results(msgs).for_patch_set(1)
    assert not any(r.pending for r in ps.runs), [(r.label, r.pending) for r in ps.runs]
