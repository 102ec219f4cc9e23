"""Inline threads: grouping, state, context lines (pure), and the session's view of the seed
world's threads on 381272 over the emulator (real HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.core.helpers import session_for
from vstui.core.threads import build_threads, files_wanted, unresolved_count
from vstui.gerrit.models import Account
from vstui.gerrit.review import Comment, CommentRange

ALICE = Account(account_id=1, name="Alice")
CI = Account(account_id=2, name="Lint CI", tags=("SERVICE_USER",))


def _c(cid: str, minute: int, **kw: Any) -> Comment:
    kw.setdefault("path", "a.py")
    kw.setdefault("patch_set", 1)
    kw.setdefault("author", ALICE)
    return Comment(id=cid, updated=datetime(2026, 1, 1, 10, minute, tzinfo=UTC), **kw)


def test_threads_follow_in_reply_to_and_the_newest_comment_decides() -> None:
    comments = [
        _c("r2", 3, line=9, in_reply_to="r1", message="done", unresolved=False),
        _c("r1", 1, line=9, message="fix?", unresolved=True, change_message_id="m1"),
        _c("x1", 2, line=3, message="nit", unresolved=True),
        _c("x2", 4, line=3, in_reply_to="x1", message="why?", unresolved=True),
    ]
    threads = build_threads(comments)
    assert [(t.root_id, t.line, t.unresolved) for t in threads] == [
        ("x1", 3, True),
        ("r1", 9, False),
    ]
    assert [c.text for c in threads[1].comments] == ["fix?", "done"]
    assert threads[1].change_message_id == "m1" and threads[1].last_id == "r2"
    assert unresolved_count(threads) == 1


def test_a_reply_cycle_or_a_missing_parent_does_not_hang_or_drop_comments() -> None:
    comments = [
        _c("a", 1, line=1, in_reply_to="b", message="a"),
        _c("b", 2, line=1, in_reply_to="a", message="b"),
        _c("c", 3, line=2, in_reply_to="gone", message="orphan"),
    ]
    threads = build_threads(comments)
    assert sum(len(t.comments) for t in threads) == 3


def test_context_lines_come_from_the_file_and_ranges_are_capped() -> None:
    lines = [f"line {n}" for n in range(1, 51)]
    files = {(1, "a.py"): lines}
    (t,) = build_threads([_c("a", 1, line=10, message="x")], files)
    assert t.context == ((8, "line 8"), (9, "line 9"), (10, "line 10"))
    rng = CommentRange(start_line=20, start_character=0, end_line=40, end_character=3)
    (t,) = build_threads([_c("b", 1, line=40, range=rng, message="x")], files)
    assert [n for n, _ in t.context] == [20, 21, 22, 23, 24, 25]
    (t,) = build_threads([_c("c", 1, line=99, message="past the end")], files)
    assert t.context == ()


def test_bot_threads_are_marked_and_not_counted_as_unresolved() -> None:
    threads = build_threads(
        [
            _c("h", 1, line=1, message="human", unresolved=True),
            _c("s", 2, line=2, author=CI, message="lint", unresolved=True),
            _c("r", 3, line=3, robot_id="pep8", message="robot", unresolved=True),
        ]
    )
    assert [t.is_bot for t in threads] == [False, True, True]
    assert unresolved_count(threads) == 1 and unresolved_count(threads, bots=True) == 3


def test_files_wanted_skips_patchset_level_and_caps() -> None:
    comments = [_c(str(i), 1, path=f"f{i % 30}.py", line=1) for i in range(90)]
    comments.append(_c("p", 1, path="/PATCHSET_LEVEL", message="overall"))
    wanted = files_wanted(comments, limit=20)
    assert len(wanted) == 20 and all(not p.startswith("/") for _, p in wanted)


async def test_seed_change_shows_gorkas_thread_under_his_message(
    seed_gerrit: Any, tmp_path: Path
) -> None:
    session = session_for(seed_gerrit, tmp_path, stream=False)
    try:
        await session.load_change(381272)
        view = session.change_view(381272)
        assert view is not None
        gorka = next(m for m in view.messages if m.author == "Gorka Eguileor" and m.threads)
        thread = next(t for t in gorka.threads if "unit test" in t.comments[0].text)
        assert thread.path == "cinder/volume/manager.py" and thread.line == 27
        assert [c.author for c in thread.comments] == ["Gorka Eguileor", "Eric Harney"]
        assert not thread.unresolved  # the owner's "Done" resolved it
        assert any("clone_encryption_key" in text for _n, text in thread.context)
        from vstui.fake.comments import counts

        assert view.unresolved == counts(seed_gerrit.store, seed_gerrit.store.change(381272))[1]
    finally:
        await session.close()


async def test_a_ci_answering_a_recheck_only_in_verify_status_is_noticed(
    fake_gerrit_factory: Any, tmp_path: Path
) -> None:
    """verify-status saves send no stream event: while a recheck is pending on an open
    change, the session re-reads its rows (here every 0.1 s)."""
    import asyncio
    import random

    from vstui.fake import ci_styles
    from vstui.fake.scenarios import catalog

    fg = fake_gerrit_factory(scenario="seed")
    session = session_for(fg, tmp_path)
    session.pending_poll = 0.1
    only = {ci.name: ci for ci in catalog.VERIFY_ONLY_CIS}

    def pending() -> set[str]:
        entry = session.store.get((session.server, 381272))
        if entry is None or entry.results is None or entry.current_patch_set is None:
            return set()
        runs = entry.results.for_patch_set(entry.current_patch_set).runs
        return {r.ci_name for r in runs if r.pending}

    async def until(condition: Any) -> None:
        for _ in range(300):
            if condition():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out: {pending()}")

    try:
        await session.start()
        await session.load_change(381272)
        await until(lambda: session.status.state == "live")
        fg.store.post_review(381272, "current", fg.info["default_account"], message="recheck")
        await until(lambda: bool(pending() & set(only)))
        waiting = pending() & set(only)
        for name in waiting:
            ci = only[name]
            rep = ci_styles.ci_report(ci, random.Random(2), 381272, 2, rerun=True)
            fg.store.save_verifications(381272, "current", ci.username, rep.verifications)
        await until(lambda: not (pending() & waiting))
    finally:
        await session.close()
