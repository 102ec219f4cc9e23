"""Writing history into a store: a time-ordered script of mutations.

Scenarios schedule actions per change (create, CI reports, reviews, new patch sets, merge)
at simulated times, then `World.run()` executes them all in global time order through the
store's ordinary mutation methods, under a simulated clock. So the events-log is in time
order and every change looks as if it had lived through real traffic.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Sequence
from typing import Any

from vstui.fake import ci_styles
from vstui.fake.ci_styles import CISystem, Report
from vstui.fake.comments import CommentInput
from vstui.fake.model import (
    CAP_SAVE_VERIFICATION,
    CAP_STREAM_EVENTS,
    SERVICE_USERS,
    Account,
    Change,
    ChangeMessage,
)
from vstui.fake.scenarios import catalog
from vstui.fake.store import GerritStore

STREAM_USERS = "Stream Users"


class World:
    """Accounts, projects and a script of timed actions for one store."""

    def __init__(self, store: GerritStore, rng: random.Random) -> None:
        self.store = store
        self.rng = rng
        self._queue: list[tuple[float, int, Callable[[], Any]]] = []
        self._order = 0
        self.now = 0.0
        self.end: float | None = None
        # (stored message, what it was generated to mean): the labelled corpus of a world
        self.labelled: list[tuple[ChangeMessage, Report]] = []

    # -- accounts -----------------------------------------------------------------

    def base_accounts(self) -> None:
        """Admin, the default human reviewer (may stream events) and the CI grants."""
        s = self.store
        s.grant_capability(CAP_SAVE_VERIFICATION, SERVICE_USERS)
        s.grant_capability(CAP_STREAM_EVENTS, STREAM_USERS)
        if s.account(catalog.ADMIN[0]) is None:
            s.create_account(*catalog.ADMIN, admin=True)
        if s.account(catalog.DEFAULT_REVIEWER[0]) is None:
            s.create_account(*catalog.DEFAULT_REVIEWER, groups=[STREAM_USERS])

    def human(self, username: str, name: str | None = None, email: str | None = None) -> Account:
        acct = self.store.account(username)
        if acct is None:
            acct = self.store.create_account(username, name or username, email)
        return acct

    def ci(self, ci: CISystem) -> Account:
        acct = self.store.account(ci.username)
        if acct is None:
            acct = self.store.create_account(ci.username, ci.name, ci.email(), service_user=True)
        return acct

    def bot(self, username: str, name: str) -> Account:
        acct = self.store.account(username)
        if acct is None:
            acct = self.store.create_account(
                username, name, f"{username}@bots.example.org", service_user=True
            )
        return acct

    # -- the script -----------------------------------------------------------------

    def at(self, t: float, fn: Callable[[], Any]) -> None:
        """Schedule `fn` at `t`; nothing may happen after `end` (the present)."""
        if self.end is not None:
            t = min(t, self.end - 1)
        self._order += 1
        heapq.heappush(self._queue, (t, self._order, fn))

    def run(self) -> None:
        """Execute every scheduled action in time order under a simulated clock."""
        with self.store.simulated_clock(lambda: self.now):
            while self._queue:
                t, _order, fn = heapq.heappop(self._queue)
                self.now = max(self.now, t)
                fn()


class ChangeScript:
    """Schedules the life of one change; keeps track of its current patch set."""

    def __init__(
        self,
        world: World,
        project: str,
        owner: Account,
        subject: str,
        t: float,
        *,
        number: int | None = None,
        topic: str | None = None,
        body: str = "",
        wip: bool = False,
        private: bool = False,
        files: list[tuple[str, str, int, int]] | None = None,
    ) -> None:
        self.world = world
        self.project = project
        self.owner = owner
        self.ps = 1
        self.t = t
        self.number = number
        self.change: Change | None = None

        def create() -> None:
            self.change = world.store.create_change(
                project,
                owner,
                subject,
                topic=topic,
                body=body,
                wip=wip,
                private=private,
                number=number,
                files=files,
            )

        world.at(t, create)

    @property
    def n(self) -> int:
        assert self.number is not None
        return self.number

    def _do(self, t: float, fn: Callable[[Change], Any]) -> None:
        self.t = max(self.t, t)
        self.world.at(t, lambda: fn(self.change))  # type: ignore[arg-type]

    def report(self, t: float, account: Account, rep: Report, ps: int | None = None) -> None:
        """Post a Report (comment and votes, plus verify-status rows if it has them)."""
        target = ps or self.ps
        store = self.world.store

        def act(c: Change) -> None:
            if rep.verifications:
                store.save_verifications(c, target, account, rep.verifications)
            self._post(c, target, account, rep)

        self._do(t, act)

    def _post(
        self,
        c: Change,
        ps: int,
        account: Account,
        rep: Report,
        comments: Callable[[Change], Sequence[CommentInput]] | None = None,
    ) -> None:
        before = len(c.messages)
        self.world.store.post_review(
            c,
            ps,
            account,
            message=rep.body,
            labels=rep.labels,
            tag=rep.tag,
            comments=comments(c) if comments is not None else (),
        )
        if len(c.messages) > before:
            self.world.labelled.append((c.messages[-1], rep))

    def verify_only(self, t: float, account: Account, rep: Report, ps: int | None = None) -> None:
        target = ps or self.ps
        store = self.world.store
        self._do(t, lambda c: store.save_verifications(c, target, account, rep.verifications))

    def ci_run(
        self,
        t: float,
        ci: CISystem,
        *,
        outcome: str | None = None,
        pipeline: str = "check",
        rerun: bool = False,
    ) -> Report:
        rep = ci_styles.ci_report(
            ci, self.world.rng, self.n, self.ps, outcome=outcome, pipeline=pipeline, rerun=rerun
        )
        acct = self.world.ci(ci)
        if ci.verify_status == "only":
            self.verify_only(t, acct, rep)
        else:
            self.report(t, acct, rep)
        return rep

    def comment(
        self,
        t: float,
        account: Account,
        text: str,
        labels: dict[str, int] | None = None,
        *,
        comments: Callable[[Change], Sequence[CommentInput]] | None = None,
    ) -> None:
        """A human review; `comments(change)` gives its inline comments at posting time
        (so a reply can name the id of a comment published earlier in the script)."""
        ps = self.ps
        rep = Report(text, dict(labels or {}), None, [], None, False, None, "human")
        self._do(t, lambda c: self._post(c, ps, account, rep, comments))

    def new_patch_set(
        self,
        t: float,
        *,
        kind: str = "REWORK",
        uploader: Account | None = None,
        files: list[tuple[str, str, int, int]] | None = None,
    ) -> None:
        store = self.world.store
        self.ps += 1
        self._do(
            t, lambda c: store.new_patch_set(c, uploader or self.owner, kind=kind, files=files)
        )

    def merge(self, t: float, submitter: Account) -> None:
        store = self.world.store
        self._do(t, lambda c: store.submit(c, submitter))

    def abandon(self, t: float, who: Account, reason: str = "") -> None:
        store = self.world.store
        self._do(t, lambda c: store.abandon(c, who, reason))

    def set_topic(self, t: float, who: Account, topic: str | None) -> None:
        store = self.world.store
        self._do(t, lambda c: store.set_topic(c, topic, who))

    def add_reviewer(self, t: float, who: Account, adder: Account) -> None:
        store = self.world.store
        self._do(t, lambda c: store.add_reviewer(c, who, adder))

    def delete_vote(self, t: float, voter: Account, label: str, remover: Account) -> None:
        store = self.world.store
        self._do(t, lambda c: store.delete_vote(c, voter, label, remover))

    def hashtags(self, t: float, who: Account, tags: list[str]) -> None:
        store = self.world.store
        self._do(t, lambda c: store.set_hashtags(c, who, add=tags))
