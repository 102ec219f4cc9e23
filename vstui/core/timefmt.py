"""Short human ages ("42s", "5m", "3h", "12d") for list cells and the status bar."""

from __future__ import annotations

from datetime import datetime


def format_age(seconds: float | None) -> str:
    """A compact age: seconds under a minute, then minutes, hours, days, years."""
    if seconds is None:
        return ""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 86400 * 365:
        return f"{int(seconds // 86400)}d"
    return f"{int(seconds // (86400 * 365))}y"


def age_of(when: datetime | None, now: float) -> str:
    """`format_age` of a timezone-aware datetime relative to the epoch time `now`."""
    if when is None:
        return ""
    return format_age(now - when.timestamp())


def format_duration(seconds: float | None) -> str:
    """A job duration: "45s", "3m 10s", "1h 52m"."""
    if seconds is None:
        return ""
    seconds = round(max(0.0, seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {sec:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
