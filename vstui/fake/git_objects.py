"""Real git objects for the emulator's projects, hashed in memory and written on demand.

Every patch set is a real commit (its sha1 is the revision the REST and SSH payloads carry),
so a `git fetch` of `refs/changes/NN/N/P` gets exactly the commit Gerrit's JSON names.
Objects are built when the store creates a project, a patch set or a merge (a few sha1s of
small buffers each), and written to disk only on the first git access of that project
(`ObjectStore.write_to`): building a world stays fast and costs no files.

File contents are synthetic but consistent with the patch set's file list: a MODIFIED file
drops `deletions` lines of its parent's version and appends `insertions` new lines, an
ADDED file has `insertions` lines, a DELETED file is removed from the tree.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

MODE_FILE = b"100644"
MODE_TREE = b"40000"
EMPTY_TREE_ENTRIES: dict[bytes, tuple[bytes, str]] = {}


def _hash(kind: bytes, data: bytes) -> tuple[str, bytes]:
    raw = kind + b" " + str(len(data)).encode() + b"\0" + data
    return hashlib.sha1(raw).hexdigest(), raw


def ident(name: str, email: str, when: float) -> bytes:
    """`Name <email> <seconds> +0000` (names lose the characters git forbids there)."""
    clean = name.replace("<", "").replace(">", "").replace("\n", " ").strip() or "Anonymous"
    mail = email.replace("<", "").replace(">", "").replace("\n", "").strip()
    return f"{clean} <{mail}> {int(when)} +0000".encode()


class ObjectStore:
    """Content-addressed objects of one project (sha1 -> loose-object bytes), plus trees
    kept parsed so a commit's tree can be updated path by path."""

    __slots__ = ("_commit_trees", "_objects", "_trees", "_written")

    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}  # sha -> "type size\0data" (uncompressed)
        self._trees: dict[str, dict[bytes, tuple[bytes, str]]] = {}
        self._commit_trees: dict[str, str] = {}
        self._written: set[str] = set()

    def __len__(self) -> int:
        return len(self._objects)

    def __contains__(self, sha: object) -> bool:
        return sha in self._objects

    # -- building -----------------------------------------------------------------------

    def blob(self, data: bytes) -> str:
        sha, raw = _hash(b"blob", data)
        self._objects.setdefault(sha, raw)
        return sha

    def blob_data(self, sha: str) -> bytes:
        raw = self._objects[sha]
        return raw[raw.index(b"\0") + 1 :]

    def tree(self, entries: Mapping[bytes, tuple[bytes, str]]) -> str:
        """A tree from `name -> (mode, sha)`, in git's order (a tree sorts as `name/`)."""

        def key(name: bytes) -> bytes:
            return name + b"/" if entries[name][0] == MODE_TREE else name

        data = b"".join(
            entries[n][0] + b" " + n + b"\0" + bytes.fromhex(entries[n][1])
            for n in sorted(entries, key=key)
        )
        sha, raw = _hash(b"tree", data)
        if sha not in self._objects:
            self._objects[sha] = raw
            self._trees[sha] = dict(entries)
        return sha

    def commit(
        self,
        tree: str,
        parents: Iterable[str],
        author: bytes,
        committer: bytes,
        message: str,
    ) -> str:
        head = f"tree {tree}\n".encode()
        for p in parents:
            head += f"parent {p}\n".encode()
        data = head + b"author " + author + b"\ncommitter " + committer + b"\n\n"
        data += message.encode("utf-8")
        sha, raw = _hash(b"commit", data)
        self._objects.setdefault(sha, raw)
        self._commit_trees[sha] = tree
        return sha

    def commit_tree(self, commit: str) -> str | None:
        return self._commit_trees.get(commit)

    def lookup(self, tree: str, path: str) -> str | None:
        """The blob sha at `path` in `tree`, or None."""
        entries = self._trees.get(tree, EMPTY_TREE_ENTRIES)
        parts = path.encode("utf-8").split(b"/")
        for part in parts[:-1]:
            hit = entries.get(part)
            if hit is None or hit[0] != MODE_TREE:
                return None
            entries = self._trees.get(hit[1], EMPTY_TREE_ENTRIES)
        hit = entries.get(parts[-1])
        return hit[1] if hit is not None and hit[0] == MODE_FILE else None

    def update(self, tree: str | None, changes: Mapping[str, str | None]) -> str:
        """A new tree: `tree` with each path set to a blob sha (None removes it)."""
        nested: dict[bytes, object] = {}
        for path, sha in changes.items():
            parts = path.encode("utf-8").split(b"/")
            node = nested
            for part in parts[:-1]:
                child = node.setdefault(part, {})
                assert isinstance(child, dict)
                node = child
            node[parts[-1]] = sha
        return self._apply(tree, nested)

    def _apply(self, tree: str | None, nested: Mapping[bytes, object]) -> str:
        entries = dict(self._trees.get(tree, EMPTY_TREE_ENTRIES)) if tree else {}
        for name, change in nested.items():
            if isinstance(change, dict):
                old = entries.get(name)
                sub = old[1] if old is not None and old[0] == MODE_TREE else None
                new_sub = self._apply(sub, change)
                if self._trees.get(new_sub):
                    entries[name] = (MODE_TREE, new_sub)
                else:
                    entries.pop(name, None)  # git has no empty directories
            elif change is None:
                entries.pop(name, None)
            else:
                assert isinstance(change, str)
                entries[name] = (MODE_FILE, change)
        return self.tree(entries)

    def import_raw(self, kind: str, data: bytes) -> str:
        """Take in an object read from disk (a push): hashed, parsed, marked written."""
        sha, raw = _hash(kind.encode(), data)
        if sha in self._objects:
            return sha
        self._objects[sha] = raw
        self._written.add(sha)
        if kind == "tree":
            entries: dict[bytes, tuple[bytes, str]] = {}
            i = 0
            while i < len(data):
                space = data.index(b" ", i)
                nul = data.index(b"\0", space)
                mode = data[i:space]
                entries[data[space + 1 : nul]] = (
                    MODE_TREE if mode == MODE_TREE else MODE_FILE if mode == MODE_FILE else mode,
                    data[nul + 1 : nul + 21].hex(),
                )
                i = nul + 21
            self._trees[sha] = entries
        elif kind == "commit" and data.startswith(b"tree "):
            self._commit_trees[sha] = data[5:45].decode()
        return sha

    # -- writing ------------------------------------------------------------------------

    def write_to(self, git_dir: Path) -> int:
        """Write the objects not written yet as loose objects; returns how many."""
        todo = [sha for sha in self._objects if sha not in self._written]
        objects = git_dir / "objects"
        for sha in todo:
            folder = objects / sha[:2]
            folder.mkdir(exist_ok=True)
            target = folder / sha[2:]
            if not target.exists():
                tmp = folder / f"tmp_{sha[2:]}_{os.getpid()}"
                tmp.write_bytes(zlib.compress(self._objects[sha], 1))
                os.replace(tmp, target)
            self._written.add(sha)
        return len(todo)


def synthetic_lines(seed: str, count: int) -> list[bytes]:
    """`count` deterministic source-like lines."""
    return [f"# {seed} line {i + 1}\n".encode() for i in range(count)]
