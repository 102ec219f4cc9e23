"""Projects as bare git repositories on disk, written on first git access.

`git_dir(project)` writes (or brings up to date) `<git_root>/<project>.git`: the project's
objects as loose objects, `packed-refs` with its branch heads and every patch set's
`refs/changes/NN/N/P`, and `HEAD`. The git servers (`vstui.fake.git_serve`) call it before
each fetch, so a repository always matches the store. `git_root` is a temporary directory
unless the store was given one; it is removed with the store (or at exit).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path

from vstui.fake.errors import NotFound
from vstui.fake.store_verify import VerifyStatusMixin

# Pushes are for review only: refs/for/<branch>, each new commit with a Change-Id footer
# (Gerrit's texts). The store turns what arrived into changes after receive-pack returns.
PRE_RECEIVE = r"""#!/bin/sh
while read old new ref; do
  case "$ref" in
    refs/for/*) ;;
    *) echo "error: prohibited by Gerrit: not permitted: update $ref" >&2; exit 1;;
  esac
  for c in $(git rev-list "$new" --not --branches --tags); do
    if ! git cat-file commit "$c" | grep -q '^Change-Id: I[0-9a-f]\{40\}$'; then
      echo "ERROR: commit $(echo "$c" | cut -c1-7): missing Change-Id in message footer" >&2
      exit 1
    fi
  done
done
exit 0
"""


class ReposMixin(VerifyStatusMixin):
    """Materialised repositories (lazy; building a world writes nothing)."""

    def _init_repos(self, git_root: str | os.PathLike[str] | None) -> None:
        self._git_root = Path(git_root) if git_root is not None else None
        self._refs_written: dict[str, dict[str, str]] = {}

    @property
    def git_root(self) -> Path:
        """Where repositories are written (created on first use)."""
        with self.lock:
            if self._git_root is None:
                root = tempfile.mkdtemp(prefix="fake-gerrit-git-")
                weakref.finalize(self, shutil.rmtree, root, True)
                self._git_root = Path(root)
            return self._git_root

    def git_refs(self, project: str) -> dict[str, str]:
        """Branch heads and patch-set refs of `project`, ref name -> commit sha."""
        with self.lock:
            proj = self._projects.get(project)
            if proj is None:
                raise NotFound(f"Not found: {project}")
            refs = {ref: sha for ref, sha in proj.branches.items() if ref.startswith("refs/")}
            for change in self._changes.values():
                if change.project == project:
                    for ps in change.patch_sets:
                        refs[ps.ref] = ps.revision
            return refs

    def import_git_objects(self, project: str, objects: list[tuple[str, bytes]]) -> None:
        """Objects a push wrote to disk, taken into the project's object store."""
        with self.lock:
            store = self._objects(project)
            for kind, data in objects:
                store.import_raw(kind, data)

    def git_dir(self, project: str) -> Path:
        """The bare repository of `project`, brought up to date with the store."""
        with self.lock:
            refs = self.git_refs(project)
            proj = self._projects[project]
            path = self.git_root / f"{project}.git"
            if not (path / "HEAD").exists():
                for sub in ("objects/info", "objects/pack", "refs/heads", "refs/tags"):
                    (path / sub).mkdir(parents=True, exist_ok=True)
                (path / "config").write_text(
                    "[core]\n\trepositoryformatversion = 0\n\tbare = true\n"
                    "[uploadpack]\n\tallowAnySHA1InWant = true\n"
                    "[receive]\n\tdenyDeletes = true\n\tdenyNonFastForwards = true\n"
                )
                hooks = path / "hooks"
                hooks.mkdir(exist_ok=True)
                (hooks / "pre-receive").write_text(PRE_RECEIVE)
                (hooks / "pre-receive").chmod(0o755)
            (path / "HEAD").write_text(f"ref: {proj.head}\n")
            self._objects(project).write_to(path)
            if self._refs_written.get(project) != refs:
                lines = ["# pack-refs with: peeled fully-peeled sorted \n"]
                lines += [f"{sha} {ref}\n" for ref, sha in sorted(refs.items())]
                tmp = path / "packed-refs.tmp"
                tmp.write_text("".join(lines))
                os.replace(tmp, path / "packed-refs")
                self._refs_written[project] = refs
            return path
