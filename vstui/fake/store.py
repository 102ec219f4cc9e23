"""The emulator's world: an in-memory, thread-safe Gerrit (accounts, projects, changes, votes,
messages, verify-status rows, stream events and the events-log).

Public API (names are stable; fake-wire's SSH/HTTP servers and the tests call these)
==================================================================================

Construction and time
    GerritStore(clock=time.time, *, canonical_url="http://127.0.0.1:8080/", salt="vstui",
                max_events=50_000)
    store.now() -> float                      # the injectable clock, seconds since the epoch
    store.canonical_url                       # settable; change URLs are f"{url}c/{project}/+/{n}"
    store.lock                                # RLock; hold it while rendering a consistent view
    store.simulated_clock(fn)                 # context manager: use `fn` as the clock (scenarios)
    store.quiet()                             # context manager: mutations emit no events (bulk load)

Accounts, groups, capabilities
    create_account(username, name, email=None, *, service_user=False, admin=False,
                   groups=(), http_password=None, display_name=None) -> Account
    set_ssh_key(username, public_key_line)    # register an OpenSSH public key line
    account(ref) -> Account | None            # id (int or digits), username or email
    accounts() -> list[Account]
    check_http_password(username, password) -> Account | None   (constant-time compare)
    has_capability(account, capability) -> bool
        capabilities: "streamEvents" (Service Users + Administrators),
        "verify-status-saveVerificationReport" (explicit grant only, fallBackToAdmin=false),
        "administrateServer", "verify-status-accessCiDatabase"
    grant_capability(capability, group_name); add_to_group(account, group_name)
    groups() -> list[Group]; group(name) -> Group | None
    resolve_account(id, caller=None) -> Account          raises NotFound / AuthError
        forms: self|me (needs caller), number, username, email, full name,
        "Full Name (id)", "Name <email>"

Projects
    create_project(name, *, labels=None, description="", head="refs/heads/master",
                   creator=None) -> Project
        emits project-created, ref-updated (refs/meta/config), ref-updated (the head branch)
    project(name) -> Project | None; projects() -> list[Project]

Changes (every `change` argument accepts a Change or its number; `revision` accepts a
PatchSet, a patch-set number, "current", or a sha1 / unique prefix of >= 4 hex digits)
    create_change(project, owner, subject, *, branch="master", topic=None, body="",
                  change_id=None, wip=False, private=False, files=None,
                  reviewers=(), cc=(), number=None) -> Change
        emits patchset-created, reviewer-added per initial reviewer/CC, ref-updated
        (refs/changes/NN/N/1), ref-updated (.../meta)
    new_patch_set(change, uploader=None, *, kind="REWORK", subject=None, body=None,
                  files=None) -> PatchSet              patchset-created + 2 ref-updated
    post_review(change, revision, account, *, message=None, labels=None, tag=None,
                on_behalf_of=None, ready=False, work_in_progress=False, comments=()) -> dict
        `comments`: vstui.fake.comments.CommentInput list, published with the message
        (which gains Gerrit's "(N comments)" line); votes outside the caller's range
        (vstui.fake.permissions) raise AuthError 'Applying label "X": 2 is restricted'.
        ReviewResult {"labels": {...}} (plus "ready": true when set ready); emits
        comment-added (approvals with oldValue for changed labels) + ref-updated meta.
        Errors: BadRequest('label "X" is not a configured label'),
                BadRequest('label "X": 5 is not a valid value'), Conflict on closed changes.
    abandon(change, account, message="")  -> change-abandoned  (Conflict "change is merged"...)
    restore(change, account, message="")  -> change-restored
    submit(change, account, *, force=False) -> change-merged + ref-updated (branch) + meta
        Conflict "Failed to submit 1 change due to the following problems:\n..." when a
        MaxWithBlock label lacks its max vote or holds a min vote (force=True skips it).
    delete_vote(change, reviewer, label, remover, message=None) -> vote-deleted
    add_reviewer(change, reviewer, adder, state="REVIEWER"|"CC") -> reviewer-added
    remove_reviewer(change, reviewer, remover) -> reviewer-deleted
    set_topic(change, topic_or_None, account) -> topic-changed
    set_wip(change, wip, account, message=None) -> wip-state-changed
    set_private(change, private, account, message=None) -> private-state-changed
    set_hashtags(change, account, add=(), remove=()) -> hashtags-changed
    save_verifications(change, revision, account, verifications) -> list[Verification]
        verify-status POST semantics (no stream event, like the plugin): a key equal to an
        existing row's UUID updates it in place; any other key is a new row whose name is
        the key. AuthError "saveVerificationReport for plugin verify-status not permitted";
        BadRequest "Missing verifications field" / "Missing value field".
    verifications(change, revision, *, sort=None, filter=None) -> list[Verification]
        sort REPORTER|NAME|DATE, filter CURRENT|FAILED (case-insensitive), as GetVerifications.

Reading
    change(number) -> Change | None; changes() -> list[Change] (creation order)
    can_see(account_or_None, change) -> bool  (private: owner, reviewers, CCs only)
    resolve_change(id, account=None) -> Change        raises NotFound("Not found: <id>")
        forms: number, project~number, project~branch~Change-Id, Change-Id (I + 40 hex)
    resolve_revision(change, revision_id) -> PatchSet  raises NotFound
    query(q, account=None, *, limit=None, start=0, no_limit=False)
        -> QueryResult(changes, more_changes); Gerrit query language (vstui.fake.query),
        newest-updated first, capped at 500 (queryLimit) unless no_limit; QueryError on bad q

Events
    subscribe(callback, account=None) -> unsubscribe()
        callback(event: StreamEvent) for every event in global emission order; with
        `account`, only events that account may see. Called outside the store lock (a
        callback may call store methods); callbacks should be quick (queue and return).
    events(since_seq=0) -> list[StreamEvent]          everything emitted (tests, replay)
    last_seq -> int                                   seq of the newest event (0 = none)
    events_log(account=None, t1=None, t2=None, *, limit=5000) -> list[str]
        events-log plugin rows (plain-Gson shape) with t1 <= eventCreatedOn <= t2 (seconds,
        order of t1/t2 irrelevant, a missing one = now, both None = the newest `limit`),
        oldest first, at most `limit`, only those `account` may see.

StreamEvent fields: seq, type, line (exact compact JSON, no newline), created_on (int
seconds), project, change_number, visible_to (frozenset of account ids, or None = everyone);
derived: data (decoded dict), log_line (events-log shape), visible_for(account). The store
keeps the newest `max_events` (default 50,000) events in memory.

Related modules: vstui.fake.render_ssh / render_rest (payloads for both servers),
vstui.fake.query (query language), vstui.fake.scenarios.load_scenario (worlds),
vstui.fake.activity.Activity (live traffic), vstui.fake.ci_styles (CI comment formats).

Errors (vstui.fake.errors): GerritError(message, status) and subclasses BadRequest (400),
AuthError (403), NotFound (404), Conflict (409), QueryError (400; SSH prints it as
{"type":"error","message":...}).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from vstui.fake import comments as comments_mod
from vstui.fake import gson, permissions
from vstui.fake.comments import CommentInput
from vstui.fake.errors import AuthError, BadRequest, Conflict, GerritError, NotFound
from vstui.fake.model import (
    ADMINISTRATORS,
    CAP_ACCESS_CI_DATABASE,
    CAP_ADMINISTRATE_SERVER,
    CAP_SAVE_VERIFICATION,
    CAP_STREAM_EVENTS,
    CHANGE_KINDS,
    REGISTERED_USERS,
    SERVICE_USERS,
    Account,
    Approval,
    Change,
    ChangeMessage,
    Group,
    LabelType,
    PatchSet,
    Project,
    ReviewerUpdate,
    Verification,
    change_ref,
    default_labels,
)
from vstui.fake.render_ssh import (
    account_attr,
    approval_event_attr,
    change_attr,
    patchset_attr,
)

__all__ = [
    "AuthError",
    "BadRequest",
    "Conflict",
    "GerritError",
    "GerritStore",
    "NotFound",
    "QueryResult",
    "StreamEvent",
]

ZERO_SHA = "0" * 40
VERIFY_STATUS_MAX = 255  # PATCH_SET_VERIFICATIONS varchar(255) columns
_CHANGE_ID_RE = re.compile(r"^I[0-9a-f]{40}$")
_HEX_RE = re.compile(r"^[0-9a-f]{4,40}$")
_TEMPLATE_RE = re.compile(r"<GERRIT_ACCOUNT_(\d+)>")


def account_template(account: Account) -> str:
    """How Gerrit stores an account mention in a change message."""
    return f"<GERRIT_ACCOUNT_{account.account_id}>"


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
        return json.loads(self.line)

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


@dataclass(frozen=True, slots=True)
class QueryResult:
    changes: list[Change]
    more_changes: bool


class _Subscriber:
    __slots__ = ("account", "callback")

    def __init__(self, callback: Callable[[StreamEvent], None], account: Account | None):
        self.callback = callback
        self.account = account


class GerritStore:
    """An in-memory Gerrit. See the module docstring for the public API."""

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        *,
        canonical_url: str = "http://127.0.0.1:8080/",
        salt: str = "vstui",
        max_events: int = 50_000,
    ) -> None:
        self._clock = clock
        self._clock_override: Callable[[], float] | None = None
        self._canonical_url = canonical_url
        self._salt = salt
        self.lock = threading.RLock()
        self._local = threading.local()  # per-thread mutation nesting depth
        self._quiet = 0
        self._counter = 0
        # accounts / groups
        self._accounts: dict[int, Account] = {}
        self._by_username: dict[str, Account] = {}
        self._by_email: dict[str, Account] = {}
        self._next_account_id = 1000000
        self._groups: dict[str, Group] = {}
        self._capabilities: dict[str, set[str]] = {
            CAP_STREAM_EVENTS: {SERVICE_USERS, ADMINISTRATORS},
            CAP_SAVE_VERIFICATION: set(),
            CAP_ADMINISTRATE_SERVER: {ADMINISTRATORS},
            CAP_ACCESS_CI_DATABASE: set(),
        }
        for gid, name in enumerate((ADMINISTRATORS, SERVICE_USERS, REGISTERED_USERS), 1):
            self._groups[name] = Group(gid, self._sha(f"group:{name}"), name)
        # projects / changes
        self._projects: dict[str, Project] = {}
        self._changes: dict[int, Change] = {}
        self._by_change_id: dict[str, list[Change]] = {}
        self._next_change_number = 1
        # events
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
                visible_to = frozenset(self._private_viewers(change))
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

    def _add_message(
        self,
        change: Change,
        author: Account | None,
        text: str,
        now: float,
        *,
        tag: str | None = None,
        ps: int | None = None,
        real_author: Account | None = None,
    ) -> ChangeMessage:
        msg = ChangeMessage(
            id=self._fresh_sha("msg"),
            author=author,
            date=now,
            message=text,
            tag=tag,
            revision_number=ps if ps is not None else change.current.number,
            real_author=real_author
            if real_author is not None and real_author is not author
            else None,
        )
        change.messages.append(msg)
        return msg

    # ------------------------------------------------------------------ accounts

    def create_account(
        self,
        username: str,
        name: str,
        email: str | None = None,
        *,
        service_user: bool = False,
        admin: bool = False,
        groups: Iterable[str] = (),
        http_password: str | None = None,
        display_name: str | None = None,
    ) -> Account:
        with self._mutation():
            if username in self._by_username:
                raise Conflict(f"username '{username}' already exists")
            account_id = self._next_account_id
            self._next_account_id += 1
            if http_password is None:
                http_password = self._sha(f"http:{username}")[:22]
            acct = Account(
                account_id=account_id,
                username=username,
                name=name,
                email=email if email is not None else f"{username}@example.org",
                http_password=http_password,
                display_name=display_name,
                registered_on=self.now(),
            )
            self._accounts[account_id] = acct
            self._by_username[username] = acct
            self._by_email[acct.email.lower()] = acct
            wanted = set(groups) | {REGISTERED_USERS}
            if service_user:
                wanted.add(SERVICE_USERS)
            if admin:
                wanted.add(ADMINISTRATORS)
            for g in wanted:
                self._add_to_group(acct, g)
            return acct

    def _add_to_group(self, account: Account, group_name: str) -> None:
        group = self._groups.get(group_name)
        if group is None:
            group = Group(len(self._groups) + 1, self._sha(f"group:{group_name}"), group_name)
            self._groups[group_name] = group
        group.members.add(account.account_id)
        account.groups.add(group_name)

    def add_to_group(self, account: Account | str, group_name: str) -> None:
        with self._mutation():
            self._add_to_group(self._account_arg(account), group_name)

    def grant_capability(self, capability: str, group_name: str) -> None:
        with self._mutation():
            self._capabilities.setdefault(capability, set()).add(group_name)
            if group_name not in self._groups:
                self._groups[group_name] = Group(
                    len(self._groups) + 1, self._sha(f"group:{group_name}"), group_name
                )

    def has_capability(self, account: Account | None, capability: str) -> bool:
        if account is None or account.inactive:
            return False
        with self.lock:
            granted = self._capabilities.get(capability, set())
            if account.groups & granted:
                return True
            # Core capabilities fall back to administrators; verify-status ones do not
            # (fallBackToAdmin = false), so admins need an explicit grant there.
            return capability in (CAP_STREAM_EVENTS, CAP_ADMINISTRATE_SERVER) and account.is_admin

    def set_ssh_key(self, username: str, public_key_line: str) -> None:
        """Register an OpenSSH public key line (`ssh-ed25519 AAAA... comment`) for a user."""
        with self._mutation():
            acct = self._by_username.get(username)
            if acct is None:
                raise NotFound(f"Not found: {username}")
            line = public_key_line.strip()
            parts = line.split()
            if len(parts) < 2:
                raise BadRequest("Invalid SSH key")
            if not any(k.split()[:2] == parts[:2] for k in acct.ssh_keys):
                acct.ssh_keys.append(line)

    def account(self, ref: int | str) -> Account | None:
        with self.lock:
            if isinstance(ref, int):
                return self._accounts.get(ref)
            if ref.isdigit():
                return self._accounts.get(int(ref))
            return self._by_username.get(ref) or self._by_email.get(ref.lower())

    def accounts(self) -> list[Account]:
        with self.lock:
            return list(self._accounts.values())

    def groups(self) -> list[Group]:
        with self.lock:
            return list(self._groups.values())

    def group(self, name: str) -> Group | None:
        with self.lock:
            return self._groups.get(name)

    def check_http_password(self, username: str, password: str) -> Account | None:
        acct = self.account(username) if username else None
        if acct is None or acct.inactive:
            # Compare anyway so timing does not reveal which usernames exist.
            hmac.compare_digest(password.encode(), b"x" * 22)
            return None
        if hmac.compare_digest(password.encode(), acct.http_password.encode()):
            return acct
        return None

    def resolve_account(self, ident: str, caller: Account | None = None) -> Account:
        """Resolve a REST `{account-id}` (self/me, id, username, email, name, ...)."""
        ident = ident.strip()
        if ident in ("self", "me"):
            if caller is None:
                raise AuthError(f"Resolving account '{ident}' requires login")
            return caller
        with self.lock:
            m = re.fullmatch(r".*\((\d+)\)", ident)
            if m and int(m.group(1)) in self._accounts:
                return self._accounts[int(m.group(1))]
            m = re.fullmatch(r".*<([^>]+)>", ident)
            if m and m.group(1).lower() in self._by_email:
                return self._by_email[m.group(1).lower()]
            found = self.account(ident)
            if found is not None:
                return found
            by_name = [a for a in self._accounts.values() if a.name == ident]
            if len(by_name) == 1:
                return by_name[0]
        raise NotFound(f"Account '{ident}' not found")

    def _account_arg(self, account: Account | str | int) -> Account:
        if isinstance(account, Account):
            return account
        found = self.account(account)
        if found is None:
            raise NotFound(f"Account '{account}' not found")
        return found

    # ------------------------------------------------------------------ projects

    def create_project(
        self,
        name: str,
        *,
        labels: Iterable[LabelType] | None = None,
        description: str = "",
        head: str = "refs/heads/master",
        creator: Account | None = None,
    ) -> Project:
        with self._mutation():
            if name in self._projects:
                raise Conflict("Project already exists")
            now = self.now()
            project = Project(
                name=name,
                labels={lt.name: lt for lt in (labels if labels is not None else default_labels())},
                description=description,
                head=head,
                created_on=now,
            )
            config_rev = self._fresh_sha("config")
            head_rev = self._fresh_sha("head")
            project.branches[head] = head_rev
            self._projects[name] = project
            self._emit(
                {
                    "projectName": name,
                    "headName": head,
                    "type": "project-created",
                    "eventCreatedOn": int(now),
                },
                project=name,
            )
            self._ref_updated(creator, name, "refs/meta/config", ZERO_SHA, config_rev, now)
            self._ref_updated(creator, name, head, ZERO_SHA, head_rev, now)
            return project

    def project(self, name: str) -> Project | None:
        with self.lock:
            return self._projects.get(name)

    def projects(self) -> list[Project]:
        with self.lock:
            return list(self._projects.values())

    # ------------------------------------------------------------------ changes: reading

    def change(self, number: int) -> Change | None:
        with self.lock:
            return self._changes.get(number)

    def changes(self) -> list[Change]:
        with self.lock:
            return list(self._changes.values())

    def _change_arg(self, change: Change | int) -> Change:
        if isinstance(change, Change):
            return change
        found = self._changes.get(int(change))
        if found is None:
            raise NotFound(f"Not found: {change}")
        return found

    def _private_viewers(self, change: Change) -> set[int]:
        return {change.owner.account_id, *change.reviewers}

    def can_see(self, account: Account | None, change: Change) -> bool:
        if not change.private:
            return True
        return account is not None and account.account_id in self._private_viewers(change)

    def resolve_change(self, ident: str | int, account: Account | None = None) -> Change:
        """Resolve a REST `{change-id}`; invisible changes are 'Not found' as in Gerrit."""
        raw = str(ident)
        with self.lock:
            found: list[Change] = []
            parts = raw.split("~")
            if raw.isdigit():
                c = self._changes.get(int(raw))
                found = [c] if c else []
            elif len(parts) == 2 and parts[1].isdigit():
                c = self._changes.get(int(parts[1]))
                found = [c] if c and c.project == parts[0] else []
            elif len(parts) == 3:
                project, branch, cid = parts
                branch = branch.removeprefix("refs/heads/")
                found = [
                    c
                    for c in self._by_change_id.get(cid, [])
                    if c.project == project and c.branch == branch
                ]
            elif _CHANGE_ID_RE.match(raw):
                found = list(self._by_change_id.get(raw, []))
            found = [c for c in found if self.can_see(account, c)]
            if len(found) != 1:
                raise NotFound(f"Not found: {raw}")
            return found[0]

    def resolve_revision(self, change: Change | int, revision: str | int | PatchSet) -> PatchSet:
        """Resolve a REST `{revision-id}`: current, a patch-set number, a sha1 or prefix."""
        change = self._change_arg(change)
        if isinstance(revision, PatchSet):
            return revision
        raw = str(revision)
        with self.lock:
            if raw == "current":
                return change.current
            if re.fullmatch(r"[1-9][0-9]{0,4}", raw):
                # Gerrit's legacy patch-set-number syntax wins over a numeric sha prefix.
                ps = change.patch_set(int(raw))
                if ps is not None:
                    return ps
                raise NotFound(f"Not found: {raw}")
            if _HEX_RE.match(raw):
                hits = [ps for ps in change.patch_sets if ps.revision.startswith(raw)]
                if len(hits) == 1:
                    return hits[0]
        raise NotFound(f"Not found: {raw}")

    def query(
        self,
        q: str,
        account: Account | None = None,
        *,
        limit: int | None = None,
        start: int = 0,
        no_limit: bool = False,
    ) -> QueryResult:
        from vstui.fake.query import run_query

        with self.lock:
            return run_query(self, q, account, limit=limit, start=start, no_limit=no_limit)

    # ------------------------------------------------------------------ changes: writing

    def create_change(
        self,
        project: str,
        owner: Account | str,
        subject: str,
        *,
        branch: str = "master",
        topic: str | None = None,
        body: str = "",
        change_id: str | None = None,
        wip: bool = False,
        private: bool = False,
        files: list[tuple[str, str, int, int]] | None = None,
        reviewers: Iterable[Account | str] = (),
        cc: Iterable[Account | str] = (),
        number: int | None = None,
    ) -> Change:
        with self._mutation():
            owner = self._account_arg(owner)
            proj = self._projects.get(project)
            if proj is None:
                raise BadRequest(f"Project {project} not found")
            branch = branch.removeprefix("refs/heads/")
            if not subject.strip():
                raise BadRequest("commit message is empty")
            ref_branch = "refs/heads/" + branch
            if ref_branch not in proj.branches:
                proj.branches[ref_branch] = self._fresh_sha("branch")
            if number is not None and (number < 1 or number in self._changes):
                raise Conflict(f"change number {number} is taken")
            now = self.now()
            if number is None:
                number = self._next_change_number
            self._next_change_number = max(self._next_change_number, number + 1)
            change_id = change_id or "I" + self._fresh_sha("changeid")
            change = Change(
                number=number,
                change_id=change_id,
                project=project,
                branch=branch,
                subject=subject,
                owner=owner,
                created_on=now,
                last_updated=now,
                topic=topic or None,
                wip=wip,
                private=private,
            )
            self._changes[number] = change
            self._by_change_id.setdefault(change_id, []).append(change)
            ps = self._make_patch_set(change, owner, "REWORK", subject, body, files, now, proj)
            change.patch_sets.append(ps)
            change.approvals[1] = {}
            for r in reviewers:
                acct = self._account_arg(r)
                if acct is not owner:
                    change.reviewers[acct.account_id] = (acct, "REVIEWER")
                    change.reviewer_updates.append(ReviewerUpdate("REVIEWER", acct, owner, now))
            for r in cc:
                acct = self._account_arg(r)
                if acct is not owner and acct.account_id not in change.reviewers:
                    change.reviewers[acct.account_id] = (acct, "CC")
                    change.reviewer_updates.append(ReviewerUpdate("CC", acct, owner, now))
            self._add_message(
                change,
                owner,
                "Uploaded patch set 1.",
                now,
                tag="autogenerated:gerrit:newWipPatchSet"
                if wip
                else "autogenerated:gerrit:newPatchSet",
                ps=1,
            )
            self._change_event(
                "patchset-created", {"uploader": account_attr(owner)}, change, ps, now
            )
            for acct, _state in change.reviewers.values():
                # Reviewers named at upload (%r=, %cc=) are announced one by one (3.11+).
                self._change_event(
                    "reviewer-added",
                    {"reviewer": account_attr(acct), "adder": account_attr(owner)},
                    change,
                    ps,
                    now,
                )
            self._ref_updated(owner, project, ps.ref, ZERO_SHA, ps.revision, now, change)
            self._touch_meta(change, owner, now)
            return change

    def _make_patch_set(
        self,
        change: Change,
        uploader: Account,
        kind: str,
        subject: str,
        body: str | None,
        files: list[tuple[str, str, int, int]] | None,
        now: float,
        proj: Project,
    ) -> PatchSet:
        number = len(change.patch_sets) + 1
        message = subject.strip() + "\n"
        if body:
            message += "\n" + body.strip("\n") + "\n"
        message += f"\nChange-Id: {change.change_id}\n"
        if files is None:
            files = _default_files(change, number)
        ins = sum(f[2] for f in files)
        dels = sum(f[3] for f in files)
        parent = proj.branches.get(change.ref_name) or self._fresh_sha("parent")
        return PatchSet(
            number=number,
            revision=self._fresh_sha("rev"),
            parents=[parent],
            ref=change_ref(change.number, number),
            uploader=uploader,
            author=change.owner,
            created_on=now,
            kind=kind,
            commit_message=message,
            size_insertions=ins,
            size_deletions=dels,
            files=list(files),
            wip=change.wip,
        )

    def new_patch_set(
        self,
        change: Change | int,
        uploader: Account | str | None = None,
        *,
        kind: str = "REWORK",
        subject: str | None = None,
        body: str | None = None,
        files: list[tuple[str, str, int, int]] | None = None,
    ) -> PatchSet:
        with self._mutation():
            change = self._change_arg(change)
            uploader = self._account_arg(uploader) if uploader is not None else change.owner
            if change.status != "NEW":
                raise Conflict(f"change {change.number} closed")
            if kind not in CHANGE_KINDS:
                raise BadRequest(f"unknown change kind {kind}")
            proj = self._projects[change.project]
            now = self.now()
            if subject:
                change.subject = subject
            if body is None:
                old = change.current.commit_message
                body = old.split("\n\n", 1)[1].rsplit("\nChange-Id:", 1)[0] if "\n\n" in old else ""
            prev = change.current
            ps = self._make_patch_set(
                change, uploader, kind, change.subject, body, files, now, proj
            )
            change.patch_sets.append(ps)
            carried: dict[tuple[str, int], Approval] = {}
            if kind != "REWORK":
                for key, ap in change.approvals.get(prev.number, {}).items():
                    lt = proj.labels.get(ap.label)
                    if lt is not None and lt.copy_on_trivial_rebase:
                        carried[key] = Approval(
                            ap.label, ap.value, ap.account, ap.granted, ap.tag, ps.number
                        )
            change.approvals[ps.number] = carried
            self._add_message(
                change,
                uploader,
                f"Uploaded patch set {ps.number}.",
                now,
                tag="autogenerated:gerrit:newWipPatchSet"
                if change.wip
                else "autogenerated:gerrit:newPatchSet",
                ps=ps.number,
            )
            self._change_event(
                "patchset-created", {"uploader": account_attr(uploader)}, change, ps, now
            )
            self._ref_updated(uploader, change.project, ps.ref, ZERO_SHA, ps.revision, now, change)
            self._touch_meta(change, uploader, now)
            return ps

    def post_review(
        self,
        change: Change | int,
        revision: PatchSet | int | str,
        account: Account | str,
        *,
        message: str | None = None,
        labels: Mapping[str, int] | None = None,
        tag: str | None = None,
        on_behalf_of: Account | str | None = None,
        ready: bool = False,
        work_in_progress: bool = False,
        comments: Sequence[CommentInput] = (),
    ) -> dict[str, Any]:
        """Set Review: message, votes and inline comments (`vstui.fake.comments`) by
        `account` (or on behalf of someone)."""
        with self._mutation():
            change = self._change_arg(change)
            ps = self.resolve_revision(change, revision)
            caller = self._account_arg(account)
            proj = self._projects[change.project]
            labels = dict(labels or {})
            author = caller
            if on_behalf_of is not None:
                author = self._account_arg(on_behalf_of)
                if not labels:
                    raise AuthError(f'label required to post review on behalf of "{on_behalf_of}"')
                if not (caller.is_admin or caller.is_service_user):
                    name = next(iter(labels))
                    raise AuthError(
                        f'not permitted to modify label "{name}" on behalf of "{on_behalf_of}"'
                    )
            # validate everything before touching state
            normalized: dict[str, int] = {}
            for name, value in labels.items():
                lt = proj.labels.get(name) or next(
                    (t for t in proj.labels.values() if t.name.lower() == name.lower()), None
                )
                if lt is None:
                    raise BadRequest(f'label "{name}" is not a configured label')
                try:
                    ivalue = int(value)
                except (TypeError, ValueError):
                    raise BadRequest(f'label "{name}": {value} is not a valid value') from None
                if ivalue not in lt.values:
                    raise BadRequest(f'label "{lt.name}": {ivalue} is not a valid value')
                if on_behalf_of is None:
                    permissions.check_vote(self, change.project, lt, caller, ivalue)
                normalized[lt.name] = ivalue
            comments_mod.validate(self, change, ps, comments)
            ps_approvals = change.approvals.setdefault(ps.number, {})
            changed: dict[str, tuple[int, int]] = {}
            for name, value in normalized.items():
                old = ps_approvals.get((name, author.account_id))
                old_value = old.value if old is not None else 0
                if old_value != value:
                    changed[name] = (old_value, value)
            if changed and change.status == "ABANDONED":
                raise Conflict("change is closed")
            if changed and change.status == "MERGED":
                lowered = [n for n, (o, v) in changed.items() if v < o]
                if lowered:
                    raise Conflict(
                        "Cannot reduce vote on labels for closed change: " + ", ".join(lowered)
                    )
            text = (message or "").strip()  # PostReviewOp trims the message
            if not changed and not text and not ready and not work_in_progress and not comments:
                return {"labels": normalized} if normalized else {}
            now = self.now()
            for name, (_old, value) in changed.items():
                key = (name, author.account_id)
                if value == 0:
                    ps_approvals.pop(key, None)
                else:
                    ps_approvals[key] = Approval(
                        name,
                        value,
                        author,
                        now,
                        tag,
                        ps.number,
                        post_submit=change.status == "MERGED",
                    )
            if author is not change.owner and author.account_id not in change.reviewers:
                state = "REVIEWER" if normalized else "CC"
                change.reviewers[author.account_id] = (author, state)
                change.reviewer_updates.append(ReviewerUpdate(state, author, caller, now))
            elif (
                normalized
                and author.account_id in change.reviewers
                and change.reviewers[author.account_id][1] == "CC"
            ):
                change.reviewers[author.account_id] = (author, "REVIEWER")
                change.reviewer_updates.append(ReviewerUpdate("REVIEWER", author, caller, now))
            votes = " ".join(
                (f"-{n}" if v == 0 else f"{n}{v:+d}") for n, (_o, v) in changed.items()
            )
            first = f"Patch Set {ps.number}:" + (f" {votes}" if votes else "")
            if comments:
                first += "\n\n" + comments_mod.count_text(len(comments))
            text_out = first + (f"\n\n{text}" if text else "")
            self._add_message(
                change, author, text_out, now, tag=tag, ps=ps.number, real_author=caller
            )
            if comments:
                message_id = change.messages[-1].id
                comments_mod.publish(self, change, ps, author, comments, message_id, now)
            # comment-added approvals: every label posted or still held by the author,
            # in the project's label order; oldValue only where this review changed it.
            approvals = []
            for lt in proj.labels.values():
                held = ps_approvals.get((lt.name, author.account_id))
                if lt.name in changed:
                    old_value, value = changed[lt.name]
                    approvals.append(approval_event_attr(lt.name, value, old_value))
                elif lt.name in normalized or held is not None:
                    approvals.append(approval_event_attr(lt.name, held.value if held else 0))
            fields: dict[str, Any] = {"author": account_attr(author)}
            if approvals:
                fields["approvals"] = approvals
            fields["comment"] = text_out
            flipped = (ready and change.wip) or (work_in_progress and not change.wip)
            if flipped:
                change.wip = not change.wip
            self._change_event("comment-added", fields, change, ps, now)
            if flipped:
                self._change_event(
                    "wip-state-changed",
                    {"changer": account_attr(caller)},
                    change,
                    change.current,
                    now,
                )
            self._touch_meta(change, author, now)
            result: dict[str, Any] = {"labels": normalized} if normalized else {}
            if ready:
                result["ready"] = True
            return result

    def abandon(self, change: Change | int, account: Account | str, message: str = "") -> Change:
        with self._mutation():
            change = self._change_arg(change)
            who = self._account_arg(account)
            if change.status != "NEW":
                raise Conflict(f"change is {change.status.lower()}")
            now = self.now()
            change.status = "ABANDONED"
            text = "Abandoned" + (f"\n\n{message.strip()}" if message.strip() else "")
            self._add_message(change, who, text, now, tag="autogenerated:gerrit:abandon")
            fields: dict[str, Any] = {"abandoner": account_attr(who)}
            if message.strip():
                fields["reason"] = message.strip()
            self._change_event("change-abandoned", fields, change, change.current, now)
            self._touch_meta(change, who, now)
            return change

    def restore(self, change: Change | int, account: Account | str, message: str = "") -> Change:
        with self._mutation():
            change = self._change_arg(change)
            who = self._account_arg(account)
            if change.status != "ABANDONED":
                raise Conflict(f"change is {change.status.lower()}")
            now = self.now()
            change.status = "NEW"
            text = "Restored" + (f"\n\n{message.strip()}" if message.strip() else "")
            self._add_message(change, who, text, now, tag="autogenerated:gerrit:restore")
            fields: dict[str, Any] = {"restorer": account_attr(who)}
            if message.strip():
                fields["reason"] = message.strip()
            self._change_event("change-restored", fields, change, change.current, now)
            self._touch_meta(change, who, now)
            return change

    def submit_problems(self, change: Change) -> list[str]:
        """Unsatisfied submit requirements (label functions), in Gerrit's wording."""
        proj = self._projects[change.project]
        current = change.current_approvals()
        problems = []
        for lt in proj.labels.values():
            votes = [a.value for (name, _), a in current.items() if name == lt.name]
            has_max = lt.max in votes
            has_min = lt.min in votes and lt.min < 0
            if lt.function == "MaxWithBlock":
                ok = has_max and not has_min
            elif lt.function == "MaxNoBlock":
                ok = has_max
            elif lt.function == "AnyWithBlock":
                ok = not has_min
            else:
                ok = True
            if not ok:
                problems.append(
                    f"Change {change.number}: submit requirement '{lt.name}' is unsatisfied."
                )
        return problems

    def submit(
        self, change: Change | int, account: Account | str, *, force: bool = False
    ) -> Change:
        with self._mutation():
            change = self._change_arg(change)
            who = self._account_arg(account)
            if change.status != "NEW":
                raise Conflict(f"change is {change.status.lower()}")
            if change.wip and not force:
                raise Conflict(f"Change {change.number} is work in progress")
            problems = [] if force else self.submit_problems(change)
            if problems:
                raise Conflict(
                    "Failed to submit 1 change due to the following problems:\n"
                    + "\n".join(problems)
                )
            now = self.now()
            proj = self._projects[change.project]
            old_tip = proj.branches.get(change.ref_name, ZERO_SHA)
            ps = change.current
            new_tip = ps.revision if old_tip in ps.parents else self._fresh_sha("merge")
            proj.branches[change.ref_name] = new_tip
            change.status = "MERGED"
            change.submitted = now
            change.submitter = who
            change.merged_rev = new_tip
            self._add_message(
                change,
                who,
                "Change has been successfully merged",
                now,
                tag="autogenerated:gerrit:merged",
            )
            self._change_event(
                "change-merged",
                {"submitter": account_attr(who), "newRev": new_tip},
                change,
                ps,
                now,
            )
            self._ref_updated(who, change.project, change.ref_name, old_tip, new_tip, now)
            self._touch_meta(change, who, now)
            return change

    def delete_vote(
        self,
        change: Change | int,
        reviewer: Account | str,
        label: str,
        remover: Account | str,
        message: str | None = None,
    ) -> None:
        with self._mutation():
            change = self._change_arg(change)
            reviewer = self._account_arg(reviewer)
            remover = self._account_arg(remover)
            ps = change.current
            approvals = change.approvals.setdefault(ps.number, {})
            ap = approvals.get((label, reviewer.account_id))
            if ap is None:
                raise NotFound(f"Not found: {label}")
            now = self.now()
            del approvals[(label, reviewer.account_id)]
            text = f"Removed {label}{ap.value:+d} by {account_template(reviewer)}\n"
            if message:
                text += f"\n{message}\n"
            self._add_message(change, remover, text, now, tag="autogenerated:gerrit:deleteVote")
            proj = self._projects[change.project]
            attrs = []
            for lt in proj.labels.values():
                if lt.name == label:
                    attrs.append(approval_event_attr(label, 0, ap.value))
                else:
                    held = approvals.get((lt.name, reviewer.account_id))
                    if held is not None:
                        attrs.append(approval_event_attr(lt.name, held.value))
            self._change_event(
                "vote-deleted",
                {
                    "reviewer": account_attr(reviewer),
                    "remover": account_attr(remover),
                    "approvals": attrs,
                    "comment": text,
                },
                change,
                ps,
                now,
            )
            self._touch_meta(change, remover, now)

    def add_reviewer(
        self,
        change: Change | int,
        reviewer: Account | str,
        adder: Account | str,
        state: str = "REVIEWER",
    ) -> None:
        with self._mutation():
            change = self._change_arg(change)
            reviewer = self._account_arg(reviewer)
            adder = self._account_arg(adder)
            if state not in ("REVIEWER", "CC"):
                raise BadRequest(f"invalid reviewer state {state}")
            current = change.reviewers.get(reviewer.account_id)
            if current is not None and current[1] == state:
                return
            now = self.now()
            change.reviewers[reviewer.account_id] = (reviewer, state)
            change.reviewer_updates.append(ReviewerUpdate(state, reviewer, adder, now))
            self._change_event(
                "reviewer-added",
                {"reviewer": account_attr(reviewer), "adder": account_attr(adder)},
                change,
                change.current,
                now,
            )
            self._touch_meta(change, adder, now)

    def remove_reviewer(
        self, change: Change | int, reviewer: Account | str, remover: Account | str
    ) -> None:
        with self._mutation():
            change = self._change_arg(change)
            reviewer = self._account_arg(reviewer)
            remover = self._account_arg(remover)
            if reviewer.account_id not in change.reviewers:
                raise NotFound(f"Not found: {reviewer.account_id}")
            now = self.now()
            ps = change.current
            approvals = change.approvals.setdefault(ps.number, {})
            removed = [
                approvals.pop(key) for key in list(approvals) if key[1] == reviewer.account_id
            ]
            # Viewers are captured before the reviewer goes, so the removed reviewer of a
            # private change still sees their own removal.
            del change.reviewers[reviewer.account_id]
            change.reviewer_updates.append(ReviewerUpdate("REMOVED", reviewer, remover, now))
            text = f"Removed reviewer {account_template(reviewer)}"
            if removed:
                text += " with the following votes:\n\n" + "".join(
                    f"* {a.label}{a.value:+d} by {account_template(reviewer)}\n" for a in removed
                )
            else:
                text += "."
            self._add_message(change, remover, text, now, tag="autogenerated:gerrit:deleteReviewer")
            self._change_event(
                "reviewer-deleted",
                {
                    "reviewer": account_attr(reviewer),
                    "remover": account_attr(remover),
                    "approvals": [approval_event_attr(a.label, 0, a.value) for a in removed],
                    "comment": text,
                },
                change,
                ps,
                now,
            )
            self._touch_meta(change, remover, now)

    def set_topic(self, change: Change | int, topic: str | None, account: Account | str) -> None:
        with self._mutation():
            change = self._change_arg(change)
            who = self._account_arg(account)
            topic = (topic or "").strip() or None
            if topic is not None and len(topic) > 2048:
                raise BadRequest("topic length exceeds the limit (2048)")
            old = change.topic
            if old == topic:
                return
            now = self.now()
            change.topic = topic
            if old is None:
                text = f"Topic set to {topic}"
            elif topic is None:
                text = f"Topic {old} removed"
            else:
                text = f"Topic changed from {old} to {topic}"
            self._add_message(change, who, text, now, tag="autogenerated:gerrit:setTopic")
            fields: dict[str, Any] = {"changer": account_attr(who)}
            if old is not None:
                fields["oldTopic"] = old
            self._change_event("topic-changed", fields, change, None, now)
            self._touch_meta(change, who, now)

    def set_wip(
        self, change: Change | int, wip: bool, account: Account | str, message: str | None = None
    ) -> None:
        with self._mutation():
            change = self._change_arg(change)
            who = self._account_arg(account)
            if change.status != "NEW":
                raise Conflict(f"change is {change.status.lower()}")
            if change.wip == wip:
                raise Conflict(
                    "change is already work in progress"
                    if wip
                    else "change is not work in progress"
                )
            now = self.now()
            change.wip = wip
            text = "Set Work In Progress" if wip else "Set Ready For Review"
            if message:
                text += f"\n\n{message}"
            tag = (
                "autogenerated:gerrit:setWorkInProgress"
                if wip
                else "autogenerated:gerrit:setReadyForReview"
            )
            self._add_message(change, who, text, now, tag=tag)
            self._change_event(
                "wip-state-changed", {"changer": account_attr(who)}, change, change.current, now
            )
            self._touch_meta(change, who, now)

    def set_private(
        self,
        change: Change | int,
        private: bool,
        account: Account | str,
        message: str | None = None,
    ) -> None:
        with self._mutation():
            change = self._change_arg(change)
            who = self._account_arg(account)
            if change.private == private:
                if private:
                    return  # PostPrivate on a private change answers OK and does nothing
                raise Conflict("change is not private")
            if private and change.status == "MERGED":
                raise Conflict("cannot set merged change to private")
            now = self.now()
            change.private = private
            text = "Set private" if private else "Unset private"
            if message:
                text += f"\n\n{message}"
            tag = (
                "autogenerated:gerrit:setPrivate"
                if private
                else "autogenerated:gerrit:unsetPrivate"
            )
            self._add_message(change, who, text, now, tag=tag)
            self._change_event(
                "private-state-changed",
                {"changer": account_attr(who)},
                change,
                change.current,
                now,
            )
            self._touch_meta(change, who, now)

    def set_hashtags(
        self,
        change: Change | int,
        account: Account | str,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> list[str]:
        with self._mutation():
            change = self._change_arg(change)
            who = self._account_arg(account)
            clean = lambda tags: [t.strip().lstrip("#") for t in tags if t.strip().lstrip("#")]  # noqa: E731
            to_add = [t for t in dict.fromkeys(clean(add)) if t not in change.hashtags]
            to_remove = [t for t in dict.fromkeys(clean(remove)) if t in change.hashtags]
            if not to_add and not to_remove:
                return list(change.hashtags)
            now = self.now()
            change.hashtags = sorted([t for t in change.hashtags if t not in to_remove] + to_add)
            parts = []
            if to_add:
                parts.append(
                    ("Hashtag added: " if len(to_add) == 1 else "Hashtags added: ")
                    + ", ".join(to_add)
                )
            if to_remove:
                parts.append(
                    ("Hashtag removed: " if len(to_remove) == 1 else "Hashtags removed: ")
                    + ", ".join(to_remove)
                )
            self._add_message(
                change, who, "\n".join(parts), now, tag="autogenerated:gerrit:setHashtag"
            )
            fields: dict[str, Any] = {"editor": account_attr(who)}
            if to_add:
                fields["added"] = to_add
            if to_remove:
                fields["removed"] = to_remove
            if change.hashtags:
                fields["hashtags"] = list(change.hashtags)
            self._change_event("hashtags-changed", fields, change, None, now)
            self._touch_meta(change, who, now)
            return list(change.hashtags)

    # ------------------------------------------------------------------ verify-status

    def save_verifications(
        self,
        change: Change | int,
        revision: PatchSet | int | str,
        account: Account | str | None,
        verifications: Mapping[str, Mapping[str, Any]] | None,
    ) -> list[Verification]:
        """The verify-status POST (PostVerification.java). Emits no stream event."""
        with self._mutation():
            change = self._change_arg(change)
            ps = self.resolve_revision(change, revision)
            who = self._account_arg(account) if account is not None else None
            if not self.has_capability(who, CAP_SAVE_VERIFICATION):
                raise AuthError("saveVerificationReport for plugin verify-status not permitted")
            if verifications is None:
                raise BadRequest("Missing verifications field")
            if not isinstance(verifications, Mapping):
                raise BadRequest("Invalid verifications field")
            for key, info in verifications.items():
                if not isinstance(info, Mapping) or info.get("value") is None:
                    raise BadRequest("Missing value field")
                try:
                    value = int(info["value"])
                except (TypeError, ValueError):
                    raise BadRequest("Missing value field") from None
                if not -32768 <= value <= 32767:
                    raise BadRequest(f"Invalid value {value}")
                for f in ("url", "reporter", "comment", "category", "duration"):
                    v = info.get(f)
                    if v is not None and len(str(v)) > VERIFY_STATUS_MAX:
                        # The plugin's varchar(255) columns reject it in the database.
                        raise GerritError("Internal server error", 500)
                if len(key) > VERIFY_STATUS_MAX:
                    raise GerritError("Internal server error", 500)
            rows = change.verifications.setdefault(ps.number, [])
            by_id = {r.job_id: r for r in rows}
            now = self.now()
            saved = []
            for key, info in verifications.items():
                value = int(info["value"])
                row = by_id.get(key)
                if row is not None:
                    row.granted = now
                    row.value = value
                    if info.get("abstain") is True:
                        row.abstain = True
                    if info.get("rerun") is True:
                        row.rerun = True
                    for f in ("url", "reporter", "comment", "category", "duration"):
                        if info.get(f) is not None:
                            setattr(row, f, str(info[f]))
                else:
                    row = Verification(
                        job_id=self._fresh_uuid(),
                        name=key,
                        value=value,
                        granted=now,
                        url=_opt_str(info.get("url")),
                        abstain=info.get("abstain") is True,
                        rerun=info.get("rerun") is True,
                        reporter=_opt_str(info.get("reporter")),
                        comment=_opt_str(info.get("comment")),
                        category=_opt_str(info.get("category")),
                        duration=_opt_str(info.get("duration")),
                    )
                    rows.append(row)
                    by_id[row.job_id] = row
                saved.append(row)
            return saved

    def verifications(
        self,
        change: Change | int,
        revision: PatchSet | int | str,
        *,
        sort: str | None = None,
        filter: str | None = None,
    ) -> list[Verification]:
        """GetVerifications: database order unless sorted; CURRENT/FAILED filters."""
        with self.lock:
            change = self._change_arg(change)
            ps = self.resolve_revision(change, revision)
            rows = list(change.verifications.get(ps.number, []))
        return sort_and_filter_verifications(rows, sort, filter)


def sort_and_filter_verifications(
    rows: list[Verification], sort: str | None, filter: str | None
) -> list[Verification]:
    flt = (filter or "").upper()
    if flt == "CURRENT":
        newest: dict[tuple[str, str], Verification] = {}
        for r in rows:
            key = (r.reporter or "(unknown)", r.name)
            seen = newest.get(key)
            if seen is None or r.granted >= seen.granted:
                newest[key] = r
        keep = {id(r) for r in newest.values()}
        rows = [r for r in rows if id(r) in keep]
    elif flt == "FAILED":
        rows = [r for r in rows if r.value < 0]
    srt = (sort or "").upper()
    if srt == "REPORTER":
        rows.sort(key=lambda r: -r.granted)
        rows.sort(key=lambda r: ((r.reporter or ""), r.name))
    elif srt == "NAME":
        rows.sort(key=lambda r: -r.granted)
        rows.sort(key=lambda r: r.name)
    elif srt == "DATE":
        rows.sort(key=lambda r: -r.granted)
    return rows


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _default_files(change: Change, ps_number: int) -> list[tuple[str, str, int, int]]:
    """A plausible file list, derived from the change number (deterministic, cheap)."""
    base = change.project.rsplit("/", 1)[-1].replace("-", "_")
    n = change.number
    a = (n * 7 + ps_number * 3) % 40 + 3
    d = (n * 5 + ps_number) % 15
    return [
        (f"{base}/volume/drivers/driver_{n % 17}.py", "MODIFIED", a, d),
        (f"{base}/tests/unit/test_driver_{n % 17}.py", "MODIFIED", a // 2 + 1, d // 3),
    ]
