"""Search patterns for logs: the one place a user's regex is compiled for log search.

Swap point: while the shared linear-time helper (`vstui/saferegex.py`, branch `hostile`) is
not merged, this compiles with `re` under a length cap and smart case. When it lands,
`compile_search` is the only function to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_PATTERN = 500
# Lines a reviewer means by "the next error": ERROR, CRITICAL, FATAL, FAIL(ED|URE),
# Traceback, *Error, *Exception. Written as one leading class then the rest, which `re`
# scans at ~400 MB/s; the `\b(?:...|[A-Z]\w*Error)\b` spelling ran at ~90 MB/s.
ERROR_PATTERN = re.compile(rb"[CEFT](?:RROR|RITICAL|ATAL|AIL|raceback|rror\b|xception\b)")


class SearchError(ValueError):
    """The pattern is not usable; `str()` is one line for the status bar."""


_META = re.compile(r"[\\.^$*+?{}\[\]|()]")
_WINDOW = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Span:
    """The part of a match the log viewer reads (start and end offsets)."""

    begin: int
    finish: int

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish


class FoldedLiteral:
    """A case-insensitive literal, searched a window at a time (lower-cased window + find).

    `re` with IGNORECASE loses its fast literal search (65 MB/s on a 100 MB log, measured in
    bench/logs.py); lower-casing 8 MB windows keeps memory flat and runs at memory speed.
    Offers the two `re.Pattern` methods the log index and view use.
    """

    def __init__(self, needle: bytes) -> None:
        self.needle = needle.lower()

    def search(self, data: bytes | bytearray, pos: int = 0) -> _Span | None:
        return next(self.finditer(data, pos), None)

    def finditer(
        self, data: bytes | bytearray, pos: int = 0, endpos: int | None = None
    ) -> Iterator[_Span]:
        end = len(data) if endpos is None else min(endpos, len(data))
        n = len(self.needle)
        start = pos
        while start < end:
            stop = min(end, start + _WINDOW)
            window = bytes(data[start : min(end, stop + n - 1)]).lower()
            i = window.find(self.needle)
            while i != -1 and start + i < stop:
                yield _Span(start + i, start + i + n)
                i = window.find(self.needle, i + max(1, n))
            start = stop


SearchPattern = re.Pattern[bytes] | FoldedLiteral


def compile_search(pattern: str) -> SearchPattern:
    """A bytes pattern for `pattern`; case-insensitive unless it has an upper-case letter."""
    if not pattern:
        raise SearchError("empty pattern")
    if len(pattern) > MAX_PATTERN:
        raise SearchError(f"pattern longer than {MAX_PATTERN} characters")
    folded = not any(c.isupper() for c in pattern)
    if folded and not _META.search(pattern):
        return FoldedLiteral(pattern.encode("utf-8"))
    try:
        return re.compile(pattern.encode("utf-8"), (re.IGNORECASE if folded else 0) | re.MULTILINE)
    except re.error as exc:
        raise SearchError(f"invalid regex: {exc}") from None
