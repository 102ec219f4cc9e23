"""Stream events: the mutation path, emission, delivery to subscribers, the events-log,
and the wire shapes of change events and ref-updated."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from vstui.fake import gson
from vstui.fake.model import Account, Change, PatchSet, change_ref, private_viewers
from vstui.fake.render_ssh import account_attr, change_attr, patchset_attr
from vstui.fake.store_core import StoreCore


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """One emitted stream event, serialised once for every subscriber.

    Only the SSH line is stored; `data` and the events-log form are derived on demand, which
    keeps a long-running world's history small.
    """

    seq: int
    type: str
    line: str
    created_on: int
    project: str | None
    change_number: int | None
    visible_to: frozenset[int] | None
    change_key: str | None = None  # Change-Id of change-scoped events (they have the envelope)

    @property
    def data(self) -> dict[str, Any]:
        """The decoded event (a fresh dict each time; key order as on the wire)."""
        data: dict[str, Any] = json.loads(self.line)
        return data

    @property
    def log_line(self) -> str:
        """The events-log (plain Gson) row: `"project":{"name":..}`, `"changeKey":{"key":..}`.

        The SSH line ends with the envelope `,"project":"P","refName":..,"changeKey":{"id":..},
        "type":..`; quotes inside JSON strings are escaped, so these substrings occur once.
        """
        if self.change_key is None or self.project is None:
            return self.line
        project = gson.dumps(self.project)
        return self.line.replace(
            f',"project":{project},"refName":', f',"project":{{"name":{project}}},"refName":', 1
        ).replace(
            f'"changeKey":{{"id":"{self.change_key}"}}',
            f'"changeKey":{{"key":"{self.change_key}"}}',
            1,
        )

    def visible_for(self, account: Account | None) -> bool:
        if self.visible_to is None:
            return True
        return account is not None and account.account_id in self.visible_to


class _Subscriber:
    __slots__ = ("account", "callback")

    def __init__(self, callback: Callable[[StreamEvent], None], account: Account | None):
        self.callback = callback
        self.account = account


class EventsMixin(StoreCore):
    """Event emission and delivery (every mutation goes through `_mutation`)."""

    def _init_events(self, max_events: int) -> None:
        self._events: list[StreamEvent] = []
        self._offset = 0  # seq of the newest event dropped from memory
        self.max_events = max_events
        self._outbox: list[StreamEvent] = []
        self._subscribers: list[_Subscriber] = []
        self._deliver_lock = threading.Lock()

    # ------------------------------------------------------------------ configuration

    @property
    def canonical_url(self) -> str:
        return self._canonical_url

    @canonical_url.setter
    def canonical_url(self, url: str) -> None:
        """Change the server's web URL; stored events are rewritten to the new change URLs.

        The emulator learns its HTTP port only after the scenario is built, and a real
        server never sent URLs with a port it did not have, so history follows the new URL.
        """
        if not url.endswith("/"):
            url += "/"
        with self.lock:
            old = self._canonical_url
            self._canonical_url = url
            if old == url or not self._events:
                return
            old_json, new_json = gson.dumps(old + "c/")[:-1], gson.dumps(url + "c/")[:-1]
            for i, e in enumerate(self._events):
                if old_json in e.line:
                    self._events[i] = dataclasses.replace(
                        e, line=e.line.replace(old_json, new_json)
                    )

    # ------------------------------------------------------------------ mutation path

    @contextmanager
    def _mutation(self) -> Iterator[None]:
        """The one path every mutation takes: under the lock, then deliver events.

        Validation happens first inside the block (raising leaves state untouched), then
        the state update and `_emit` calls. Events are handed to subscribers only after
        the lock is released, so a subscriber can never deadlock the store.
        """
        local = self._local
        with self.lock:
            local.depth = getattr(local, "depth", 0) + 1
            try:
                yield
            finally:
                local.depth -= 1
        # Only the outermost mutation of this thread delivers (a nested one, e.g. made by a
        # subscriber callback, leaves its events to the delivery loop already running).
        if local.depth == 0:
            self._deliver()

    def _emit(
        self,
        data: dict[str, Any] | None,
        *,
        change: Change | None = None,
        project: str | None = None,
        line: str | None = None,
        type_: str | None = None,
        created_on: int | None = None,
    ) -> None:
        """Record one event (caller holds the lock and built it in wire key order)."""
        if self._quiet:
            return
        visible_to = None
        change_key = None
        if change is not None:
            project = change.project
            change_key = change.change_id
            if change.private:
                visible_to = frozenset(private_viewers(change))
        if line is None:
            assert data is not None
            line = gson.dumps(data)
            type_, created_on = data["type"], data["eventCreatedOn"]
        assert type_ is not None and created_on is not None
        event = StreamEvent(
            seq=self._offset + len(self._events) + 1,
            type=type_,
            line=line,
            created_on=created_on,
            project=project,
            change_number=change.number if change is not None else None,
            visible_to=visible_to,
            change_key=change_key if data is None else None,
        )
        self._events.append(event)
        self._outbox.append(event)
        if len(self._events) > self.max_events:
            # Keep memory bounded in long runs (the events-log plugin purges old rows too).
            drop = len(self._events) - self.max_events + self.max_events // 10
            del self._events[:drop]
            self._offset += drop

    def _deliver(self) -> None:
        """Hand queued events to subscribers in global order, from whichever thread is free.

        Only one thread delivers at a time (so order holds); a thread that finds delivery
        busy leaves its events to the busy one, which re-checks the outbox after letting
        go of the delivery lock, so nothing is stranded.
        """
        while True:
            if not self._deliver_lock.acquire(blocking=False):
                return
            try:
                while True:
                    with self.lock:
                        if not self._outbox:
                            break
                        batch, self._outbox = self._outbox, []
                        subscribers = list(self._subscribers)
                    for event in batch:
                        for sub in subscribers:
                            if sub.account is not None and not event.visible_for(sub.account):
                                continue
                            # A broken subscriber must not stop the others.
                            with contextlib.suppress(Exception):
                                sub.callback(event)
            finally:
                self._deliver_lock.release()
            with self.lock:
                if not self._outbox:
                    return

    def subscribe(
        self, callback: Callable[[StreamEvent], None], account: Account | None = None
    ) -> Callable[[], None]:
        """Receive every later event (those `account` may see, if given); returns unsubscribe."""
        sub = _Subscriber(callback, account)
        with self.lock:
            self._subscribers.append(sub)

        def unsubscribe() -> None:
            with self.lock:
                if sub in self._subscribers:
                    self._subscribers.remove(sub)

        return unsubscribe

    @property
    def last_seq(self) -> int:
        """Sequence number of the newest emitted event (0 before any)."""
        return self._offset + len(self._events)

    def events(self, since_seq: int = 0) -> list[StreamEvent]:
        """Events with seq > since_seq still held (the oldest are dropped past max_events)."""
        with self.lock:
            return self._events[max(0, since_seq - self._offset) :]

    def events_log(
        self,
        account: Account | None = None,
        t1: float | None = None,
        t2: float | None = None,
        *,
        limit: int = 5000,
    ) -> list[str]:
        """events-log plugin query: stored project-scoped events, oldest first."""
        with self.lock:
            stored = [e for e in self._events if e.project is not None and e.visible_for(account)]
            if t1 is None and t2 is None:
                rows = stored[-limit:] if limit > 0 else []
            else:
                now = self.now()
                lo, hi = (now if t1 is None else t1), (now if t2 is None else t2)
                if lo > hi:
                    lo, hi = hi, lo
                rows = [e for e in stored if lo <= e.created_on <= hi][:limit]
            return [e.log_line for e in rows]

    # ------------------------------------------------------------------ event shapes

    def _change_event(
        self,
        type_: str,
        fields: dict[str, Any],
        change: Change,
        patch_set: PatchSet | None,
        now: float,
    ) -> None:
        """A change event in wire order: own fields, patchSet, change, envelope, type last."""
        if self._quiet:
            return
        data = dict(fields)
        if patch_set is not None:
            data["patchSet"] = patchset_attr(change, patch_set)
        data["change"] = change_attr(change, self.canonical_url)
        # Serialise once; the events-log form is derived from this line when asked for.
        created = int(now)
        line = (
            f'{gson.dumps(data)[:-1]},"project":{gson.dumps(change.project)},'
            f'"refName":{gson.dumps(change.ref_name)},"changeKey":{{"id":"{change.change_id}"}},'
            f'"type":"{type_}","eventCreatedOn":{created}}}'
        )
        self._emit(None, change=change, line=line, type_=type_, created_on=created)

    def _ref_updated(
        self,
        submitter: Account | None,
        project: str,
        ref: str,
        old: str,
        new: str,
        now: float,
        change: Change | None = None,
    ) -> None:
        if self._quiet:
            return
        data: dict[str, Any] = {}
        if submitter is not None:
            data["submitter"] = account_attr(submitter)
        data["refUpdate"] = {"oldRev": old, "newRev": new, "refName": ref, "project": project}
        data["type"] = "ref-updated"
        data["eventCreatedOn"] = int(now)
        visible_change = change if change is not None and change.private else None
        self._emit(data, change=visible_change, project=project)

    def _touch_meta(self, change: Change, who: Account | None, now: float) -> None:
        """Every change update rewrites refs/changes/NN/N/meta (NoteDb)."""
        old = change.meta_rev
        change.meta_rev = self._fresh_sha("meta")
        change.last_updated = now
        if self._quiet:
            return
        self._ref_updated(
            who,
            change.project,
            change_ref(change.number, "meta"),
            old,
            change.meta_rev,
            now,
            change,
        )
