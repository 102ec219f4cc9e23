"""ReviewSession over the emulator (real HTTP and SSH on loopback): the list, one change, live
events applied once, coalesced refetches, and the stream state it reports."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.core.helpers import Recorder, account, session_for
from tests.core.world import HOSTILE, World
from vstui.core.session import ReviewSession


async def test_query_lists_what_the_server_returns_newest_first(seed_gerrit: Any, tmp_path: Path):
    session = session_for(seed_gerrit, tmp_path, stream=False)
    try:
        await session.run_query("status:open")
        me = seed_gerrit.store.account(account(seed_gerrit)["username"])
        expected = [c.number for c in seed_gerrit.store.query("status:open", me).changes]
        assert session.list_order() == expected
        assert 381272 in session.list_order()
        item = session.list_items([381272])[0]
        assert (item.project, item.owner) == ("openstack/cinder", "Eric Harney")
        assert item.ci is None  # summaries load lazily, for rows on screen
        await session.load_summaries([381272])
        ci = session.list_items([381272])[0].ci
        assert ci is not None and ci.total > 0
    finally:
        await session.close()


async def test_change_view_splits_humans_from_bots_and_lists_every_job(
    review_world: tuple[Any, World], tmp_path: Path
):
    fg, world = review_world
    session = session_for(fg, tmp_path, stream=False)
    try:
        await session.load_change(world.change)
        view = session.change_view(world.change)
        assert view is not None and view.loaded
        humans = [m for m in view.messages if not m.is_bot]
        bots = [m for m in view.messages if m.is_bot]
        assert [m.author for m in bots] == ["Cisco CI"]
        assert any(m.text == "Looks fine, one nit." and m.votes == "Code-Review+1" for m in humans)
        got = {(j.ci_name, j.name): (j.failing, j.voting) for j in view.jobs}
        assert got == world.jobs
        assert {(j.ci_name, j.name): j.url for j in view.jobs} == world.urls
        vs = next(j for j in view.jobs if j.name == "vs-lint")
        assert vs.source == "verify-status" and "abstain" in vs.raw_text
    finally:
        await session.close()


async def test_hostile_text_is_kept_verbatim_as_data(
    review_world: tuple[Any, World], tmp_path: Path
):
    fg, world = review_world
    session = session_for(fg, tmp_path, stream=False)
    try:
        await session.load_change(world.hostile_change)
        view = session.change_view(world.hostile_change)
        assert view is not None
        assert HOSTILE in view.subject  # the session keeps data; the UI strips and escapes
        assert any(HOSTILE in j.ci_name for j in view.jobs)
    finally:
        await session.close()


async def test_a_batch_of_events_is_applied_once_and_fetched_once(
    review_world: tuple[Any, World], tmp_path: Path
):
    fg, world = review_world
    session = session_for(fg, tmp_path, stream=False)
    calls: list[str] = []
    real_request = session.rest.request

    async def counting_request(method: str, path: str, **kw: Any) -> Any:
        if path == "changes/":
            calls.append(dict(kw.get("params") or [])["q"])
        return await real_request(method, path, **kw)

    session.rest.request = counting_request  # a spy: the real request still goes out
    recorder = Recorder()
    try:
        await session.run_query("status:open")
        await session.start(recorder)
        calls.clear()
        seq = len(fg.store.events())
        reviewer = account(fg)["username"]
        for i in range(25):
            fg.store.post_review(world.change, 1, reviewer, message=f"note {i}")
        from vstui.gerrit.decode import decode_event

        batch = [decode_event(e.line) for e in fg.store.events(seq)]
        assert len([e for e in batch if e.type == "comment-added"]) == 25
        touched = session.apply_events(batch + batch)  # the second copy must be ignored
        assert touched == {world.change}
        assert session.events_applied == len(batch)
        session.mark_dirty(touched)
        await recorder.wait_for(lambda: any(world.change in u for u in recorder.updates))
        assert len(calls) == 1 and f"change:{world.change}" in calls[0]
        assert sum(1 for u in recorder.updates if world.change in u) == 1
    finally:
        await session.close()


async def test_stream_event_for_an_open_change_updates_its_jobs(
    review_world: tuple[Any, World], tmp_path: Path
):
    fg, world = review_world
    session = session_for(fg, tmp_path)
    recorder = Recorder()
    try:
        await session.start(recorder)
        await recorder.wait_for(lambda: "live" in recorder.states)
        await session.load_change(world.change)
        cisco = fg.store.account("cisco-ci")
        fg.store.post_review(
            world.change,
            1,
            cisco,
            message="Build succeeded (check pipeline).\n\n"
            "- cinder-tempest-full http://logs.example.org/new/ : SUCCESS in 1h 00m 00s\n",
        )

        def updated() -> bool:
            view = session.change_view(world.change)
            return view is not None and any(
                j.name == "cinder-tempest-full" and not j.failing for j in view.jobs
            )

        await recorder.wait_for(updated)
        view = session.change_view(world.change)
        assert view is not None
        full = next(j for j in view.jobs if j.name == "cinder-tempest-full")
        assert full.url == "http://logs.example.org/new/" and full.history == 1
        assert recorder.events, "the event reached the session through the SSH stream"
    finally:
        await session.close()


async def test_a_dropped_stream_reports_reconnecting_then_live_and_misses_nothing(
    review_world: tuple[Any, World], tmp_path: Path
):
    fg, world = review_world
    session = session_for(fg, tmp_path)
    recorder = Recorder()
    try:
        await session.start(recorder)
        await recorder.wait_for(lambda: "live" in recorder.states)
        await session.run_query("status:open")
        before = len(recorder.statuses)
        fg.drop_stream_sessions()
        # Written while the stream is down: the backfill must bring it.
        fg.store.post_review(world.change, 1, account(fg)["username"], message="while away")
        await recorder.wait_for(
            lambda: (
                "reconnecting" in recorder.states[before:]
                and recorder.states[-1] == "live"
                and any(world.change in u for u in recorder.updates)
            ),
            timeout=20,
        )
        assert session.status.state == "live"
    finally:
        await session.close()


async def test_close_stops_the_stream_thread_promptly(empty_gerrit: Any, tmp_path: Path):
    session: ReviewSession = session_for(empty_gerrit, tmp_path)
    recorder = Recorder()
    await session.start(recorder)
    await recorder.wait_for(lambda: "live" in recorder.states)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await session.close()
    assert loop.time() - started < 2.0
    assert session.events is not None and not session.events.stream.running


async def test_a_server_capping_pages_below_the_asked_size_loses_no_change(
    fake_gerrit_factory: Any, tmp_path: Path
):
    """Pages are requested ahead at offsets that assume full pages; when the server returns
    fewer per page (here `limit:30` in the query, like a low queryLimit), the session must
    notice and continue from where the short page ended, not skip to the next guess."""
    fg = fake_gerrit_factory(scenario="large:250")
    session = session_for(fg, tmp_path, stream=False)
    try:
        await session.run_query("status:open limit:30")
        me = fg.store.account(account(fg)["username"])
        expected = [c.number for c in fg.store.query("status:open", me, no_limit=True).changes]
        assert len(expected) > 130  # more than the first page plus one page ahead
        assert session.list_order() == expected
    finally:
        await session.close()


async def test_a_pending_recheck_keeps_the_last_results_visible_and_counted(
    review_world: tuple[Any, World], tmp_path: Path
):
    """After "recheck", each job still shows its last result (marked pending): "failing
    only" keeps the failures the recheck is about; the list summary counts those jobs as
    pending (in jobs, like every other count), not as current passes or failures."""
    from vstui.core.ci_filter import CIFilter

    fg, world = review_world
    fg.store.post_review(world.change, 1, fg.info["default_account"], message="recheck")
    session = session_for(fg, tmp_path, stream=False)
    try:
        await session.run_query("status:open")
        await session.load_change(world.change)
        view = session.change_view(world.change)
        assert view is not None
        assert {j.key: (j.failing, j.voting) for j in view.jobs} == world.jobs
        assert all(j.pending for j in view.jobs)
        assert {j.result for j in view.jobs} == {"SUCCESS", "FAILURE"}  # not "PENDING"
        failing = CIFilter(failing_only=True).apply(view.jobs)
        assert {j.key for j in failing} == {k for k, (f, _v) in world.jobs.items() if f}
        ci = session.list_items([world.change])[0].ci
        assert ci is not None and ci.pending == len(world.jobs)  # both CIs asked again
        assert (ci.passing, ci.failing_voting, ci.failing_non_voting) == (0, 0, 0)
    finally:
        await session.close()


async def test_demo_seed_1_change_381049_shows_jenkins_once_with_its_current_results(
    fake_gerrit_factory: Any, tmp_path: Path
):
    """`vstui demo --seed 1`: Jenkins reported "Build failed." (no pipeline), someone asked
    for a recheck, then "Build succeeded (check pipeline).". One account, so one CI group;
    the recheck is answered; the list row and the CI pane count the same current jobs."""
    fg = fake_gerrit_factory(scenario="seed", seed=1)
    session = session_for(fg, tmp_path, stream=False)
    try:
        await session.run_query("status:open")
        await session.load_summaries([381049])
        await session.load_change(381049)
        view = session.change_view(381049)
        assert view is not None and view.loaded
        assert {j.ci_name for j in view.jobs} == {"Jenkins"}
        assert not any(j.pending or (j.failing and j.voting) for j in view.jobs)
        assert {j.pipeline for j in view.jobs} == {"check"}
        ci = session.list_items([381049])[0].ci
        assert ci is not None
        assert (ci.failing_voting, ci.pending) == (0, 0)
        assert ci.passing == sum(1 for j in view.jobs if j.status == "success")
        assert ci.failing_non_voting == sum(1 for j in view.jobs if j.failing)
    finally:
        await session.close()


async def test_an_ordinary_account_named_like_a_ci_does_not_replace_its_results(
    review_world: tuple[Any, World], tmp_path: Path
):
    """Over the emulator (account ids and SERVICE_USER tags as Gerrit sends them): a human
    who set their display name to "Cisco CI" posts a green report; Cisco CI's own results,
    log links included, stay what the service account reported."""
    fg, world = review_world
    mallory = fg.store.create_account("mallory", "Cisco CI")
    fg.store.post_review(
        world.change,
        1,
        mallory,
        message="Build succeeded (check pipeline).\n\n"
        + "".join(
            f"- {job} http://evil.example/{job}/ : SUCCESS in 1m 00s\n"
            for (_ci, job) in world.jobs
            if _ci == "Cisco CI"
        ),
    )
    session = session_for(fg, tmp_path, stream=False)
    try:
        await session.load_change(world.change)
        view = session.change_view(world.change)
        assert view is not None
        assert {j.key: (j.failing, j.voting) for j in view.jobs} == world.jobs
        assert {j.url for j in view.jobs if j.ci_name == "Cisco CI"} == {
            url for key, url in world.urls.items() if key[0] == "Cisco CI"
        }
    finally:
        await session.close()


async def test_list_counts_follow_a_recheck_answered_live(
    review_world: tuple[Any, World], tmp_path: Path
):
    """With the stream on: Cisco CI fails cinder-docs in a report naming no pipeline, a
    human rechecks, Cisco CI passes it in check. The visible row's counts (the same numbers
    as the CI pane) drop the old failure and the recheck mark."""
    fg, world = review_world
    session = session_for(fg, tmp_path)
    recorder = Recorder()
    cisco = fg.store.account("cisco-ci")
    human = fg.store.account(fg.info["default_account"])
    try:
        await session.start(recorder)
        await recorder.wait_for(lambda: "live" in recorder.states)
        await session.run_query("status:open")
        session.set_visible([world.change])

        def docs_line(result: str) -> str:
            return f"- cinder-docs http://logs.example.org/docs/ : {result} in 2m 00s\n"

        def counts() -> Any:
            return session.list_items([world.change])[0].ci

        steps = [
            (cisco, "Build failed.\n\n" + docs_line("FAILURE"), lambda c: c.failing_voting == 2),
            (human, "recheck", lambda c: c.pending == 7 and c.failing_voting == 0),
            (
                cisco,
                "Build succeeded (check pipeline).\n\n" + docs_line("SUCCESS"),
                lambda c: c.pending == 2 and c.failing_voting == 1,
            ),
        ]
        for who, text, expected in steps:
            fg.store.post_review(world.change, 1, who, message=text)
            await recorder.wait_for(lambda e=expected: counts() is not None and e(counts()))
        view = session.change_view(world.change)
        assert view is not None
        docs = [j for j in view.jobs if j.name == "cinder-docs"]
        assert [(j.result, j.pending, j.history) for j in docs] == [("SUCCESS", False, 1)]
        ci = counts()
        assert ci.passing == sum(1 for j in view.jobs if j.status == "success" and not j.pending)
        assert ci.failing_voting == sum(1 for j in view.jobs if j.failing and j.voting)
        assert ci.pending == sum(1 for j in view.jobs if j.pending) == 2  # vs-ci: no answer
    finally:
        await session.close()
