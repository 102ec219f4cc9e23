"""Injected faults: dropped and stalled SSH streams, failing and slow HTTP.

A `Faults` object is shared, mutable state: the servers read it on every decision, so
tests and benchmarks can change it while the emulator runs (`fg.faults.http_fail_rate = 0.3`).
The periodic SSH faults are driven by `FaultScheduler`, owned by `FakeGerrit`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Faults:
    """What should go wrong, and how often. All zero (the default) means a healthy server.

    - `drop_ssh_every`: every S seconds, abruptly close every stream-events connection.
    - `stall_ssh_every`: every S seconds, stop writing to stream-events sessions for
      `stall_ssh_for` seconds (default: half the period) without closing them; events that
      arrive meanwhile queue up (and overflow into `dropped-output`, as on Gerrit).
    - `http_fail_rate`: probability (0..1) that a REST request gets a 503.
    - `http_latency_ms`: delay added before every REST response.
    """

    drop_ssh_every: float = 0.0
    stall_ssh_every: float = 0.0
    stall_ssh_for: float | None = None
    http_fail_rate: float = 0.0
    http_latency_ms: float = 0.0
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False, compare=False)
    _rng_lock: threading.Lock = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.validate()
        self._rng = random.Random(self.seed)
        self._rng_lock = threading.Lock()

    def validate(self) -> None:
        """Raise ValueError with a one-line reason if a value is out of range."""
        for name in ("drop_ssh_every", "stall_ssh_every", "http_latency_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.stall_ssh_for is not None and self.stall_ssh_for < 0:
            raise ValueError("stall_ssh_for must be >= 0")
        if not 0.0 <= self.http_fail_rate <= 1.0:
            raise ValueError("http_fail_rate must be between 0 and 1")

    @property
    def stall_duration(self) -> float:
        if self.stall_ssh_for is not None:
            return self.stall_ssh_for
        return self.stall_ssh_every / 2

    def should_fail_http(self) -> bool:
        rate = self.http_fail_rate
        if rate <= 0:
            return False
        with self._rng_lock:
            return self._rng.random() < rate


class FaultScheduler:
    """Fires the periodic SSH faults; re-reads `faults` every tick so changes apply live."""

    TICK = 0.05

    def __init__(
        self,
        faults: Faults,
        drop: Callable[[], object],
        stall: Callable[[float], object],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.faults = faults
        self._drop = drop
        self._stall = stall
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-gerrit-faults", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=1)

    def _run(self) -> None:
        next_drop: float | None = None
        next_stall: float | None = None
        period_drop = period_stall = 0.0
        while not self._stop.wait(self.TICK):
            now = self._clock()
            f = self.faults
            if f.drop_ssh_every != period_drop:  # (re)arm when the period changes
                period_drop = f.drop_ssh_every
                next_drop = now + period_drop if period_drop > 0 else None
            if f.stall_ssh_every != period_stall:
                period_stall = f.stall_ssh_every
                next_stall = now + period_stall if period_stall > 0 else None
            if next_drop is not None and now >= next_drop:
                next_drop = now + period_drop
                self._drop()
            if next_stall is not None and now >= next_stall:
                next_stall = now + period_stall
                self._stall(f.stall_duration)
