"""A week and a half of CI history for the seed world, with distinct health profiles.

The seed thread says "HPE Storage CI seems to be failing on every change this week, not
related"; this module makes that true, and gives the other CIs recognisable health, so
vstui's history, verdicts and health screen have something real to find. Each profile:

| CI | profile | what the history shows |
|---|---|---|
| HPE Storage CI | `failing` | fails on ~90% of cinder changes this week (passed before) |
| Tegile Storage CI | `flaky` | one job fails ~40% of runs; a `run tegile` recheck passes |
| X-IO OpenStack CI | `infra` | ~35% of runs end NODE_FAILURE / RETRY_LIMIT / POST_FAILURE |
| Kaminario K2 CI | `stopped` | reported on every cinder change until two days ago, then nothing |
| Jenkins, IBM FlashSystem CI, Mellanox CI | `healthy` | pass ~97% of the time |

It adds `HISTORY_CHANGES` cinder changes spread over the last `HISTORY_DAYS` days (merged or
abandoned after their CI round, so the default `status:open` list looks as before), and on
change 381272's patch set 2 an HPE failure and a Tegile fail → `run tegile` → pass, so the
change screen shows "failing elsewhere" and "flaky" on the patch set it opens on.

Deterministic per seed: it draws from its own `random.Random(seed ^ 0xC1)` and is scheduled
after the rest of the seed world, so the other changes are exactly as without it.
`PROFILES` is what the recheck responder (`vstui.fake.recheck_responder`) answers with.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from vstui.fake import ci_styles
from vstui.fake.ci_styles import CISystem, JobSpec, Report
from vstui.fake.model import Account
from vstui.fake.scenarios import catalog
from vstui.fake.scenarios.builder import ChangeScript, World

HOUR = 3600.0
DAY = 86400.0
HISTORY_DAYS = 10
HISTORY_CHANGES = 16
FIRST_NUMBER = 378_600  # below the seed world's numbers: these changes are older
INFRA_WORDS = ("NODE_FAILURE", "RETRY_LIMIT", "POST_FAILURE")

KAMINARIO = CISystem(
    "Kaminario K2 CI",
    "kaminario-ci",
    "zuul-third-party",
    (JobSpec("kaminario-dsvm-tempest-full", typical_s=3500, fail_rate=0.05),),
    host="http://kaminario-ci.example.net/logs",
)


@dataclass(frozen=True, slots=True)
class HealthProfile:
    """How a CI behaves: `fail_rate` per voting job run, `infra_rate` per run (infra
    words instead of FAILURE), `flaky_job` fails at `fail_rate` and passes on a recheck,
    `failing_since_days`: before that the CI was healthy; `stops_days_ago`: silent since."""

    ci: CISystem
    kind: str
    fail_rate: float = 0.03
    infra_rate: float = 0.0
    flaky_job: str | None = None
    failing_since_days: float | None = None
    stops_days_ago: float | None = None


def _seed_ci(name: str) -> CISystem:
    for ci, _outcome in catalog.SEED_CIS:
        if ci.name == name:
            return ci
    raise KeyError(name)


PROFILES: tuple[HealthProfile, ...] = (
    HealthProfile(_seed_ci("HPE Storage CI"), "failing", fail_rate=0.9, failing_since_days=6),
    HealthProfile(
        _seed_ci("Tegile Storage CI"), "flaky", fail_rate=0.4, flaky_job="tegile-dsvm-tempest-fc"
    ),
    HealthProfile(_seed_ci("X-IO OpenStack CI"), "infra", fail_rate=0.02, infra_rate=0.35),
    HealthProfile(KAMINARIO, "stopped", stops_days_ago=2),
    HealthProfile(catalog.JENKINS, "healthy"),
    HealthProfile(_seed_ci("IBM FlashSystem CI"), "healthy"),
    HealthProfile(_seed_ci("Mellanox CI"), "healthy"),
)


def profile_for(username: str) -> HealthProfile | None:
    for p in PROFILES:
        if p.ci.username == username:
            return p
    return None


def profile_report(
    profile: HealthProfile,
    rng: random.Random,
    n: int,
    ps: int,
    *,
    at_days_ago: float = 0.0,
    outcome: str | None = None,
    rerun: bool = False,
) -> Report:
    """One report of `profile`'s CI, its results drawn from the profile. `outcome` forces
    SUCCESS or FAILURE (infra words still replace failures on an `infra` CI)."""
    ci = profile.ci
    healthy_then = (
        profile.failing_since_days is not None and at_days_ago > profile.failing_since_days
    )
    rate = 0.03 if healthy_then else profile.fail_rate
    jobs = tuple(
        replace(j, fail_rate=rate if j.voting else j.fail_rate)
        if profile.flaky_job is None or j.name == profile.flaky_job
        else replace(j, fail_rate=0.0)
        for j in ci.jobs
    )
    ci = replace(ci, jobs=jobs)
    if outcome is None and profile.infra_rate and rng.random() < profile.infra_rate:
        outcome = "FAILURE"
        rep = ci_styles.ci_report(ci, rng, n, ps, outcome=outcome, rerun=rerun)
        return _as_infra(rep, rng)
    return ci_styles.ci_report(ci, rng, n, ps, outcome=outcome, rerun=rerun)


def _as_infra(rep: Report, rng: random.Random) -> Report:
    """The failed jobs of a Zuul-style report end with an infrastructure word instead."""
    body = rep.body
    for job in rep.jobs:
        if job.result == "FAILURE":
            old = ci_styles.zuul_line(job)
            job.result = rng.choice(INFRA_WORDS)
            body = body.replace(old, ci_styles.zuul_line(job), 1)
    rep.body = body
    return rep


def add_history(world: World, end: float, seed: int) -> None:
    """Schedule the history changes and the seed change's patch set 2 runs (call after the
    rest of the seed world is scheduled, before `world.run()`)."""
    saved = world.rng
    world.rng = rng = random.Random(seed ^ 0xC1)
    try:
        owners = [world.human(*h) for h in catalog.HUMANS[:8]]
        cores = [world.human(*h) for h in catalog.HUMANS[8:12]] or owners
        for i in range(HISTORY_CHANGES):
            created = (
                end
                - HISTORY_DAYS * DAY
                + (i + rng.random() * 0.5) * (HISTORY_DAYS * DAY / HISTORY_CHANGES)
            )
            created = min(created, end - 8 * HOUR)
            _history_change(world, rng, FIRST_NUMBER + 7 * i, created, end, owners, cores)
        _seed_patch_set_2(world, rng, end)
    finally:
        world.rng = saved


def _history_change(
    world: World,
    rng: random.Random,
    number: int,
    created: float,
    end: float,
    owners: list[Account],
    cores: list[Account],
) -> None:
    owner = rng.choice(owners)
    subject = rng.choice(catalog.SUBJECTS).format(
        thing=rng.choice(catalog.THINGS), area=rng.choice(catalog.AREAS)
    )
    script = ChangeScript(world, "openstack/cinder", owner, subject, created, number=number)
    t = created + rng.uniform(0.3, 0.8) * HOUR
    for profile in PROFILES:
        tt = t + rng.uniform(0.2, 3) * HOUR
        days_ago = (end - tt) / DAY
        if profile.stops_days_ago is not None and days_ago < profile.stops_days_ago:
            continue
        _profile_run(world, script, rng, profile, tt, days_ago, owner)
    last = t + 5 * HOUR
    if rng.random() < 0.75:
        core_a, core_b = rng.sample(cores, 2) if len(cores) > 1 else (cores[0], cores[0])
        script.comment(last, core_a, "Looks good.", {"Code-Review": 2})
        script.comment(last + 600, core_b, "", {"Code-Review": 2, "Workflow": 1})
        jenkins = catalog.JENKINS
        gate = ci_styles.ci_report(jenkins, rng, number, 1, outcome="SUCCESS", pipeline="gate")
        script.report(last + 1.5 * HOUR, world.ci(jenkins), gate)
        script.merge(last + 1.5 * HOUR + 5, world.ci(jenkins))
    else:
        script.abandon(last, owner, "Superseded by a different approach.")


def _profile_run(
    world: World,
    script: ChangeScript,
    rng: random.Random,
    profile: HealthProfile,
    t: float,
    days_ago: float,
    owner: Account,
) -> None:
    ci = profile.ci
    account = world.ci(ci)
    n = script.n
    if ci is catalog.JENKINS:
        rep = ci_styles.ci_report(ci, rng, n, 1, outcome="SUCCESS")
    else:
        rep = profile_report(profile, rng, n, 1, at_days_ago=days_ago)
    script.report(t, account, rep)
    if profile.kind == "flaky" and rep.overall != "SUCCESS":
        # the owner rechecks; the flaky job passes this time
        script.comment(t + 0.3 * HOUR, owner, ci.recheck)
        again = profile_report(profile, rng, n, 1, outcome="SUCCESS", rerun=True)
        script.report(t + 1.2 * HOUR, account, again)


def _seed_patch_set_2(world: World, rng: random.Random, end: float) -> None:
    """Change 381272 patch set 2: HPE fails again, Tegile fails then passes a recheck."""
    store = world.store
    by_kind = {p.kind: p for p in PROFILES}
    hpe, tegile = by_kind["failing"], by_kind["flaky"]
    owner = store.account(catalog.SEED_OWNER[0])

    def post(account: Account, rep: Report) -> None:
        change = store.change(381272)
        if change is None or change.status != "NEW" or len(change.patch_sets) < 2:
            return
        store.post_review(change, 2, account, message=rep.body, labels=rep.labels, tag=rep.tag)

    fail = profile_report(hpe, rng, 381272, 2, outcome="FAILURE")
    world.at(end - 2.5 * HOUR, lambda: post(world.ci(hpe.ci), fail))
    flaky_fail = profile_report(tegile, rng, 381272, 2, outcome="FAILURE")
    flaky_pass = profile_report(tegile, rng, 381272, 2, outcome="SUCCESS", rerun=True)
    recheck = Report(tegile.ci.recheck, {}, None, [], None, False, None, "human")
    world.at(end - 2.2 * HOUR, lambda: post(world.ci(tegile.ci), flaky_fail))
    if owner is not None:
        world.at(end - 2.0 * HOUR, lambda: post(owner, recheck))
    world.at(end - 1.3 * HOUR, lambda: post(world.ci(tegile.ci), flaky_pass))
