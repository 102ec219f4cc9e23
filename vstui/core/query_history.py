"""Earlier queries per server (Up/Down in the query box), persisted in the user state dir.

The newest query comes first; a repeated query moves to the front; at most `LIMIT` per server.
The file is JSON, written atomically, 0600 in a 0700 directory; an unreadable file is moved
aside (`.bad`) and history starts empty. Failures to save are logged, never raised.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)

LIMIT = 100
MAX_QUERY = 2000  # characters; longer ones are not remembered


def default_history_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("vstui")) / "query_history.json"


def write_private_json(path: Path, data: object) -> None:
    """Atomic write of `data` as JSON, the file 0600 and its directory 0700."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path.parent, 0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def read_json_dict(path: Path) -> dict[str, object]:
    """The file's object, or {} (missing; unreadable ones are moved aside)."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable state file %s: %s", path, exc)
        with contextlib.suppress(OSError):
            path.replace(path.with_suffix(path.suffix + ".bad"))
        return {}
    return raw if isinstance(raw, dict) else {}


class QueryHistory:
    """`entries(server)`, `add(server, query)` (saves), and a cursor for Up/Down."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_history_path()
        self._data: dict[str, list[str]] | None = None
        self._lock = threading.Lock()

    def _read(self) -> dict[str, list[str]]:
        if self._data is None:
            raw = read_json_dict(self.path)
            self._data = {
                k: [q for q in v if isinstance(q, str)][:LIMIT]
                for k, v in raw.items()
                if isinstance(k, str) and isinstance(v, list)
            }
        return self._data

    def entries(self, server: str) -> list[str]:
        with self._lock:
            return list(self._read().get(server, ()))

    def add(self, server: str, query: str) -> None:
        query = query.strip()
        if not query or len(query) > MAX_QUERY:
            return
        with self._lock:
            data = self._read()
            items = [q for q in data.get(server, []) if q != query]
            data[server] = [query, *items][:LIMIT]
            try:
                write_private_json(self.path, data)
            except OSError as exc:
                log.warning("could not save query history to %s: %s", self.path, exc)


class HistoryCursor:
    """Walks one server's history from the newest: `older()` on Up, `newer()` on Down;
    past the newest it gives back what was typed before walking."""

    def __init__(self, entries: list[str], typed: str) -> None:
        self.entries = entries
        self.typed = typed
        self.index = -1

    def older(self) -> str | None:
        if self.index + 1 >= len(self.entries):
            return None
        self.index += 1
        return self.entries[self.index]

    def newer(self) -> str | None:
        if self.index < 0:
            return None
        self.index -= 1
        return self.typed if self.index < 0 else self.entries[self.index]
