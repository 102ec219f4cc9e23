"""The stream connection state as the UI shows it, independent of how the client reports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

StreamState = Literal[
    "idle", "connecting", "live", "reconnecting", "backfilling", "error", "stopped"
]


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """One snapshot of the stream's state.

    `retry_at` is the epoch time of the next reconnect attempt (reconnecting), `count` the
    number of events being backfilled (backfilling), `detail` a one-line reason (error).
    """

    state: StreamState = "idle"
    detail: str = ""
    retry_at: float | None = None
    count: int | None = None

    def describe(self, now: float) -> str:
        """The status-bar wording: "live", "reconnecting in 3 s", "backfilling 120 events"."""
        if self.state == "reconnecting":
            if self.retry_at is not None:
                return f"reconnecting in {max(0, round(self.retry_at - now))} s"
            return "reconnecting"
        if self.state == "backfilling":
            if self.count is not None:
                return f"backfilling {self.count} events"
            return "backfilling"
        if self.state == "error":
            return f"error: {self.detail}" if self.detail else "error"
        if self.state == "idle":
            return "not connected"
        return self.state
