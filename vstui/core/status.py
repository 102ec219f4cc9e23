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
    number of events being backfilled (backfilling), `detail` a one-line reason (error, or a
    note while live such as a backfill that keeps failing). `unreachable` says the server
    does not answer (connecting failed, or the connection stalled), `down_since` (epoch)
    when that began. `connections` counts the stream sessions that went live so far (a
    reconnect makes it grow; the session then reconciles its list).
    """

    state: StreamState = "idle"
    detail: str = ""
    retry_at: float | None = None
    count: int | None = None
    unreachable: bool = False
    down_since: float | None = None
    connections: int = 0

    def describe(self, now: float, *, compact: bool = False) -> str:
        """The status-bar wording: "live", "server unreachable, retrying in 3 s",
        "backfilling 120 events"; `compact` for a narrow line ("unreachable, retry in 3 s").
        A countdown is computed from `now`, so redrawing the same status every second makes
        it move."""
        if self.state == "reconnecting":
            if compact:
                lead = "unreachable, retry" if self.unreachable else "reconnect"
            else:
                lead = "server unreachable, retrying" if self.unreachable else "reconnecting"
            if self.retry_at is not None:
                return f"{lead} in {max(0, round(self.retry_at - now))} s"
            return lead
        if self.state == "connecting" and self.unreachable:
            return "unreachable, retrying now" if compact else "server unreachable, retrying now"
        if self.state == "backfilling":
            if self.count is not None:
                return f"backfilling {self.count} events"
            return "backfilling"
        if self.state == "error":
            return f"error: {self.detail}" if self.detail else "error"
        if self.state == "live" and self.detail:
            return f"live ({self.detail})"  # cut to the room left by the bar
        if self.state == "idle":
            return "not connected"
        return self.state
