"""Changes and patch sets: reading, resolving ids, querying, creating, new patch sets,
abandon/restore, topic, work-in-progress, private and hashtags."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from vstui.fake.errors import BadRequest, Conflict, NotFound
from vstui.fake.model import (
    CHANGE_KINDS,
    ZERO_SHA,
    Account,
    Approval,
    Change,
    ChangeMessage,
    PatchSet,
    Project,
    ReviewerUpdate,
    change_ref,
    private_viewers,
)
from vstui.fake.query import run_query
from vstui.fake.render_ssh import account_attr
from vstui.fake.store_git import PushedCommit
from vstui.fake.store_projects import ProjectsMixin
from vstui.fake.view import QueryResult

_CHANGE_ID_RE = re.compile(r"^I[0-9a-f]{40}$")
_HEX_RE = re.compile(r"^[0-9a-f]{4,40}$")


class ChangesMixin(ProjectsMixin):
    """Changes and their patch sets (reviews and votes live in `ReviewsMixin`)."""

    def _init_changes(self) -> None:
        self._changes: dict[int, Change] = {}
        self._by_change_id: dict[str, list[Change]] = {}
        self._next_change_number = 1
        self._edits: dict[int, dict[str, bytes | None]] = {}

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
        return private_viewers(change)

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

    def query(
        self,
        q: str,
        account: Account | None = None,
        *,
        limit: int | None = None,
        start: int = 0,
        no_limit: bool = False,
    ) -> QueryResult:
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
        pushed: PushedCommit | None = None,
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
                # A branch made on the fly starts where HEAD's branch is (or from scratch).
                proj.branches[ref_branch] = proj.branches.get(
                    proj.head
                ) or self._git_initial_commit(project, proj.description, None, self.now())
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
            ps = self._make_patch_set(
                change, owner, "REWORK", subject, body, files, now, proj, pushed=pushed
            )
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

    def rebase(self, change: Change | int, account: Account | str) -> PatchSet:
        """`POST /changes/{id}/rebase`: the current patch set replayed on its branch's tip."""
        with self._mutation():
            change = self._change_arg(change)
            who = self._account_arg(account)
            if change.status != "NEW":
                raise Conflict(f"Change {change.number} is {change.status.lower()}")
            tip = self._projects[change.project].branches.get(change.ref_name)
            if tip is None or tip in change.current.parents:
                raise Conflict("Change is already up to date.")
            pushed = self._git_rebased(change, tip, self.now())
            return self.new_patch_set(change, who, kind="TRIVIAL_REBASE", pushed=pushed)

    # ------------------------------------------------------------------ change edits

    def edit_file(
        self, change: Change | int, account: Account | str, path: str, content: bytes | None
    ) -> None:
        """`PUT|DELETE /changes/{id}/edit/{path}`: the caller's pending edit (None deletes)."""
        with self._mutation():
            change = self._change_arg(change)
            self._account_arg(account)
            if change.status != "NEW":
                raise Conflict(f"change {change.number} is {change.status.lower()}")
            path = path.strip("/")
            if not path or "\0" in path or any(p in ("", ".", "..") for p in path.split("/")):
                raise BadRequest(f"invalid path: {path}")
            self._edits.setdefault(change.number, {})[path] = content

    def change_edit(self, change: Change | int) -> dict[str, bytes | None] | None:
        with self.lock:
            edit = self._edits.get(self._change_arg(change).number)
            return dict(edit) if edit is not None else None

    def edit_content(self, change: Change | int, path: str) -> bytes | None:
        """A file as the pending edit has it (else as the current patch set has it)."""
        with self.lock:
            change = self._change_arg(change)
            edit = self._edits.get(change.number, {})
            if path in edit:
                return edit[path]
            return self._git_blob(change.project, change.current.revision, path)

    def discard_edit(self, change: Change | int) -> None:
        with self._mutation():
            change = self._change_arg(change)
            if self._edits.pop(change.number, None) is None:
                raise NotFound("Not found: edit")

    def publish_edit(self, change: Change | int, account: Account | str) -> PatchSet:
        """`POST /changes/{id}/edit:publish`: the edit becomes the next patch set."""
        with self._mutation():
            change = self._change_arg(change)
            edit = self._edits.get(change.number)
            if edit is None:
                raise Conflict(f"no edit exists for change {change.number}")
            ps = self.new_patch_set(change, account, contents=edit)
            del self._edits[change.number]
            return ps

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
        tree: str | None = None,
        parent: str | None = None,
        pushed: PushedCommit | None = None,
    ) -> PatchSet:
        number = len(change.patch_sets) + 1
        message = subject.strip() + "\n"
        if body:
            message += "\n" + body.strip("\n") + "\n"
        message += f"\nChange-Id: {change.change_id}\n"
        if pushed is not None:
            message, files = pushed.message, list(pushed.files)
        if files is None:
            files = _default_files(change, number)
        ins = sum(f[2] for f in files)
        dels = sum(f[3] for f in files)
        parent = (
            parent
            or proj.branches.get(change.ref_name)
            or self._git_initial_commit(proj.name, proj.description, None, now)
        )
        author = change.owner
        if pushed is not None:
            revision, parents = pushed.sha, list(pushed.parents)
        else:
            revision = self._git_patch_set(
                change, number, kind, message, list(files), parent, author, now, tree
            )
            parents = [parent]
        return PatchSet(
            number=number,
            revision=revision,
            parents=parents,
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
        contents: Mapping[str, bytes | None] | None = None,
        pushed: PushedCommit | None = None,
    ) -> PatchSet:
        """A new patch set. With `contents` (path -> bytes, None deletes) the files are
        written on top of the current patch set, on the same parent (a change edit)."""
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
            tree = parent = None
            if contents is not None:
                tree, files = self._git_edit_tree(change, contents)
                parent = prev.parents[0] if prev.parents else None
            if pushed is not None:
                change.subject = pushed.message.split("\n", 1)[0]
            ps = self._make_patch_set(
                change,
                uploader,
                kind,
                change.subject,
                body,
                files,
                now,
                proj,
                tree,
                parent,
                pushed,
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

            def clean(tags: Iterable[str]) -> list[str]:
                return [t.strip().lstrip("#") for t in tags if t.strip().lstrip("#")]

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
