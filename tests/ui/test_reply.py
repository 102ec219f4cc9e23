"""The reply dialog and inline threads, driven by the pilot over the seed world (real HTTP
and SSH to an in-process emulator): vote, refusals with the draft kept, thread replies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Static, TextArea

from tests.ui.conftest import wait_until
from tests.ui.test_app import open_change
from vstui.fake import permissions
from vstui.fake.comments import comments_of
from vstui.ui.app import VstuiApp
from vstui.ui.screens.change import ChangeScreen
from vstui.ui.screens.reply import ReplyScreen
from vstui.ui.widgets.vote_selector import VoteSelector

SEED = 381272


@pytest.fixture
def seed(fake_gerrit_factory: Callable[..., Any]) -> Any:
    """A seed world of this test's own (the tests post reviews into it)."""
    return fake_gerrit_factory(scenario="seed")


async def _open_reply(pilot: Any, app: VstuiApp) -> ReplyScreen:
    await pilot.press("a")
    await wait_until(pilot, lambda: isinstance(app.screen, ReplyScreen))
    screen = app.screen
    assert isinstance(screen, ReplyScreen)
    if screen.thread is None:
        await wait_until(pilot, lambda: bool(screen.query(VoteSelector)))
    return screen


def _error(screen: ReplyScreen) -> str:
    return str(screen.query_one("#reply-error", Static).render())


async def test_reply_with_code_review_minus_one_shows_live(seed: Any, make_app: Any) -> None:
    app = make_app(seed)
    async with app.run_test(size=(140, 45)) as pilot:
        change = await open_change(pilot, app, SEED)
        reply = await _open_reply(pilot, app)
        votes = {s.label: s for s in reply.query(VoteSelector)}
        # Sean is no CI: Verified is not offered; his Code-Review starts at his vote (none).
        assert list(votes) == ["Code-Review", "Workflow"]
        assert votes["Code-Review"].choice.values == (-2, -1, 0, 1, 2)
        assert votes["Code-Review"].value == 0
        reply.query_one(TextArea).text = "Agree with Gorka: a test first."
        votes["Code-Review"].focus()
        await pilot.press("left")
        assert votes["Code-Review"].value == -1
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is change)
        store_change = seed.store.change(SEED)
        assert store_change.messages[-1].message.startswith("Patch Set 2: Code-Review-1")
        await wait_until(
            pilot,
            lambda: (
                change.view is not None
                and any(
                    m.author == "Sean McGinnis" and m.votes == "Code-Review-1"
                    for m in change.view.messages
                )
            ),
        )


async def test_a_refused_vote_is_one_line_and_the_draft_is_kept(seed: Any, make_app: Any) -> None:
    app = make_app(seed)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_change(pilot, app, SEED)
        reply = await _open_reply(pilot, app)
        # The project restricts Code-Review after the dialog loaded: the server refuses -2.
        permissions.grant(seed.store, "openstack/cinder", "Code-Review", "Registered Users", -1, 1)
        reply.query_one(TextArea).text = "Blocking until the test lands."
        selector = reply.query_one("#vote-0", VoteSelector)
        selector.focus()
        await pilot.press("left", "left")
        assert selector.value == -2
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "restricted" in _error(reply))
        text = _error(reply)
        assert "403" in text and 'Applying label "Code-Review": -2 is restricted' in text
        assert "\n" not in text.strip()
        assert app.screen is reply  # still open, draft in place
        assert reply.query_one(TextArea).text == "Blocking until the test lands."
        await pilot.press("escape")
        reply = await _open_reply(pilot, app)
        assert reply.query_one(TextArea).text == "Blocking until the test lands."
        # The labels are asked again: -2 is no longer offered, so the vote starts at the
        # current one (the message is kept).
        again = reply.query_one("#vote-0", VoteSelector)
        assert again.choice.values == (-1, 0, 1) and again.value == 0
        # Nothing to post is said locally, without a request.
        reply.query_one(TextArea).text = ""
        reply.query_one("#vote-0", VoteSelector).value = 0
        await pilot.press("ctrl+s")
        assert "Nothing to post" in _error(reply)


async def test_reply_to_gorkas_inline_thread_resolves_it(seed: Any, make_app: Any) -> None:
    app = make_app(seed)
    async with app.run_test(size=(140, 45)) as pilot:
        change = await open_change(pilot, app, SEED)
        view = change.discussion_pane.view
        await wait_until(pilot, lambda: any(t.context for t in view.threads))
        # Let the detail refresh land first (it redraws the threads).
        await app.workers.wait_for_complete([w for w in app.workers if w.group == "change"])
        await pilot.pause()
        view.focus()
        target = next(
            t for t in view.threads if t.unresolved and "key manager" in t.comments[0].text
        )
        for _ in range(len(view.threads) + 2):
            top = view.thread_at_top()
            if top is not None and top.root_id == target.root_id:
                break
            await pilot.press("t")
        top = view.thread_at_top()
        assert top is not None and top.root_id == target.root_id
        reply = await _open_reply(pilot, app)
        assert reply.thread is not None and reply.thread.root_id == target.root_id
        target = reply.thread
        reply.query_one(TextArea).text = "Follow-up is fine with me."
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is change)
        newest = comments_of(seed.store, seed.store.change(SEED))[-1]
        assert newest.in_reply_to == target.last_id and newest.unresolved is False
        assert newest.message == "Follow-up is fine with me."
        await wait_until(
            pilot,
            lambda: any(t.root_id == target.root_id and not t.unresolved for t in view.threads),
        )


async def test_thread_text_and_paths_display_literally(seed: Any, make_app: Any) -> None:
    from vstui.fake.comments import CommentInput

    hostile = "[@click=app.quit]boom[/] [b]x[/b] \x1b]0;pwned\x07 \x1b[31mred"
    store = seed.store
    change = store.change(SEED)
    path = "cinder/volume/manager.py"
    store.post_review(
        SEED, "current", "geguileo",
        comments=[CommentInput(path, 3, None, None, hostile, True, None)],
    )  # fmt: skip
    app = make_app(seed)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_change(pilot, app, change.number)
        view = screen.discussion_pane.view
        await wait_until(
            pilot, lambda: any(hostile[:10] in c.text for t in view.threads for c in t.comments)
        )
        rendered = "\n".join(
            "".join(seg.text for seg in view.render_line(y)) for y in range(view.size.height)
        )
        lines = [line.text for line in view._lines]
        joined = "\n".join(lines)
        assert "[@click=app.quit]boom[/] [b]x[/b]" in joined
        assert "\x1b" not in joined and "\x07" not in joined
        assert "\x1b" not in rendered
        await pilot.press("q")
    assert isinstance(screen, ChangeScreen)


async def test_resting_on_a_row_prefetches_its_threads_so_they_paint_with_the_screen(
    seed_gerrit: Any, make_app: Any
) -> None:
    app = make_app(seed_gerrit)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app._list_screen
        await wait_until(pilot, lambda: not screen.loading_changes)
        entry = app.session.store.get(("test", SEED))
        assert entry is not None and entry.comments is None
        assert screen.table.move_cursor_to_key(SEED)
        await wait_until(pilot, lambda: entry.comments is not None)
        assert any("unit test" in c.message for c in entry.comments)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ChangeScreen))
        await pilot.pause()
        # The screen is built with the prefetched threads (the detail refresh follows).
        assert app.screen.discussion_pane.view.threads


async def test_a_reviewkey_asks_then_posts_its_votes(seed: Any, make_app: Any) -> None:
    from vstui.config import ReviewKey
    from vstui.ui.screens.confirm import ConfirmScreen

    app = make_app(seed, reviewkeys=[ReviewKey("ctrl+w", {"Code-Review": 1}, "LGTM")])
    async with app.run_test(size=(140, 45)) as pilot:
        change = await open_change(pilot, app, SEED)
        before = len(seed.store.change(SEED).messages)
        await pilot.press("ctrl+w")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # asked first: no means nothing is posted
        await wait_until(pilot, lambda: app.screen is change)
        assert len(seed.store.change(SEED).messages) == before
        await pilot.press("ctrl+w")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_until(pilot, lambda: len(seed.store.change(SEED).messages) == before + 1)
        assert seed.store.change(SEED).messages[-1].message == (
            "Patch Set 2: Code-Review+1\n\nLGTM"
        )
