"""Zuul's status API for one change: which jobs run, for how long, and how long they take.

`<zuul>/api/tenant/<tenant>/status/change/<number>,<ps>` answers a JSON list of queue items,
each with `jobs` (`name`, `elapsed_time` and `remaining_time` in ms, `estimated_time` in s,
`start_time`, `url`/`stream_url`, `result` null while running). The Zuul root and tenant
come from the CI's own report URLs (`<zuul>/t/<tenant>/build/<uuid>`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from vstui.sanitize import is_safe_url, one_line

MAX_STATUS_BYTES = 2 * 1024 * 1024
MAX_JOBS = 500
_ROOT = re.compile(r"^(https?://[^?#]+?)/t/([^/?#]+)/")


@dataclass(frozen=True, slots=True)
class LiveJob:
    """A job Zuul is running now."""

    name: str
    start_time: float | None
    elapsed_s: float | None
    estimated_s: float | None
    url: str | None
    result: str | None = None

    @property
    def progress(self) -> float | None:
        """Elapsed over estimated (0..1), when Zuul knows an estimate."""
        if self.elapsed_s is None or not self.estimated_s:
            return None
        return max(0.0, min(1.0, self.elapsed_s / self.estimated_s))


def status_url(report_url: str, number: int, patch_set: int) -> str | None:
    """The status URL for a change, from any of the CI's `<zuul>/t/<tenant>/...` URLs."""
    m = _ROOT.match(report_url)
    if m is None:
        return None
    return f"{m.group(1)}/api/tenant/{m.group(2)}/status/change/{number},{patch_set}"


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_status(body: bytes) -> list[LiveJob]:
    """The jobs of every queue item; malformed entries are skipped, never raised."""
    try:
        data = json.loads(body[:MAX_STATUS_BYTES])
    except (ValueError, UnicodeDecodeError):
        raise ValueError("the Zuul status answer is not JSON") from None
    items = data if isinstance(data, list) else []
    out: list[LiveJob] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        for job in item.get("jobs") or ():
            if not isinstance(job, dict) or not isinstance(job.get("name"), str):
                continue
            elapsed = _num(job.get("elapsed_time"))
            url = job.get("url") or job.get("stream_url")
            result = job.get("result")
            out.append(
                LiveJob(
                    one_line(job["name"], 200),
                    _num(job.get("start_time")),
                    elapsed / 1000 if elapsed is not None else None,
                    _num(job.get("estimated_time")),
                    url if isinstance(url, str) and is_safe_url(url) else None,
                    one_line(result, 40) if isinstance(result, str) else None,
                )
            )
            if len(out) >= MAX_JOBS:
                return out
    return out
