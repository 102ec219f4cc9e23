"""Remember CI filters per server in a small JSON file under the user state dir."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from pathlib import Path
from typing import Any

from vstui.core.ci_filter import CIFilter
from vstui.private_files import write_private_atomic

log = logging.getLogger(__name__)


def default_state_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_dir("vstui")) / "filters.json"


class FilterStateStore:
    """`load(server)` / `save(server, filter)`; a missing or unreadable file means defaults.

    An unreadable file is moved aside (`filters.json.bad`) before being replaced, so a
    hand-edited file is never silently lost.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_state_path()
        self._data: dict[str, dict[str, Any]] | None = None
        self._lock = threading.Lock()  # saves may come from worker threads

    def _read(self) -> dict[str, dict[str, Any]]:
        if self._data is not None:
            return self._data
        data: dict[str, dict[str, Any]] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raw = {}
        except (OSError, ValueError, RecursionError) as exc:  # RecursionError: too deep
            log.warning("ignoring unreadable filter state %s: %s", self.path, str(exc)[:200])
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_suffix(self.path.suffix + ".bad"))
            raw = {}
        if isinstance(raw, dict):
            data = {k: v for k, v in raw.items() if isinstance(k, str) and isinstance(v, dict)}
        self._data = data
        return data

    def load(self, server: str) -> CIFilter:
        entry = self._read().get(server)
        return CIFilter.from_dict(entry) if entry else CIFilter()

    def save(self, server: str, ci_filter: CIFilter) -> None:
        """Write atomically; failures are logged, never raised (a filter is not worth a crash)."""
        with self._lock:
            self._save(server, ci_filter)

    def _save(self, server: str, ci_filter: CIFilter) -> None:
        data = self._read()
        data[server] = ci_filter.to_dict()
        try:
            text = json.dumps(data, indent=1, sort_keys=True)
            write_private_atomic(self.path, text.encode("utf-8"))  # 0600 in a 0700 dir
        except OSError as exc:
            log.warning("could not save filter state to %s: %s", self.path, exc)
