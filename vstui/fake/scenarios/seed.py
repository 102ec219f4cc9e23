"""The `seed` world: an OpenStack-like server built around cinder change 381272.

shared/SEED.md tells the story this reproduces: patch set 1 of Eric Harney's change draws
29 third-party CI reports (in the order and style of the table), two human reviews (Vijay
Ladani +1; Gorka Eguileor -1 asking for a unit test), rechecks for Tegile and HPE, the
owner's reply, then patch set 2 starts the round again. Around it live ~80 other open
changes and some merged and abandoned ones, across OpenStack projects (Zuul v2 "Jenkins",
Zuul v3, third-party CIs) and a few other ecosystems (GerritForge, Wikimedia, LUCI,
TreeHugger, Linux Foundation Jenkins, oVirt, Qt, Lustre), so every CI format family appears.

Everything is drawn from `random.Random(seed)` and anchored at the store's clock, so a given
seed (and clock) gives the same world.
"""

from __future__ import annotations

import dataclasses
import functools
import random

from vstui.fake import ci_styles
from vstui.fake.ci_styles import CISystem
from vstui.fake.model import Account, LabelType, code_review_label
from vstui.fake.scenarios import catalog, ci_history
from vstui.fake.scenarios.builder import ChangeScript, World
from vstui.fake.store import GerritStore

SEED_CHANGE = 381272
HOUR = 3600.0
DAY = 86400.0


def build(store: GerritStore, seed: int = 0) -> World:
    rng = random.Random(seed)
    end = store.now()
    world = World(store, rng)
    world.end = end
    # The server was set up long before the history we write (events stay in time order).
    with store.simulated_clock(lambda: end - 30 * DAY):
        world.base_accounts()
        humans = [world.human(*h) for h in catalog.HUMANS]
        owner = world.human(*catalog.SEED_OWNER)
        reviewers = [world.human(*r) for r in catalog.SEED_REVIEWERS]
        default = store.account(catalog.DEFAULT_REVIEWER[0])
        admin = store.account(catalog.ADMIN[0])
        assert default is not None and admin is not None
        _projects(store)

    _seed_change(world, end, owner, reviewers, humans, default)
    _openstack_changes(world, end, [*humans, owner, default], admin, seed)
    _other_ecosystems(world, end, humans)
    ci_history.add_history(world, end, seed)  # last: the rest of the world stays as it was
    world.run()
    return world


# ------------------------------------------------------------------ projects


def _projects(store: GerritStore) -> None:
    for name in catalog.OPENSTACK_PROJECTS + catalog.ZUUL_V3_PROJECTS:
        store.create_project(
            name, labels=catalog.openstack_labels(), description=f"OpenStack {name.split('/')[-1]}"
        )
    cr = code_review_label
    v = catalog.simple_verified
    store.create_project("gerrit", labels=[cr(), v()], description="Gerrit Code Review")
    store.create_project(
        "mediawiki/core",
        labels=[
            cr(),
            LabelType("Verified", {-1: "Fails", 0: "No score", 1: "Checked", 2: "Verified"}),
        ],
        description="MediaWiki",
    )
    store.create_project(
        "chromium/src",
        labels=[
            LabelType(
                "Code-Review",
                {-1: "Don't submit as-is", 0: "No score", 1: "Looks good to me"},
                function="MaxNoBlock",
            ),
            catalog.custom_label("Commit-Queue", 0, 2, function="NoBlock"),
        ],
        description="Chromium",
    )
    store.create_project(
        "platform/build",
        labels=[
            cr(),
            catalog.custom_label("Presubmit-Verified", -1, 1),
            catalog.custom_label("Presubmit-Ready", 0, 1, "NoBlock"),
        ],
        description="Android build system",
    )
    store.create_project("releng/global-jjb", labels=[cr(), v()], description="LF global JJB")
    store.create_project(
        "ovirt-engine", labels=[cr(), catalog.custom_label("Continuous-Integration", -1, 1)]
    )
    store.create_project("qt/qtbase", labels=[cr(), catalog.custom_label("Sanity-Review", -2, 1)])
    store.create_project("fs/lustre-release", labels=[cr(), v()])


# ------------------------------------------------------------------ change 381272


def _seed_change(
    world: World,
    end: float,
    owner: Account,
    reviewers: list[Account],
    humans: list[Account],
    default: Account,
) -> None:
    rng = world.rng
    vijay, gorka = reviewers
    t0 = end - 30 * HOUR
    script = ChangeScript(
        world,
        "openstack/cinder",
        owner,
        "Fix volume migration for encrypted volumes",
        t0,
        number=SEED_CHANGE,
        topic="bug/1631014",
        body=(
            "When an encrypted volume is migrated, the encryption key id was copied\n"
            "without cloning the key, so deleting the source volume deleted the key\n"
            "the new volume still needs.\n\nCloses-Bug: #1631014"
        ),
    )
    script.add_reviewer(t0 + 60, default, owner)
    script.add_reviewer(t0 + 90, gorka, owner)

    t = t0 + 25 * 60
    cis = catalog.SEED_CIS
    by_name = {ci.name: ci for ci, _ in cis}
    for i, (ci, outcome) in enumerate(cis):
        t += rng.uniform(0.25, 0.75) * HOUR
        script.ci_run(t, ci, outcome=outcome)
        if i == 8:  # after Fujitsu: the first human review
            script.comment(
                t + 300,
                vijay,
                "Looks good to me, the migration path now clones the key.",
                {"Code-Review": 1},
            )
        if ci.name == "Tegile Storage CI":
            script.comment(t + 20 * 60, owner, "run tegile")
        if ci.name == "HPE Storage CI":
            script.comment(t + 15 * 60, owner, "run-HPE Storage CI")
        if i == 21:  # after Nexenta: the second human review
            script.comment(
                t + 600,
                gorka,
                "The fix looks right, but I'd like to see a unit test covering the key clone "
                "on migration before this merges; we regressed here twice already.",
                {"Code-Review": -1},
            )
    for ci in catalog.VERIFY_ONLY_CIS:
        script.ci_run(t0 + rng.uniform(3, 12) * HOUR, ci)
    # The rechecked CIs report again on patch set 1.
    script.ci_run(t + 0.5 * HOUR, by_name["Tegile Storage CI"], outcome="SUCCESS", rerun=True)
    script.ci_run(t + 0.8 * HOUR, by_name["HPE Storage CI"], outcome="FAILURE", rerun=True)
    t += 1.2 * HOUR
    script.comment(
        t,
        owner,
        "Gorka: fair point, I've added a unit test for the key clone in patch set 2.\n\n"
        "HPE Storage CI seems to be failing on every change this week, not related.",
    )
    script.new_patch_set(t + 600)
    t2 = t + 600
    # Patch set 2: the round starts again (about half of the CIs have reported so far).
    for ci, _outcome in cis[: len(cis) // 2 + 1]:
        t2 += rng.uniform(0.1, 0.3) * HOUR
        if t2 >= end - 60:
            break
        script.ci_run(t2, ci, outcome="SUCCESS" if ci is catalog.JENKINS else None)
    for ci in catalog.VERIFY_ONLY_CIS:
        script.ci_run(min(end - 120, t + rng.uniform(1, 3) * HOUR), ci)


# ------------------------------------------------------------------ the rest of OpenStack


@functools.cache
def _jenkins_for(project: str) -> CISystem:
    short = project.split("/")[-1]
    if short == "cinder":
        return catalog.JENKINS
    jobs = tuple(
        dataclasses.replace(j, name=j.name.replace("cinder", short)) for j in catalog.JENKINS.jobs
    )
    return dataclasses.replace(catalog.JENKINS, jobs=jobs)


def _subject(rng: random.Random) -> str:
    return rng.choice(catalog.SUBJECTS).format(
        thing=rng.choice(catalog.THINGS), area=rng.choice(catalog.AREAS)
    )


def _openstack_changes(
    world: World, end: float, people: list[Account], admin: Account, seed: int
) -> None:
    rng = world.rng
    specs = []
    # (kind, count): open changes dominate; merged and abandoned ones are older.
    plan = [("open", 70), ("quiet", 8), ("merged", 22), ("abandoned", 10)]
    for kind, count in plan:
        for _ in range(count):
            if kind in ("merged", "abandoned"):
                created = end - rng.uniform(3, 14) * DAY
            elif kind == "quiet":
                created = end - rng.uniform(0.05, 1.5) * DAY
            else:
                created = end - rng.uniform(0.3, 9) * DAY
            project = rng.choice(catalog.OPENSTACK_PROJECTS + catalog.ZUUL_V3_PROJECTS)
            specs.append((created, kind, project))
    specs.sort()
    number = 379_900
    elastic = world.bot("elasticrecheck", "Elastic Recheck")
    for i, (created, kind, project) in enumerate(specs):
        number += rng.randint(3, 19)
        if number == SEED_CHANGE:
            number += 1
        owner = rng.choice(people)
        topic = rng.choice(
            [
                None,
                None,
                None,
                f"bug/{rng.randint(1_600_000, 1_700_000)}",
                "bp/multiattach",
                "py3-support",
            ]
        )
        script = ChangeScript(
            world,
            project,
            owner,
            _subject(rng),
            created,
            number=number,
            topic=topic,
            wip=(kind == "open" and i % 17 == 3),
            private=(kind == "open" and i % 41 == 7),
        )
        if kind == "quiet":
            continue
        _review_rounds(world, script, project, created, end, people, owner, kind, elastic)
        if kind == "merged":
            _merge(world, script, project, end, people, owner)
        elif kind == "abandoned":
            t = script.t + rng.uniform(1, 5) * DAY
            if t > end - 120:
                t = script.t + 60  # abandon must stay the change's last act
            if rng.random() < 0.5:
                script.abandon(t, owner, "Superseded by a different approach.")
            else:
                script.abandon(
                    t, admin, "Abandoning after 4 weeks of inactivity; feel free to restore."
                )
        if i % 13 == 5:
            script.hashtags(script.t + 60, owner, ["ptg-followup"])
        if kind == "open" and i % 23 == 11 and script.t + 2 * HOUR < end:
            # Notices from bot accounts: a CI typing "recheck" and a core removing a
            # stale CI vote (Gerrit writes the removal message).
            ci = _ci_for(project)
            script.report(script.t + 600, world.ci(ci), ci_styles.bot_recheck(ci.name))
            stale = ci_styles.ci_report(ci, rng, script.n, script.ps, outcome="FAILURE")
            script.report(script.t + 1800, world.ci(ci), stale)
            script.delete_vote(script.t + 3600, world.ci(ci), "Verified", admin)


def _ci_for(project: str) -> CISystem:
    return catalog.ZUUL if project in catalog.ZUUL_V3_PROJECTS else _jenkins_for(project)


def _review_rounds(world, script, project, created, end, people, owner, kind, elastic) -> None:
    rng = world.rng
    upstream = _ci_for(project)
    third_party: list[CISystem] = []
    if project == "openstack/cinder":
        third_party = [
            ci
            for ci, _ in rng.sample(catalog.SEED_CIS, rng.randint(3, 10))
            if ci is not catalog.JENKINS
        ]
    elif project == "openstack/nova":
        third_party = rng.sample(catalog.NOVA_CIS, rng.randint(1, len(catalog.NOVA_CIS)))
    rounds = rng.choice([1, 1, 2, 2, 3]) if kind != "merged" else rng.choice([1, 2])
    limit = end - 300
    t = created
    for r in range(rounds):
        t += rng.uniform(0.4, 1.5) * HOUR
        if t >= limit:
            return
        rep = script.ci_run(t, upstream)
        if rep.overall == "FAILURE" and rng.random() < 0.6:
            if project.startswith("openstack/") and rng.random() < 0.5:
                job = next(
                    (j.name for j in rep.jobs if j.result != "SUCCESS" and j.name), "tempest-full"
                )
                script.report(
                    t + 240,
                    elastic,
                    ci_styles.elastic_recheck(
                        rng, job, rng.randint(1_600_000, 1_990_000), project.split("/")[-1]
                    ),
                )
            who = rng.choice([owner, rng.choice(people)])
            script.comment(t + rng.uniform(0.2, 2) * HOUR, who, ci_styles.human_recheck(rng).body)
            t += 2.2 * HOUR
            if t >= limit:
                return
            script.ci_run(t, upstream, outcome="SUCCESS", rerun=True)
        for ci in third_party:
            tt = t + rng.uniform(0.5, 6) * HOUR
            if tt < limit:
                script.ci_run(tt, ci)
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            tt = t + rng.uniform(0.5, 20) * HOUR
            if tt >= limit:
                continue
            reviewer = rng.choice([p for p in people if p is not owner])
            vote = rng.choice([None, 1, 1, -1, 0, 2])
            rep = ci_styles.human_review(rng, vote=vote if vote else None)
            script.comment(tt, reviewer, rep.body, rep.labels)
        if r < rounds - 1:
            t += rng.uniform(6, 30) * HOUR
            if t >= limit:
                return
            script.comment(t - 600, owner, "Thanks for the reviews, updated.")
            script.new_patch_set(t)


def _merge(world, script, project, end, people, owner) -> None:
    rng = world.rng
    upstream = _ci_for(project)
    cores = [p for p in people if p is not owner]
    t = min(script.t + rng.uniform(2, 20) * HOUR, max(script.t + 60, end - 4 * HOUR))
    a, b = rng.sample(cores, 2)
    script.comment(t, a, "Looks good.", {"Code-Review": 2})
    script.comment(t + HOUR, b, "", {"Code-Review": 2, "Workflow": 1})
    rep = ci_styles.ci_report(
        upstream, rng, script.n, script.ps, outcome="SUCCESS", pipeline="gate"
    )
    script.report(t + 2.5 * HOUR, world.ci(upstream), rep)
    script.merge(t + 2.5 * HOUR + 5, world.ci(upstream))


# ------------------------------------------------------------------ other ecosystems


def _other_ecosystems(world: World, end: float, humans: list[Account]) -> None:
    rng = world.rng
    number = 500_000
    gerrit_people = humans[:6]

    def new(project: str, owner: Account, subject: str, t: float) -> ChangeScript:
        nonlocal number
        number += rng.randint(10, 400)
        return ChangeScript(world, project, owner, subject, t, number=number)

    # GerritForge CI on the gerrit project
    for i in range(3):
        s = new("gerrit", rng.choice(gerrit_people), _subject(rng), end - rng.uniform(0.5, 5) * DAY)
        s.ci_run(s.t + 1.5 * HOUR, catalog.GERRITFORGE_CI)
        if i == 0:
            s.comment(s.t + 2 * HOUR, rng.choice(humans), "recheck")
            s.ci_run(s.t + 1.5 * HOUR, catalog.GERRITFORGE_CI, outcome="SUCCESS")

    # Wikimedia: jenkins-bot (Zuul 2.5 fork), the SonarQube bot and PipelineBot
    sonar = world.bot("sonarqubebot", "SonarQube Bot")
    pipeline = world.bot("pipelinebot", "PipelineBot")
    for i in range(3):
        s = new(
            "mediawiki/core", rng.choice(humans), _subject(rng), end - rng.uniform(0.5, 6) * DAY
        )
        s.ci_run(s.t + 0.2 * HOUR, catalog.WIKIMEDIA_JENKINS_BOT)
        s.report(s.t + 0.3 * HOUR, sonar, ci_styles.sonarqube_bot(rng, s.n, rng.random() < 0.7))
        if i == 2:
            s.report(
                s.t + 0.5 * HOUR,
                pipeline,
                ci_styles.pipeline_bot(rng, "mediawiki-core-pipeline-test"),
            )
        if i == 1:
            s.comment(s.t + 3 * HOUR, rng.choice(humans), "", {"Code-Review": 2})
            s.ci_run(
                s.t + 0.3 * HOUR, catalog.WIKIMEDIA_JENKINS_BOT, outcome="SUCCESS", pipeline="gate"
            )
            s.merge(s.t + 10, world.ci(catalog.WIKIMEDIA_JENKINS_BOT))

    # Chromium LUCI CQ
    for _ in range(2):
        s = new("chromium/src", rng.choice(humans), _subject(rng), end - rng.uniform(0.2, 3) * DAY)
        cq = world.ci(catalog.LUCI_CQ)
        s.report(s.t + 0.1 * HOUR, cq, ci_styles.luci_started(catalog.LUCI_CQ, rng))
        s.ci_run(s.t + 1.2 * HOUR, catalog.LUCI_CQ)

    # AOSP TreeHugger
    for _ in range(2):
        s = new(
            "platform/build", rng.choice(humans), _subject(rng), end - rng.uniform(0.2, 3) * DAY
        )
        s.ci_run(s.t + 2 * HOUR, catalog.TREEHUGGER)

    # Linux Foundation Jenkins (Gerrit Trigger defaults), with Build Started messages
    for _ in range(3):
        s = new(
            "releng/global-jjb", rng.choice(humans), _subject(rng), end - rng.uniform(0.2, 4) * DAY
        )
        lf = world.ci(catalog.LF_JENKINS)
        s.report(s.t + 60, lf, ci_styles.gerrit_trigger_started(catalog.LF_JENKINS, rng, s.n, s.ps))
        s.ci_run(s.t + 0.5 * HOUR, catalog.LF_JENKINS)

    # oVirt (custom Continuous-Integration label)
    for _ in range(2):
        s = new("ovirt-engine", rng.choice(humans), _subject(rng), end - rng.uniform(0.2, 4) * DAY)
        s.ci_run(s.t + 0.7 * HOUR, catalog.OVIRT_JENKINS)

    # Qt Sanity Bot (Sanity-Review) and Lustre Buildbot
    qt = world.bot("qt_sanity_bot", "Qt Sanity Bot")
    for i in range(2):
        s = new("qt/qtbase", rng.choice(humans), _subject(rng), end - rng.uniform(0.2, 4) * DAY)
        s.report(s.t + 120, qt, ci_styles.qt_sanity_bot(rng, ok=i == 0))
    lustre = world.bot("lustre-buildbot", "Lustre Buildbot")
    s = new("fs/lustre-release", rng.choice(humans), _subject(rng), end - rng.uniform(0.2, 4) * DAY)
    s.report(s.t + 1.5 * HOUR, lustre, ci_styles.lustre_buildbot(rng, s.n, rng.random() < 0.6))
