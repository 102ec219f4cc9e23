"""The reply dialog: a message and the user's votes (or a reply to one inline thread).

Votes come from the change's `permitted_labels` (loaded when the dialog opens), each starting
at the user's current vote. `ctrl+s` posts one review; a refusal (401/403/409, a vote out of
range) shows as one line and the dialog stays open with the draft; `escape` closes it and
the app keeps the draft for the next `a` on the same change or thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Static, TextArea

from vstui.core.reply import NothingToPost, ReplyDraft, build_review
from vstui.core.threads import ThreadItem
from vstui.gerrit.review import ReviewContext
from vstui.ui.safe_text import safe_line
from vstui.ui.widgets.discussion import thread_header
from vstui.ui.widgets.vote_selector import VoteSelector

if TYPE_CHECKING:
    from vstui.ui.app import VstuiApp


class ReplyScreen(ModalScreen[bool]):
    """Dismisses with True once the review is posted, False when closed with the draft kept."""

    HELP_TITLE = "Reply"
    AUTO_FOCUS = "#reply-message"
    DEFAULT_CSS: ClassVar[str] = """
    ReplyScreen { align: center middle; }
    ReplyScreen > Vertical {
        width: 100; max-width: 95%; height: auto; max-height: 95%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ReplyScreen #reply-title { text-style: bold; }
    ReplyScreen #reply-thread { color: $text-muted; max-height: 6; }
    ReplyScreen #reply-message { height: 8; }
    ReplyScreen #reply-votes { height: auto; margin-top: 1; }
    ReplyScreen #reply-error { color: $text-error; height: auto; }
    ReplyScreen .keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s", "send", "Send", tooltip="Post the review", priority=True, id="reply.send"
        ),
        Binding("escape", "close", "Close", tooltip="Close, keeping the draft", id="reply.close"),
    ]

    app: VstuiApp

    def __init__(
        self, number: int, subject: str, draft: ReplyDraft, thread: ThreadItem | None = None
    ) -> None:
        super().__init__()
        self.number = number
        self.subject = subject
        self.draft = draft
        self.thread = thread
        self.context: ReviewContext | None = None
        self.posting = False

    def compose(self) -> ComposeResult:
        with Vertical():
            title = Text(end="", no_wrap=True, overflow="ellipsis")
            if self.thread is None:
                title.append(f"Reply to {self.number}: ")
            else:
                title.append(f"Reply to a thread on {self.number}: ")
            title.append_text(safe_line(self.subject, limit=70))
            yield Static(title, id="reply-title")
            if self.thread is not None:
                last = self.thread.comments[-1] if self.thread.comments else None
                text = safe_line(thread_header(self.thread), style="bold")
                if last is not None:
                    text.append("\n")
                    text.append_text(safe_line(f"{last.author}: {last.text}", limit=200))
                yield Static(text, id="reply-thread")
            yield TextArea(self.draft.message, id="reply-message", soft_wrap=True)
            if self.thread is None:
                with Vertical(id="reply-votes"):
                    yield Static("Loading the labels you may vote on…", id="reply-loading")
            else:
                yield Checkbox("Resolved", self.draft.resolved, id="reply-resolved")
            yield Static("", id="reply-error", markup=False)
            yield Static(
                "ctrl+s send · tab next field · ←/→ change a vote · escape close (draft kept)",
                classes="keys",
                markup=False,
            )

    def on_mount(self) -> None:
        if self.thread is None:
            self.app.load_review_context(self)

    # ------------------------------------------------------------ from the app

    def set_context(self, context: ReviewContext) -> None:
        """The labels arrived: one selector per label, at the draft's or the current vote."""
        self.context = context
        box = self.query_one("#reply-votes", Vertical)
        self.query_one("#reply-loading", Static).remove()
        if not context.labels:
            box.mount(Static("You may not vote on this change.", markup=False))
            return
        selectors = []
        for choice in context.labels:
            selector = VoteSelector(choice, id=f"vote-{len(selectors)}")
            drafted = self.draft.votes.get(choice.name)
            if drafted is not None and drafted in choice.values:
                selector.set_reactive(VoteSelector.value, drafted)
            selectors.append(selector)
        box.mount_all(selectors)

    def show_error(self, text: str) -> None:
        self.posting = False
        self.query_one("#reply-error", Static).update(safe_line(text, limit=400))

    # ------------------------------------------------------------ actions

    def current_draft(self) -> ReplyDraft:
        message = self.query_one("#reply-message", TextArea).text
        votes = {s.label: s.value for s in self.query(VoteSelector)}
        resolved = self.draft.resolved
        if self.thread is not None:
            resolved = self.query_one("#reply-resolved", Checkbox).value
        return ReplyDraft(message, votes or dict(self.draft.votes), resolved)

    def action_send(self) -> None:
        if self.posting:
            return
        draft = self.draft = self.current_draft()
        try:
            review = build_review(draft, self.context, self.thread)
        except NothingToPost as exc:
            self.show_error(str(exc))
            return
        self.posting = True
        self.query_one("#reply-error", Static).update(Text("Posting…", style="italic"))
        self.app.post_reply(self, review)

    def action_close(self) -> None:
        self.draft = self.current_draft()
        self.app.keep_draft(self.number, self.thread, self.draft)
        self.dismiss(False)
