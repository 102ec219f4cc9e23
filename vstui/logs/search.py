"""Search patterns for logs: the one place a user's log search is compiled.

User patterns go through `vstui.saferegex` (RE2: linear time, one-line errors), compiled for
bytes so a 100 MB log is searched in place, never decoded. Smart case: case-insensitive
unless the pattern has an upper-case letter. `ERROR_PATTERN` is vstui's own (`re`).
"""

from __future__ import annotations

import re
from typing import Any

from vstui.saferegex import RegexError, compile_user_bytes_regex

# Lines a reviewer means by "the next error": ERROR, CRITICAL, FATAL, FAIL(ED|URE),
# Traceback, *Error, *Exception. Written as one leading class then the rest, which `re`
# scans at ~400 MB/s; the `\b(?:...|[A-Z]\w*Error)\b` spelling ran at ~90 MB/s.
ERROR_PATTERN = re.compile(rb"[CEFT](?:RROR|RITICAL|ATAL|AIL|raceback|rror\b|xception\b)")

# A compiled pattern with `search(data, pos)` and `finditer(data, pos, endpos)` over bytes.
SearchPattern = Any


class SearchError(ValueError):
    """The pattern is not usable; `str()` is one line for the status bar."""


def compile_search(pattern: str) -> SearchPattern:
    """A bytes pattern for `pattern`; case-insensitive unless it has an upper-case letter."""
    if not pattern:
        raise SearchError("empty pattern")
    folded = not any(c.isupper() for c in pattern)
    try:
        return compile_user_bytes_regex(pattern, ignore_case=folded, what="log search")
    except RegexError as exc:
        raise SearchError(str(exc)) from None
