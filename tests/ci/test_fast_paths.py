"""The parser's fast paths decide exactly what the general code they shortcut decides.

Each fast path is checked against a reference: the plain-URL regex against
`vstui.sanitize.is_safe_url`, `clean_url` / `jenkins_job_name` / `parse_gerrit_timestamp`
against the straightforward implementations they replaced (kept here verbatim), the
possessive regexes against their greedy spelling, and the slot-filling constructors against
the dataclasses' own `__init__`.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import re
import string
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.ci.test_robustness import ci_text
from vstui.ci import parse as P
from vstui.ci.fields import _PAIRS, _PLAIN_URL, _TRAILING, clean_url, jenkins_job_name, url_is_safe
from vstui.ci.model import CIReport, Job, fast_constructor, new_job, new_report
from vstui.ci.parse import MessageResult
from vstui.sanitize import is_safe_url

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# URL-ish text: the characters that matter to urlsplit and to the fast regex.
_NASTY = [*"-._~:/?#[]@!$&'()*+,;=% \t\\\"<>`{}|^", "é", "\x00", "\x7f", "\u202e", "\n", "ä"]
_URL_CHARS = string.ascii_letters + string.digits + "".join(_NASTY)
host = st.one_of(
    st.text(alphabet=string.ascii_lowercase + string.digits + ".-_", min_size=0, max_size=12),
    st.sampled_from(["[::1]", "[::1", "::1]", "u@h", "h:", "h:99999", "é.org", "xn--e1a.org"]),
    st.text(alphabet=_URL_CHARS, max_size=8),
)
url_like = st.builds(
    lambda scheme, h, port, path: f"{scheme}{h}{port}{path}",
    st.sampled_from(
        ["http://", "https://", "HTTP://", "Https://", "ftp://", "http:/", "http:", ""]
    ),
    host,
    st.one_of(st.just(""), st.from_regex(r":[0-9]{0,6}", fullmatch=True), st.just(":x")),
    st.one_of(st.just(""), st.text(alphabet=_URL_CHARS, max_size=30)),
)


@st.composite
def near_plain_urls(draw: st.DrawFn) -> str:
    """URLs of the fast shape, then up to two odd characters inserted anywhere: the
    boundary where a too-loose fast regex would accept what `is_safe_url` refuses."""
    url = draw(st.from_regex(_PLAIN_URL, fullmatch=True))
    for _ in range(draw(st.integers(0, 2))):
        pos = draw(st.integers(0, len(url)))
        url = url[:pos] + draw(st.sampled_from(_NASTY)) + url[pos:]
    return url


any_url = st.one_of(near_plain_urls(), url_like, st.text(max_size=60))


def _reference_clean_url(raw: str | None) -> str | None:
    """`clean_url` before the fast path (the commit that introduced `url_is_safe`)."""
    if not raw or len(raw) > 8200:
        return None
    last = raw[-1]
    if (last.isalnum() or last == "/") and raw.startswith(("http://", "https://")):
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
    return url if is_safe_url(url) else None


def _reference_job_name(url: str | None) -> str | None:
    if not url or "/job/" not in url:
        return None
    scheme_end = url.find("://")
    path_start = url.find("/", scheme_end + 3 if scheme_end >= 0 else 0)
    if path_start < 0:
        return None
    path = url[path_start:].split("?", 1)[0].split("#", 1)[0]
    parts = path.split("/")
    names = [parts[i + 1] for i in range(len(parts) - 1) if parts[i] == "job" and parts[i + 1]]
    if not names:
        return None
    name = "/".join(names)
    return unquote(name) if "%" in name else name


# ------------------------------------------------------------------------------- URLs
@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(any_url)
@example("https://logs.opendev.org/72/381272/3/check/tox/0a1b2c3/")
@example("http://144.49.208.28:8000/build_logs/")
@example("http://h:/x")  # empty port: not the fast shape, is_safe_url decides
@example("http://-/x")
@example("http://a")
def test_plain_url_shape_is_always_safe(url):
    """The regex may only accept URLs that `is_safe_url` accepts (a subset, never more)."""
    if len(url) <= 8192 and _PLAIN_URL.fullmatch(url):
        assert is_safe_url(url), url
    assert url_is_safe(url) == is_safe_url(url)


def test_plain_url_shape_covers_the_common_links():
    for url in (
        "https://zuul.opendev.org/t/openstack/build/0a1b2c3d",
        "http://logs.openstack.org/68/89568/4/check/gate-swift-pep8/450dd07",
        "https://jenkins.lineageos.org/job/infra/job/wiki/246/",
        "http://54.164.167.86:8080/job/x/3/console",
        "https://ci.example.org/job/a/3/?tab=log#L10",
    ):
        assert _PLAIN_URL.fullmatch(url), url
    long_url = "https://x.org/" + "a" * 8200
    assert not url_is_safe(long_url) and not is_safe_url(long_url)


@SETTINGS
@given(
    st.one_of(
        any_url,
        st.builds(
            lambda pre, u, post: pre + u + post,
            st.sampled_from(["", "(", "<", "'", '"', "[", " "]),
            any_url,
            st.text(alphabet=").,;:!?'\"`>*]} ", max_size=4),
        ),
        st.text(max_size=40),
    )
)
def test_clean_url_matches_reference(raw):
    assert clean_url(raw) == _reference_clean_url(raw)


@SETTINGS
@given(
    st.one_of(
        st.lists(
            st.sampled_from(["job", "x", "", "a%20b", "?", "#", "q=1", "job?", "job#"]),
            max_size=8,
        ).map(lambda parts: "https://j.org/" + "/".join(parts)),
        url_like,
        st.text(alphabet="job/?#:.%2", max_size=30),
    )
)
@example("https://j.org/job/job/x/1/")
@example("https://j.org/a/job/")
@example("https://j.org/a?/job/x/")
@example("https://j.org/a#/job/x/?y")
@example("x/job/://h/job/y")
def test_jenkins_job_name_matches_reference(url):
    assert jenkins_job_name(url) == _reference_job_name(url)


# ------------------------------------------------------------------ possessive regexes
def _greedy(pattern: str) -> str:
    """The same pattern with possessive quantifiers spelled greedy (`++` → `+`, `{m,n}+` →
    `{m,n}`, `*+` → `*`)."""
    return re.sub(r"(\+|\*|\{\d+,\d+\})\+", r"\1", pattern)


def _spans(rx: re.Pattern[str], text: str) -> list[tuple]:
    return [(m.span(), m.groups(), m.lastgroup) for m in rx.finditer(text)]


POSSESSIVE = {
    "zuul": P._ZUUL_LINE,
    "gerrit-trigger": P._GT_LINE,
    "headline": P._HEADLINE,
}


_GREEDY = {name: re.compile(_greedy(rx.pattern), rx.flags) for name, rx in POSSESSIVE.items()}


def test_possessive_patterns_are_really_possessive():
    for name, rx in POSSESSIVE.items():
        assert _greedy(rx.pattern) != rx.pattern, name


_TOKENS = [
    "- ",
    "* ",
    " ",
    "\t",
    " : ",
    ":",
    ": ",
    '"',
    "'",
    "*",
    "=",
    "job",
    "a/b",
    "https://x.org/job/a/1/",
    "SUCCESS",
    "FAILURE in 3m 02s",
    " (non-voting)",
    "build ",
    "Build failed",
    "this change ",
    "job ",
    " not defined",
    "The job ",
    " was not found",
    "Dry run: ",
    "starting ",
    " jobs",
    "word ",
    "\n",
]
_STARTERS = ["", "- ", "* ", "  - ", "https://x.org/job/a/1/", "'", "Build ", "Dry run: ", "job "]
# Lines that start like a job line or headline and then go on with fragments of one.
near_misses = st.lists(
    st.builds(
        lambda start, rest: start + "".join(rest),
        st.sampled_from(_STARTERS),
        st.lists(st.sampled_from(_TOKENS), max_size=8),
    ),
    max_size=4,
).map("\n".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(ci_text, near_misses))
def test_possessive_patterns_match_like_greedy_ones(text):
    text = "\n" + text
    for name, rx in POSSESSIVE.items():
        assert _spans(rx, text) == _spans(_GREEDY[name], text), name


# ------------------------------------------------------------------------ constructors
def test_fast_constructors_build_the_dataclass_instances():
    when = datetime(2024, 5, 1, tzinfo=UTC)
    a = new_job("tox", "https://x/1", "SUCCESS", 3, False, detail="d", granted=when)
    b = Job("tox", "https://x/1", "SUCCESS", 3, False, detail="d", granted=when)
    assert type(a) is Job and a == b and hash(a) == hash(b) and repr(a) == repr(b)
    assert {a: 1}[b] == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "x"  # type: ignore[misc]
    assert dataclasses.replace(a, name="y") == dataclasses.replace(b, name="y")
    assert pickle.loads(pickle.dumps(a)) == b and copy.deepcopy(a) == b
    assert new_job("n", None, None) == Job("n", None, None)  # every default
    r1 = new_report("Zuul", "SUCCESS", (a,), (("Verified", 1),), "m1", 3, when)
    r2 = CIReport("Zuul", "SUCCESS", (b,), (("Verified", 1),), "m1", 3, when)
    assert type(r1) is CIReport and r1 == r2 and hash(r1) == hash(r2)
    make = fast_constructor(MessageResult)
    m1 = make(True, "Zuul", "SUCCESS", (), (a,), "tag", report=r1, order=4)
    m2 = MessageResult(True, "Zuul", "SUCCESS", (), (a,), "tag", report=r1, order=4)
    assert m1 == m2 and m1.as_dict() == m2.as_dict()


def test_fast_constructor_falls_back_for_other_layouts():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Base:
        a: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Child(Base):  # slots split over two classes: no single twin layout
        b: int = 2

    make = fast_constructor(Child)
    assert make(1) == Child(1) and type(make(1, 3)) is Child and make(1, 3).b == 3
