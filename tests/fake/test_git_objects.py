"""The emulator's git objects are git's: shas git agrees with, trees in git's order, and
repositories written only when first asked for."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from vstui.fake.store import GerritStore

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_trees_sort_as_git_and_shas_match(tmp_path: Path) -> None:
    store = GerritStore(git_root=tmp_path / "git")
    store.create_account("alice", "Alice Doe")
    store.create_project("demo")
    assert not (tmp_path / "git").exists()  # nothing written while building the world
    # "foo-bar" < "foo.c" < "foo/" in git's tree order (a tree sorts as "name/")
    files = [("foo/x.py", "ADDED", 2, 0), ("foo.c", "ADDED", 1, 0), ("foo-bar", "ADDED", 3, 0)]
    change = store.create_change("demo", "alice", "Tricky names", files=files)
    repo = store.git_dir("demo")
    fsck = subprocess.run(
        ["git", "--git-dir", str(repo), "fsck", "--strict", "--no-dangling"],
        capture_output=True,
        text=True,
    )
    assert fsck.returncode == 0, fsck.stderr
    sha = change.current.revision
    raw = _git(repo, "cat-file", "commit", sha)
    # git recomputes the object's sha from its content: the store's sha is git's
    rehashed = subprocess.run(
        ["git", "hash-object", "-t", "commit", "--stdin"],
        input=raw,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert rehashed == sha
    tree = _git(repo, "ls-tree", sha).splitlines()
    assert [line.split("\t")[1] for line in tree] == ["README", "foo-bar", "foo.c", "foo"]
    numstat = _git(repo, "diff-tree", "-r", "--numstat", f"{sha}^", sha)
    assert sorted(numstat.splitlines()) == ["1\t0\tfoo.c", "2\t0\tfoo/x.py", "3\t0\tfoo-bar"]
    shown = dict(reversed(line.split(" ", 1)) for line in _git(repo, "show-ref").splitlines())
    assert shown == store.git_refs("demo")


def test_modified_files_change_the_parent_content_by_the_counts(tmp_path: Path) -> None:
    store = GerritStore(git_root=tmp_path / "git")
    store.create_account("alice", "Alice Doe")
    store.create_project("demo")
    first = store.create_change("demo", "alice", "Add", files=[("a.txt", "ADDED", 10, 0)])
    store.submit(first, "alice", force=True)  # the branch moves to the commit
    second = store.create_change("demo", "alice", "Edit", files=[("a.txt", "MODIFIED", 4, 3)])
    repo = store.git_dir("demo")
    sha = second.current.revision
    assert second.current.parents == [first.current.revision]
    assert _git(repo, "diff-tree", "-r", "--numstat", f"{sha}^", sha).strip() == "4\t3\ta.txt"
    head = _git(repo, "rev-parse", "refs/heads/master").strip()
    assert head == first.current.revision == store.project("demo").branches["refs/heads/master"]
