"""The `large:N` world for benchmarks: N changes, a few of them enormous.

Most changes get an upload, one upstream CI report and up to two human reviews; a few
(one per 2,000 changes, at least one) carry 1,000 CI results and 300 human messages, the
shape that stresses a client's change screen. History is written in quiet mode (no stream
events, no events-log rows: nobody is listening while the world is built) to keep building
10,000 changes within a couple of seconds.
"""

from __future__ import annotations

import random

from vstui.fake import ci_styles
from vstui.fake.scenarios import catalog
from vstui.fake.scenarios.builder import World
from vstui.fake.store import GerritStore

HEAVY_CI_RESULTS = 1000
HEAVY_HUMAN_MESSAGES = 300


def build(store: GerritStore, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    end = store.now()
    world = World(store, rng)
    span = 30 * 86400.0
    with store.simulated_clock(lambda: end - span - 86400):
        world.base_accounts()
        humans = [world.human(*h) for h in catalog.HUMANS]
        for name in catalog.OPENSTACK_PROJECTS:
            store.create_project(name, labels=catalog.openstack_labels())
        jenkins = world.ci(catalog.JENKINS)
        third_party = [ci for ci, _ in catalog.SEED_CIS if ci is not catalog.JENKINS]
        tp_accounts = [world.ci(ci) for ci in third_party]
    projects = catalog.OPENSTACK_PROJECTS
    heavy = max(1, n // 2000)
    heavy_every = max(1, n // heavy)
    clock = [end - span]
    step = span / (n + 1)
    # A pool of pre-rendered upstream reports keeps per-change cost low; each change still
    # gets its own job URLs' change number through a cheap substitution.
    pool = [
        ci_styles.ci_report(catalog.JENKINS, rng, 999999, 1, outcome=o)
        for o in ("SUCCESS", "SUCCESS", "SUCCESS", "FAILURE")
    ]
    with store.quiet(), store.simulated_clock(lambda: clock[0]):
        for i in range(n):
            clock[0] += step
            number = 100_000 + i
            owner = humans[i % len(humans)]
            change = store.create_change(
                projects[i % len(projects)],
                owner,
                f"{catalog.SUBJECTS[i % len(catalog.SUBJECTS)].format(thing=catalog.THINGS[i % len(catalog.THINGS)], area=catalog.AREAS[i % len(catalog.AREAS)])} ({i})",
                number=number,
            )
            rep = pool[i % len(pool)]
            last2 = f"{number % 100:02d}"
            body = rep.body.replace("/99/999999/", f"/{last2}/{number}/")
            store.post_review(change, 1, jenkins, message=body, labels=rep.labels)
            for k in range(i % 3):
                reviewer = humans[(i + k + 1) % len(humans)]
                store.post_review(
                    change,
                    1,
                    reviewer,
                    message=ci_styles.HUMAN_REVIEW_LINES[
                        (i + k) % len(ci_styles.HUMAN_REVIEW_LINES)
                    ],
                    labels={"Code-Review": (1, -1, 2)[(i + k) % 3]},
                )
            if i % heavy_every == heavy_every // 2:
                _make_heavy(store, change, rng, third_party, tp_accounts, humans)


def _make_heavy(store, change, rng, cis, accounts, humans) -> None:
    """1,000 third-party results and 300 human messages over a handful of patch sets."""
    per_ps = HEAVY_CI_RESULTS // 5
    humans_per_ps = HEAVY_HUMAN_MESSAGES // 5
    for ps in range(1, 6):
        if ps > 1:
            store.new_patch_set(change)
        for k in range(per_ps):
            idx = k % len(cis)
            rep = ci_styles.ci_report(cis[idx], rng, change.number, ps)
            store.post_review(change, ps, accounts[idx], message=rep.body, labels=rep.labels)
            if rep.verifications:
                store.save_verifications(change, ps, accounts[idx], rep.verifications)
        for k in range(humans_per_ps):
            who = humans[k % len(humans)]
            text = (
                f"{ci_styles.HUMAN_REVIEW_LINES[k % len(ci_styles.HUMAN_REVIEW_LINES)]} ({ps}.{k})"
            )
            store.post_review(change, ps, who, message=text)
