"""Sessions wired to an in-process emulator the way `vstui demo` wires them: real REST over
loopback HTTP and a real SSH stream with strict host keys (known_hosts in a tmp dir, never ~)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vstui.config import Credentials
from vstui.core.session import ReviewSession
from vstui.core.status import StreamStatus
from vstui.core.stream_source import StreamSource


def account(fg: Any, username: str | None = None) -> dict[str, Any]:
    username = username or fg.info["default_account"]
    return next(a for a in fg.info["accounts"] if a["username"] == username)


def stream_source(fg: Any, directory: Path, **stream_kw: Any) -> StreamSource:
    """The stream `vstui watch --info-file` would build (strict host key from the info file)."""
    from vstui.gerrit.connect import ServerConnection
    from vstui.gerrit.stream import Backoff

    conn = ServerConnection.from_info(fg.info, state_dir=directory)
    stream_kw.setdefault("backoff", Backoff(initial=0.2, maximum=0.5))

    def make(on_event: Any, on_state: Any) -> Any:
        return conn.event_stream(on_event=on_event, on_state=on_state, **stream_kw)

    return StreamSource(make)


def session_for(
    fg: Any,
    directory: Path,
    *,
    server: str = "test",
    stream: bool = True,
    batch_interval: float = 0.05,
    clock: Callable[[], float] = time.time,
    **stream_kw: Any,
) -> ReviewSession:
    from vstui.gerrit.rest import GerritRestClient

    entry = account(fg)
    rest = GerritRestClient(
        fg.http_url, credentials=Credentials(entry["username"], entry["http_password"], "test")
    )
    return ReviewSession(
        server,
        rest,
        stream_source(fg, directory, **stream_kw) if stream else None,
        web_url=fg.http_url,
        batch_interval=batch_interval,
        clock=clock,
    )


class Recorder:
    """A `SessionListener` that remembers everything and lets a test await a condition."""

    def __init__(self) -> None:
        self.updates: list[frozenset[int]] = []
        self.statuses: list[StreamStatus] = []
        self.errors: list[str] = []
        self.progress_texts: list[str] = []
        self.events: list[float] = []
        self._changed = asyncio.Event()

    def _poke(self) -> None:
        self._changed.set()

    def changes_updated(self, numbers: frozenset[int]) -> None:
        self.updates.append(numbers)
        self._poke()

    def status_changed(self, status: StreamStatus) -> None:
        self.statuses.append(status)
        self._poke()

    def event_received(self, when: float) -> None:
        self.events.append(when)
        self._poke()

    def progress(self, text: str) -> None:
        self.progress_texts.append(text)

    def error(self, text: str) -> None:
        self.errors.append(text)
        self._poke()

    @property
    def states(self) -> list[str]:
        return [s.state for s in self.statuses]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wake on every notice until `condition()` holds (TimeoutError after `timeout`)."""
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                if condition():
                    return
                await self._changed.wait()
