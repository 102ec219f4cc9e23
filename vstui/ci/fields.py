"""Small field parsers shared by the comment parser and the verify-status mapper.

Durations (`1h 02m 03s`, `109m 17s`, `1 min 30 sec`, `00:03:10`), job URLs (trailing
punctuation, http/https only), Jenkins job names from build URLs, and the result vocabulary
(which CI words mean passed / failed / running ...). Every function here is linear in its
input and never raises on odd text.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from vstui.sanitize import is_safe_url

# --------------------------------------------------------------------------- results
# The CI's own word is kept (upper-cased) as the job result; these sets only decide how a
# word *reads* (the UI colour, the overall rule "any voting job not successful → FAILURE").
SUCCESS_WORDS = frozenset(
    {"SUCCESS", "SUCCESSFUL", "SUCCEEDED", "PASS", "PASSED", "OK", "GREEN", "FIXED", "STABLE"}
)
RUNNING_WORDS = frozenset(
    {"STARTED", "RUNNING", "IN_PROGRESS", "PENDING", "QUEUED", "SCHEDULED", "TRIGGERED"}
)
SKIPPED_WORDS = frozenset({"SKIPPED", "SKIP", "NOT_BUILT", "NOT_RUN", "IGNORED", "NOOP"})
CANCELED_WORDS = frozenset({"ABORTED", "CANCELED", "CANCELLED", "DEQUEUED", "SUPERSEDED"})
UNSTABLE_WORDS = frozenset({"UNSTABLE", "WARNINGS", "WARNING", "WARN"})

# Words accepted as a job result even when printed in lower case (Zuul and Gerrit Trigger
# print upper case; buildbot, LUCI and humans-written templates do not).
_KNOWN_RESULTS = (
    SUCCESS_WORDS
    | RUNNING_WORDS
    | SKIPPED_WORDS
    | CANCELED_WORDS
    | UNSTABLE_WORDS
    | frozenset(
        {
            "FAILURE",
            "FAILED",
            "FAIL",
            "ERROR",
            "ERRORED",
            "POST_FAILURE",
            "RETRY_LIMIT",
            "NODE_FAILURE",
            "TIMED_OUT",
            "TIMEOUT",
            "JOB_FAILED",
            "MERGER_FAILURE",
            "MERGE_CONFLICT",
            "CONFIG_ERROR",
            "DISK_FULL",
            "LOST",
            "EXCEPTION",
            "INFRA_FAILURE",
        }
    )
)
_UPPER_WORD = re.compile(r"[A-Z][A-Z0-9_]+\Z")


def status_of(result: str | None) -> str:
    """How a result word reads: success, failure, running, skipped, canceled, unstable, unknown."""
    if not result:
        return "unknown"
    word = result.upper()
    if word in SUCCESS_WORDS:
        return "success"
    if word in RUNNING_WORDS:
        return "running"
    if word in SKIPPED_WORDS:
        return "skipped"
    if word in CANCELED_WORDS:
        return "canceled"
    if word in UNSTABLE_WORDS:
        return "unstable"
    return "failure"


def is_success(result: str | None) -> bool:
    return bool(result) and result.upper() in SUCCESS_WORDS  # type: ignore[union-attr]


def result_word(token: str) -> str | None:
    """`token` as a result word (upper-cased) if it reads as one, else None.

    Upper-case words are the CI's own vocabulary (Zuul, Gerrit Trigger print results that
    way, including custom ones like MERGER_FAILURE); other words only when known.
    """
    if not token:
        return None
    if _UPPER_WORD.match(token):
        return token
    upper = token.upper()
    return upper if upper in _KNOWN_RESULTS else None


# ------------------------------------------------------------------------- durations
_UNITS = {
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "ms": 0.001,
    "msec": 0.001,
    "millisecond": 0.001,
    "milliseconds": 0.001,
}
_DURATION_PART = re.compile(r"(\d{1,9}(?:\.\d{1,6})?)[ \t]*([A-Za-z]{1,12})")
_DURATION_SEP = re.compile(r"[\s,]*(?:and[\s,]+)?")
_CLOCK = re.compile(r"(?:(\d{1,6}):)?([0-5]?\d):([0-5]\d)(?:\.\d+)?\Z")


_ZUUL_DURATION = re.compile(r"(?:(\d{1,6})h )?(?:(\d{1,6})m )?(\d{1,9})s\Z")


def parse_duration(text: str | None) -> int | None:
    """Seconds in a printed duration, or None when `text` is not a duration.

    Accepts Zuul's `1h 02m 03s` / `46s`, third-party `109m 17s`, Jenkins' `1 min 30 sec`,
    `1 hr 2 min`, `2.5 sec`, and clock style `1:02:03` / `03:10`. Rounded to whole seconds.
    """
    if not text:
        return None
    s = text.strip()
    if not s or len(s) > 200:
        return None
    z = _ZUUL_DURATION.match(s)  # the shape Zuul prints: one regex, no loop
    if z:
        h, m, sec = z.groups()
        return (int(h) * 3600 if h else 0) + (int(m) * 60 if m else 0) + int(sec)
    clock = _CLOCK.match(s)
    if clock:
        hours = int(clock.group(1) or 0)
        return hours * 3600 + int(clock.group(2)) * 60 + int(clock.group(3))
    total = 0.0
    pos = 0
    found = False
    n = len(s)
    while pos < n:
        m = _DURATION_PART.match(s, pos)
        if not m:
            return None
        unit = _UNITS.get(m.group(2).lower())
        if unit is None:
            return None
        total += float(m.group(1)) * unit
        found = True
        pos = m.end()
        sep = _DURATION_SEP.match(s, pos)
        if sep:
            pos = sep.end()
    return int(total + 0.5) if found else None


# ------------------------------------------------------------------------------ URLs
_TRAILING = ".,;:!?'\"`>*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


# The shape nearly every CI link has: a lower-case http(s) scheme, an ASCII host name, an
# optional numeric port, then nothing or `/`, `?`, `#` followed by printable non-space ASCII.
# `is_safe_url` accepts every such URL of at most 8,192 characters (urlsplit reads exactly
# this scheme and host, and nothing in it can make urlsplit raise), so one fullmatch here
# replaces urlsplit + `.hostname` (a third of the cost). Anything else is decided by
# `is_safe_url` itself, so the accepted set is unchanged; tests/ci/test_url_fast_path.py
# checks the implication with Hypothesis.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9][A-Za-z0-9.-]*(?::[0-9]{1,5})?(?:[/?#][!-~]*)?")
_MAX_URL = 8192  # is_safe_url's length limit


def url_is_safe(url: str) -> bool:
    """`vstui.sanitize.is_safe_url(url)`, with a fast path for plain http(s) URLs."""
    if len(url) <= _MAX_URL and _PLAIN_URL.fullmatch(url) is not None:
        return True
    return is_safe_url(url)


def clean_url(raw: str | None) -> str | None:
    """A job URL as printed, minus trailing punctuation; None unless http(s) and well formed.

    Trailing `.`, `:`, quotes and closing brackets that do not close a bracket opened inside
    the URL are not part of it (`(https://x/job/a/1/console)` → `https://x/job/a/1/console`).
    """
    if not raw or len(raw) > 8200:  # is_safe_url refuses longer ones anyway
        return None
    last = raw[-1]
    if last.isalnum() or last == "/":  # the common case: nothing to trim
        if len(raw) <= _MAX_URL and _PLAIN_URL.fullmatch(raw) is not None:
            return raw
        if raw.startswith(("http://", "https://")):
            return raw if is_safe_url(raw) else None
    url = raw.strip()
    if url[:1] in "<(\"'[":
        url = url[1:]
    while url:
        last = url[-1]
        unbalanced = last in _PAIRS and url.count(last) > url.count(_PAIRS[last])
        if last in _TRAILING or unbalanced:
            url = url[:-1]
        else:
            break
    if not url.startswith(("http://", "https://")):
        return None
    return url if url_is_safe(url) else None


def jenkins_job_name(url: str | None) -> str | None:
    """The job name in a Jenkins build URL: `/job/<x>/` segments joined by `/`.

    `…/job/infra/job/wiki/246/` → `infra/wiki`; `…/releng/job/tox-verify/154/` → `tox-verify`.
    None when the URL has no `/job/` segment.
    """
    if not url or "/job/" not in url:
        return None
    scheme_end = url.find("://")
    path_start = url.find("/", scheme_end + 3 if scheme_end >= 0 else 0)
    if path_start < 0:
        return None
    end = len(url)  # the path ends at the first "?" or "#"
    q = url.find("?", path_start)
    if q >= 0:
        end = q
    h = url.find("#", path_start, end)
    if h >= 0:
        end = h
    # Every "/job/" in the path is a `job` segment followed by the name segment; found by
    # substring search instead of splitting the whole path (overlaps: "/job/job/x").
    names = []
    pos = url.find("/job/", path_start, end)
    while pos >= 0:
        start = pos + 5
        stop = url.find("/", start, end)
        if stop < 0:
            stop = end
        if stop > start:
            names.append(url[start:stop])
        pos = url.find("/job/", pos + 4, end)
    if not names:
        return None
    name = "/".join(names)
    return unquote(name) if "%" in name else name


def normalize_url(url: str | None) -> str | None:
    """A comparison key for the same build linked two ways (comment vs verify-status).

    Lower-cases scheme and host, drops the query/fragment, a trailing `/`, and Jenkins'
    `/console`, `/consoleFull`, `/consoleText`, `/display/redirect` views of a build.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.netloc:
        return None
    path = parts.path.rstrip("/")
    for suffix in ("/console", "/consoleFull", "/consoleText", "/display/redirect"):
        if path.endswith(suffix):
            path = path[: -len(suffix)].rstrip("/")
            break
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"
