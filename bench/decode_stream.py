"""Decode + model a recorded stream of realistic comment-added events.

Records comment-added lines from the emulator's seed world and its activity generator
(third-party CI reports with long job lists, human reviews), then times, in the same run:

- floor: bare `json.loads` of every line;
- vstui: `vstui.gerrit.decode.decode_event` (msgspec Structs, what the stream uses);
- alternative: `json.loads` + frozen slotted dataclasses, the other representation that was
  considered for the models (kept here so the choice can be re-measured).

Prints events/s and the ratio to the floor. Goal: >= 100k events/s and <= 2x the floor.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from vstui.gerrit.decode import decode_event

TARGET_EVENTS = 20_000


def record_lines() -> list[str]:
    """comment-added lines as the emulator sends them (seed world + simulated activity)."""
    from vstui.fake import FakeGerrit
    from vstui.fake.activity import Activity

    with tempfile.TemporaryDirectory() as tmp:
        fg = FakeGerrit(scenario="seed", state_dir=tmp)
        fg.start()
        try:
            seq = 0
            activity = Activity(fg.store, rate=1000.0, seed=1)
            for _ in range(3000):
                activity.step()
            lines = [e.line for e in fg.store.events(seq) if '"type":"comment-added"' in e.line]
        finally:
            fg.stop()
    return lines


# ----------------------------------------------------------------- the dataclass alternative


@dataclass(frozen=True, slots=True)
class _Acc:
    name: str | None
    email: str | None
    username: str | None


@dataclass(frozen=True, slots=True)
class _Appr:
    label: str
    value: int
    old_value: int | None


@dataclass(frozen=True, slots=True)
class _PS:
    number: int
    revision: str
    ref: str | None
    uploader: _Acc | None
    created: datetime | None
    kind: str | None


@dataclass(frozen=True, slots=True)
class _Chg:
    number: int
    change_id: str
    project: str
    branch: str
    subject: str
    owner: _Acc | None
    url: str | None
    status: str
    created: datetime | None


@dataclass(frozen=True, slots=True)
class _CA:
    created_on: int | None
    project: str | None
    change_key: str | None
    change: _Chg
    patch_set: _PS
    author: _Acc | None
    approvals: tuple[_Appr, ...]
    comment: str | None
    raw: dict
    line: str


def _acc(d: object) -> _Acc | None:
    return _Acc(d.get("name"), d.get("email"), d.get("username")) if isinstance(d, dict) else None


def _ts(v: object) -> datetime | None:
    return datetime.fromtimestamp(v, UTC) if isinstance(v, int) else None


def dataclass_decode(line: str) -> _CA:
    d = json.loads(line)
    c, p = d["change"], d["patchSet"]
    return _CA(
        d.get("eventCreatedOn"),
        d.get("project"),
        (d.get("changeKey") or {}).get("id"),
        _Chg(
            int(c["number"]),
            c["id"],
            c["project"],
            c["branch"],
            c["subject"],
            _acc(c.get("owner")),
            c.get("url"),
            c.get("status"),
            _ts(c.get("createdOn")),
        ),
        _PS(
            int(p["number"]),
            p["revision"],
            p.get("ref"),
            _acc(p.get("uploader")),
            _ts(p.get("createdOn")),
            p.get("kind"),
        ),
        _acc(d.get("author")),
        tuple(
            _Appr(a["type"], int(a["value"]), int(a["oldValue"]) if "oldValue" in a else None)
            for a in d.get("approvals", ())
        ),
        d.get("comment"),
        d,
        line,
    )


def best_of(fn, lines: list, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for line in lines:
            fn(line)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    base = record_lines()
    if not base:
        print("no comment-added events recorded", file=sys.stderr)
        return 1
    lines = (base * (TARGET_EVENTS // len(base) + 1))[:TARGET_EVENTS]
    blines = [ln.encode() for ln in lines]
    sizes = [len(b) for b in blines]
    print(
        f"recorded {len(base)} distinct comment-added lines; timing {len(lines)} "
        f"(median {statistics.median(sizes):.0f} B, max {max(sizes)} B)"
    )
    floor = best_of(json.loads, lines)
    ours = best_of(decode_event, blines)  # from bytes, as read off the socket
    alt = best_of(dataclass_decode, lines)
    n = len(lines)
    for name, t in (
        ("json.loads (floor)", floor),
        ("vstui decode_event", ours),
        ("json.loads + dataclasses", alt),
    ):
        print(
            f"  {name:26s} {n / t:10,.0f} events/s  {t / n * 1e6:6.2f} us/event  "
            f"{t / floor:4.2f}x floor"
        )
    ok = n / ours >= 100_000 and ours / floor <= 2.0
    print(f"goal >= 100k events/s and <= 2x floor: {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
