"""Decode REST bodies into the client's models, as the UI receives them.

Records, from the emulator's `large:2000` world over real HTTP: a 500-change list page (the
change list's options), a 40-change page with messages (what a live refresh fetches), the
messages and verify-status rows of its busiest change (what opening it fetches). Then times,
in the same run, per entry:

- floor: msgspec decoding the bytes to plain dicts/lists (no models at all);
- vstui: `vstui.gerrit.decode.decode_changes` & co. (typed msgspec structs from the bytes,
  then the models; what the client and the session use);
- the dict path: the floor plus `changes_from_json` & co. (the tolerant converters, used
  before the typed path and still used for entries the typed structs do not accept).

Medians of 7 runs with the cyclic GC paused (the UI pauses it while a list loads).
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = 7


def record() -> dict[str, bytes]:
    import httpx

    from vstui.core.session import LIST_OPTIONS, SUMMARY_OPTIONS
    from vstui.fake import FakeGerrit

    bodies: dict[str, bytes] = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeGerrit(scenario="large:2000", state_dir=tmp) as fake,
    ):
        user = fake.info["default_account"]
        account = next(a for a in fake.info["accounts"] if a["username"] == user)
        heavy = max(fake.store.changes(), key=lambda c: len(c.messages)).number
        with httpx.Client(
            base_url=fake.http_url + "a/", auth=(user, account["http_password"])
        ) as http:

            def get(path: str, params: list[tuple[str, str]] | None = None) -> bytes:
                response = http.get(path, params=params)
                response.raise_for_status()
                return response.content

            query = [("q", "status:open")]
            bodies["list"] = get(
                "changes/", [*query, ("n", "500"), *(("o", o) for o in LIST_OPTIONS)]
            )
            bodies["summary"] = get(
                "changes/", [*query, ("n", "40"), *(("o", o) for o in SUMMARY_OPTIONS)]
            )
            bodies["messages"] = get(f"changes/{heavy}/messages")
            bodies["verifications"] = get(
                f"changes/{heavy}/revisions/current/verify-status~verifications"
            )
    return bodies


def median_seconds(fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    from vstui.gerrit import decode

    bodies = record()
    cases = {
        "list page (LABELS, DETAILED_ACCOUNTS)": (
            bodies["list"],
            decode.decode_changes,
            decode.changes_from_json,
            "change",
        ),
        "page with messages (+CURRENT_REVISION, MESSAGES)": (
            bodies["summary"],
            decode.decode_changes,
            decode.changes_from_json,
            "change",
        ),
        "messages of the busiest change": (
            bodies["messages"],
            decode.decode_messages,
            decode.messages_from_json,
            "message",
        ),
        "verify-status rows of that change": (
            bodies["verifications"],
            decode.decode_verifications,
            decode.verifications_from_json,
            "row",
        ),
    }
    gc.disable()
    try:
        for title, (body, typed, convert, unit) in cases.items():
            count = len(typed(body))
            floor = median_seconds(lambda body=body: decode.decode_json(body))
            ours = median_seconds(lambda body=body, typed=typed: typed(body))
            old = median_seconds(
                lambda body=body, convert=convert: convert(decode.decode_json(body))
            )
            per = 1e6 / count
            print(
                f"{title}: {count} {unit}s, {len(body) / count:,.0f} B each | "
                f"floor (msgspec to dicts) {floor * per:.1f} us/{unit} | "
                f"vstui typed {ours * per:.1f} us/{unit} ({ours / floor:.1f}x floor) | "
                f"dict path {old * per:.1f} us/{unit} ({old / ours:.1f}x slower than typed)"
            )
    finally:
        gc.enable()
    return 0


if __name__ == "__main__":
    sys.exit(main())
