"""Helpers shared by the store-level tests (a settable clock, decoded event lines)."""

from __future__ import annotations

import json
from typing import Any

from vstui.fake.store import GerritStore

T0 = 1_700_000_000.0


class FakeClock:
    """A settable clock: events get exactly the times a test chooses."""

    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


def lines_of(store: GerritStore, since: int = 0) -> list[dict[str, Any]]:
    return [json.loads(e.line) for e in store.events(since)]
