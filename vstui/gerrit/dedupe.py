"""Exactly-once delivery across reconnects: match replayed events against delivered ones.

Gerrit events carry no id and `eventCreatedOn` has 1-second resolution, so an event is
identified by its content (plus that second). After a gap, the events-log replay for
`[t1, now]` overlaps what the stream already delivered before the gap and what the new
connection delivers after it. `Deduper` keeps a multiset of what it delivered:

- replay: for each content key K, if the stream already delivered N copies and the replay
  holds M copies, the last M-N replayed copies are new (`max(0, M-N)`), kept in replay order;
- every replayed event that was delivered earns a *credit*: when the live stream later
  brings the same content (it was in flight during the replay), the credit swallows it.

Content keys normalise the documented shape differences between the SSH stream and the
events-log (plain Gson `project:{name}` / `changeKey:{key}` vs `project:"..."` /
`changeKey:{id}`) and ignore vstui's own `"vstui"` marker. Keys are only computed when a
replay happens or credits are outstanding, so the live path costs almost nothing.

Pure logic, no I/O, not thread-safe (owned by the stream thread).
"""

from __future__ import annotations

import hashlib
from collections import Counter, deque
from collections.abc import Iterable
from typing import Any

import msgspec

from vstui.gerrit.models import Event

__all__ = ["Deduper", "content_key", "normalise_event_dict"]

Key = tuple[int | None, bytes]


def normalise_event_dict(raw: dict[str, Any]) -> dict[str, Any]:
    """The event as the SSH stream would carry it (for comparison only)."""
    out = dict(raw)
    project = out.get("project")
    if isinstance(project, dict) and "name" in project:
        out["project"] = project["name"]
    change_key = out.get("changeKey")
    if isinstance(change_key, dict) and "key" in change_key and "id" not in change_key:
        out["changeKey"] = {"id": change_key["key"]}
    out.pop("vstui", None)
    return out


_encoder = msgspec.json.Encoder(order="sorted")


def content_key(event: Event) -> Key:
    """(second, digest of the normalised content) — equal for the same event from any source."""
    try:
        body = _encoder.encode(normalise_event_dict(event.raw))
    except (TypeError, ValueError, OverflowError, RecursionError):
        body = event.line.encode("utf-8", "replace")
    return event.event_created_on, hashlib.blake2b(body, digest_size=16).digest()


class Deduper:
    """Decides which events reach consumers. See the module docstring for the rules.

    Content keys are computed lazily, only for events in a second where both sides have
    something: a replay row whose second saw no delivered event is new without hashing, and
    a live event is only hashed when replayed events of its second are still unmatched.

    Args:
        keep_seconds: how long delivered events stay comparable (must exceed the replay margin).
        max_recent: hard cap on remembered events (memory bound on very busy servers).
    """

    def __init__(self, keep_seconds: int = 30, max_recent: int = 200_000) -> None:
        self.keep_seconds = keep_seconds
        self.max_recent = max_recent
        self._recent: deque[Event] = deque()  # delivered, oldest first by arrival
        # second -> replay-delivered events the live stream may still bring (with their keys
        # once computed); swallowed when the live copy arrives.
        self._credits: dict[int | None, list[list[Any]]] = {}
        self._pins: list[int] = []
        self.newest: int | None = None  # highest eventCreatedOn delivered so far
        self.delivered = 0
        self.suppressed = 0

    # -- bookkeeping --------------------------------------------------------------

    def pin(self, since: int) -> None:
        """Keep delivered events with eventCreatedOn >= `since` until `unpin(since)`."""
        self._pins.append(since)

    def unpin(self, since: int) -> None:
        if since in self._pins:
            self._pins.remove(since)
        self._prune()

    def _horizon(self) -> int | None:
        if self.newest is None:
            return None
        horizon = self.newest - self.keep_seconds
        return min([horizon, *self._pins])

    def _remember(self, event: Event) -> None:
        self._recent.append(event)
        ts = event.event_created_on
        if ts is not None and (self.newest is None or ts > self.newest):
            self.newest = ts
        self.delivered += 1
        if len(self._recent) > 1024 and (len(self._recent) & 255) == 0:
            self._prune()

    def _prune(self) -> None:
        horizon = self._horizon()
        recent = self._recent
        if horizon is not None:
            while recent and (recent[0].event_created_on or 0) < horizon:
                recent.popleft()
            for ts in [t for t in self._credits if t is None or t < horizon]:
                del self._credits[ts]
        while len(recent) > self.max_recent:
            recent.popleft()

    # -- the entry points -------------------------------------------------------------

    def mark_seen(self, events: Iterable[Event]) -> None:
        """Record events as delivered without delivering them (what happened before vstui
        connected), so a later replay does not deliver them."""
        for event in events:
            self._remember(event)
            self.delivered -= 1

    def accept_live(self, event: Event) -> bool:
        """A live stream event: True to deliver it, False if a replay already delivered it."""
        if self._credits:
            pending = self._credits.get(event.event_created_on)
            if pending:
                key = content_key(event)
                for i, entry in enumerate(pending):
                    if entry[1] is None:
                        entry[1] = content_key(entry[0])
                    if entry[1] == key:
                        del pending[i]
                        if not pending:
                            del self._credits[event.event_created_on]
                        self.suppressed += 1
                        return False
        self._remember(event)
        return True

    def accept_replay(self, events: Iterable[Event], since: int) -> list[Event]:
        """Replayed events for `[since, now]`, oldest first -> the ones to deliver, in order.

        Rows older than `since` are ignored (nothing to compare them with).
        """
        by_second: dict[int, list[Event]] = {}
        for e in self._recent:
            ts = e.event_created_on
            if ts is not None and ts >= since:
                by_second.setdefault(ts, []).append(e)
        delivered: dict[int, Counter[Key]] = {}  # per second, built on first need
        seen: Counter[Key] = Counter()
        out: list[Event] = []
        for event in events:
            ts = event.event_created_on
            if ts is None or ts < since:
                continue
            if ts in by_second:
                counts = delivered.get(ts)
                if counts is None:
                    counts = delivered[ts] = Counter(content_key(e) for e in by_second[ts])
                key = content_key(event)
                seen[key] += 1
                if seen[key] <= counts[key]:
                    self.suppressed += 1
                    continue
            out.append(event)
            self._credits.setdefault(ts, []).append([event, None])
        for event in out:
            self._remember(event)
        self._prune()
        return out
