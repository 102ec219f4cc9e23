"""The local history of every CI run vstui has seen (SQLite), and what it tells.

- `records`: `RunRecord` (one row: one report of one job) and the adapter from
  `vstui.ci.results.ChangeResults` (the only place that counts CI results) to records.
- `store`: `HistoryStore`, one SQLite file per server (WAL, busy timeout, forward
  migrations, idempotent inserts; safe for two processes).
- `verdicts`: flaky, failing elsewhere, new failure, infra, missing — indexed queries.
- `health`: per-CI and per-job health over a window (the health screen and `vstui ci-health`).

Headless: imports `vstui.ci` only (never `vstui.gerrit`, `vstui.core` or Textual).
"""

from __future__ import annotations

from vstui.history.records import RunRecord, records_from_results
from vstui.history.store import HistoryStore, default_history_path

__all__ = ["HistoryStore", "RunRecord", "default_history_path", "records_from_results"]
