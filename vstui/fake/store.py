"""The emulator's world: an in-memory, thread-safe Gerrit (accounts, projects, changes, votes,
messages, verify-status rows, stream events and the events-log).

Public API (names are stable; fake-wire's SSH/HTTP servers and the tests call these)
==================================================================================

Construction and time
    GerritStore(clock=time.time, *, canonical_url="http://127.0.0.1:8080/", salt="vstui",
                max_events=50_000, git_root=None)
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
                on_behalf_of=None, ready=False, work_in_progress=False) -> dict
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

Git (every patch set is a real commit; ps.revision is its sha1)
    git_refs(project) -> dict[ref, sha]       # branch heads and refs/changes/NN/N/P
    git_dir(project) -> Path                  # the bare repository, written/updated on demand
    git_root -> Path                          # where repositories go (temp dir unless given)
    store.ssh_url                             # "ssh://host:port/", for download URLs
    set_account_name(account, name)
    edit_file(change, account, path, bytes | None); change_edit(change); edit_content(change,
    path); discard_edit(change); publish_edit(change, account) -> PatchSet (change edits)
    new_patch_set(..., contents={path: bytes | None})  # real content on the current patch set

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

import os
import time
from collections.abc import Callable

from vstui.fake.errors import AuthError, BadRequest, Conflict, GerritError, NotFound
from vstui.fake.model import ACCOUNT_TEMPLATE_RE as _TEMPLATE_RE
from vstui.fake.model import ZERO_SHA, account_template
from vstui.fake.store_events import StreamEvent
from vstui.fake.store_repos import ReposMixin
from vstui.fake.store_verify import (
    VERIFY_STATUS_MAX,
    sort_and_filter_verifications,
)
from vstui.fake.view import QueryResult

__all__ = [
    "VERIFY_STATUS_MAX",
    "ZERO_SHA",
    "_TEMPLATE_RE",
    "AuthError",
    "BadRequest",
    "Conflict",
    "GerritError",
    "GerritStore",
    "NotFound",
    "QueryResult",
    "StreamEvent",
    "account_template",
    "sort_and_filter_verifications",
]


class GerritStore(ReposMixin):
    """An in-memory Gerrit. See the module docstring for the public API.

    Its parts, one module per concern, stacked so each sees those below it:
    store_core (lock, clock, ids) < store_events (mutation path, events) < store_accounts
    < store_projects < store_changes (changes, patch sets) < store_reviews (votes, submit,
    reviewers) < store_verify (verify-status) < store_repos (git repositories on disk)
    < GerritStore; store_git (git objects) sits between accounts and projects.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        *,
        canonical_url: str = "http://127.0.0.1:8080/",
        salt: str = "vstui",
        max_events: int = 50_000,
        git_root: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(clock, canonical_url=canonical_url, salt=salt)
        self._init_events(max_events)
        self._init_accounts()
        self._init_git()
        self._init_projects()
        self._init_changes()
        self._init_repos(git_root)
