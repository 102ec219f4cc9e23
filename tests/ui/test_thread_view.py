"""The Discussion view's inline threads with hostile file paths, code and comments: drawn
literally (no markup, no escape sequences), on one line each, in a tiny app."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult

from vstui.core.threads import CommentItem, ThreadItem
from vstui.core.views import MessageItem
from vstui.ui.widgets.discussion import DiscussionView

HOSTILE_PATH = "[@click=app.quit]x[/]/\x1b]0;pwned\x07evil\nname.py"
HOSTILE_CODE = "\tprint('[b]bold[/b]')\x1b[2J\r"
HOSTILE_TEXT = "[/] [@click=app.quit]q[/] \x9b31m \x1bPdcs\x1b\\ ok"


class _ThreadApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DiscussionView(id="d")


def _thread() -> ThreadItem:
    return ThreadItem(
        root_id="r",
        path=HOSTILE_PATH,
        line=3,
        patch_set=1,
        context=((3, HOSTILE_CODE),),
        comments=(
            CommentItem("r", "[red]Mallory[/red]\x1b]8;;http://x\x07", None, HOSTILE_TEXT, True),
        ),
        unresolved=True,
        is_bot=False,
        change_message_id="m",
    )


async def test_hostile_thread_text_is_drawn_literally() -> None:
    app = _ThreadApp()
    async with app.run_test(size=(100, 20)) as pilot:
        view = app.query_one(DiscussionView)
        message = MessageItem(
            "m", "Alice", datetime(2026, 1, 1, tzinfo=UTC), 1, "", "see inline", False,
            threads=(_thread(),),
        )  # fmt: skip
        view.set_messages([message])
        await pilot.pause()
        drawn = ["".join(seg.text for seg in view.render_line(y)) for y in range(10)]
        text = "\n".join(drawn)
        for bad in ("\x1b", "\x07", "\x9b", "\r"):
            assert bad not in text
        assert "[@click=app.quit]x[/]/" in text  # the path, literally
        assert "print('[b]bold[/b]')" in text
        assert "[/] [@click=app.quit]q[/]" in text
        assert "[red]Mallory[/red]" in text
        assert any(line.strip().startswith("▸") and "evil" in line and "name.py" in line
                   for line in drawn)  # fmt: skip
        assert app.is_running  # no action ran
