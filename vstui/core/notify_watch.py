"""Headless notifications (`vstui watch --notify`): the TUI's rules over the same session.

The session lists the changes the rules cover (mine, starred, reviewing or all open ones,
as one Gerrit query), keeps all of them fully fresh (messages, verify-status, CI results)
as the TUI does for rows on screen, and every notice it publishes goes through the same
`Notifier` the app uses. `emit` gets each `Notice`; nothing here prints or touches a
terminal.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from vstui.core.notify import ChangeState, Notice, Notifier, Rules
from vstui.core.status import StreamStatus

if TYPE_CHECKING:
    from vstui.core.session import ReviewSession

log = logging.getLogger(__name__)

_SCOPE_QUERIES = {
    "mine": "owner:self",
    "starred": "is:starred",
    "reviewing": "reviewer:self",
}


def scope_query(rules: Rules) -> str:
    """The Gerrit query for the changes the rules cover."""
    if "all" in rules.scopes:
        return "status:open"
    parts = [_SCOPE_QUERIES[s] for s in sorted(rules.scopes) if s in _SCOPE_QUERIES]
    if not parts:
        return "status:open"
    return "status:open (" + " OR ".join(parts) + ")"


class NotifyWatcher:
    """A `SessionListener` that turns the session's notices into `Notice`s for `emit`."""

    def __init__(
        self,
        session: ReviewSession,
        rules: Rules,
        emit: Callable[[Notice], None],
        *,
        status: Callable[[StreamStatus], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.session = session
        self.rules = rules
        self.emit = emit
        self.on_status = status
        self.clock = clock
        self.notifier: Notifier | None = None
        self.ready = asyncio.Event()

    # ---------------------------------------------------------------- SessionListener

    def changes_updated(self, numbers: frozenset[int]) -> None:
        notifier = self.notifier
        if notifier is None:
            return
        session = self.session
        members = session.list_members()
        # Changes that joined the list are kept fresh too.
        session.set_visible(session.list_order())
        states = [
            s
            for n in numbers
            if (n in members or session.store.get((session.server, n)) is not None)
            and (s := session.change_state(n, notifier.me)) is not None
        ]
        notices, _marked = notifier.observe(states, self.clock())
        for notice in notices:
            self.emit(notice)

    def status_changed(self, status: StreamStatus) -> None:
        if self.on_status is not None:
            self.on_status(status)

    def event_received(self, when: float) -> None:
        pass

    def progress(self, text: str) -> None:
        pass

    def error(self, text: str) -> None:
        log.warning("%s", text)

    # ---------------------------------------------------------------- running

    async def start(self) -> None:
        """Start the stream, load the covered changes and record them (not news)."""
        session = self.session
        await session.start(self)
        me = await session.self_account_id()
        await session.run_query(scope_query(self.rules))
        numbers = session.list_order()
        session.set_visible(numbers)
        await session.load_summaries(numbers)
        notifier = Notifier(me, self.rules)
        baseline: list[ChangeState] = [
            s for n in numbers if (s := session.change_state(n, me)) is not None
        ]
        notifier.observe(baseline, self.clock())
        self.notifier = notifier
        self.ready.set()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self.start()
            await stop.wait()
        finally:
            await self.session.close()
