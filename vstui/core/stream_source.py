"""Adapt the client's `EventStream` (a thread with callbacks) to what the session drains.

The stream thread calls `_on_event` / `_on_state`; they append to a lock-protected buffer and,
when the buffer goes from empty to non-empty, call the wake-up callback (the session passes
`loop.call_soon_threadsafe(event.set)`), so the loop is woken once per batch, not per event.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from vstui.core.status import StreamStatus
from vstui.gerrit.models import Event
from vstui.gerrit.stream import ConnectionState, StreamState

_STATES = {
    StreamState.CONNECTING: "connecting",
    StreamState.LIVE: "live",
    StreamState.RECONNECTING: "reconnecting",
    StreamState.BACKFILLING: "backfilling",
    StreamState.ERROR: "error",
    StreamState.STOPPED: "stopped",
}


def status_from_state(state: ConnectionState, now: float) -> StreamStatus:
    """The client's `ConnectionState` as the status bar shows it."""
    return StreamStatus(
        state=_STATES.get(state.state, "error"),  # type: ignore[arg-type]
        detail=state.detail,
        retry_at=now + state.retry_in if state.retry_in is not None else None,
        count=state.count,
    )


class StreamSource:
    """An `EventSource` over `vstui.gerrit.stream.EventStream`.

    `make_stream(on_event, on_state)` builds the (not yet started) stream; tests pass a
    factory for the emulator, `vstui.core.connect` one for a config profile.
    """

    def __init__(
        self,
        make_stream: Callable[[Callable[[Event], None], Callable[[ConnectionState], None]], Any],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._make_stream = make_stream
        self._clock = clock
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._status = StreamStatus("connecting")
        self._wakeup: Callable[[], None] | None = None
        self.stream: Any = None

    def set_wakeup(self, wakeup: Callable[[], None]) -> None:
        self._wakeup = wakeup

    def start(self) -> None:
        self.stream = self._make_stream(self._on_event, self._on_state)
        self.stream.start()

    def stop(self) -> None:
        if self.stream is not None:
            self.stream.stop()

    def drain(self) -> list[Event]:
        with self._lock:
            events, self._events = self._events, []
        return events

    def status(self) -> StreamStatus:
        with self._lock:
            return self._status

    def _wake(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None:
            wakeup()

    def _on_event(self, event: Event) -> None:
        with self._lock:
            first = not self._events
            self._events.append(event)
        if first:
            self._wake()

    def _on_state(self, state: ConnectionState) -> None:
        status = status_from_state(state, self._clock())
        with self._lock:
            self._status = status
        self._wake()
