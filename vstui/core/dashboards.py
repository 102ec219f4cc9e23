"""Dashboards: sections of the change list bound to number keys, each a Gerrit query.

Defaults (a server profile's `[[servers.X.dashboards]]` replace them key by key):

    1  My changes            owner:self status:open
    2  Needs my review       attention:self   (else reviewer:self -owner:self status:open)
    3  Starred               is:starred status:open
    4  Recently closed (mine) owner:self (status:merged OR status:abandoned) -age:4w

`attention:` exists since Gerrit 3.3: a server that refuses it gets the fallback query.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Dashboard:
    key: str  # "1".."9", "0"
    title: str
    query: str
    fallback: str | None = None  # run instead when the server refuses `query`


DEFAULTS = (
    Dashboard("1", "My changes", "owner:self status:open"),
    Dashboard(
        "2",
        "Needs my review",
        "attention:self status:open -owner:self",
        fallback="reviewer:self -owner:self status:open",
    ),
    Dashboard("3", "Starred", "is:starred status:open"),
    Dashboard(
        "4", "Recently closed (mine)", "owner:self (status:merged OR status:abandoned) -age:4w"
    ),
)
KEYS = tuple("1234567890")


def dashboards(configured: Iterable[tuple[str, str, str]] = ()) -> tuple[Dashboard, ...]:
    """Defaults overlaid with configured (key, title, query) entries, in key order."""
    by_key = {d.key: d for d in DEFAULTS}
    for key, title, query in configured:
        by_key[key] = Dashboard(key, title, query)
    return tuple(by_key[k] for k in KEYS if k in by_key)


def for_key(boards: Iterable[Dashboard], key: str) -> Dashboard | None:
    return next((d for d in boards if d.key == key), None)


def attention_supported(version: str) -> bool:
    """True for Gerrit 3.3 and later (and for versions it cannot read: try, then fall back)."""
    head = version.strip().lstrip("v").split("-", 1)[0].split(".")
    try:
        major, minor = int(head[0]), int(head[1]) if len(head) > 1 else 0
    except (ValueError, IndexError):
        return True
    return (major, minor) >= (3, 3)


class SavedDashboards:
    """Queries the user bound to a key from the palette, per server (JSON in the user state
    dir, 0600); they replace the configured or default section on that key."""

    def __init__(self, path: Path | None = None) -> None:
        import threading

        if path is None:
            import platformdirs

            path = Path(platformdirs.user_state_dir("vstui")) / "dashboards.json"
        self.path = path
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, list[str]]] | None = None

    def _read(self) -> dict[str, dict[str, list[str]]]:
        from vstui.core.query_history import read_json_dict

        if self._data is None:
            data: dict[str, dict[str, list[str]]] = {}
            for server, entries in read_json_dict(self.path).items():
                if isinstance(entries, dict):
                    data[server] = {
                        k: v
                        for k, v in entries.items()
                        if k in KEYS
                        and isinstance(v, list)
                        and len(v) == 2
                        and all(isinstance(x, str) and x.strip() for x in v)
                    }
            self._data = data
        return self._data

    def entries(self, server: str) -> list[tuple[str, str, str]]:
        with self._lock:
            return [(k, t, q) for k, (t, q) in sorted(self._read().get(server, {}).items())]

    def bind(self, server: str, key: str, title: str, query: str) -> None:
        """Remember `query` on `key` (in memory at once; `save()` writes the file)."""
        if key not in KEYS or not query.strip():
            raise ValueError(f"not a dashboard key or an empty query: {key!r}")
        with self._lock:
            self._read().setdefault(server, {})[key] = [title.strip() or query, query.strip()]

    def save(self) -> None:
        from vstui.core.query_history import write_private_json

        with self._lock:
            data = {s: dict(e) for s, e in self._read().items()}
        try:
            write_private_json(self.path, data)
        except OSError as exc:
            log.warning("could not save dashboards to %s: %s", self.path, exc)
