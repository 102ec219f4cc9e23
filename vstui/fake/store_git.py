"""Git objects of projects: the initial commit, one commit per patch set, merge commits.

Shas are computed when the store creates them (see `vstui.fake.git_objects`); repositories
are written to disk by `store_repos` on first git access.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from vstui.fake.git_objects import ObjectStore, ident, synthetic_lines
from vstui.fake.model import Account, Change, PatchSet
from vstui.fake.store_accounts import AccountsMixin

SERVER_NAME = "Gerrit Code Review"


@dataclass(frozen=True, slots=True)
class PushedCommit:
    """A commit received by `git push` to refs/for/<branch>, to become a patch set."""

    sha: str
    parents: list[str]
    message: str
    files: list[tuple[str, str, int, int]]


SERVER_EMAIL = "gerrit@example.org"


class GitMixin(AccountsMixin):
    """Per-project object stores and the commits the store's mutations need."""

    def _init_git(self) -> None:
        self._git: dict[str, ObjectStore] = {}

    def _objects(self, project: str) -> ObjectStore:
        store = self._git.get(project)
        if store is None:
            store = self._git[project] = ObjectStore()
        return store

    def _git_initial_commit(
        self, project: str, description: str, creator: Account | None, now: float
    ) -> str:
        objs = self._objects(project)
        readme = (
            f"{project}\n\n{description}\n".encode() if description else f"{project}\n".encode()
        )
        tree = objs.update(None, {"README": objs.blob(readme)})
        who = (
            ident(creator.name, creator.email, now)
            if creator is not None
            else ident(SERVER_NAME, SERVER_EMAIL, now)
        )
        return objs.commit(tree, [], who, who, "Initial empty repository\n")

    def _git_patch_set(
        self,
        change: Change,
        number: int,
        kind: str,
        message: str,
        files: list[tuple[str, str, int, int]],
        parent: str,
        author: Account,
        now: float,
        tree: str | None = None,
    ) -> str:
        """The commit of patch set `number` (its files applied to `parent`'s tree, unless
        the tree is given: a published change edit)."""
        objs = self._objects(change.project)
        base_tree = objs.commit_tree(parent)
        prev = change.patch_sets[-1] if change.patch_sets else None
        prev_tree = objs.commit_tree(prev.revision) if prev is not None else None
        if tree is not None:
            pass
        elif (
            prev is not None and prev_tree is not None and kind != "REWORK" and prev.files == files
        ):
            tree = prev_tree  # a rebase or message-only update keeps the content
        else:
            updates: dict[str, str | None] = {}
            for path, status, ins, dels in files:
                if status == "DELETED":
                    updates[path] = None
                    continue
                seed = f"{change.number}/{number}/{path}"
                old = objs.lookup(base_tree, path) if base_tree and status != "ADDED" else None
                lines = objs.blob_data(old).splitlines(keepends=True) if old else []
                lines = lines[min(dels, len(lines)) :] + synthetic_lines(seed, ins)
                updates[path] = objs.blob(b"".join(lines))
            tree = objs.update(base_tree, updates)
        who = ident(author.name, author.email, now)
        sha = objs.commit(tree, [parent], who, who, message)
        taken = {ps.revision for ps in change.patch_sets}
        bump = 0
        while sha in taken:  # an identical commit (same tree, parent, second): move a second
            bump += 1
            later = ident(author.name, author.email, now + bump)
            sha = objs.commit(tree, [parent], who, later, message)
        return sha

    def _git_edit_tree(
        self, change: Change, contents: Mapping[str, bytes | None]
    ) -> tuple[str, list[tuple[str, str, int, int]]]:
        """The tree of the current patch set with `contents` written (None deletes), and
        the file list against the patch set's parent (status, lines added and deleted)."""
        objs = self._objects(change.project)
        prev = change.current
        parent_tree = objs.commit_tree(prev.parents[0]) if prev.parents else None
        base = objs.commit_tree(prev.revision)
        updates = {p: (objs.blob(c) if c is not None else None) for p, c in contents.items()}
        tree = objs.update(base, updates)
        paths = sorted({f[0] for f in prev.files} | set(contents))
        return tree, _file_changes(objs, parent_tree, tree, paths)

    def _git_rebased(self, change: Change, tip: str, when: float) -> PushedCommit:
        """The current patch set's file changes replayed on `tip` (a rebase commit)."""
        objs = self._objects(change.project)
        ps = change.current
        ps_tree = objs.commit_tree(ps.revision)
        updates: dict[str, str | None] = {}
        for path, status, _ins, _dels in ps.files:
            updates[path] = None if status == "DELETED" else objs.lookup(ps_tree or "", path)
        tip_tree = objs.commit_tree(tip)
        tree = objs.update(tip_tree, updates)
        files = _file_changes(objs, tip_tree, tree, sorted(updates))
        author = ident(ps.author.name, ps.author.email, ps.created_on)
        committer = ident(ps.author.name, ps.author.email, when)
        sha = objs.commit(tree, [tip], author, committer, ps.commit_message)
        return PushedCommit(sha, [tip], ps.commit_message, files)

    def _git_blob(self, project: str, commit: str, path: str) -> bytes | None:
        """The content of `path` at `commit`, or None."""
        objs = self._objects(project)
        tree = objs.commit_tree(commit)
        blob = objs.lookup(tree, path) if tree else None
        return objs.blob_data(blob) if blob else None

    def _git_merge(
        self, change: Change, ps: PatchSet, tip: str, submitter: Account, now: float
    ) -> str:
        """A merge commit of `ps` into `tip`: the tip's tree with the patch set's files."""
        objs = self._objects(change.project)
        ps_tree = objs.commit_tree(ps.revision)
        updates: dict[str, str | None] = {}
        for path, status, _ins, _dels in ps.files:
            updates[path] = None if status == "DELETED" else objs.lookup(ps_tree or "", path)
        tree = objs.update(objs.commit_tree(tip), updates)
        author = ident(submitter.name, submitter.email, now)
        committer = ident(SERVER_NAME, SERVER_EMAIL, now)
        message = f'Merge "{change.subject}"\n'
        return objs.commit(tree, [tip, ps.revision], author, committer, message)


def _file_changes(
    objs: ObjectStore, base_tree: str | None, tree: str, paths: list[str]
) -> list[tuple[str, str, int, int]]:
    """(path, ADDED|DELETED|MODIFIED, lines inserted, lines deleted) of each of `paths` that
    differs between `base_tree` (None: nothing) and `tree`."""
    files: list[tuple[str, str, int, int]] = []
    for path in paths:
        old = objs.lookup(base_tree, path) if base_tree else None
        new = objs.lookup(tree, path)
        if old == new:
            continue
        a = objs.blob_data(old).splitlines() if old else []
        b = objs.blob_data(new).splitlines() if new else []
        ins = dels = 0
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
            if tag != "equal":
                dels += i2 - i1
                ins += j2 - j1
        status = "ADDED" if old is None else "DELETED" if new is None else "MODIFIED"
        files.append((path, status, ins, dels))
    return files
