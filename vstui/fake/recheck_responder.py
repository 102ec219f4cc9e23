"""The emulator's CIs answer rechecks: any account's `recheck`, `reverify`, `run-<CI>`,
`run <word>`, `<CI name>: recheck` or a CI's own advertised command makes the CIs it
targets report again on that patch set after `delay` seconds, with results drawn from their
health profile (`vstui.fake.scenarios.ci_history.PROFILES`) or, for other CIs, their jobs'
usual failure rates.

It listens to the store's events (no hook in the REST or SSH code), so a recheck posted
over REST, SSH `gerrit review` or by a test's store call is answered alike. Which CIs a
recheck targets follows OpenStack's conventions (the same words the client understands,
matched here independently): a plain `recheck` targets every CI that reported on the change.
"""

from __future__ import annotations

import heapq
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from vstui.fake import ci_styles
from vstui.fake.ci_styles import CISystem
from vstui.fake.errors import GerritError
from vstui.fake.scenarios import catalog
from vstui.fake.scenarios.ci_history import KAMINARIO, profile_for, profile_report
from vstui.fake.store import GerritStore, StreamEvent

_RUN = re.compile(r"^run[- ](?P<target>.+)$", re.IGNORECASE)
_NAMED = re.compile(r"^(?P<target>[^:\n]{2,80}):\s*recheck\b", re.IGNORECASE)
_RECHECK = re.compile(r"^(?:recheck|reverify)\b[\s:]*(?P<rest>.*)$", re.IGNORECASE)


def known_cis() -> dict[str, CISystem]:
    """Every CI system of the catalog (and the history's), by account username."""
    found: dict[str, CISystem] = {}

    def add(items: Iterable[Any]) -> None:
        for item in items:
            ci = item[0] if isinstance(item, tuple) else item
            if isinstance(ci, CISystem):
                found.setdefault(ci.username, ci)

    for value in vars(catalog).values():
        if isinstance(value, CISystem):
            add([value])
        elif isinstance(value, list | tuple):
            add(value)
    add([KAMINARIO])
    return found


def targets(comment: str, reported: list[CISystem]) -> list[CISystem]:
    """The CIs among `reported` that this comment asks to run again (none: not a recheck)."""
    lines = [ln.strip() for ln in comment.splitlines()]
    if lines and re.match(r"^Patch Set \d+:", lines[0]):
        lines = lines[1:]
    body = [ln for ln in lines if ln]
    if not body:
        return []
    first = body[0]
    low = first.casefold()
    # A CI's own advertised command ("run tegile", "recheck cinder-mlnx").
    own = [ci for ci in reported if ci.recheck.casefold() == low and ci.recheck != "recheck"]
    if own:
        return own
    m = _RUN.match(first)
    if m:
        return _named(m.group("target"), reported)
    m = _NAMED.match(first)
    if m and m.group("target").strip().casefold() not in ("please", "ci"):
        return _named(m.group("target"), reported)
    m = _RECHECK.match(first)
    if m:
        # "recheck", "recheck bug 123", "recheck <CI name>: <reason>", "recheck <word>": a
        # CI named at the start of the rest, else a CI named by the first word, else all.
        rest = m.group("rest").strip().casefold()
        if rest:
            named = [
                ci
                for ci in reported
                if rest.startswith((ci.name.casefold(), ci.username.casefold()))
            ]
            if named:
                return named
            word = rest.split()[0].strip(":,.")
            if word != "bug":
                named = _named(word, reported)
                if named:
                    return named
        return list(reported)
    return []


def _named(target: str, reported: list[CISystem]) -> list[CISystem]:
    t = target.strip().strip("'\"`").casefold()
    if not t:
        return []
    exact = [ci for ci in reported if t in (ci.name.casefold(), ci.username.casefold())]
    if exact:
        return exact
    if len(t) >= 4:
        return [ci for ci in reported if t in ci.name.casefold() or t in ci.username.casefold()]
    return []


class RecheckResponder:
    """Subscribes to `store`; answers rechecks after `delay` seconds (CIs staggered by
    `stagger` seconds each). `start()` / `stop()`; `answered` counts reports posted."""

    def __init__(
        self,
        store: GerritStore,
        *,
        delay: float = 3.0,
        stagger: float = 0.5,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if delay < 0:
            raise ValueError("recheck delay must be >= 0")
        self.store = store
        self.delay = delay
        self.stagger = stagger
        self.rng = random.Random(seed ^ 0x2EC)
        self.clock = clock
        self.answered = 0
        self.error: BaseException | None = None
        self._cis = known_cis()
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = 0
        self._cond = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop = False
        self._unsubscribe = self.store.subscribe(self._on_event)
        self._thread = threading.Thread(target=self._run, name="fake-gerrit-rechecks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # -- events -------------------------------------------------------------------

    def _on_event(self, event: StreamEvent) -> None:
        if event.type != "comment-added" or event.change_number is None:
            return
        try:
            data = event.data
            author = data.get("author") or {}
            username = author.get("username")
            comment = str(data.get("comment") or "")
            ps = int((data.get("patchSet") or {}).get("number"))
        except (ValueError, TypeError, json.JSONDecodeError):
            return
        if not username or username in self._cis:
            return  # CIs do not answer CIs (nor themselves)
        account = self.store.account(username)
        if account is None or account.is_service_user:
            return
        change = self.store.change(event.change_number)
        if change is None:
            return
        reported = self._reported(change)
        chosen = targets(comment, reported)
        for i, ci in enumerate(chosen):
            self._later(self.delay + i * self.stagger, self._answer_fn(change.number, ps, ci))

    def _reported(self, change: Any) -> list[CISystem]:
        """The known CIs that have reported on the change (comments or verify-status)."""
        seen: dict[str, CISystem] = {}
        for m in change.messages:
            name = m.author.username if m.author is not None else None
            if name in self._cis:
                seen.setdefault(name, self._cis[name])
        for rows in change.verifications.values():
            for row in rows:
                name = row.reporter
                acct = self.store.account(name) if name else None
                if acct is not None:
                    name = acct.username
                if name in self._cis:
                    seen.setdefault(name, self._cis[name])
        return list(seen.values())

    def _later(self, delay: float, fn: Callable[[], None]) -> None:
        with self._cond:
            self._order += 1
            heapq.heappush(self._due, (self.clock() + delay, self._order, fn))
            self._cond.notify_all()

    def _answer_fn(self, number: int, ps: int, ci: CISystem) -> Callable[[], None]:
        def answer() -> None:
            change = self.store.change(number)
            if change is None or change.status != "NEW":
                return
            profile = profile_for(ci.username)
            if profile is not None and ci is not catalog.JENKINS:
                rep = profile_report(profile, self.rng, number, ps, rerun=True)
            else:
                rep = ci_styles.ci_report(ci, self.rng, number, ps, rerun=True)
            acct = self.store.account(ci.username)
            if acct is None:
                return
            if rep.verifications:
                self.store.save_verifications(change, ps, acct, rep.verifications)
            if ci.verify_status != "only":
                labels = self._fitting(change, rep.labels)
                self.store.post_review(
                    change, ps, acct, message=rep.body, labels=labels, tag=rep.tag
                )
            self.answered += 1

        return answer

    def _fitting(self, change: Any, labels: dict[str, int]) -> dict[str, int]:
        project = self.store.project(change.project)
        if project is None:
            return {}
        return {
            k: v for k, v in labels.items() if k in project.labels and v in project.labels[k].values
        }

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop and (not self._due or self._due[0][0] > self.clock()):
                    wait = self._due[0][0] - self.clock() if self._due else None
                    self._cond.wait(timeout=wait if wait is None else max(0.0, min(wait, 0.5)))
                if self._stop:
                    return
                _, _, fn = heapq.heappop(self._due)
            try:
                fn()
            except GerritError:
                pass  # the change closed or the patch set went away: no answer, like a real CI
            except Exception as exc:  # kept for tests; the responder keeps serving
                self.error = exc
