"""Search patterns for logs: the one place a user's regex is compiled for log search.

Swap point: while the shared linear-time helper (`vstui/saferegex.py`, branch `hostile`) is
not merged, this compiles with `re` under a length cap and smart case. When it lands,
`compile_search` is the only function to change.
"""

from __future__ import annotations

import re

MAX_PATTERN = 500
# Lines a reviewer means by "the next error".
ERROR_PATTERN = re.compile(
    rb"\b(?:ERROR|CRITICAL|FATAL|FAILED|FAILURE|Traceback|[A-Z]\w*(?:Error|Exception))\b"
)


class SearchError(ValueError):
    """The pattern is not usable; `str()` is one line for the status bar."""


def compile_search(pattern: str) -> re.Pattern[bytes]:
    """A bytes regex for `pattern`; case-insensitive unless it has an upper-case letter."""
    if not pattern:
        raise SearchError("empty pattern")
    if len(pattern) > MAX_PATTERN:
        raise SearchError(f"pattern longer than {MAX_PATTERN} characters")
    flags = 0 if any(c.isupper() for c in pattern) else re.IGNORECASE
    try:
        return re.compile(pattern.encode("utf-8"), flags | re.MULTILINE)
    except re.error as exc:
        raise SearchError(f"invalid regex: {exc}") from None
