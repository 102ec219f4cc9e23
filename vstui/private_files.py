"""Files only the user may read: logs, state and caches are created 0600 in 0700 directories.

Logs and state can hold server names, queries, account names and (before redaction, in a
traceback) URLs; other local users must not read them. Headless, stdlib only.

    from vstui.private_files import private_dir, create_private_file, write_private_atomic

    directory = private_dir(Path(platformdirs.user_log_dir("vstui")))   # mkdir -p, then 0700
    create_private_file(directory / "vstui.log")                        # exists, 0600
    write_private_atomic(state_dir / "filters.json", data)              # temp 0600 + rename

`private_dir` tightens only the directory it is given (vstui's own), never its parents (the
user's `~/.local/state` is theirs to set). Files that exist with looser modes are tightened.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["create_private_file", "private_dir", "write_private_atomic"]

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) and make `path` itself 0700. Raises OSError."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode != DIR_MODE:
        path.chmod(DIR_MODE)
    return path


def create_private_file(path: Path) -> Path:
    """Make sure `path` exists with mode 0600 (created so, or tightened). Raises OSError."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path


def write_private_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically; the file is 0600 in a 0700 directory."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
