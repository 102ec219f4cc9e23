"""Change message → CI report: overall result, votes and jobs, for every CI format we know.

The parser works by format *rules* taken from the CI systems' own formatting code, not by
matching known messages:

* Votes come from Gerrit's first line `Patch Set N: Label+1 Other-2 -Removed`.
* The **headline** (first matching line) decides the overall result: Zuul's success/failure/
  merge-failure/start/dequeue messages and config errors, Gerrit Trigger's `Build Successful`
  / `Build Failed` / `Build Unstable` / `Build Aborted` / `No Builds Executed` / `Build Started`,
  LUCI CQ/CV run texts, TreeHugger's presubmit summary, buildbot's `Overall Build Status`,
  Wikimedia pipeline messages, and a few bots' prose verdicts. Without a headline, job lines
  decide (FAILURE when a voting job did not succeed), else the report has no overall.
* **Job lines**, each family with its own rule:
  - Zuul (v2, v3, third-party, Wikimedia): `- <name> <url> : RESULT[ detail][ in 1h 02m 03s]
    [ (non-voting)]`; the URL slot holds the job name when a build has no URL; Wikimedia prints
    `- <url> : RESULT ...` and the name comes from the Jenkins `/job/<x>/` segments.
  - third-party Jenkins: `* <name> <url> : RESULT ...` (same tail).
  - Gerrit Trigger: `<url> : RESULT[ (skipped)][ <<<]` on its own line; a single-build
    message prints the build URL in its headline and takes the headline's result.
  - GerritForge / SonarQube: `✅ name : RESULT` or `✔ Quality gate passed!` with the link on
    the next line `(url)` or a `Report: url` line.
  - LUCI: `Tryjob [builder](url) has failed`, `Failed Tryjobs:` bullets, old CQ
    `builder on master (JOB_FAILED, url)`.
  - TreeHugger: `PASS: Built <target>/<build> ... See <url>`.
  - buildbot: `Builder <name> succeeded (...) - <url>`; PipelineLib; Puppet compiler.
* Secondary links are never jobs: `Logs:` lines, Build-Failure-Analyzer `( url )`, Zuul
  buildset links, LUCI `view all results`, wiki footers, elastic-recheck bug links.
* Quoted text is not job lines: Gerrit Trigger's unsuccessful message between ` <<<` and
  `>>>`, LUCI CV's tryjob summary markdown between `---` lines.

Every regex here is anchored on a line start found by a literal `\\n` scan and uses only
bounded or possessive-in-effect repetition, so parsing is linear in the message length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from vstui.ci.classify import BotRules, Classification, classify, classify_fields
from vstui.ci.fallback import parse_fallback
from vstui.ci.fields import clean_url, is_success, jenkins_job_name, parse_duration, result_word
from vstui.ci.model import (
    CIReport,
    Job,
    RecheckRequest,
    fast_constructor,
    new_job,
    new_report,
)
from vstui.ci.recheck import detect_recheck, extract_recheck_hints
from vstui.timestamps import parse_timestamp
from vstui.votes import parse_votes

# ---------------------------------------------------------------------- headlines
# Every pattern starts at a line start: "\n" + optional quote/bullet/banner characters and
# an optional LUCI run-mode prefix. Group names map to the overall result.
# Possessive quantifiers (`{0,12}+`, `*+`) only where what follows can never start with a
# character of the repeated class (no alternative starts with a space, quote, `*` or `=`;
# a word run is always followed by a space or quote): giving characters back could never
# produce a match there, so the matches are the same and failing lines fail sooner.
_HEAD_PREFIX = r"\n[ \t\"'*=]{0,12}+(?:(?:quick[ ]dry|dry|full)[ ]run:[ \t]*+)?"
_HEADLINE = re.compile(
    _HEAD_PREFIX
    + r"""(?:
    (?P<gt>build[ ](?P<gtword>started|successful|failed|unstable|aborted|queued)\b|no[ ]builds[ ]executed\b)
  | (?P<started>starting[ ][\w-]{1,60}+[ ]jobs|(?:cq|cv)[ ]is[ ]trying[ ](?:the|da)[ ]patch
      |started[ ]presubmit[ ]run|started[ ]building[ ]your[ ]change)
  | (?P<merge>merge[ ]failed\b)
  | (?P<canceled>build[ ]cancell?ed\b)
  | (?P<failure>(?:[\w-]{1,30}+[ ]){0,3}build[ ]fail(?:ed|ure)\b
      |this[ ](?:cl|issue|change)[ ](?:has[ ])?failed[ ]the[ ]
      |try[ ]?jobs[ ]failed|failed[ ]to[ ]launch[ ]
      |overall[ ]build[ ]status:[ \t]*fail|fail:[ ]some[ ]checks
      |zuul[ ]encountered[ ]|unknown[ ]configuration[ ]error|unable[ ]to[ ]freeze[ ]job[ ]graph
      |job[ ]"?[\w./-]{1,100}+"?[ ]not[ ]defined
      |the[ ](?:job|nodeset|secret|semaphore|pipeline|project[ ]template)[ ]"?[\w./-]{1,100}+"?
          [ ](?:was[ ]not[ ]found|is[ ]not[ ]defined|not[ ]found)
      |(?:this[ ]change|these[ ]changes)[ ](?:depends?[ ]on[ ]a[ ]change[ ]that[ ]failed
          |(?:is|are)[ ]unable[ ]to[ ]merge|is[ ]part[ ]of[ ]a[ ]dependency[ ]cycle[ ]that[ ]failed
          |was[ ]not[ ]merged[ ]by)
      |i[ ]ran[ ]browser[ ]tests[ ]for[ ]your[ ]patch[ ]and[ ]there[ ]were
      |cindy[ ](?:is[ ]not[ ]happy|says[ ](?:no|bad))|php[ ]test[ ]coverage[ ]decreased
      |this[ ]patch[ ]might[ ]be[ ]adding)
  | (?P<success>(?:[\w-]{1,30}+[ ]){0,3}build[ ](?:succeeded|succeed|success)\b
      |this[ ](?:cl|issue|change)[ ]passed[ ](?:the[ ])?(?:cq|commit[ ]queue)
      |this[ ](?:cl|issue|change)[ ]has[ ]passed[ ]the[ ]run
      |overall[ ]build[ ]status:[ \t]*(?:success|pass)
      |cindy[ ]says[ ]good[ ]job|i[ ]ran[ ]browser[ ]tests[ ]for[ ]your[ ]patch[ ]and[ ]everything
      |performance[ ]checks[ ]ok|php[ ]test[ ]coverage[ ]increased
      |end-to-end[ ]tests[ ]passed)
  | (?P<unstable>build[ ]unstable\b)
  | (?P<treehugger>treehugger[ ]finished[ ]with:)
)""",
    re.IGNORECASE | re.VERBOSE,
)
# Headlines of families whose words never occur in the others' messages, searched only when
# the main headline finds nothing and a cheap substring says one may be there (every extra
# alternative in `_HEADLINE` costs every message at every line start).
_HEADLINE_EXTRA = re.compile(
    _HEAD_PREFIX
    + r"""(?:
    (?P<qt>(?:pre[ ])?continuous[ ]integration(?:[ ]quick[ ]check)?:[ \t]{0,4}+
      (?P<qtword>passed|failed|cancell?ed|running)\b)
  | (?P<started>added[ ]to[ ]build[ ]|trybots[ ]beginning\b|build[ ]is[ ]still[ ]in[ ]progress)
  | (?P<failure>\d{1,5}[ ]of[ ]\d{1,5}[ ](?:try|slow)bots[ ]failed)
  | (?P<success>(?:try|slow)bots[ ]are[ ]happy)
)""",
    re.IGNORECASE | re.VERBOSE,
)


def _extra_headline_possible(body: str) -> bool:
    top = body if len(body) <= _HEADLINE_WINDOW else body[:_HEADLINE_WINDOW]
    return (
        "Continuous Integration" in top
        or "Bots " in top
        or "Added to build" in top
        or "still in progress" in top
    )


def _find_extra_headline(body: str) -> _Headline | None:
    m = _HEADLINE_EXTRA.search(body, 0, _HEADLINE_WINDOW)
    if not m:
        return None
    start = m.start() + 1
    end = body.find("\n", start)
    line = body[start:] if end < 0 else body[start:end]
    kind = m.lastgroup
    if kind in ("qt", "qtword"):
        return _new_headline(_QT_OVERALL[m.group("qtword").lower()], line, False)
    return _new_headline(_KIND_OVERALL[kind or "failure"], line, False)


_GT_OVERALL = {
    "started": "STARTED",
    "queued": "STARTED",
    "successful": "SUCCESS",
    "failed": "FAILURE",
    "unstable": "UNSTABLE",
    "aborted": "ABORTED",
}
_GT_JOB_RESULT = {
    "STARTED": "STARTED",
    "SUCCESS": "SUCCESS",
    "FAILURE": "FAILURE",
    "UNSTABLE": "UNSTABLE",
    "ABORTED": "ABORTED",
    "NOT_BUILT": "NOT_BUILT",
}
_PIPELINE_IN_HEADLINE = re.compile(r"\(([\w-]{1,40}?)(?: pipeline)?\)")
_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>]{1,4000}")


@dataclass(frozen=True, slots=True)
class _Headline:
    overall: str
    line: str
    gerrit_trigger: bool  # "Build Started/Successful/..." form: may carry the build URL


_new_headline = fast_constructor(_Headline)
_QT_OVERALL = {
    "passed": "SUCCESS",
    "failed": "FAILURE",
    "cancelled": "CANCELED",
    "canceled": "CANCELED",
    "running": "STARTED",
}
_KIND_OVERALL = {
    "started": "STARTED",
    "merge": "MERGE_CONFLICT",
    "canceled": "CANCELED",
    "failure": "FAILURE",
    "success": "SUCCESS",
    "unstable": "UNSTABLE",
}

# Headlines sit at the top of a report (Gerrit's own default comment limit is 16 KiB), so
# only the top is searched: a multi-megabyte message costs nothing extra here.
_HEADLINE_WINDOW = 16384
# Bounds on per-message Python work, far above any real report (OpenStack's largest Zuul
# reports list a few hundred jobs): each extractor looks at no more than _MAX_CANDIDATES
# regex matches, and a message yields at most _MAX_JOBS jobs. Recheck hints live in a
# report's first and last lines.
_MAX_CANDIDATES = 200_000
_MAX_JOBS = 5_000
_HINT_HEAD = 8192
_HINT_TAIL = 4096
_LINE_CAP = 4000


def _find_headline(body: str) -> _Headline | None:
    m = _HEADLINE.search(body, 0, _HEADLINE_WINDOW)
    if not m:
        return _find_extra_headline(body) if _extra_headline_possible(body) else None
    return _headline_from(m, body)


def _headline_from(m: re.Match[str], body: str) -> _Headline:
    start = m.start() + 1
    end = body.find("\n", start)
    line = body[start:] if end < 0 else body[start:end]
    kind = m.lastgroup
    if kind == "gtword":  # lastgroup is the innermost closed group
        kind = "gt"
    if kind == "gt":
        word = m.group("gtword")
        overall = _GT_OVERALL[word.lower()] if word else "NOT_BUILT"
        return _new_headline(overall, line, True)
    if kind == "treehugger":
        after = line[m.end() - start :].lower()
        return _new_headline("FAILURE" if "fail" in after else "SUCCESS", line, False)
    return _new_headline(_KIND_OVERALL[kind or "failure"], line, False)


# ---------------------------------------------------------------------- job lines
# The result tail most job lines have (`RESULT[ in 1h 02m 03s][ (non-voting)]`) is matched
# inside the line regex, so common lines need no Python tail parsing; any other tail is
# captured whole by the last alternative and goes through `_rest_fields`.
_TAIL = (
    r"(?:([A-Z][A-Z_]{1,30})(?: in (?:(\d{1,6})h )?(?:(\d{1,6})m )?(\d{1,9})s)?"
    r"( \(non-voting\))?[ \t\r]*(?=\n|\Z)|([^\n]*))"
)
# Possessive runs: a `\S` run is always followed by a space or tab and a space run by a
# non-space (the tail's catch-all alternative takes whatever follows `: `), so giving
# characters back could never produce a match: same matches, no backtracking on near-misses.
_ZUUL_LINE = re.compile(r"\n[ \t]{0,8}[-*•][ \t]++(\S++)(?:[ \t]++(\S++))?[ \t]++:[ \t]++" + _TAIL)
_GT_LINE = re.compile(r"\n[ \t\"']{0,8}(https?://\S++)[ \t]++:[ \t]++" + _TAIL)
_BUILD_STARTED = re.compile(r"\n[ \t\"']{0,8}build (started|queued)\b([^\n]*)", re.IGNORECASE)
_ICON_LINE = re.compile(r"\n[ \t]{0,8}(?:[-*][ \t]+)?(✅|✔️|✔|☑️|✓|❌|✖️|✖|❎|✗|⚠️|⚠|❗)[ \t]*([^\n]*)")
_PAREN_URL_LINE = re.compile(r"[ \t]*\((https?://[^\s)]+)\)[ \t]*(?:\n|\Z)")
_REPORT_URL = re.compile(r"\n[ \t]*(?:Report|Details|Results|Dashboard):[ \t]*(https?://\S+)")
_ICON_RESULT = {
    "✅": "SUCCESS",
    "✔️": "SUCCESS",
    "✔": "SUCCESS",
    "☑️": "SUCCESS",
    "✓": "SUCCESS",
}
_TRAILING_WORD = re.compile(
    r"(.+?)[ \t]+(passed|failed|succeeded|success|failure|ok|error|warning)[!.]?[ \t]*\Z",
    re.IGNORECASE,
)
_NAME_RESULT = re.compile(r"(.+?)[ \t]+:[ \t]+([A-Za-z_]+)[ \t]*\Z")
# Brackets exclude "[" so a run of "[[[[" fails at once instead of rescanning 500 chars.
_LUCI_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\((https?://[^()\s]{1,4000})\)( has failed)?")
_LUCI_BULLET = re.compile(
    r"\n\*[ \t]+(?:\[([^\[\]\n]{1,500})\]\((https?://[^()\s]{1,4000})\)|(https?://\S+))"
)
_OLD_CQ = re.compile(r"\n[ \t]+(\S+) on (\S+) \(([A-Z_]{2,40})(?:,[ \t]*(https?://[^)\s]+))?\)")
_TREEHUGGER = re.compile(
    r"\n(PASS|PASSED|FAIL|FAILED|SKIPPED|ERROR|WARNING|WARN|TIMEOUT|TIMED_OUT|CANCELED|CANCELLED"
    r"|INFRA_ERROR|INFRA_FAILURE|UNKNOWN):[ \t]+([^\n]*)"
)
_TARGET = re.compile(
    r"(?<![\w/.:-])([A-Za-z0-9][\w.+-]{0,120}/[\w.+-]{1,200})(?:/(?:P?\d+|latest))?"
)
_BUILDBOT = re.compile(
    r"\n[ \t]{0,8}Builder (.{1,300}?) (succeeded|failed|completed with warnings|encountered an "
    r"exception|was cancell?ed|was skipped|retried)\b([^\n]*)"
)
_BUILDBOT_WORD = {
    "succeeded": "SUCCEEDED",
    "failed": "FAILED",
    "completed with warnings": "WARNINGS",
    "encountered an exception": "EXCEPTION",
    "was cancelled": "CANCELLED",
    "was canceled": "CANCELED",
    "was skipped": "SKIPPED",
    "retried": "RETRY",
}
_BUILDBOT_REVIEW = re.compile(r"on configuration: ([^\n]{1,300})\nThe result is: ([A-Za-z_]+)")
_PIPELINEBOT = re.compile(
    r"pipeline-build-result: ([A-Za-z_]+) \(job: ([^,\n)]{1,200}), build: (\d{1,12})\)"
)
# Qt's COIN states: the integration is the one job, its link on the `Details:` line.
_QT_STATE = re.compile(
    r"\n[ \t]{0,8}((?:Pre )?Continuous Integration(?: Quick Check)?):[ \t]{0,4}"
    r"(Passed|Failed|Cancell?ed|Running)\b"
)
# Go's coordinator: `Failed on <builder>: <log url>` and the older
# `This change failed on <builder>:\nSee <log url>`.
_GO_FAILED = re.compile(
    r"\n(?:This change failed|Failed) on ([\w.+@/-]{1,200}):[ \t]*(?:\n?See[ \t]+)?(https?://\S{1,4000})"
)
_PCC = re.compile(r"\nPCC (SUCCESS|FAIL|FAILURE|ERROR) \(([^)\n]{0,200})\): (\S+)")


# The tail most lines have: `RESULT[ in 1h 02m 03s][ (non-voting)]` (Zuul) or `RESULT`
# (Gerrit Trigger). One fullmatch of a pattern without nested quantifiers; other tails take
# the general path below.
_FAST_REST = re.compile(
    r"([A-Z][A-Z_]{1,30})(?: in (?:(\d{1,6})h )?(?:(\d{1,6})m )?(\d{1,9})s)?( \(non-voting\))?"
)


def _rest_fields(rest: str) -> tuple[str, str | None, int | None, bool] | None:
    """`RESULT[ detail][ in <duration>][ (non-voting)|(skipped)]` → fields, None if not a result."""
    fast = _FAST_REST.fullmatch(rest.rstrip())
    if fast:
        word, h, m, sec, nv = fast.groups()
        if sec is None:
            return word, None, None, nv is None
        dur = (int(h) * 3600 if h else 0) + (int(m) * 60 if m else 0) + int(sec)
        return word, None, dur, nv is None
    r = rest.strip()
    if r.endswith("<<<"):
        r = r[:-3].rstrip()
    if r[-1:] in ("'", '"') or r[:1] in ("'", '"'):
        r = r.strip("\"'")
    voting = True
    if r[-1:] == ")":
        tail = r[-14:].lower()
        for marker in ("(non-voting)", "(non voting)", "(skipped)"):
            if tail.endswith(marker):
                voting = False
                r = r[: -len(marker)].rstrip()
                break
    duration = None
    i = r.rfind(" in ")
    if i >= 0:
        d = parse_duration(r[i + 4 :])
        if d is not None:
            duration = d
            r = r[:i].rstrip()
    sp = r.find(" ")
    word = r if sp < 0 else r[:sp]
    result = result_word(word.rstrip(".,;:!"))
    if result is None:
        return None
    detail = r[sp + 1 :].strip() or None if sp >= 0 else None
    return result, detail, duration, voting


def _bounded(matches: Iterator[re.Match[str]], out: list[Job]) -> Iterator[re.Match[str]]:
    """At most _MAX_CANDIDATES matches; the job cap is checked by `_full` in the loops."""
    return islice(matches, _MAX_CANDIDATES)


def _full(out: list[Job]) -> bool:
    return len(out) >= _MAX_JOBS


def _tail_fields(
    word: str | None,
    h: str | None,
    mi: str | None,
    sec: str | None,
    nv: str | None,
    rest: str | None,
) -> tuple[str, str | None, int | None, bool] | None:
    if word is None:
        return _rest_fields(rest or "")
    if sec is None:
        return word, None, None, nv is None
    return (
        word,
        None,
        (int(h) * 3600 if h else 0) + (int(mi) * 60 if mi else 0) + int(sec),
        nv is None,
    )


def _zuul_jobs(body: str, out: list[Job]) -> None:
    seen: set[str] = set()
    for m in _bounded(_ZUUL_LINE.finditer(body), out):
        if len(out) >= _MAX_JOBS:
            break
        line = m.group(0)
        if line in seen:
            continue  # identical repeated lines count once
        seen.add(line)
        first, second, word, h, mi, sec, nv, rest = m.groups()
        if word is not None:  # the common tail, already split by the regex
            result, detail, voting = word, None, nv is None
            duration = (
                None
                if sec is None
                else (int(h) * 3600 if h else 0) + (int(mi) * 60 if mi else 0) + int(sec)
            )
        else:
            fields = _rest_fields(rest or "")
            if fields is None:
                continue
            result, detail, duration, voting = fields
        if second is None:
            if "://" in first:
                url = clean_url(first)
                if url is None:
                    continue
                name = jenkins_job_name(url)
            else:
                url, name = None, first
        else:
            name = first
            url = clean_url(second) if "://" in second else None
        out.append(new_job(name, url, result, duration, voting, "comment", detail))


def _gerrit_trigger_jobs(body: str, out: list[Job], head: _Headline | None = None) -> None:
    wordless: list[Job] = []
    gt_head = head is not None and head.gerrit_trigger
    seen: set[str] = set()
    for m in _bounded(_GT_LINE.finditer(body), out):
        if _full(out):
            break
        line = m.group(0)
        if line in seen:
            continue  # identical repeated lines count once
        seen.add(line)
        raw_url, word, h, mi, sec, nv, rest = m.groups()
        fields = _tail_fields(word, h, mi, sec, nv, rest)
        if fields is None:
            # A trigger's custom build message replaces the result word. Keep the build
            # (Jenkins URLs under a Gerrit Trigger headline only) without a result.
            if gt_head and "/job/" in raw_url and len(wordless) < _MAX_JOBS:
                url = clean_url(raw_url)
                if url is not None:
                    detail = (rest or "").strip() or None
                    wordless.append(new_job(jenkins_job_name(url), url, None, detail=detail))
            continue
        url = clean_url(raw_url)
        if url is None:
            continue
        result, detail, duration, voting = fields
        out.append(new_job(jenkins_job_name(url), url, result, duration, voting, "comment", detail))
    if wordless:
        if len(wordless) == 1 and not out and head is not None:
            # A single-build message takes its headline's result.
            w = wordless[0]
            wordless = [new_job(w.name, w.url, _GT_JOB_RESULT[head.overall], detail=w.detail)]
        out.extend(wordless)


def _headline_jobs(body: str, head: _Headline, out: list[Job]) -> None:
    """A Gerrit Trigger single-build message: the build URL sits in the headline itself."""
    if head.overall == "STARTED":
        for m in _bounded(_BUILD_STARTED.finditer(body), out):
            if _full(out):
                break
            u = _URL_IN_TEXT.search(m.group(2))
            url = clean_url(u.group(0)) if u else None
            if url:
                out.append(new_job(jenkins_job_name(url), url, m.group(1).upper()))
        return
    u = _URL_IN_TEXT.search(head.line)
    url = clean_url(u.group(0)) if u else None
    if url and "/job/" in url:
        out.append(new_job(jenkins_job_name(url), url, _GT_JOB_RESULT[head.overall]))


def _icon_jobs(body: str, out: list[Job]) -> None:
    report = _REPORT_URL.search(body)
    report_url = clean_url(report.group(1)) if report else None
    for m in _bounded(_ICON_LINE.finditer(body), out):
        if _full(out):
            break
        icon, text = m.group(1), m.group(2)[:_LINE_CAP].strip()
        if not text:
            continue
        nxt = _PAREN_URL_LINE.match(body, m.end() + 1) if m.end() < len(body) else None
        url = clean_url(nxt.group(1)) if nxt else None
        if url is None:
            inline = _URL_IN_TEXT.search(text)
            if inline:
                url = clean_url(inline.group(0))
                text = (text[: inline.start()] + text[inline.end() :]).strip(" -:()")
        url = url or report_url
        icon_result = _ICON_RESULT.get(icon, "FAILURE")
        nm = _NAME_RESULT.match(text)
        if nm and result_word(nm.group(2)):
            name, result = nm.group(1).strip(), nm.group(2).upper()
        else:
            tw = _TRAILING_WORD.match(text)
            if tw:
                name, result = tw.group(1).strip(), tw.group(2).upper()
                result = {"SUCCESS": "SUCCESS", "FAILURE": "FAILURE"}.get(result, result)
            else:
                name, result = jenkins_job_name(url) or text, icon_result
        out.append(new_job(name or None, url, result))


def _without_luci_summaries(body: str) -> str:
    """`body` minus the tryjobs' summary markdown, which LUCI CV prints between `---` lines
    (after the last one when a single tryjob failed): its links and bullets are the build's
    own text, not tryjobs."""
    if "\n---" not in body:
        return body
    kept: list[str] = []
    inside = False
    for line in body.split("\n"):
        if line.strip() == "---":
            inside = not inside
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def _luci_jobs(body: str, out: list[Job]) -> None:
    body = _without_luci_summaries(body)
    for m in _bounded(_LUCI_LINK.finditer(body), out):
        if _full(out):
            break
        if not m.group(3):
            continue
        name = m.group(1).strip()
        url = clean_url(m.group(2))
        out.append(new_job(None if name.lower() == "tryjob" else name, url, "FAILED"))
    section = body.find("Failed Tryjobs:")
    if section >= 0:
        for m in _bounded(_LUCI_BULLET.finditer(body, section), out):
            if _full(out):
                break
            if m.group(2):
                out.append(new_job(m.group(1).strip() or None, clean_url(m.group(2)), "FAILED"))
            else:
                out.append(new_job(None, clean_url(m.group(3)), "FAILED"))


def _old_cq_jobs(body: str, out: list[Job]) -> None:
    for m in _bounded(_OLD_CQ.finditer(body), out):
        if _full(out):
            break
        out.append(new_job(m.group(1), clean_url(m.group(4)), m.group(3)))


def _treehugger_jobs(body: str, out: list[Job]) -> None:
    for m in _bounded(_TREEHUGGER.finditer(body), out):
        if _full(out):
            break
        text = m.group(2)[:_LINE_CAP]  # real lines are short; bounds the target search
        see = text.find(" See ")
        head = text if see < 0 else text[:see]
        target = _TARGET.search(head)
        if not target:
            continue  # "FAIL: Some checks failed. See below." is the summary, not a job
        url = None
        if see >= 0:
            u = _URL_IN_TEXT.search(text, see)
            url = clean_url(u.group(0)) if u else None
        out.append(new_job(target.group(1), url, m.group(1)))


def _buildbot_jobs(body: str, out: list[Job]) -> None:
    for m in _bounded(_BUILDBOT.finditer(body), out):
        if _full(out):
            break
        rest = m.group(3)
        url = None
        dash = rest.rfind(" - ")
        if dash >= 0:
            url = clean_url(rest[dash + 3 :].strip())
        out.append(new_job(m.group(1).strip(), url, _BUILDBOT_WORD[m.group(2)]))
    for m in _bounded(_BUILDBOT_REVIEW.finditer(body), out):
        if _full(out):
            break
        out.append(new_job(m.group(1).strip(), None, m.group(2).upper()))


def _qt_jobs(body: str, out: list[Job]) -> None:
    report = _REPORT_URL.search(body)
    url = clean_url(report.group(1)) if report else None
    for m in _bounded(_QT_STATE.finditer(body), out):
        if _full(out):
            break
        out.append(new_job(m.group(1), url, m.group(2).upper()))
        break  # one integration per message


def _go_jobs(body: str, out: list[Job]) -> None:
    for m in _bounded(_GO_FAILED.finditer(body), out):
        if _full(out):
            break
        url = clean_url(m.group(2))
        if url is not None:
            out.append(new_job(m.group(1), url, "FAILED"))


def _misc_bot_jobs(body: str, out: list[Job]) -> None:
    if "pipeline-build-result:" in body:
        for m in _bounded(_PIPELINEBOT.finditer(body), out):
            if _full(out):
                break
            out.append(new_job(m.group(2).strip(), None, m.group(1).upper()))
    if "\nPCC " in body:
        for m in _bounded(_PCC.finditer(body), out):
            if _full(out):
                break
            out.append(new_job("PCC", clean_url(m.group(3)), m.group(1)))


# ------------------------------------------------------------------------ parsing
@dataclass(frozen=True, slots=True)
class ParsedText:
    """What the text of one bot message says."""

    overall: str | None
    votes: tuple[tuple[str, int], ...]
    jobs: tuple[Job, ...]
    pipeline: str | None = None
    recheck_hints: tuple[str, ...] = ()
    links: tuple[str, ...] = ()  # the message's links when no job was found (fallback)


def _without_unsuccessful_messages(body: str) -> str:
    """`body` minus the text Gerrit Trigger quotes after a build's result between ` <<<` and
    `>>>` (the job's "unsuccessful message", often a log excerpt): its lines are not builds.
    The ` <<<` marker itself stays on the build's line (the result parser drops it)."""
    parts: list[str] = []
    pos = 0
    while True:
        start = body.find(" <<<\n", pos)
        if start < 0:
            break
        end = body.find("\n>>>", start + 4)
        if end < 0:
            break
        parts.append(body[pos : start + 4])
        pos = end
    if not parts:
        return body
    parts.append(body[pos:])
    return "".join(parts)


def _split(text: str) -> tuple[str, str]:
    """(first line, body with a leading newline so every line start follows a `\\n`)."""
    nl = text.find("\n")
    if nl < 0:
        first = text
        if text.startswith(("Patch Set ", "Uploaded patch set ")):
            return first, "\n"
        return "", "\n" + text
    first = text[:nl]
    if first.startswith(("Patch Set ", "Uploaded patch set ")):
        return first, text[nl:]
    return "", "\n" + text


def looks_like_report(text: str) -> bool:
    """True when a message's body starts with a CI headline or is made of job lines.

    Used to classify accounts whose names leave it open: a person pasting CI output among
    prose does not start the message with the headline.
    """
    _, body = _split(text)
    stripped = body.lstrip("\n \t")
    if not stripped:
        return False
    head = _HEADLINE.match("\n" + stripped) or _HEADLINE_EXTRA.match("\n" + stripped)
    if head:
        return True
    lines = [ln for ln in stripped.split("\n", 200)[:200] if ln.strip()]
    if not lines:
        return False
    jobs: list[Job] = []
    _zuul_jobs(body, jobs)
    _gerrit_trigger_jobs(body, jobs)
    return len(jobs) * 2 >= len(lines)


def parse_text(text: str, *, tag: str | None = None, ci_name: str | None = None) -> ParsedText:
    """Parse a bot's message text. Never raises; linear in the length of `text`.

    `tag` and `ci_name` (the bot's name) only matter for Zuul messages without a headline.
    """
    if not isinstance(text, str):
        return ParsedText(None, (), ())
    return ParsedText(*_parse_text(text, tag, ci_name))


_Parsed = tuple[
    str | None,
    tuple[tuple[str, int], ...],
    tuple[Job, ...],
    str | None,
    tuple[str, ...],
    tuple[str, ...],
]


def _parse_text(text: str, tag: str | None, ci_name: str | None = None) -> _Parsed:
    """`parse_text` as a plain tuple (the hot path builds no intermediate object)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    first, body = _split(text)
    votes = parse_votes(first) if first else ()
    m = _HEADLINE.search(body, 0, _HEADLINE_WINDOW)
    head = _headline_from(m, body) if m else None
    hint_body = body
    if "<<<" in body:
        body = _without_unsuccessful_messages(body)
    jobs: list[Job] = []
    # Cheap substring gates keep the common cases to one or two regex scans.
    if " : " in body:
        if "- " in body or "* " in body or "\t" in body:
            _zuul_jobs(body, jobs)
        if "://" in body:
            _gerrit_trigger_jobs(body, jobs, head)
    line_deduped = len(jobs)  # the two extractors above already dropped repeated lines
    if not jobs and head is not None and head.gerrit_trigger:
        _headline_jobs(body, head, jobs)
    if "ryjob" in body:
        _luci_jobs(body, jobs)
    if " on " in body and "builders" in body:
        _old_cq_jobs(body, jobs)
    if "presubmit run" in body or "TreeHugger" in body or (tag and "TreeHugger" in tag):
        _treehugger_jobs(body, jobs)
    if "Builder " in body or "The result is:" in body:
        _buildbot_jobs(body, jobs)
    if _has_icon(body):
        _icon_jobs(body, jobs)
    if "pipeline-build-result:" in body or "\nPCC " in body:
        _misc_bot_jobs(body, jobs)
    if head is None and not jobs:
        # Families whose reports no rule above claims: Qt CI, Go TryBots (their headlines
        # are looked for only here, so the other families' messages never pay for them).
        if _extra_headline_possible(body):
            head = _find_extra_headline(body)
        if head is not None and "Continuous Integration" in body:
            _qt_jobs(body, jobs)
        if "ailed on " in body:
            _go_jobs(body, jobs)  # also Go's 2015 `This change failed on <builder>:`
    if len(jobs) > 1 and len(jobs) != line_deduped:
        unique = tuple(dict.fromkeys(jobs))
    else:
        unique = tuple(jobs)

    if head is not None:
        overall: str | None = head.overall
    elif unique:
        overall = _overall_from_jobs(unique)
    else:
        overall = _overall_from_vote(votes, tag, ci_name)
    links: tuple[str, ...] = ()
    if head is None and not unique:
        # No family claimed the message (no headline, no job line): the generic fallback.
        fb = parse_fallback(body, want_headline=overall is None)
        if fb.jobs:
            unique = fb.jobs
        if overall is None:
            overall = fb.overall
        links = fb.links
    pipeline = _pipeline(tag, head)
    hints: tuple[str, ...] = ()
    body = hint_body
    if "echeck" in body or "run-" in body:
        window = (
            body
            if len(body) <= _HINT_HEAD + _HINT_TAIL
            else body[:_HINT_HEAD] + "\n" + body[-_HINT_TAIL:]
        )
        hints = extract_recheck_hints(window)
    return overall, votes, unique, pipeline, hints, links


_ICONS = ("✅", "✔", "❌", "✖", "☑", "✓", "❎", "✗", "⚠", "❗")


def _has_icon(body: str) -> bool:
    if body.isascii():
        return False
    return any(icon in body for icon in _ICONS)


def _overall_from_jobs(jobs: tuple[Job, ...]) -> str:
    voting = [j for j in jobs if j.voting]
    if voting and all(j.running for j in voting):
        return "STARTED"
    if any(not is_success(j.result) for j in voting):
        return "FAILURE"
    return "SUCCESS"


def _overall_from_vote(
    votes: tuple[tuple[str, int], ...], tag: str | None, ci_name: str | None
) -> str | None:
    """Zuul reports config errors in free text; its Verified vote still gives the verdict.

    Only for Zuul (its tag, or an account named Zuul): other bots vote without reporting a
    run (policy hooks, sanity bots), and those have no overall result.
    """
    zuul = tag is not None and tag.startswith(("autogenerated:zuul", "autogenerated:ci"))
    if not zuul and not (ci_name and "zuul" in ci_name.casefold()):
        return None
    for label, value in votes:
        if label.lower() == "verified" and value:
            return "FAILURE" if value < 0 else "SUCCESS"
    return None


def _pipeline(tag: str | None, head: _Headline | None) -> str | None:
    if tag:
        if tag.startswith("autogenerated:zuul:"):
            return tag[len("autogenerated:zuul:") :].split("~", 1)[0] or None
        if tag.startswith("autogenerated:ci-"):
            return tag[len("autogenerated:ci-") :].split("~", 1)[0] or None
    if head is not None and head.overall in ("SUCCESS", "FAILURE") and "(" in head.line[:80]:
        m = _PIPELINE_IN_HEADLINE.search(head.line[:120])
        if m:
            return m.group(1)
    return None


# ----------------------------------------------------------------------- messages
@dataclass(frozen=True, slots=True)
class MessageResult:
    """One change message, classified and (for bots) parsed.

    `report` is set for every bot message (`report.is_run` is False for notices such as a
    vote removal or a bot's "recheck"); `recheck` is set when a human asks for a recheck.
    """

    is_bot: bool
    ci_name: str | None
    overall: str | None
    votes: tuple[tuple[str, int], ...]
    jobs: tuple[Job, ...]
    reason: str
    report: CIReport | None = None
    recheck: RecheckRequest | None = None
    message_id: str | None = None
    patch_set: int | None = None
    date: datetime | None = None
    author: str | None = None  # display name (or username) of the account
    order: int = 0

    @property
    def vote(self) -> dict[str, int]:
        return dict(self.votes)

    def as_dict(self) -> dict[str, Any]:
        """The shape `vstui parse` writes and the scorer reads."""
        return {
            "is_bot": self.is_bot,
            "ci_name": self.ci_name,
            "overall": self.overall,
            "vote": dict(self.votes),
            "jobs": [j.as_dict() for j in self.jobs],
        }


_new_message_result = fast_constructor(MessageResult)


def parse_message(
    msg: Any,
    rules: BotRules | None = None,
    *,
    order: int = 0,
) -> MessageResult:
    """Classify and parse anything shaped like a Gerrit ChangeMessage. Never raises."""
    author = getattr(msg, "author", None)
    text = getattr(msg, "message", None)
    if not isinstance(text, str):
        text = ""
    tag = getattr(msg, "tag", None)
    tag = tag if isinstance(tag, str) else None
    date = getattr(msg, "date", None)
    date = date if isinstance(date, datetime) else None
    patch_set = getattr(msg, "revision_number", None)
    patch_set = patch_set if isinstance(patch_set, int) else None
    msg_id = getattr(msg, "id", None)
    msg_id = msg_id if isinstance(msg_id, str) else None
    if author is None:
        return _parse(None, None, (), False, tag, text, date, patch_set, msg_id, rules, order)
    account_id = getattr(author, "account_id", None)
    if type(account_id) is not int:
        account_id = None
    name = _attr_str(author, "name") or _attr_str(author, "display_name")
    username = _attr_str(author, "username")
    tags = getattr(author, "tags", None) or ()
    if not isinstance(tags, (list, tuple, frozenset, set)):
        tags = ()
    real = getattr(msg, "real_author", None)
    real_tags = getattr(real, "tags", None) if real is not None else None
    if isinstance(real_tags, (list, tuple, frozenset, set)) and "SERVICE_USER" in real_tags:
        # A service account posted on someone's behalf: the text is the automation's.
        tags = (*tags, "SERVICE_USER")
    return _parse(
        name, username, tags, True, tag, text, date, patch_set, msg_id, rules, order, account_id
    )


def _parse(
    name: str | None,
    username: str | None,
    account_tags: Any,
    has_author: bool,
    tag: str | None,
    text: str,
    date: datetime | None,
    patch_set: int | None,
    msg_id: str | None,
    rules: BotRules | None,
    order: int,
    account_id: Any = None,
) -> MessageResult:
    if has_author:
        verdict: Classification = classify_fields(
            name, username, account_tags, tag, text, rules, account_id
        )
    else:
        verdict = classify(None, tag, text, rules)
    if not verdict.is_bot:
        first, _ = _split(text)
        votes = parse_votes(first) if first else ()
        recheck = detect_recheck(
            text,
            message_id=msg_id,
            patch_set=patch_set,
            date=date,
            author=name or username,
            order=order,
        )
        return _new_message_result(
            False,
            None,
            None,
            votes,
            (),
            verdict.reason,
            recheck=recheck,
            message_id=msg_id,
            patch_set=patch_set,
            date=date,
            author=name or username,
            order=order,
        )
    ci_name = (rules.ci_name_for(name, username) if rules else (name or username)) or "Gerrit"
    user = _user_format_text(rules, name, username, text, tag) if rules and rules.formats else None
    if user is not None:
        overall, votes, jobs, pipeline, hints, links = user
    else:
        overall, votes, jobs, pipeline, hints, links = _parse_text(text, tag, ci_name)
    report = new_report(
        ci_name,
        overall,
        jobs,
        votes,
        msg_id,
        patch_set,
        date,
        "comment",
        pipeline,
        username,
        hints,
        order,
        account_id,
        verdict.evidence,
        links,
    )
    return _new_message_result(
        True,
        ci_name if has_author else None,
        overall,
        votes,
        jobs,
        verdict.reason,
        report=report,
        message_id=msg_id,
        patch_set=patch_set,
        date=date,
        author=name or username,
        order=order,
    )


def _user_format_text(
    rules: BotRules, name: str | None, username: str | None, text: str, tag: str | None
) -> _Parsed | None:
    """The account's user-defined format's reading of `text`, None when it has no format or
    the format found nothing (the built-in families then read the message)."""
    fmt = rules.format_for(name, username)
    if fmt is None:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    first, body = _split(text)
    overall, jobs, _notes = fmt.parse(body)
    if overall is None and not jobs:
        return None
    votes = parse_votes(first) if first else ()
    return overall, votes, jobs, _pipeline(tag, None), (), ()


def _attr_str(obj: Any, name: str) -> str | None:
    value = getattr(obj, name, None) if obj is not None else None
    return value if isinstance(value, str) and value else None


# ----------------------------------------------------------- ChangeMessageInfo dicts
class RecordError(ValueError):
    """A ChangeMessageInfo-like record with a missing field or a wrong type."""


# The one timestamp parser (the client's decoder uses it too).
parse_gerrit_timestamp = parse_timestamp


def _check_str(value: Any, field: str) -> None:
    if value is not None and type(value) is not str and not isinstance(value, str):
        raise RecordError(f"field {field!r} must be a string or null")


def parse_record(
    record: Mapping[str, Any], rules: BotRules | None = None, *, order: int = 0
) -> MessageResult:
    """Parse a ChangeMessageInfo-like dict (`id`, `author`, `tag`, `date`,
    `_revision_number`, `message`). Raises RecordError naming the bad field."""
    # Exact-type checks first: isinstance against the Mapping ABC is slow on this hot path.
    if type(record) is not dict and not isinstance(record, Mapping):
        raise RecordError(f"expected a JSON object, got {type(record).__name__}")
    get = record.get
    text = get("message")
    if type(text) is not str and not isinstance(text, str):
        if "message" not in record:
            raise RecordError("missing field 'message'")
        raise RecordError("field 'message' must be a string")
    author_raw = get("author")
    name = username = account_id = None
    tags: Any = ()
    if author_raw is not None:
        if type(author_raw) is not dict and not isinstance(author_raw, Mapping):
            raise RecordError("field 'author' must be an object or null")
        aget = author_raw.get
        tags = aget("tags") or ()
        if tags and (not isinstance(tags, (list, tuple)) or not all(type(t) is str for t in tags)):
            raise RecordError("field 'author.tags' must be a list of strings")
        name = aget("name")
        username = aget("username")
        account_id = aget("_account_id")
        if name is not None and type(name) is not str:
            _check_str(name, "author.name")
        if username is not None and type(username) is not str:
            _check_str(username, "author.username")
        if not name:
            display = aget("display_name")
            _check_str(display, "author.display_name")
            name = display or None
        username = username or None
    # `_check_str` only when the exact-type test fails (str subclasses are accepted there).
    tag = get("tag")
    if tag is not None and type(tag) is not str:
        _check_str(tag, "tag")
    ps = get("_revision_number")
    if ps is not None and type(ps) is not int:
        raise RecordError("field '_revision_number' must be an integer or null")
    date_raw = get("date")
    if date_raw is not None and type(date_raw) is not str:
        _check_str(date_raw, "date")
    msg_id = get("id")
    if msg_id is not None and type(msg_id) is not str:
        _check_str(msg_id, "id")
    date = parse_gerrit_timestamp(date_raw) if date_raw else None
    return _parse(
        name,
        username,
        tags,
        author_raw is not None,
        tag,
        text,
        date,
        ps,
        msg_id,
        rules,
        order,
        account_id if type(account_id) is int else None,
    )


# ------------------------------------------------------------------------ explain
_EXTRACTORS: tuple[tuple[str, Any], ...] = (
    ("zuul job lines (`- name url : RESULT`)", _zuul_jobs),
    ("gerrit-trigger lines (`url : RESULT`)", _gerrit_trigger_jobs),
    ("LUCI tryjobs", _luci_jobs),
    ("old CQ builders", _old_cq_jobs),
    ("TreeHugger targets", _treehugger_jobs),
    ("buildbot builders", _buildbot_jobs),
    ("icon lines (GerritForge, SonarQube)", _icon_jobs),
    ("PipelineBot / PCC", _misc_bot_jobs),
    ("Qt CI state", _qt_jobs),
    ("Go TryBot failures", _go_jobs),
)


def explain_record(record: Mapping[str, Any], rules: BotRules | None = None) -> dict[str, Any]:
    """Why `parse_record(record, rules)` says what it says: which signal classified the
    author, and which family rule, user format or fallback gave the result and the jobs.

    Not the hot path: it re-runs the steps one by one to name them. Raises RecordError
    like `parse_record`.
    """
    result = parse_record(record, rules)
    steps: list[str] = []
    author = record.get("author") if isinstance(record.get("author"), Mapping) else None
    name = author.get("name") or author.get("display_name") if author else None
    username = author.get("username") if author else None
    steps.append(_signal_note(result.reason, name, username, record.get("tag")))
    if not result.is_bot:
        return {"signal": result.reason, "decided_by": "human", "steps": steps}
    text = record.get("message") or ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first, body = _split(text)
    if rules is not None and rules.formats:
        fmt = rules.format_for(name, username)
        if fmt is not None:
            overall, jobs, notes = fmt.parse(body)
            steps.extend(notes)
            if overall is not None or jobs:
                return {"signal": result.reason, "decided_by": "user-format", "steps": steps}
            steps.append(f"user format {fmt.account!r} found nothing: built-in rules read it")
    head = _find_headline(body)
    decided = "none"
    if head is not None:
        rule = _headline_rule(body)
        steps.append(f"family headline ({rule}) -> {head.overall}: {head.line.strip()[:100]!r}")
        decided = "family"
    clean = _without_unsuccessful_messages(body) if "<<<" in body else body
    found = 0
    for label, fn in _EXTRACTORS:
        out: list[Job] = []
        if fn is _gerrit_trigger_jobs:
            fn(clean, out, head)
        else:
            fn(clean, out)
        if out:
            found += len(out)
            steps.append(f"family job rule {label}: {len(out)} job(s)")
    if head is not None and head.gerrit_trigger:
        out = []
        _headline_jobs(clean, head, out)
        if out and not found:
            found += len(out)
            steps.append(f"family job rule gerrit-trigger single build: {len(out)} job(s)")
    if found:
        decided = "family"
    if head is None and not found:
        votes = parse_votes(first) if first else ()
        by_vote = _overall_from_vote(votes, record.get("tag"), result.ci_name)
        if by_vote is not None:
            steps.append(f"no headline: Zuul's Verified vote gives {by_vote}")
            decided = "vote"
        fb = parse_fallback(clean, want_headline=by_vote is None)
        if fb.headline is not None:
            steps.append(f"fallback headline -> {fb.overall}: {fb.headline[:100]!r}")
        if fb.jobs:
            steps.append(f"fallback job lines (name + URL + result word): {len(fb.jobs)} job(s)")
        if fb.links:
            steps.append(f"fallback: no job line; {len(fb.links)} link(s) kept")
        if fb.headline is not None or fb.jobs or fb.links:
            decided = "fallback" if decided == "none" else decided
        elif decided == "none":
            steps.append("no family, vote or fallback rule matched: a notice without a run")
    return {"signal": result.reason, "decided_by": decided, "steps": steps}


_HEADLINE_RULES = {
    "gt": "Gerrit Trigger build message",
    "gtword": "Gerrit Trigger build message",
    "qt": "Qt CI state",
    "qtword": "Qt CI state",
    "treehugger": "TreeHugger summary",
    "merge": "Zuul merge failure",
    "canceled": "build canceled",
    "unstable": "build unstable",
    "started": "start notice (Zuul, LUCI CQ, TreeHugger, Qt staging, Go TryBots)",
    "success": "success wording (Zuul, LUCI, Go TryBots, Wikimedia bots ...)",
    "failure": "failure wording (Zuul, LUCI, Go TryBots, buildbot, Wikimedia bots ...)",
}


def _headline_rule(body: str) -> str:
    m = _HEADLINE.search(body, 0, _HEADLINE_WINDOW) or _HEADLINE_EXTRA.search(
        body, 0, _HEADLINE_WINDOW
    )
    kind = (m.lastgroup if m else None) or "failure"
    return _HEADLINE_RULES.get(kind, kind)


def _signal_note(reason: str, name: Any, username: Any, tag: Any) -> str:
    who = f"{name!r}" + (f" ({username})" if username else "")
    notes = {
        "service-user": f"author {who} carries Gerrit's SERVICE_USER tag: bot",
        "tag": f"message tag {tag!r} is written by tools: bot",
        "rule": f"a config rule names {who}",
        "known-bot": f"{who} is on the built-in list of well-known bots (vstui.ci.knownbots)",
        "name": f"the account name {who} decides",
        "content": "no decisive name: the message starts like a CI report: bot",
        "no-author": "no author: Gerrit's own notice: bot",
        "default": f"nothing marks {who} as a bot: human",
    }
    return notes.get(reason, reason)
