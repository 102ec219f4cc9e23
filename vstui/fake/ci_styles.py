"""CI comments in the 14 format families of shared/fixtures/ci-comments/README.md.

Each generator returns a `Report`: the message body a CI would post (the store adds
Gerrit's `Patch Set N: Label+1` first line from the votes), the votes, the tag, and the
ground truth in the README's `expect` shape (`Report.expect(message)`), so parser tests can
compare against what the emulator meant. Formats follow the README's conventions exactly:
Zuul's `- name url : RESULT in 1h 02m 03s (non-voting)` lines, Gerrit Trigger's trailing
space after `Build Successful `, Zuul printing the job name in the URL slot when a build has
no URL, third-party `109m 17s` durations, and so on.

All randomness comes from the `random.Random` passed in; nothing reads the clock.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

FAMILIES = (
    "zuul-v2",
    "zuul-third-party",
    "gerrit-trigger-star",
    "gerrit-trigger",
    "zuul-v3",
    "luci-cq",
    "treehugger",
    "wikimedia-zuul",
    "wikimedia-bots",
    "gerritforge-ci",
    "elastic-recheck",
    "misc-bot",
    "gerrit-notice",
    "human",
)

OPENSTACK_TEST_FAILURES = "https://wiki.openstack.org/wiki/GerritJenkinsGit#Test_Failures"
ZUUL_V3_HELP = (
    "https://docs.opendev.org/opendev/infra-manual/latest/developers.html#automated-testing"
)

SUCCESS_WORDS = {"SUCCESS", "PASS", "PASSED", "SUCCEEDED", "SKIPPED"}


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A job a CI runs: name, voting, typical duration (s), and how often it fails."""

    name: str
    voting: bool = True
    typical_s: int = 1800
    fail_rate: float = 0.1
    url: str | None = None  # overrides the CI's URL template for this job


@dataclass(slots=True)
class JobResult:
    name: str | None
    url: str | None
    result: str
    duration_s: int | None
    voting: bool = True

    def as_expect(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "result": self.result,
            "duration_s": self.duration_s,
            "voting": self.voting,
        }


@dataclass(slots=True)
class Report:
    """What one CI (or human) posts once: body text, votes, tag, and the truth."""

    body: str
    labels: dict[str, int] = field(default_factory=dict)
    tag: str | None = None
    jobs: list[JobResult] = field(default_factory=list)
    overall: str | None = None
    is_bot: bool = True
    ci_name: str | None = None
    family: str = ""
    verifications: dict[str, dict[str, Any]] = field(default_factory=dict)

    def expect(self, stored_message: str | None = None) -> dict[str, Any]:
        """README `expect` for the message as Gerrit stored it (votes from its first line)."""
        vote = (
            votes_in_first_line(stored_message) if stored_message is not None else dict(self.labels)
        )
        if not self.is_bot:
            return {"is_bot": False, "ci_name": None, "overall": None, "vote": vote, "jobs": []}
        seen = []
        for j in self.jobs:
            e = j.as_expect()
            if e not in seen:
                seen.append(e)
        return {
            "is_bot": True,
            "ci_name": self.ci_name,
            "overall": self.overall,
            "vote": vote,
            "jobs": seen,
        }


_VOTE_RE = re.compile(r"^(-)?([A-Za-z][\w-]*?)([+-]\d+)?$")


def votes_in_first_line(message: str) -> dict[str, int]:
    """`Patch Set 3: Verified+1 Code-Review-2` -> votes; `-Verified` -> 0."""
    first = message.split("\n", 1)[0]
    m = re.match(r"Patch Set \d+:(.*)$", first)
    if not m:
        return {}
    out: dict[str, int] = {}
    for word in m.group(1).split():
        vm = _VOTE_RE.match(word)
        if not vm:
            return {}
        removed, label, value = vm.groups()
        if removed:
            out[label] = 0
        elif value is not None:
            out[label] = int(value)
        else:
            return {}  # pre-2.8 prose such as "Patch Set 4: Doesn't seem to work"
    return out


# ------------------------------------------------------------------ formatting helpers


def fmt_zuul_duration(seconds: int) -> str:
    """Zuul: `1h 02m 03s`, `35m 00s`, `46s`."""
    h, rem = divmod(int(seconds), 3600)
    m, s = divmod(rem, 60)
    if h:
        return f"{h}h {m:02d}m {s:02d}s"
    if m:
        return f"{m}m {s:02d}s"
    return f"{s}s"


def fmt_minutes_duration(seconds: int) -> str:
    """Third-party Jenkins: `109m 17s` (minutes never roll over into hours)."""
    m, s = divmod(int(seconds), 60)
    return f"{m}m {s:02d}s"


def zuul_line(job: JobResult, duration: str | None = None) -> str:
    """`- name url : RESULT in 3m 29s (non-voting)`; the name stands in for a missing URL."""
    line = f"- {job.name} {job.url or job.name} : {job.result}"
    if job.duration_s is not None:
        line += f" in {duration or fmt_zuul_duration(job.duration_s)}"
    if not job.voting:
        line += " (non-voting)"
    return line


def hex_id(rng: random.Random, n: int = 7) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def _duration(rng: random.Random, typical: int) -> int:
    return max(20, int(rng.gauss(typical, typical * 0.15)))


# ------------------------------------------------------------------ CI systems


@dataclass(frozen=True, slots=True)
class CISystem:
    """A CI account and the way it reports.

    `url` is a template with {host} {last2} {n} {ps} {pipeline} {job} {hash} {hash32}
    {build} {date}; `verify_status` is "none", "also" (comment and rows) or "only" (rows,
    no comment); `recheck` is the comment that re-triggers it.
    """

    name: str
    username: str
    family: str
    jobs: tuple[JobSpec, ...]
    host: str = ""
    url: str = "{host}/{last2}/{n}/{ps}/{pipeline}/{job}/{hash}/"
    vote_label: str | None = None
    recheck: str = "recheck"
    success_headline: str | None = None  # None: the family's default headline
    failure_headline: str | None = None
    footer: str = ""
    verify_status: str = "none"
    duration_style: str = "zuul"  # zuul | minutes | none
    email_domain: str = "ci.example.org"
    tag: str | None = None

    def email(self) -> str:
        return f"{self.username.lower().replace('_', '-')}@{self.email_domain}"


def _job_url(ci: CISystem, job: JobSpec, rng: random.Random, n: int, ps: int, pipeline: str) -> str:
    template = job.url or ci.url
    # Draw only the random parts this template uses (keeps big worlds cheap to build).
    values: dict[str, Any] = {
        "host": ci.host, "last2": f"{n % 100:02d}", "n": n, "ps": ps, "pipeline": pipeline,
        "job": job.name,
    }  # fmt: skip
    if "{hash}" in template:
        values["hash"] = hex_id(rng, 7)
    if "{hash32}" in template:
        values["hash32"] = hex_id(rng, 32)
    if "{build}" in template:
        values["build"] = rng.randint(100, 99999)
    if "{date}" in template:
        values["date"] = (
            f"2016-10-{rng.randint(1, 28):02d}_{rng.randint(0, 23):02d}-"
            f"{rng.randint(0, 59):02d}-{rng.randint(0, 59):02d}"
        )
    return template.format(**values)


def run_jobs(
    ci: CISystem,
    rng: random.Random,
    n: int,
    ps: int,
    *,
    outcome: str | None = None,
    pipeline: str = "check",
    jobs: Sequence[JobSpec] | None = None,
) -> list[JobResult]:
    """Results for each job; `outcome` "SUCCESS"/"FAILURE" forces the voting verdict."""
    specs = list(jobs if jobs is not None else ci.jobs)
    results = []
    for spec in specs:
        failed = rng.random() < spec.fail_rate
        results.append(
            JobResult(
                spec.name,
                _job_url(ci, spec, rng, n, ps, pipeline),
                "FAILURE" if failed else "SUCCESS",
                _duration(rng, spec.typical_s) if ci.duration_style != "none" else None,
                spec.voting,
            )
        )
    voting = [r for r in results if r.voting] or results
    if outcome == "SUCCESS":
        for r in voting:
            r.result = "SUCCESS"
    elif outcome == "FAILURE" and all(r.result == "SUCCESS" for r in voting):
        voting[rng.randrange(len(voting))].result = "FAILURE"
    return results


def _overall(results: Sequence[JobResult]) -> str:
    voting = [r for r in results if r.voting]
    return "FAILURE" if any(r.result not in SUCCESS_WORDS for r in voting) else "SUCCESS"


def _verifications(
    ci: CISystem, results: Sequence[JobResult], rerun: bool
) -> dict[str, dict[str, Any]]:
    out = {}
    for r in results:
        if r.name is None:
            continue
        out[r.name] = {
            "url": r.url,
            "value": 1 if r.result in SUCCESS_WORDS else -1,
            "abstain": not r.voting,
            "rerun": rerun,
            "reporter": ci.name,
            "category": "third party" if ci.family != "zuul-v2" else "upstream",
            "duration": fmt_zuul_duration(r.duration_s) if r.duration_s else None,
        }
    return out


def ci_report(
    ci: CISystem,
    rng: random.Random,
    n: int,
    ps: int,
    *,
    outcome: str | None = None,
    pipeline: str = "check",
    rerun: bool = False,
) -> Report:
    """One finished run of `ci` on change `n` patch set `ps`, in the CI's own format."""
    fam = ci.family
    if fam == "zuul-v2":
        return _zuul_v2(ci, rng, n, ps, outcome, pipeline, rerun)
    if fam == "zuul-third-party":
        return _zuul_third_party(ci, rng, n, ps, outcome, pipeline, rerun)
    if fam == "gerrit-trigger-star":
        return _star(ci, rng, n, ps, outcome, rerun)
    if fam == "gerrit-trigger":
        return _gerrit_trigger(ci, rng, n, ps, outcome, rerun)
    if fam == "zuul-v3":
        return _zuul_v3(ci, rng, n, ps, outcome, pipeline, rerun)
    if fam == "wikimedia-zuul":
        return _wikimedia(ci, rng, n, ps, outcome, pipeline, rerun)
    if fam == "gerritforge-ci":
        return _gerritforge(ci, rng, n, ps, outcome, rerun)
    if fam == "luci-cq":
        return _luci(ci, rng, n, ps, outcome)
    if fam == "treehugger":
        return _treehugger(ci, rng, n, ps, outcome)
    raise ValueError(f"{ci.name}: family {fam} has no run report")


def _finish(ci: CISystem, report: Report, results: list[JobResult], rerun: bool) -> Report:
    report.ci_name = ci.name
    report.family = ci.family
    report.jobs = results
    if ci.verify_status != "none":
        report.verifications = _verifications(ci, results, rerun)
    return report


def _vote(ci: CISystem, overall: str, pipeline: str = "check") -> dict[str, int]:
    if ci.vote_label is None:
        return {}
    if overall == "SUCCESS":
        return {ci.vote_label: 2 if pipeline == "gate" else 1}
    return {ci.vote_label: -2 if pipeline == "gate" else -1}


def _zuul_v2(ci, rng, n, ps, outcome, pipeline, rerun) -> Report:
    results = run_jobs(ci, rng, n, ps, outcome=outcome, pipeline=pipeline)
    overall = _overall(results)
    if overall == "SUCCESS":
        head = (
            "Build succeeded." if pipeline == "gate" else f"Build succeeded ({pipeline} pipeline)."
        )
    else:
        head = f"Build failed.  For information on how to proceed, see {OPENSTACK_TEST_FAILURES}"
    body = head + "\n\n" + "\n".join(zuul_line(r) for r in results)
    rep = Report(body, _vote(ci, overall, pipeline), ci.tag, overall=overall)
    return _finish(ci, rep, results, rerun)


def _zuul_third_party(ci, rng, n, ps, outcome, pipeline, rerun) -> Report:
    results = run_jobs(ci, rng, n, ps, outcome=outcome, pipeline=pipeline)
    overall = _overall(results)
    if overall == "SUCCESS":
        head = ci.success_headline or "Build succeeded."
    else:
        head = ci.failure_headline or "Build failed."
    parts = [head]
    if ci.footer and not head.endswith(ci.footer):
        parts.append(ci.footer)
    style = ci.duration_style
    lines = [
        zuul_line(
            r, fmt_minutes_duration(r.duration_s) if style == "minutes" and r.duration_s else None
        )
        for r in results
    ]
    body = "\n".join(parts) + "\n\n" + "\n".join(lines)
    rep = Report(body, _vote(ci, overall), ci.tag, overall=overall)
    return _finish(ci, rep, results, rerun)


def _star(ci, rng, n, ps, outcome, rerun) -> Report:
    """OpenStack third-party Jenkins: `* job url : RESULT[ in 28m 54s][ (non-voting)]`."""
    results = run_jobs(ci, rng, n, ps, outcome=outcome)
    overall = _overall(results)
    lines = []
    for r in results:
        line = f"* {r.name} {r.url} : {r.result}"
        if r.duration_s is not None and ci.duration_style != "none":
            line += f" in {fmt_minutes_duration(r.duration_s)}"
        if not r.voting:
            line += " (non-voting)"
        lines.append(line)
    # Most of these Jenkins setups print no headline at all, only the job lines.
    head = ci.success_headline if overall == "SUCCESS" else ci.failure_headline
    body = (head + "\n\n" if head else "") + "\n".join(lines)
    rep = Report(body, _vote(ci, overall), ci.tag, overall=overall)
    return _finish(ci, rep, results, rerun)


_GT_HEADLINES = {
    "SUCCESS": "Build Successful ",
    "FAILURE": "Build Failed ",
    "UNSTABLE": "Build Unstable ",
    "ABORTED": "Build Aborted ",
    "NOT_BUILT": "No Builds Executed ",
}


def _gerrit_trigger(ci, rng, n, ps, outcome, rerun) -> Report:
    """Jenkins Gerrit Trigger defaults: `Build Successful ` then `url : RESULT` blocks."""
    results = run_jobs(ci, rng, n, ps, outcome=outcome)
    for r in results:
        r.name = _jenkins_job_name(r.url)
        r.duration_s = None
    skipped = [r for r in results if not r.voting]
    overall = _overall(results)
    if overall == "FAILURE" and outcome is None and rng.random() < 0.2:
        overall = "UNSTABLE"
        for r in results:
            if r.result == "FAILURE" and r.voting:
                r.result = "UNSTABLE"
    blocks = []
    for r in results:
        block = f"{r.url} : {r.result}" + (" (skipped)" if r in skipped else "")
        if "opendaylight" in ci.host or "onap" in ci.host:
            logs = r.url.replace("jenkins.", "logs.").replace(
                "/job/", "/production/vex-yul-jenkins-1/"
            )
            block += f"\n\nLogs: {logs.rstrip('/')}"
        blocks.append(block)
    body = _GT_HEADLINES[overall] + "\n\n" + "\n\n".join(blocks)
    vote = {}
    if ci.vote_label:
        vote = {ci.vote_label: 1 if overall == "SUCCESS" else -1}
    rep = Report(body, vote, ci.tag, overall=overall)
    return _finish(ci, rep, results, rerun)


def _jenkins_job_name(url: str | None) -> str | None:
    """README rule: a Jenkins URL names the job by its `/job/<x>/` segments joined by `/`."""
    if not url:
        return None
    parts = re.findall(r"/job/([^/]+)", url)
    return "/".join(parts) if parts else None


def gerrit_trigger_started(ci: CISystem, rng: random.Random, n: int, ps: int) -> Report:
    """`Build Started <url> (1/2)` for each job Gerrit Trigger starts."""
    spec = ci.jobs[0]
    url = _job_url(ci, spec, rng, n, ps, "check")
    suffix = f" (1/{len(ci.jobs)})" if len(ci.jobs) > 1 else ""
    body = f"Build Started {url}{suffix}"
    job = JobResult(_jenkins_job_name(url), url, "STARTED", None, True)
    rep = Report(body, {}, ci.tag, [job], "STARTED", True, ci.name, ci.family)
    if ci.vote_label and rng.random() < 0.3:
        rep.labels = {ci.vote_label: 0}  # Gerrit Trigger may reset its vote on start
    return rep


def zuul_started(ci: CISystem, pipeline: str = "check") -> Report:
    """Zuul v3's start report (OpenStack turns it on for some pipelines)."""
    tag = f"autogenerated:zuul:{pipeline}" if ci.family == "zuul-v3" else ci.tag
    return Report(f"Starting {pipeline} jobs.", {}, tag, [], "STARTED", True, ci.name, ci.family)


def _zuul_v3(ci, rng, n, ps, outcome, pipeline, rerun) -> Report:
    tag = f"autogenerated:zuul:{pipeline}"
    roll = rng.random()
    if outcome is None and roll < 0.04:
        body = (
            "Merge Failed.\n\nThis change or one of its cross-repo dependencies was unable to be "
            "automatically merged with the current state of its repository. Please rebase the "
            "change and upload a new patchset."
        )
        vote = {ci.vote_label: -1} if ci.vote_label else {}
        rep = Report(body, vote, tag, [], "MERGE_CONFLICT")
        return _finish(ci, rep, [], rerun)
    results = run_jobs(ci, rng, n, ps, outcome=outcome, pipeline=pipeline)
    for r in results:
        if r.result == "FAILURE":
            r.result = rng.choice(
                ["FAILURE", "FAILURE", "FAILURE", "POST_FAILURE", "TIMED_OUT", "RETRY_LIMIT"]
            )
    if outcome is None and roll > 0.96 and len(results) > 2:
        # A node failure: that build has no URL, and the jobs depending on it are skipped.
        results[0].result, results[0].url, results[0].duration_s = "NODE_FAILURE", None, None
        for r in results[1:2]:
            r.result, r.url, r.duration_s = "SKIPPED", None, None
    overall = _overall(results)
    if overall == "SUCCESS":
        head = f"Build succeeded ({pipeline} pipeline)."
    else:
        head = f"Build failed ({pipeline} pipeline).  For information on how to proceed, see\n{ZUUL_V3_HELP}"
    buildset = f"https://zuul.opendev.org/t/openstack/buildset/{hex_id(rng, 32)}"
    body = head + "\n\n" + buildset + "\n\n" + "\n".join(zuul_line(r) for r in results)
    if any(r.result == "SKIPPED" for r in results) and rng.random() < 0.5:
        body += "\n\nWarning:\n  Some jobs were skipped because a job they depend on failed."
    rep = Report(body, _vote(ci, overall, pipeline), tag, overall=overall)
    return _finish(ci, rep, results, rerun)


def _wikimedia(ci, rng, n, ps, outcome, pipeline, rerun) -> Report:
    results = run_jobs(ci, rng, n, ps, outcome=outcome, pipeline=pipeline)
    for r in results:
        r.name = None  # URL-only lines: the job is named by the URL's /job/<x>/ segment
    overall = _overall(results)
    which = "Main test build" if pipeline != "gate" else "Gate pipeline build"
    head = f"{which} {'succeeded' if overall == 'SUCCESS' else 'failed'}."
    lines = []
    for r in results:
        line = f"- {r.url} : {r.result}"
        if r.duration_s is not None:
            line += f" in {fmt_zuul_duration(r.duration_s)}"
        if not r.voting:
            line += " (non-voting)"
        lines.append(line)
        r.name = _jenkins_job_name(r.url)
    vote = {"Verified": (2 if pipeline == "gate" else 1) if overall == "SUCCESS" else -1}
    tag = "autogenerated:ci-test" if pipeline != "gate" else "autogenerated:ci"
    rep = Report(head + "\n\n" + "\n".join(lines), vote, tag, overall=overall)
    return _finish(ci, rep, results, rerun)


def _gerritforge(ci, rng, n, ps, outcome, rerun) -> Report:
    results = run_jobs(ci, rng, n, ps, outcome=outcome)
    lines = []
    for r in results:
        mark = "✅" if r.result == "SUCCESS" else "❌"
        r.duration_s = None
        lines.append(f"{mark} {r.name} : {r.result}\n    ({r.url})")
    overall = _overall(results)
    vote = {"Verified": 1 if overall == "SUCCESS" else -1}
    rep = Report("\n".join(lines), vote, "autogenerated:gerrit-ci:addVerified", overall=overall)
    return _finish(ci, rep, results, rerun)


def _luci(ci, rng, n, ps, outcome) -> Report:
    tag = f"autogenerated:cv:dry-run:{rng.randint(1_600_000_000, 1_700_000_000)}"
    failed = outcome == "FAILURE" or (outcome is None and rng.random() < 0.25)
    if not failed:
        rep = Report("Dry run: This CL passed the CQ dry run.", {}, tag, [], "SUCCESS")
        return _finish(ci, rep, [], False)
    spec = rng.choice(ci.jobs)
    build = f"https://ci.chromium.org/b/88{rng.randint(10**16, 10**17 - 1)}"
    checks = f"https://chromium-review.googlesource.com/c/chromium/src/+/{n}?checksPatchset={ps}&tab=checks"
    suites = rng.randint(1, 9)
    body = (
        "This CL has failed the run. Reason:\n\n"
        f"Tryjob [{spec.name}]({build}) has failed with summary ([view all results]({checks})):\n\n"
        f"---\n{suites} Test Suite(s) failed.\n\n**browser_tests** failed."
    )
    rep = Report(body, {}, tag, [JobResult(spec.name, build, "FAILED", None, True)], "FAILURE")
    return _finish(ci, rep, rep.jobs, False)


def luci_started(ci: CISystem, rng: random.Random) -> Report:
    return Report(
        "Dry run: CQ is trying the patch...",
        {},
        "autogenerated:cv:dry-run",
        [],
        "STARTED",
        True,
        ci.name,
        ci.family,
    )


def _treehugger(ci, rng, n, ps, outcome) -> Report:
    run_id = f"L{rng.randint(10**16, 10**17 - 1)}"
    status = f"https://android-build.googleplex.com/builds/where-is-my-cl/android-review/{n}?revision={ps}"
    results = run_jobs(ci, rng, n, ps, outcome=outcome)
    failed = [r for r in results if r.result != "SUCCESS"]
    if not failed:
        body = (
            f"=== Finished presubmit run: {run_id} ===\n\nStatus: {status}\n\n\n"
            f"TreeHugger finished with: {len(results)} passed.\n\n"
            "Have a question? Found a bug? http://go/treehugger-troubleshoot"
        )
        rep = Report(
            body, {"Presubmit-Verified": 1}, "autogenerated:TreeHugger:Verify-Pass", [], "SUCCESS"
        )
        return _finish(ci, rep, [], False)
    lines = []
    jobs = []
    for r in results:
        word = "PASS" if r.result == "SUCCESS" else "FAIL"
        build = rng.randint(5_000_000, 9_999_999)
        url = f"https://android-build.googleplex.com/builds/{build}/{r.name}/logs"
        lines.append(f"{word}: {r.name} (build {build}). See {url}")
        jobs.append(JobResult(r.name, url, word, None, True))
    body = (
        f"=== Finished presubmit run: {run_id} ===\n\nStatus: {status}\n\n"
        + "\n".join(lines)
        + f"\n\nTreeHugger finished with: {len(results) - len(failed)} passed, {len(failed)} failed."
    )
    rep = Report(
        body, {"Presubmit-Verified": -1}, "autogenerated:TreeHugger:Verify-Fail", jobs, "FAILURE"
    )
    return _finish(ci, rep, jobs, False)


# ------------------------------------------------------------------ non-run bot messages


def elastic_recheck(rng: random.Random, job: str, bug: int, project: str = "nova") -> Report:
    body = (
        "I noticed Zuul failed, I think you hit bug(s):\n\n"
        f"- {job}: https://bugs.launchpad.net/{project}/+bug/{bug}\n\n"
        "We don't automatically recheck or reverify, so please consider doing that manually if "
        "someone hasn't already. For a code review which is not yet approved, you can recheck "
        "by leaving a code review comment with just the text:\n\n    recheck\n\n"
        "For bug details see: http://status.openstack.org/elastic-recheck/"
    )
    return Report(body, {}, None, [], None, True, "Elastic Recheck", "elastic-recheck")


def qt_sanity_bot(rng: random.Random, ok: bool) -> Report:
    if ok:
        return Report("", {"Sanity-Review": 1}, None, [], None, True, "Qt Sanity Bot", "misc-bot")
    body = "Apparently pushing a Work In Progress"
    return Report(
        body,
        {"Code-Review": -2, "Sanity-Review": 1},
        None,
        [],
        None,
        True,
        "Qt Sanity Bot",
        "misc-bot",
    )


def sonarqube_bot(rng: random.Random, n: int, ok: bool) -> Report:
    report = f"https://sonarcloud.io/dashboard?id=mediawiki-core&pullRequest={n}"
    if ok:
        body = f"✔ Quality gate passed!\n\nReport: {report}"
    else:
        body = f"❌ Quality gate failed!\n\nReport: {report}"
    job = JobResult("Quality gate", report, "PASSED" if ok else "FAILED", None, True)
    return Report(
        body, {}, "autogenerated:codehealth", [job], "SUCCESS" if ok else "FAILURE", True,
        "SonarQube Bot", "wikimedia-bots",
    )  # fmt: skip


def pipeline_bot(rng: random.Random, job: str) -> Report:
    """Wikimedia PipelineBot: a pipeline-build-result line, not a test run with job lines."""
    build = rng.randint(100, 9999)
    stamp = f"2022-12-{rng.randint(10, 28)}-{rng.randint(100000, 235959)}-production"
    body = (
        f"pipeline-dashboard: {job}\n"
        f"pipeline-build-result: SUCCESS (job: {job}, build: {build})\n\n"
        f"IMAGE:\n docker-registry.wikimedia.org/wikimedia/mediawiki-core:{stamp}\n\n"
        f"TAGS:\n {stamp}, latest"
    )
    job_result = JobResult(job, None, "SUCCESS", None, True)
    return Report(
        body, {}, "autogenerated:pipelinelib", [job_result], "SUCCESS", True, "PipelineBot",
        "wikimedia-bots",
    )  # fmt: skip


def lustre_buildbot(rng: random.Random, n: int, ok: bool) -> Report:
    builder = rng.choice(["centos7-x86_64", "ubuntu2004-x86_64", "el8-aarch64"])
    build = rng.randint(1000, 9999)
    url = f"https://build.whamcloud.com/builders/{builder}/builds/{build}"
    word = "succeeded" if ok else "failed"
    body = f"Builder {builder} {word} (build {'successful' if ok else 'failed'}) - {url}"
    job = JobResult(builder, url, "SUCCEEDED" if ok else "FAILED", None, True)
    return Report(
        body, {}, None, [job], "SUCCESS" if ok else "FAILURE", True, "Lustre Buildbot", "misc-bot"
    )


def bot_recheck(ci_name: str) -> Report:
    """A CI account typing `recheck` (a notice, not a run)."""
    return Report("recheck", {}, None, [], None, True, ci_name, "gerrit-notice")


# ------------------------------------------------------------------ humans

HUMAN_REVIEW_LINES = (
    "Looks good to me.",
    "Thanks, this is much clearer now.",
    "Nice cleanup.",
    "I think we need a release note for this.",
    "Can you add a unit test for the failure path?",
    "This breaks the upgrade path, see my inline comments.",
    "Minor nit inline, otherwise fine.",
    "Please rebase, this conflicts with the volume-manager refactor.",
    "Does this need a backport to the stable branches?",
    "The commit message should reference the bug.",
    "I'm not sure this is the right layer to fix it; have you considered the driver side?",
    "Tested locally with the LVM driver, works for me.",
)

RECHECK_FORMS = (
    "recheck",
    "recheck bug {bug}",
    "recheck\n\nunrelated volume attach timeout",
    "reverify",
    "check experimental",
)


def human_review(rng: random.Random, *, vote: int | None = None, text: str | None = None) -> Report:
    body = text if text is not None else rng.choice(HUMAN_REVIEW_LINES)
    labels = {"Code-Review": vote} if vote is not None else {}
    return Report(body, labels, None, [], None, False, None, "human")


def human_recheck(rng: random.Random, form: str | None = None) -> Report:
    text = (form or rng.choice(RECHECK_FORMS)).format(bug=rng.randint(1_500_000, 2_100_000))
    return Report(text, {}, None, [], None, False, None, "human")
