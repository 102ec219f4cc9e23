"""The generic fallback: what any bot's message says when no family's rules claim it.

Runs only on bot messages that no family claims: `vstui.ci.parse` found neither a family
headline nor a family job line in them. It fills what is left empty, so the CI pane never
shows a bot as silent:

* **Headline** (unless Gerrit's vote already gave Zuul's verdict): the first line of the body, if it is short
  (at most 8 words besides links) and either *ends* with a result word (`All checks passed.`,
  `Verification FAILED`) or reads `<label>: <word>` (`Status: failed (2 of 9)`). Result words:
  passed/succeeded/successful/success/ok → SUCCESS, failed/failure/error/broken → FAILURE,
  unstable → UNSTABLE, aborted → ABORTED, canceled → CANCELED, started/running/queued/pending
  → STARTED.
* **Job lines**: a line with exactly one http(s) URL, exactly one
  result word and exactly one other word (the name), in any order, with connector words
  (`on`, `for`, `job`, `build`, `see` ...) and punctuation ignored: `Failed on linux-amd64:
  <url>`, `<url> - lint: FAILED`, `✗ unit-tests <url>`. Upper-case words are the CI's own
  vocabulary (Zuul's, Jenkins'); lower/title-case ones must be well known. When the line has
  no name word, a Jenkins URL's `/job/<x>/` segments name it. Optional `in <duration>` /
  `(<duration>)` and `(non-voting)` are read too. A line with more than 8 words is prose and
  never a job, and neither is a quoted line (`> ...`): precision comes first (zero jobs on
  every human message of the dev corpus).
* **Links** (when no job was found): the message's http(s) links, so a reviewer can still
  open what the bot pointed at.

Linear in the text: only the first line and the lines holding `://` are read (at most
`_MAX_LINES` of them, each capped at `_LINE_CAP` characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vstui.ci.fields import SUCCESS_WORDS, clean_url, jenkins_job_name, parse_duration
from vstui.ci.model import Job, fast_constructor, new_job

_URL = re.compile(r"https?://[^\s\"'<>()\[\]]{1,4000}")
_MAX_LINES = 500
_LINE_CAP = 1000
_MAX_LINKS = 20
_MAX_WORDS = 8
_HEAD_WINDOW = 16384
# A job line needs a result word: one scan of the line's words rejects most lines before the
# full parse. Icons count as result words.
_WORDS = re.compile(r"[a-z_]{2,}")
_ICON_HINT = ("\u2705", "\u2714", "\u274c", "\u2717")

_HEAD_WORDS = {
    "passed": "SUCCESS",
    "pass": "SUCCESS",
    "succeeded": "SUCCESS",
    "successful": "SUCCESS",
    "success": "SUCCESS",
    "ok": "SUCCESS",
    "green": "SUCCESS",
    "failed": "FAILURE",
    "fail": "FAILURE",
    "failure": "FAILURE",
    "failing": "FAILURE",
    "error": "FAILURE",
    "errored": "FAILURE",
    "broken": "FAILURE",
    "unstable": "UNSTABLE",
    "aborted": "ABORTED",
    "canceled": "CANCELED",
    "cancelled": "CANCELED",
    "started": "STARTED",
    "running": "STARTED",
    "queued": "STARTED",
    "pending": "STARTED",
}
# Result words accepted on a job line in any case; upper-case words need only look like one.
_JOB_WORDS = frozenset(
    {
        "passed",
        "pass",
        "succeeded",
        "success",
        "successful",
        "failed",
        "fail",
        "failure",
        "error",
        "errored",
        "aborted",
        "skipped",
        "canceled",
        "cancelled",
        "unstable",
        "timeout",
        "timed_out",
        "ok",
    }
)
_UPPER_RESULT = frozenset(
    {
        "SUCCESS",
        "SUCCEEDED",
        "PASSED",
        "PASS",
        "OK",
        "FAILURE",
        "FAILED",
        "FAIL",
        "ERROR",
        "UNSTABLE",
        "ABORTED",
        "CANCELED",
        "CANCELLED",
        "SKIPPED",
        "NOT_BUILT",
        "TIMED_OUT",
        "TIMEOUT",
        "POST_FAILURE",
        "RETRY_LIMIT",
        "NODE_FAILURE",
        "MERGER_FAILURE",
        "JOB_FAILED",
        "STARTED",
        "RUNNING",
        "QUEUED",
        "WARNING",
        "WARNINGS",
    }
)
_RESULT_HINTS = frozenset(w.lower() for w in _UPPER_RESULT | _JOB_WORDS)
_ICONS = {"✅": "SUCCESS", "✔": "SUCCESS", "✔️": "SUCCESS", "❌": "FAILURE", "✗": "FAILURE"}
_CONNECTORS = frozenset(
    {
        "on",
        "for",
        "at",
        "of",
        "job",
        "build",
        "builder",
        "see",
        "result",
        "status",
        "is",
        "was",
        "has",
        "with",
        "the",
        "-",
        "->",
        "=>",
    }
)
_EDGE = ":|,;()[]<>\"'*•-–—=`.!?"
_LEAD = "#>*=-• \t\"'"
_NAME = re.compile(r"[\w][\w./@+:#-]{0,199}")
_DURATION_TAIL = re.compile(
    r"(?:\bin[ \t]+|\(\s*)((?:\d{1,6}[ \t]*(?:h|hr|hrs|m|min|mins|s|sec|secs)\b[ \t]*){1,3})\)?[ \t]*\Z",
    re.IGNORECASE,
)
_ASIDE = re.compile(r"\([^()\n]{0,200}?\s[^()\n]{0,200}?\)")
_NON_VOTING = re.compile(r"\((?:non[- ]voting|optional)\)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FallbackResult:
    overall: str | None
    jobs: tuple[Job, ...]
    links: tuple[str, ...]
    headline: str | None  # the line the overall came from
    job_lines: int  # how many lines became jobs


def headline(lines: list[str]) -> tuple[str, str] | None:
    """(overall, line) from the first non-empty line, or None."""
    for raw in lines:
        if raw and not raw.isspace():
            return _headline_of(raw.strip())
    return None


def _headline_of(line: str) -> tuple[str, str] | None:
    """(overall, line) when `line` reads as a headline: at most 8 words besides links, ending
    with a result word or reading `<label>: <word>`."""
    words = line.split(None, 4 * _MAX_WORDS)
    if "://" in line:
        words = [w for w in words if "://" not in w]
    if words and not words[0].strip(_LEAD):
        del words[0]  # a bullet or banner ("*", "==", "#")
    if not 1 < len(words) <= _MAX_WORDS or len(line) > 300:
        return None
    last = _HEAD_WORDS.get(words[-1].strip(_EDGE).casefold())
    if last is not None:
        return last, line
    if ": " in line:
        for i, w in enumerate(words[:-1]):
            if w.endswith(":"):
                first = _HEAD_WORDS.get(words[i + 1].strip(_EDGE).casefold())
                return (first, line) if first is not None else None
    return None


def _result_of(token: str) -> str | None:
    word = token.strip(_EDGE)
    if not word:
        return None
    if word in _ICONS:
        return _ICONS[word]
    if word.isupper():
        return word if word in _UPPER_RESULT else None
    low = word.casefold()
    return word.upper() if low in _JOB_WORDS else None


def job_from_line(line: str) -> Job | None:
    """A job from one line holding a name, one URL and one result word in any order."""
    if line.count("://") != 1 or line.count(" ") > 3 * _MAX_WORDS:
        return None
    urls = _URL.findall(line)
    if len(urls) != 1:
        return None
    pre = line.replace(urls[0], " ", 1)
    if not _plausible((_ASIDE.sub(" ", pre) if "(" in pre else pre).split()):
        return None
    url = clean_url(urls[0])
    if url is None:
        return None
    rest = line.replace(urls[0], " ", 1)
    voting = True
    nv = _NON_VOTING.search(rest)
    if nv:
        voting = False
        rest = rest[: nv.start()] + " " + rest[nv.end() :]
    duration = None
    d = _DURATION_TAIL.search(rest.rstrip())
    if d:
        duration = parse_duration(d.group(1))
        if duration is not None:
            rest = rest[: d.start()]
    if "(" in rest:
        rest = _ASIDE.sub(" ", rest)  # "(config error)": a remark about the link, not a result
    words = rest.split()
    if len(words) > _MAX_WORDS:
        return None
    result = None
    names: list[str] = []
    for w in words:
        r = _result_of(w)
        if r is not None:
            if result is not None:
                return None  # two result words: not a job line
            result = r
            continue
        token = w.strip(_EDGE)
        if not token or token.casefold() in _CONNECTORS:
            continue
        names.append(token)
    if result is None or len(names) > 1:
        return None
    if names:
        name: str | None = names[0]
        if not _NAME.fullmatch(names[0]):
            return None
    else:
        name = jenkins_job_name(url)
        if name is None:
            return None
    return new_job(name, url, result, duration, voting)


def _plausible(words: list[str]) -> bool:
    """Cheap first look: one result word and at most one other word, not counting connectors
    and what a duration or `(non-voting)` marker may be made of."""
    results = names = 0
    for w in words:
        if _result_of(w) is not None:
            results += 1
            continue
        token = w.strip(_EDGE).casefold()
        if not token or token in _CONNECTORS or token == "in" or token[0].isdigit():
            continue
        if token.startswith(("non", "optional", "voting")):
            continue
        names += 1
    return results == 1 and names <= 1


def links(body: str) -> tuple[str, ...]:
    """The message's http(s) links, cleaned, in order, without repeats (at most 20)."""
    out: dict[str, None] = {}
    for m in _URL.finditer(body):
        url = clean_url(m.group(0))
        if url is not None:
            out[url] = None
            if len(out) >= _MAX_LINKS:
                break
    return tuple(out)


_new_result = fast_constructor(FallbackResult)
_NOTHING = FallbackResult(None, (), (), None, 0)


def _first_line(body: str) -> str | None:
    """The first non-blank line of `body`'s top (capped), without splitting the whole text."""
    top = body[:_HEAD_WINDOW].lstrip()
    if not top:
        return None
    end = top.find("\n")
    return top[: min(_LINE_CAP, end if end >= 0 else len(top))].rstrip()


def _url_lines(body: str) -> list[str]:
    """The distinct lines holding `://`, in order (at most `_MAX_LINES`, each capped)."""
    out: dict[str, None] = {}
    pos = body.find("://")
    seen = 0
    while pos >= 0 and seen < _MAX_LINES:  # lines looked at, repeated or not
        seen += 1
        start = body.rfind("\n", 0, pos) + 1
        end = body.find("\n", pos)
        if end < 0:
            end = len(body)
        out[body[start : min(end, start + _LINE_CAP)]] = None
        pos = body.find("://", end)
    return list(out)


def parse_fallback(
    body: str, *, want_headline: bool = True, want_jobs: bool = True
) -> FallbackResult:
    """Run the fallback on a message body (without Gerrit's `Patch Set N:` line)."""
    head = None
    if want_headline:
        first = _first_line(body)
        head = _headline_of(first) if first is not None else None
    if "://" not in body:
        return _NOTHING if head is None else _new_result(head[0], (), (), head[1], 0)
    jobs: list[Job] = []
    lines = _url_lines(body)
    if want_jobs:
        for line in lines:
            # Quoted text (`> - job url : FAILURE`) is someone else's report; long lines are prose.
            if (
                line.count(" ") > _MAX_WORDS + 8
                or line.lstrip().startswith(">")
                or not (
                    _RESULT_HINTS.intersection(_WORDS.findall(line.lower()))
                    or (not line.isascii() and any(i in line for i in _ICON_HINT))
                )
            ):
                continue
            job = job_from_line(line)
            if job is not None:
                jobs.append(job)
    overall = head[0] if head else None
    if overall is None and jobs:
        voting = [j for j in jobs if j.voting]
        overall = "FAILURE" if any(j.result not in SUCCESS_WORDS for j in voting) else "SUCCESS"
        if voting and all(j.running for j in voting):
            overall = "STARTED"
    found_links = () if jobs or not lines else links("\n".join(lines))
    return _new_result(overall, tuple(jobs), found_links, head[1] if head else None, len(jobs))
