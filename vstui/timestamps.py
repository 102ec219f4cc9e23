"""The one parser of Gerrit timestamps, shared by the client (`vstui.gerrit`) and the CI
parser (`vstui.ci`), which may not import each other.

Accepts REST's `"2013-02-21 11:16:36.775000000"` (UTC, 9 fraction digits), ISO 8601 with
`T`/`Z`/offsets, epoch seconds (int or numeric string), and the verify-status docs' old
`"15 Mar 2016 08:10:41"` form. Fractions beyond microseconds are rounded on the 7th digit, as
msgspec does on the typed REST path, so every path gives the same datetime.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["parse_timestamp"]

_INT_MAX = 2**63
_MICROSECOND = timedelta(microseconds=1)
# Gerrit's own layout, exactly (nanoseconds, no zone): the common case gets a fast path that
# builds the very datetime the general path does (tests/test_timestamps.py proves it).
_GERRIT_TS = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}")
_from_iso = datetime.fromisoformat


def parse_timestamp(value: object) -> datetime | None:
    """A Gerrit timestamp as an aware UTC datetime, or None when it cannot be read."""
    if type(value) is str and len(value) == 29 and _GERRIT_TS.fullmatch(value) is not None:
        try:
            parsed = _from_iso(value[:26] + "+00:00")
        except ValueError:
            return None
        if value[26] >= "5":
            try:
                return parsed + _MICROSECOND
            except OverflowError:  # "9999-12-31 23:59:59.9999995"
                return None
        return parsed
    return _parse_general(value)


def _parse_general(value: object) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = _integral(value)
        return None if seconds is None else _epoch(seconds)
    if not isinstance(value, str) or not 8 <= len(value) <= 64:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return _epoch(int(text))
    if text.endswith("z"):
        text = text[:-1] + "Z"
    main, dot, frac = text.partition(".")
    tail = ""
    round_up = False
    if dot:
        digits = len(frac) - len(frac.lstrip("0123456789"))
        frac, tail = frac[:digits], frac[digits:]
        # datetime takes at most 6 fraction digits; Gerrit sends 9.
        round_up = len(frac) > 6 and frac[6] >= "5"
        text = f"{main}.{frac[:6].ljust(6, '0')}{tail}" if frac else main + tail
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.strptime(text, "%d %b %Y %H:%M:%S")
        except ValueError:
            return None
    try:
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
        return parsed + _MICROSECOND if round_up else parsed
    except OverflowError:  # "0001-01-01T00:00:00+01:00", "9999-12-31 23:59:59.9999995"
        return None


def _integral(value: int | float) -> int | None:
    if isinstance(value, float):
        return int(value) if value.is_integer() and -_INT_MAX <= value < _INT_MAX else None
    return value if -_INT_MAX <= value < _INT_MAX else None


def _epoch(seconds: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
