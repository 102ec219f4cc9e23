"""File content of a revision (`GET .../revisions/{rev}/files/{file}/content`, base64).

The emulator keeps no git trees: a scenario may register a file's text for a change
(`set_content`); any other file of a revision gets a deterministic, plausible text derived
from its path and revision, long enough for every line a comment can point at.
`/COMMIT_MSG` is the patch set's commit message, as Gerrit serves it.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from vstui.fake.errors import NotFound
from vstui.fake.model import Change, PatchSet

if TYPE_CHECKING:
    from vstui.fake.store import GerritStore

SYNTHETIC_LINES = 240

_WORDS = (
    "volume", "snapshot", "backend", "context", "driver", "host", "pool", "key", "manager",
    "status", "request", "size", "target", "image", "connector", "attachment",
)  # fmt: skip


def set_content(store: GerritStore, change: int, path: str, text: str) -> None:
    """Register `path`'s text for every patch set of change `change` (scenarios, tests)."""
    with store.lock:
        table: dict[tuple[int, str], str] = store.__dict__.setdefault("_vstui_file_texts", {})
        table[(change, path)] = text


def content(store: GerritStore, change: Change, ps: PatchSet, path: str) -> str:
    """The text of `path` in patch set `ps`; NotFound (Gerrit's text) if it has no such file."""
    if path == "/COMMIT_MSG":
        return ps.commit_message
    if path not in {f[0] for f in ps.files}:
        raise NotFound(f"Not found: {path}")
    with store.lock:
        table: dict[tuple[int, str], str] = store.__dict__.get("_vstui_file_texts", {})
        text = table.get((change.number, path))
    return text if text is not None else synthetic(path, ps.revision)


def synthetic(path: str, revision: str) -> str:
    """A deterministic Python-looking file of `SYNTHETIC_LINES` lines."""
    seed = int.from_bytes(hashlib.sha1(f"{path}:{revision}".encode()).digest()[:8], "big")
    lines = [f'"""{path.rsplit("/", 1)[-1]}"""', "", "import logging", "", ""]
    n = 0
    while len(lines) < SYNTHETIC_LINES:
        a = _WORDS[(seed >> (n % 40)) % len(_WORDS)]
        b = _WORDS[(seed // (n + 3)) % len(_WORDS)]
        lines.append(f"def {a}_{b}_{n}(self, {b}):")
        lines.append(f"    {a} = self.db.{a}_get({b})")
        lines.append(f"    return self._{b}({a}, {n})")
        lines.append("")
        n += 1
    return "\n".join(lines[:SYNTHETIC_LINES]) + "\n"
