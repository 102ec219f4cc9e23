"""The store's base: lock, injectable clock, quiet mode and deterministic ids."""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class StoreCore:
    """Lock, clock and id generation shared by every part of `GerritStore`."""

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        *,
        canonical_url: str = "http://127.0.0.1:8080/",
        salt: str = "vstui",
    ) -> None:
        self._clock = clock
        self._clock_override: Callable[[], float] | None = None
        self._canonical_url = canonical_url
        self._salt = salt
        self.lock = threading.RLock()
        self._local = threading.local()  # per-thread mutation nesting depth
        self._quiet = 0
        self._counter = 0
        self.ssh_url: str | None = None  # "ssh://host:port/", set by the server that runs

    # ------------------------------------------------------------------ time, ids

    def now(self) -> float:
        return (self._clock_override or self._clock)()

    @contextmanager
    def simulated_clock(self, clock: Callable[[], float]) -> Iterator[None]:
        """Use `clock` instead of the real one (scenarios write history in the past)."""
        with self.lock:
            previous, self._clock_override = self._clock_override, clock
        try:
            yield
        finally:
            with self.lock:
                self._clock_override = previous

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Mutations inside emit no stream events and log nothing (fast bulk loading)."""
        with self.lock:
            self._quiet += 1
        try:
            yield
        finally:
            with self.lock:
                self._quiet -= 1

    def _sha(self, text: str) -> str:
        return hashlib.sha1(f"{self._salt}:{text}".encode()).hexdigest()

    def _fresh_sha(self, kind: str) -> str:
        self._counter += 1
        return self._sha(f"{kind}:{self._counter}")

    def _fresh_uuid(self) -> str:
        self._counter += 1
        digest = hashlib.sha256(f"{self._salt}:uuid:{self._counter}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))
