"""Notification rules: which events fire, on which changes, never for own actions, the
rate limit, quiet, and the terminal sequences."""

from __future__ import annotations

from dataclasses import replace

from vstui.core.notify import (
    ChangeState,
    Message,
    Notifier,
    RateLimiter,
    Rules,
    changes_between,
    terminal_sequence,
)
from vstui.core.views import CICounts

ME, OTHER, CI = 1, 2, 3
BASE = ChangeState(
    number=381272,
    subject="Fix volume migration",
    status="NEW",
    owner_id=ME,
    patch_set=2,
    ci=CICounts(passing=10, running=0, pending=2),
    messages=(Message("m1", OTHER, "Gorka", False),),
    votes=frozenset({("Code-Review", OTHER, -1)}),
)


def events(before: ChangeState, after: ChangeState, rules: Rules | None = None) -> list[str]:
    return [n.event for n in changes_between(before, after, ME, rules or Rules())]


def test_ci_done_after_a_recheck_with_the_counts() -> None:
    after = replace(BASE, ci=CICounts(passing=11, failing_voting=1))
    (notice,) = [n for n in changes_between(BASE, after, ME, Rules()) if n.event == "ci-done"]
    assert notice.title == "381272 all CIs reported, failures"
    assert notice.body.startswith("✓11 ✗1")
    # still waiting for one CI: nothing yet
    assert "ci-done" not in events(BASE, replace(BASE, ci=CICounts(passing=11, pending=1)))


def test_first_voting_failure_only_once_per_patch_set() -> None:
    clean = replace(BASE, ci=CICounts(passing=10, running=3))
    failed = replace(clean, ci=CICounts(passing=10, failing_voting=1, running=2))
    assert events(clean, failed) == ["ci-failure"]
    worse = replace(failed, ci=CICounts(passing=10, failing_voting=2, running=1))
    assert events(failed, worse) == []
    new_ps = replace(worse, patch_set=3, ci=CICounts(failing_voting=1))
    assert "ci-failure" in events(worse, new_ps)
    # never computed before (scrolled into view): not news
    assert events(replace(clean, ci=None), failed) == []


def test_human_comment_vote_and_merge_fire_but_bots_and_own_actions_do_not() -> None:
    comment = replace(BASE, messages=(*BASE.messages, Message("m2", OTHER, "Vijay", False)))
    assert events(BASE, comment) == ["comment"]
    bot = replace(BASE, messages=(*BASE.messages, Message("m3", CI, "Zuul", True)))
    assert events(BASE, bot) == []
    mine = replace(BASE, messages=(*BASE.messages, Message("m4", ME, "Me", False)))
    assert events(BASE, mine) == []
    vote = replace(BASE, votes=BASE.votes | {("Code-Review", 5, 2)})
    assert events(BASE, vote) == ["vote"]
    my_vote = replace(BASE, votes=BASE.votes | {("Workflow", ME, 1)})
    assert events(BASE, my_vote) == []
    merged = replace(
        BASE, status="MERGED", messages=(*BASE.messages, Message("m5", OTHER, "G", False))
    )
    assert events(BASE, merged)[0] == "status"
    i_abandoned = replace(
        BASE, status="ABANDONED", messages=(*BASE.messages, Message("m6", ME, "Me", False))
    )
    assert events(BASE, i_abandoned) == []


def test_scope_mine_and_starred_by_default() -> None:
    theirs = replace(BASE, owner_id=OTHER)
    comment = replace(theirs, messages=(*BASE.messages, Message("m2", OTHER, "V", False)))
    assert events(theirs, comment) == []
    assert events(replace(theirs, starred=True), replace(comment, starred=True)) == ["comment"]
    assert events(theirs, comment, Rules(scopes=frozenset({"all"}))) == ["comment"]
    # votes only on my own change
    assert "vote" not in events(
        replace(theirs, starred=True),
        replace(theirs, starred=True, votes=frozenset({("CR", 9, 1)})),
    )
    assert (
        events(BASE, replace(BASE, ci=CICounts(passing=12)), Rules(events=frozenset({"comment"})))
        == []
    )


def test_notifier_first_sight_records_quiet_marks_only_and_reload_is_not_news() -> None:
    notifier = Notifier(ME)
    assert notifier.observe([BASE], now=0.0) == ([], set())
    # an off-screen refresh drops messages and CI results: nothing happened
    assert notifier.observe([replace(BASE, messages=None, ci=None)], now=1.0) == ([], set())
    done = replace(BASE, ci=CICounts(passing=12))
    notices, marked = notifier.observe([done], now=2.0)
    assert [n.event for n in notices] == ["ci-done"] and marked == {BASE.number}
    notifier.quiet = True
    comment = replace(done, messages=(*BASE.messages, Message("m9", OTHER, "V", False)))
    assert notifier.observe([comment], now=100.0) == ([], {BASE.number})


def test_rate_limit_per_change_and_per_minute() -> None:
    limiter = RateLimiter(per_minute=3, per_change_seconds=10)
    assert limiter.allow(1, 0.0) and not limiter.allow(1, 5.0) and limiter.allow(1, 10.0)
    assert limiter.allow(2, 11.0) and not limiter.allow(3, 12.0)  # 3 in the last minute
    assert limiter.allow(3, 61.0)


def test_terminal_sequences_are_clean_and_pass_through_tmux() -> None:
    assert terminal_sequence("off", "t", "b") == ""
    assert terminal_sequence("bell", "t", "b") == "\a"
    seq = terminal_sequence("osc9", "381272 done", "evil\x1b]0;x\x07;body")
    assert seq.startswith("\x1b]9;381272 done: ") and seq.endswith("\x1b\\")
    assert seq.count("\x1b") == 2 and "\x07" not in seq
    assert terminal_sequence("osc777", "a;b", "c") == "\x1b]777;notify;a,b;c\x1b\\"
    wrapped = terminal_sequence("osc9", "t", "b", tmux=True)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]9;") and wrapped.endswith("\x1b\\")
