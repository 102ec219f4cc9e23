"""Regular expressions from users and config files, on a linear-time engine (RE2).

Python's `re` backtracks: `(a+)+$` against `"aaaa…a!"` runs for hours, and `a{99999999999}`
raises `OverflowError` instead of `re.error`. Every pattern a user types (the CI pane's `/`
filter, log search) or writes in a config file (`bot_patterns`, user-defined CI formats,
`vstui parse --bot-regex`) goes through this module instead, so matching time is linear in
the text and a pattern that cannot be used is one readable error line. Patterns written in
vstui's own source keep using `re`.

API (headless, importable from every layer)::

    from vstui.saferegex import RegexError, compile_user_regex

    try:
        rx = compile_user_regex(text, ignore_case=True, what="CI filter")
    except RegexError as exc:
        show(str(exc))   # one line: 'CI filter: bad regex '(?<=a)b': look-around ... '
    else:
        m = rx.search(line)          # None, or a match with .group() .span() .start() .end()
        rx.matches(line)             # bool, the common case
        for m in rx.finditer(text): ...
        rx.fullmatch(name); rx.match(name); rx.pattern; rx.groupindex

- `compile_user_regex(pattern, *, ignore_case=False, what="")` returns a `SafeRegex` or raises
  `RegexError` (a `ValueError`); nothing else, whatever the pattern (not a str, too long,
  invalid, too big for the engine's memory budget).
- `RegexError` has `.pattern`, `.reason` and `.what`; `str()` is the one line to show.
- Syntax is RE2's, which is Python's minus backtracking features: `(?i)`, `(?P<name>..)`,
  `\\b`, `\\d`, classes, `{n,m}` (n, m <= 1000) work; look-ahead/behind (`(?=`, `(?!`, `(?<=`,
  `(?<!`), backreferences (`\\1`, `(?P=name)`), possessive/atomic groups and conditionals
  do not, and say so in the error. Python's end-of-text `\\Z` is accepted (RE2 spells it `\\z`).
- Matching never logs to stderr (that would corrupt the TUI's screen) and runs in time linear
  in the text; memory per pattern is capped (`MAX_MEM`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Protocol, cast

import re2  # type: ignore[import-untyped,unused-ignore]  # google-re2, RE2's own binding

__all__ = [
    "MAX_MEM",
    "MAX_PATTERN_LENGTH",
    "BytesRegex",
    "Match",
    "RegexError",
    "SafeRegex",
    "compile_user_bytes_regex",
    "compile_user_regex",
]

MAX_PATTERN_LENGTH = 4096
MAX_MEM = 8 << 20  # bytes of engine memory per pattern (RE2's default)


class Match(Protocol):
    """What a successful search returns (a subset of `re.Match`)."""

    def group(self, *groups: int | str) -> Any: ...
    def groups(self, default: Any = None) -> tuple[Any, ...]: ...
    def groupdict(self, default: Any = None) -> dict[str, Any]: ...
    def start(self, group: int | str = 0) -> int: ...
    def end(self, group: int | str = 0) -> int: ...
    def span(self, group: int | str = 0) -> tuple[int, int]: ...


class RegexError(ValueError):
    """A pattern that cannot be used. `str()` is one readable line naming it and why."""

    def __init__(self, pattern: object, reason: str, what: str = "") -> None:
        self.pattern = pattern
        self.reason = reason
        self.what = what
        shown = repr(pattern) if len(repr(pattern)) <= 80 else repr(pattern)[:77] + "..."
        prefix = f"{what}: " if what else ""
        super().__init__(f"{prefix}bad regex {shown}: {reason}")


# RE2's parse errors, with what a Python user needs to hear.
_HINTS = (
    ("invalid perl operator: (?<", "look-behind is not supported"),
    ("invalid perl operator: (?=", "look-ahead is not supported"),
    ("invalid perl operator: (?!", "negative look-ahead is not supported"),
    ("invalid perl operator: (?P=", "backreferences are not supported"),
    ("invalid perl operator: (?>", "atomic groups are not supported"),
    ("invalid perl operator: (?(", "conditionals are not supported"),
    ("invalid escape sequence: \\1", "backreferences are not supported"),
    ("invalid escape sequence: \\2", "backreferences are not supported"),
    ("invalid repetition size", "repetition counts above 1000 are not supported"),
    ("bad repetition operator: ++", "possessive quantifiers are not supported"),
    ("bad repetition operator: *+", "possessive quantifiers are not supported"),
    ("bad repetition operator: ?+", "possessive quantifiers are not supported"),
    ("pattern too large", "the pattern is too large for the regex engine's memory budget"),
)
_ENGINE = "vstui uses RE2, a linear-time engine"


def _reason(message: str, pattern: str) -> str:
    if "(?P=" in pattern and "(?P" in message:
        message = message.replace("(?P", "(?P=")
    for needle, hint in _HINTS:
        if needle in message:
            return f"{message} ({hint}; {_ENGINE})"
    return message


def _python_to_re2(pattern: str) -> str:
    r"""Accept Python's `\Z` (end of text), which RE2 spells `\z`."""
    if "\\Z" not in pattern:
        return pattern
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append("\\z" if nxt == "Z" else ch + nxt)
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _encodable(text: str) -> str:
    """`text` with lone surrogates (JSON allows "\\ud800") replaced by "?" (same offsets):
    RE2 matches UTF-8, which cannot hold them."""
    if text.isascii():
        return text
    return text.encode("utf-8", "replace").decode("utf-8")


_REPEAT = re.compile(r"\{([0-9]+)(?:,([0-9]*))?\}")


def _huge_repeat(pattern: str) -> str | None:
    """A `{n}`/`{n,m}` above RE2's limit, which RE2 would silently read as literal text
    (so `a{99999999999}` would match the string "a{99999999999}")."""
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern.startswith("]", i + 1) or pattern.startswith("^]", i + 1):
                i += 1 + (pattern[i + 1] == "^")
        elif ch == "{":
            found = _REPEAT.match(pattern, i)
            if found and any(n and (len(n) > 4 or int(n) > 1000) for n in found.groups()):
                return found.group()
        i += 1
    return None


class SafeRegex:
    """A compiled pattern; every method runs in time linear in the text."""

    __slots__ = ("_rx", "ignore_case", "pattern")

    def __init__(self, rx: Any, pattern: str, ignore_case: bool) -> None:
        self._rx = rx
        self.pattern = pattern
        self.ignore_case = ignore_case

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Match | None:
        try:
            return cast("Match | None", self._rx.search(text, pos, endpos))
        except UnicodeEncodeError:
            return cast("Match | None", self._rx.search(_encodable(text), pos, endpos))

    def match(self, text: str, pos: int = 0) -> Match | None:
        try:
            return cast("Match | None", self._rx.match(text, pos))
        except UnicodeEncodeError:
            return cast("Match | None", self._rx.match(_encodable(text), pos))

    def fullmatch(self, text: str, pos: int = 0) -> Match | None:
        try:
            return cast("Match | None", self._rx.fullmatch(text, pos))
        except UnicodeEncodeError:
            return cast("Match | None", self._rx.fullmatch(_encodable(text), pos))

    def finditer(self, text: str, pos: int = 0) -> Iterator[Match]:
        return cast("Iterator[Match]", self._rx.finditer(_encodable(text), pos))

    def matches(self, text: str) -> bool:
        """True when the pattern occurs anywhere in `text` (the cheapest question)."""
        return self.search(text) is not None

    @property
    def groupindex(self) -> Mapping[str, int]:
        return cast("Mapping[str, int]", self._rx.groupindex)

    @property
    def groups(self) -> int:
        return cast(int, self._rx.groups)

    def __repr__(self) -> str:
        flags = ", ignore_case=True" if self.ignore_case else ""
        return f"SafeRegex({self.pattern!r}{flags})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SafeRegex)
            and other.pattern == self.pattern
            and other.ignore_case == self.ignore_case
        )

    def __hash__(self) -> int:
        return hash((self.pattern, self.ignore_case))


def compile_user_regex(pattern: object, *, ignore_case: bool = False, what: str = "") -> SafeRegex:
    """Compile an untrusted pattern, or raise `RegexError` (one line, naming `what`)."""
    if not isinstance(pattern, str):
        raise RegexError(pattern, f"expected a string, got {type(pattern).__name__}", what)
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise RegexError(pattern, f"longer than {MAX_PATTERN_LENGTH} characters", what)
    huge = _huge_repeat(pattern)
    if huge is not None:
        raise RegexError(
            pattern, f"repetition {huge} is above 1000, the most the engine allows", what
        )
    options = re2.Options()
    options.log_errors = False  # RE2 would print parse errors on stderr, under the TUI
    options.max_mem = MAX_MEM
    options.case_sensitive = not ignore_case
    try:
        rx = re2.compile(_python_to_re2(pattern), options=options)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else exc
        message = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        raise RegexError(pattern, _reason(message, pattern), what) from None
    except (ValueError, TypeError, OverflowError, MemoryError) as exc:
        raise RegexError(pattern, f"{type(exc).__name__}: {exc}", what) from None
    return SafeRegex(rx, pattern, ignore_case)


class BytesRegex(Protocol):
    """A pattern compiled for bytes (`compile_user_bytes_regex`): RE2's own object."""

    pattern: Any

    def search(self, text: Any, pos: int = ..., endpos: int | None = ...) -> Match | None: ...
    def finditer(self, text: Any, pos: int = ..., endpos: int | None = ...) -> Iterator[Match]: ...


def compile_user_bytes_regex(
    pattern: object, *, ignore_case: bool = False, what: str = ""
) -> BytesRegex:
    """The same untrusted pattern, for searching bytes in place (a 100 MB job log held as a
    bytearray is searched without decoding it). Validated by `compile_user_regex` (same
    syntax, limits and one-line `RegexError`); matching is RE2's, linear in the text."""
    compile_user_regex(pattern, ignore_case=ignore_case, what=what)
    assert isinstance(pattern, str)
    options = re2.Options()
    options.log_errors = False
    options.max_mem = MAX_MEM
    options.case_sensitive = not ignore_case
    try:
        rx = re2.compile(_python_to_re2(pattern).encode("utf-8"), options=options)
    except re2.error as exc:  # accepted as text, refused as bytes: not expected, still one line
        raise RegexError(pattern, str(exc), what) from None
    return cast(BytesRegex, rx)
