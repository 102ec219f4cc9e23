"""A living world: simulated CIs and humans acting at about R stream events per second.

`Activity(store, rate=R, seed=S)` runs a thread that takes one decision per step through
the store's ordinary mutation methods: new changes and patch sets, "Build started"
notices, CI results a few steps later (in each CI's own format, some through
verify-status), rechecks and the CI runs they trigger, human reviews, merges (votes, gate,
submit), abandons and restores, topic, hashtag and WIP changes.

The seed world's showcase change (cinder 381272, shared/SEED.md: what a newcomer opens
first in `vstui demo`) stays readable: on the `protected` changes only the live part of the
demo happens (human reviews, rechecks and the CI reports they bring); they are never
merged, abandoned, restored, set WIP or private, and get no new patch sets, topic or hashtag
changes from here.

Decisions come from `random.Random(seed)` and a logical step counter (a CI result is due N
steps after its trigger, not N seconds), so a seed gives the same sequence of actions at
any speed; only the pacing follows the wall clock. `step()` runs one decision without the
thread (deterministic tests). Messages carry build ids or counters so no two events are
byte-identical (clients deduplicate events by content).
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import random
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from vstui.fake import ci_styles
from vstui.fake.ci_styles import CISystem
from vstui.fake.comments import CommentInput
from vstui.fake.errors import GerritError
from vstui.fake.model import Account, Change
from vstui.fake.scenarios import catalog
from vstui.fake.scenarios.builder import World
from vstui.fake.scenarios.seed import SEED_CHANGE
from vstui.fake.store import GerritStore

# Changes the demo shows first; by default the activity leaves their state alone.
SHOWCASE_CHANGES: frozenset[int] = frozenset({SEED_CHANGE})


class Activity:
    """Background traffic generator; `start()` / `stop()` (returns within about 1 s).

    `protected`: change numbers that only get reviews, rechecks and CI reports, never a
    state change (default: `SHOWCASE_CHANGES`; pass `()` to let everything happen).
    """

    def __init__(
        self,
        store: GerritStore,
        *,
        rate: float,
        seed: int = 0,
        protected: Iterable[int] | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError("activity rate must be > 0 events/s")
        self.store = store
        self.protected = frozenset(SHOWCASE_CHANGES if protected is None else protected)
        self.rate = float(rate)
        self.rng = random.Random(seed ^ 0x5EED)
        self.world = World(store, self.rng)
        self.steps = 0
        self.actions = 0
        self.error: BaseException | None = None
        self._due: list[tuple[int, int, Callable[[], Any]]] = []
        self._order = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._humans: list[Account] = []
        self._texts: set[tuple[int, int, str]] = set()
        self._counter = 0
        self._wip_toggled: dict[int, int] = {}
        self._posted: dict[tuple[int, int, str], int] = {}
        self._open_cache: list[Change] | None = None
        self._open_cache_step = 0

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="fake-gerrit-activity", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        start = time.monotonic()
        first_seq = self.store.last_seq
        try:
            while not self._stop.is_set():
                self.step()
                emitted = self.store.last_seq - first_seq
                target = start + emitted / self.rate
                delay = target - time.monotonic()
                if delay > 0 and self._stop.wait(min(delay, 0.5)):
                    break
        except BaseException as exc:  # surfaced to tests via .error; the thread just ends
            self.error = exc

    # -- decisions ----------------------------------------------------------------

    def step(self) -> None:
        """Take one decision: run a due CI result if any, else a new random action."""
        self.steps += 1
        if not self._humans:
            self._setup()
        if self._due and self._due[0][0] <= self.steps:
            _, _, fn = heapq.heappop(self._due)
            self._attempt(fn)
            return
        roll = self.rng.random()
        for threshold, action in (
            (0.12, self._new_change),
            (0.22, self._new_patch_set),
            (0.50, self._human_review),
            (0.60, self._recheck),
            (0.65, self._merge),
            (0.68, self._abandon),
            (0.70, self._restore),
            (0.74, self._topic),
            (0.76, self._hashtag),
            (0.78, self._toggle_wip),
            (1.01, self._human_review),
        ):
            if roll < threshold:
                self._attempt(action)
                return

    def _attempt(self, fn: Callable[[], Any]) -> None:
        try:
            fn()
            self.actions += 1
        except GerritError:
            pass  # the world moved on (a change closed under us); skip like a real bot would

    def _later(self, steps: int, fn: Callable[[], Any]) -> None:
        self._order += 1
        heapq.heappush(self._due, (self.steps + max(1, steps), self._order, fn))

    def _setup(self) -> None:
        self._humans = [
            a for a in self.store.accounts() if not a.is_service_user and not a.is_admin
        ] or [self.world.human("activity-human", "Ada Activity")]

    def _open_changes(self) -> list[Change]:
        """Open public changes, most recently updated first.

        Rebuilt every 50 steps only: scanning 10,000 changes per step would cap the rate on
        large worlds. Actions re-check a change's state through the store anyway.
        """
        if self._open_cache is None or self.steps - self._open_cache_step >= 50:
            changes = [c for c in self.store.changes() if c.status == "NEW" and not c.private]
            changes.sort(key=lambda c: (c.last_updated, c.number), reverse=True)
            self._open_cache = changes[:200]
            self._open_cache_step = self.steps
        return [c for c in self._open_cache if c.status == "NEW"]

    def _pick_open(self, *, alterable: bool = False) -> Change | None:
        """A busy open change; with `alterable`, never a protected one (the action changes
        the change's state, not just its conversation)."""
        changes = self._open_changes()
        if alterable and self.protected:
            changes = [c for c in changes if c.number not in self.protected]
        if not changes:
            return None
        # Recent changes are the busy ones.
        return changes[min(len(changes) - 1, int(self.rng.expovariate(1 / 12)))]

    def _unique(self, change: Change, who: Account, text: str) -> str:
        key = (change.number, who.account_id, text)
        if key in self._texts:
            self._counter += 1
            text = f"{text}\n\n(follow-up {self._counter})"
        self._texts.add((change.number, who.account_id, text))
        return text

    # -- CI -------------------------------------------------------------------------

    def _cis_for(self, change: Change) -> list[CISystem]:
        p = change.project
        if p in catalog.ZUUL_V3_PROJECTS:
            return [catalog.ZUUL]
        if p == "openstack/cinder":
            picks = self.rng.sample(catalog.SEED_CIS, 4)
            return [catalog.JENKINS] + [ci for ci, _ in picks if ci is not catalog.JENKINS]
        if p == "openstack/nova":
            return [_jenkins_for(p), self.rng.choice(catalog.NOVA_CIS)]
        if p.startswith("openstack/"):
            return [_jenkins_for(p)]
        return [
            {
                "gerrit": catalog.GERRITFORGE_CI,
                "mediawiki/core": catalog.WIKIMEDIA_JENKINS_BOT,
                "chromium/src": catalog.LUCI_CQ,
                "platform/build": catalog.TREEHUGGER,
                "ovirt-engine": catalog.OVIRT_JENKINS,
            }.get(p, catalog.LF_JENKINS)
        ]

    def _trigger_ci(
        self, change: Change, *, rerun: bool = False, only: CISystem | None = None
    ) -> None:
        ps = change.current.number
        for ci in [only] if only is not None else self._cis_for(change):
            acct = self.world.ci(ci)
            if ci.family == "gerrit-trigger" and self.rng.random() < 0.7:
                rep = ci_styles.gerrit_trigger_started(ci, self.rng, change.number, ps)
                self._post(change, ps, acct, rep)
            elif ci.family == "zuul-v3" and self.rng.random() < 0.5:
                self._post(change, ps, acct, ci_styles.zuul_started(ci))
            elif ci.family == "luci-cq":
                self._post(change, ps, acct, ci_styles.luci_started(ci, self.rng))
            delay = self.rng.randint(3, 40)
            self._later(delay, lambda c=change, p=ps, ci=ci: self._ci_result(c, p, ci, rerun))

    def _ci_result(self, change: Change, ps: int, ci: CISystem, rerun: bool) -> None:
        if change.status != "NEW":
            return
        acct = self.world.ci(ci)
        rep = ci_styles.ci_report(ci, self.rng, change.number, ps, rerun=rerun)
        rep.labels = self._fitting(change, rep.labels)
        if rep.verifications:
            self.store.save_verifications(change, ps, acct, rep.verifications)
        if ci.verify_status != "only":
            self._post(change, ps, acct, rep)

    def _fitting(self, change: Change, labels: dict[str, int]) -> dict[str, int]:
        """Only the votes this project's labels accept (a CI may serve several projects)."""
        project = self.store.project(change.project)
        if project is None:
            return {}
        return {
            k: v for k, v in labels.items() if k in project.labels and v in project.labels[k].values
        }

    def _post(
        self,
        change: Change,
        ps: int,
        who: Account,
        rep: ci_styles.Report,
        labels: dict[str, int] | None = None,
    ) -> None:
        # The same text by the same CI on the same patch set within one second would be
        # byte-identical to the earlier event (fixed-text notices such as LUCI's): skip it.
        key = (change.number, who.account_id, f"{ps}:{rep.body}")
        second = int(self.store.now())
        if self._posted.get(key) == second:
            return
        self._posted[key] = second
        labels = self._fitting(change, rep.labels if labels is None else labels)
        self.store.post_review(change, ps, who, message=rep.body, labels=labels, tag=rep.tag)

    # -- actions ----------------------------------------------------------------------

    def _new_change(self) -> None:
        projects = [p.name for p in self.store.projects()]
        if not projects:
            return
        project = self.rng.choice(projects)
        owner = self.rng.choice(self._humans)
        self._counter += 1
        subject = self.rng.choice(catalog.SUBJECTS).format(
            thing=self.rng.choice(catalog.THINGS), area=self.rng.choice(catalog.AREAS)
        )
        change = self.store.create_change(
            project,
            owner,
            subject,
            topic=self.rng.choice([None, None, f"activity-{self._counter}"]),
        )
        if self._open_cache is not None:
            self._open_cache.insert(0, change)
        self._trigger_ci(change)

    def _new_patch_set(self) -> None:
        change = self._pick_open(alterable=True)
        if change is None:
            return
        kind = self.rng.choice(["REWORK", "REWORK", "REWORK", "TRIVIAL_REBASE", "NO_CODE_CHANGE"])
        self.store.new_patch_set(change, change.owner, kind=kind)
        self._trigger_ci(change)

    def _human_review(self) -> None:
        change = self._pick_open()
        if change is None:
            return
        who = self.rng.choice([h for h in self._humans if h is not change.owner] or self._humans)
        project = self.store.project(change.project)
        vote = self.rng.choice([None, None, 1, 1, -1, 2])
        labels = {}
        if vote is not None and project is not None and "Code-Review" in project.labels:
            cr = project.labels["Code-Review"]
            if vote in cr.values:
                labels = {"Code-Review": vote}
        rep = ci_styles.human_review(self.rng)
        text = self._unique(change, who, rep.body)
        self.store.post_review(
            change, "current", who, message=text, labels=labels, comments=self._inline(change)
        )

    def _inline(self, change: Change) -> list[CommentInput]:
        """Every third human review carries an inline comment (drawn from the step count,
        not the random stream, so the rest of the traffic is what it always was)."""
        if self.steps % 3 or not change.current.files:
            return []
        path = change.current.files[0][0]
        return [
            CommentInput(
                path,
                1 + self.steps % 40,
                None,
                None,
                f"Could this line be simpler? ({self.steps})",
                self.steps % 2 == 0,
                None,
            )
        ]

    def _recheck(self) -> None:
        change = self._pick_open()
        if change is None:
            return
        who = self.rng.choice([change.owner, *self._humans[:3]])
        cis = self._cis_for(change)
        ci = self.rng.choice(cis)
        text = "recheck" if ci.recheck == "recheck" or self.rng.random() < 0.5 else ci.recheck
        text = self._unique(change, who, text)
        self.store.post_review(change, "current", who, message=text)
        self._trigger_ci(change, rerun=True, only=None if text.startswith("recheck") else ci)

    def _merge(self) -> None:
        change = self._pick_open(alterable=True)
        if change is None or change.wip:
            return
        project = self.store.project(change.project)
        if project is None:
            return
        cores = [h for h in self._humans if h is not change.owner][:6] or self._humans
        core = self.rng.choice(cores)
        votes = {
            lt.name: lt.max
            for lt in project.labels.values()
            if lt.name in ("Code-Review", "Workflow")
        }
        self.store.post_review(
            change, "current", core, message=self._unique(change, core, "Approved."), labels=votes
        )
        ci = self._cis_for(change)[0]

        def gate() -> None:
            if change.status != "NEW":
                return
            acct = self.world.ci(ci)
            proj = self.store.project(change.project)
            others = {
                lt.name: lt.max
                for lt in (proj.labels.values() if proj else [])
                if lt.name not in ("Code-Review", "Workflow") and lt.function == "MaxWithBlock"
            }
            rep = ci_styles.ci_report(
                ci,
                self.rng,
                change.number,
                change.current.number,
                outcome="SUCCESS",
                pipeline="gate",
            )
            labels = {
                k: v for k, v in rep.labels.items() if k in others and v == others[k]
            } or others
            self._post(change, change.current.number, acct, rep, labels)
            if not self.store.submit_problems(change):
                self.store.submit(change, acct)

        self._later(self.rng.randint(5, 30), gate)

    def _abandon(self) -> None:
        change = self._pick_open(alterable=True)
        if change is None:
            return
        self._counter += 1
        self.store.abandon(
            change, change.owner, f"Superseded, see the follow-up ({self._counter})."
        )

    def _restore(self) -> None:
        abandoned = [
            c
            for c in self.store.changes()
            if c.status == "ABANDONED" and not c.private and c.number not in self.protected
        ]
        if not abandoned:
            return
        change = self.rng.choice(abandoned)
        self._counter += 1
        self.store.restore(change, change.owner, f"Still needed ({self._counter}).")

    def _topic(self) -> None:
        change = self._pick_open(alterable=True)
        if change is None:
            return
        self._counter += 1
        topic = (
            None if change.topic and self.rng.random() < 0.3 else f"bug/{1_900_000 + self._counter}"
        )
        self.store.set_topic(change, topic, change.owner)

    def _hashtag(self) -> None:
        change = self._pick_open(alterable=True)
        if change is None:
            return
        self._counter += 1
        self.store.set_hashtags(change, change.owner, add=[f"review-{self._counter}"])

    def _toggle_wip(self) -> None:
        change = self._pick_open(alterable=True)
        if change is None:
            return
        # Toggling twice within one second would repeat an earlier event byte for byte.
        second = int(self.store.now())
        if self._wip_toggled.get(change.number) == second:
            return
        self._wip_toggled[change.number] = second
        self.store.set_wip(change, not change.wip, change.owner)


@functools.cache
def _jenkins_for(project: str) -> CISystem:
    short = project.split("/")[-1]
    jobs = tuple(
        dataclasses.replace(j, name=j.name.replace("cinder", short)) for j in catalog.JENKINS.jobs
    )
    return dataclasses.replace(catalog.JENKINS, jobs=jobs)
