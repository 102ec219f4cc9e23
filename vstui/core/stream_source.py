"""Adapt the client's `EventStream` (a thread with callbacks) to what the session drains.

The stream thread calls `_on_event` / `_on_state`; they append to a lock-protected buffer and,
when the buffer goes from empty to non-empty, call the wake-up callback (the session passes
`loop.call_soon_threadsafe(event.set)`), so the loop is woken once per batch, not per event.

The stream is built and started in a helper thread: building it imports paramiko (~0.1 s),
which would otherwise delay the first painted screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, cast

from vstui.core.status import StreamState, StreamStatus
from vstui.gerrit.models import Event

# `vstui.gerrit.stream.StreamState` values (compared by value: importing that module here
# would import paramiko on the UI's startup path).
_STATES = {"connecting", "live", "reconnecting", "backfilling", "error", "stopped"}


def status_from_state(state: Any, now: float, connections: int = 0) -> StreamStatus:
    """The client's `ConnectionState` as the status bar shows it."""
    value = getattr(state.state, "value", "error")
    known = cast(StreamState, value if value in _STATES else "error")
    return StreamStatus(
        state=known,
        detail=state.detail,
        retry_at=now + state.retry_in if state.retry_in is not None else None,
        count=state.count,
        unreachable=bool(getattr(state, "unreachable", False)),
        down_since=getattr(state, "down_since", None),
        connections=connections,
    )


class StreamSource:
    """An `EventSource` over `vstui.gerrit.stream.EventStream`.

    `make_stream(on_event, on_state)` builds the (not yet started) stream; tests pass a
    factory for the emulator, `vstui.core.connect` one for a config profile.
    """

    def __init__(
        self,
        make_stream: Callable[[Callable[[Event], None], Callable[[Any], None]], Any],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._make_stream = make_stream
        self._clock = clock
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._status = StreamStatus("connecting")
        self._connections = 0
        self._last_state = ""
        self._wakeup: Callable[[], None] | None = None
        self._stopped = threading.Event()
        self._starter: threading.Thread | None = None
        self.stream: Any = None

    def set_wakeup(self, wakeup: Callable[[], None]) -> None:
        self._wakeup = wakeup

    def start(self) -> None:
        self._starter = threading.Thread(
            target=self._build_and_start, name="vstui-stream-start", daemon=True
        )
        self._starter.start()

    def _build_and_start(self) -> None:
        try:
            stream = self._make_stream(self._on_event, self._on_state)
        except Exception as exc:  # bad SSH settings: say so in the status bar, keep the UI
            with self._lock:
                self._status = StreamStatus("error", detail=str(exc) or type(exc).__name__)
            self._wake()
            return
        with self._lock:
            if self._stopped.is_set():
                return
            self.stream = stream
        stream.start()

    def stop(self) -> None:
        """Stop the stream (waits for the builder thread first; returns within ~1 s)."""
        self._stopped.set()
        if self._starter is not None:
            self._starter.join(5.0)
        with self._lock:
            stream = self.stream
        if stream is not None:
            stream.stop()

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

    def _on_state(self, state: Any) -> None:
        value = getattr(state.state, "value", "")
        with self._lock:
            # The stream publishes "live" right after each successful connect: counted here,
            # so the session sees a reconnect even when it missed the states in between.
            if value == "live" and self._last_state == "connecting":
                self._connections += 1
            self._last_state = value
            self._status = status_from_state(state, self._clock(), self._connections)
        self._wake()
