"""`HistoryStore`: one SQLite file per server holding every CI run report vstui has seen.

- WAL journal and a busy timeout, so two vstui processes (the TUI and `vstui record`) can
  write one file; every write is one `BEGIN IMMEDIATE` transaction per batch.
- Idempotent: a run's `key` (unique) is a 63-bit hash of (report key, CI, pipeline, job),
  and rows go in with `INSERT OR IGNORE`, so the same report seen from the stream, a change fetch and
  a backfill is one row.
- Schema versioned with `PRAGMA user_version`; `MIGRATIONS[i]` takes version i to i+1 and
  runs inside one transaction. Opening a file written by a newer vstui is refused.
- The file lives under the platform's user data dir (`history/<server>.sqlite3`), the
  directory 0700 and the file 0600.

The store is thread-safe (one connection behind a lock): the UI's workers, the session and
a recorder may share one instance.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from vstui.history.records import RunRecord, status_code

__all__ = ["SCHEMA_VERSION", "HistoryError", "HistoryStore", "default_history_path"]

MIGRATIONS: tuple[str, ...] = (
    # 0 -> 1: the first schema.
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE project (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE ci (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
    CREATE TABLE job (
        id INTEGER PRIMARY KEY,
        ci_id INTEGER NOT NULL REFERENCES ci(id),
        pipeline TEXT NOT NULL,
        name TEXT NOT NULL,
        UNIQUE (ci_id, pipeline, name)
    );
    CREATE TABLE run (
        id INTEGER PRIMARY KEY,
        key INTEGER NOT NULL,
        change INTEGER NOT NULL,
        patch_set INTEGER NOT NULL,
        project_id INTEGER NOT NULL,
        job_id INTEGER NOT NULL,
        result TEXT NOT NULL,
        status INTEGER NOT NULL,
        voting INTEGER NOT NULL,
        url TEXT,
        duration_s INTEGER,
        time REAL NOT NULL,
        report_key TEXT NOT NULL
    );
    CREATE UNIQUE INDEX run_key ON run (key);
    CREATE INDEX run_change ON run (change, patch_set);
    CREATE INDEX run_job_change ON run (job_id, change, patch_set, time, status);
    """,
    # 1 -> 2: when each CI last reported (stopped CIs); the indexes of `missing` (a
    # project's recent runs) and of `failing elsewhere` (a job's runs in the window: rows
    # are appended in time order, so the window's rows sit together in the table).
    """
    ALTER TABLE ci ADD COLUMN last_seen REAL;
    UPDATE ci SET last_seen = (
        SELECT MAX(run.time) FROM run JOIN job ON job.id = run.job_id WHERE job.ci_id = ci.id
    );
    CREATE INDEX run_project_time ON run (project_id, time, change, patch_set, job_id);
    CREATE INDEX run_job_time ON run (job_id, time);
    """,
    # 2 -> 3: the first page of the change list per query, as the server sent it, so the
    # TUI paints at once (and offline) before the live answer arrives.
    """
    CREATE TABLE list_cache (query TEXT PRIMARY KEY, body BLOB NOT NULL, time REAL NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_INSERT = (
    "INSERT OR IGNORE INTO run (key, change, patch_set, project_id, job_id, result, status, "
    "voting, url, duration_s, time, report_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)


# result word -> status code (a handful of words; `status_code` is the rule)
_STATUS_CODES: dict[str, int | None] = {}


class HistoryError(Exception):
    """The history file cannot be used (one readable line)."""


def _safe_name(server: str) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", server).strip("._") or "server"
    return name[:100]


def default_history_path(server: str) -> Path:
    """`<user data dir>/history/<server>.sqlite3` (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("vstui")) / "history" / f"{_safe_name(server)}.sqlite3"


def run_id(report_key: str, ci: str, pipeline: str, job: str) -> int:
    """The unique key of one report of one job: a signed 64-bit hash of its identity. (Not
    the row id: rows are appended in rowid order, which keeps inserts local in the table.)"""
    digest = hashlib.blake2b(
        f"{report_key}\x1f{ci}\x1f{pipeline}\x1f{job}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True) or 1


def _prepare_file(path: Path) -> None:
    """Create the directory 0700 and the file 0600 before SQLite opens it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # not ours (a shared tmp dir): the file mode still protects the data
    with contextlib.suppress(OSError):
        os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class HistoryStore:
    """The history of one server. `path=":memory:"` for a private in-memory store."""

    def __init__(
        self, path: str | os.PathLike[str], *, server: str = "", busy_timeout: float = 10.0
    ) -> None:
        self.path = str(path)
        self.server = server
        if self.path != ":memory:":
            _prepare_file(Path(self.path))
        try:
            self._db = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise HistoryError(f"{self.path}: cannot open the history ({exc})") from None
        self._lock = threading.RLock()
        self._projects: dict[str, int] = {}
        self._cis: dict[str, tuple[int, str]] = {}
        self._jobs: dict[tuple[int, str, str], int] = {}
        try:
            self._setup(busy_timeout)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise HistoryError(f"{self.path}: not a vstui history file ({exc})") from None

    @classmethod
    def for_server(cls, server: str) -> HistoryStore:
        return cls(default_history_path(server), server=server)

    # ------------------------------------------------------------------ setup

    def _setup(self, busy_timeout: float) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if self.path != ":memory:":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA cache_size = -65536")  # 64 MiB
        db.execute("PRAGMA temp_store = MEMORY")
        db.execute("PRAGMA mmap_size = 268435456")  # reads map the file: no page copies
        self.migrate()
        if self.server:
            self.set_meta("server", self.server)

    def migrate(self) -> int:
        """Bring the file to `SCHEMA_VERSION`; returns the version it had."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                (version,) = db.execute("PRAGMA user_version").fetchone()
                if version > SCHEMA_VERSION:
                    raise HistoryError(
                        f"{self.path}: written by a newer vstui (schema {version}, "
                        f"this one knows {SCHEMA_VERSION})"
                    )
                for step in range(version, SCHEMA_VERSION):
                    for statement in _statements(MIGRATIONS[step]):
                        db.execute(statement)
                if version != SCHEMA_VERSION:
                    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return int(version)

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ meta

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # ------------------------------------------------------------------ writing

    def add(self, records: Iterable[RunRecord]) -> int:
        """Store records (one transaction); returns how many were new."""
        batch = list(records)
        if not batch:
            return 0
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                rows = []
                seen: dict[int, float] = {}
                codes = _STATUS_CODES
                cis, jobs, projects = self._cis, self._jobs, self._projects
                blake = hashlib.blake2b
                for r in batch:
                    code = codes.get(r.result, -1)
                    if code == -1:
                        code = codes[r.result] = status_code(r.result)
                    if code is None:
                        continue
                    known = cis.get(r.ci)
                    ci_id = (
                        known[0]
                        if known is not None and known[1] == r.ci_name
                        else self._ci_id(r.ci, r.ci_name)
                    )
                    job_id = jobs.get((ci_id, r.pipeline, r.job)) or self._job_id(
                        ci_id, r.pipeline, r.job
                    )
                    project_id = projects.get(r.project) or self._project_id(r.project)
                    digest = blake(
                        f"{r.report_key}\x1f{r.ci}\x1f{r.pipeline}\x1f{r.job}".encode(),
                        digest_size=8,
                    ).digest()
                    rows.append(
                        (
                            int.from_bytes(digest, "big", signed=True) or 1,
                            r.change,
                            r.patch_set,
                            project_id,
                            job_id,
                            r.result,
                            code,
                            int(r.voting),
                            r.url,
                            r.duration_s,
                            r.time,
                            r.report_key,
                        )
                    )
                    if r.time > seen.get(ci_id, 0.0):
                        seen[ci_id] = r.time
                interned = db.total_changes
                db.executemany(_INSERT, rows)
                added = db.total_changes - interned
                db.executemany(
                    "UPDATE ci SET last_seen = ? WHERE id = ? AND "
                    "(last_seen IS NULL OR last_seen < ?)",
                    [(t, ci, t) for ci, t in seen.items()],
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                # ids interned in the rolled-back transaction are gone: forget them
                self._projects.clear()
                self._cis.clear()
                self._jobs.clear()
                raise
            return added

    def _project_id(self, name: str) -> int:
        pid = self._projects.get(name)
        if pid is None:
            db = self._db
            db.execute("INSERT OR IGNORE INTO project (name) VALUES (?)", (name,))
            pid = int(db.execute("SELECT id FROM project WHERE name = ?", (name,)).fetchone()[0])
            self._projects[name] = pid
        return pid

    def _ci_id(self, key: str, name: str) -> int:
        known = self._cis.get(key)
        if known is not None and known[1] == name:
            return known[0]
        db = self._db
        db.execute("INSERT OR IGNORE INTO ci (key, name) VALUES (?, ?)", (key, name))
        db.execute("UPDATE ci SET name = ? WHERE key = ? AND name != ?", (name, key, name))
        cid = int(db.execute("SELECT id FROM ci WHERE key = ?", (key,)).fetchone()[0])
        self._cis[key] = (cid, name)
        return cid

    def _job_id(self, ci_id: int, pipeline: str, name: str) -> int:
        k = (ci_id, pipeline, name)
        jid = self._jobs.get(k)
        if jid is None:
            db = self._db
            db.execute("INSERT OR IGNORE INTO job (ci_id, pipeline, name) VALUES (?, ?, ?)", k)
            jid = int(
                db.execute(
                    "SELECT id FROM job WHERE ci_id = ? AND pipeline = ? AND name = ?", k
                ).fetchone()[0]
            )
            self._jobs[k] = jid
        return jid

    # ------------------------------------------------------------------ reading

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query (used by `verdicts` and `health`)."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def count(self) -> int:
        return int(self.query("SELECT COUNT(*) FROM run")[0][0])

    def runs_for_change(self, change: int) -> list[RunRecord]:
        """Every stored run of a change, oldest first."""
        rows = self.query(
            "SELECT run.change, run.patch_set, project.name, ci.key, ci.name, job.pipeline, "
            "job.name, run.result, run.voting, run.url, run.duration_s, run.time, "
            "run.report_key FROM run JOIN job ON job.id = run.job_id "
            "JOIN ci ON ci.id = job.ci_id JOIN project ON project.id = run.project_id "
            "WHERE run.change = ? ORDER BY run.time, run.id",
            (change,),
        )
        return [
            RunRecord(
                int(r[0]),
                int(r[1]),
                str(r[2]),
                str(r[3]),
                str(r[4]),
                str(r[5]),
                str(r[6]),
                str(r[7]),
                bool(r[8]),
                r[9],
                r[10],
                float(r[11]),
                str(r[12]),
            )
            for r in rows
        ]

    def last_seen(self) -> dict[str, float]:
        """CI key -> when it last reported."""
        return {
            str(k): float(t)
            for k, t in self.query("SELECT key, last_seen FROM ci WHERE last_seen IS NOT NULL")
        }

    def newest_time(self) -> float | None:
        row = self.query("SELECT MAX(time) FROM run")[0]
        return None if row[0] is None else float(row[0])

    def put_list_cache(self, query: str, body: bytes, when: float) -> None:
        """Keep `body` (a Query Changes page as received) as the cached first page of `query`."""
        with self._lock:
            self._db.execute(
                "INSERT INTO list_cache (query, body, time) VALUES (?, ?, ?) "
                "ON CONFLICT (query) DO UPDATE SET body = excluded.body, time = excluded.time",
                (query, body, when),
            )

    def get_list_cache(self, query: str) -> tuple[bytes, float] | None:
        """(body, when it was stored) of the cached first page of `query`, or None."""
        rows = self.query("SELECT body, time FROM list_cache WHERE query = ?", (query,))
        return (bytes(rows[0][0]), float(rows[0][1])) if rows else None

    def file_size(self) -> int:
        """Bytes on disk (main file plus WAL)."""
        if self.path == ":memory:":
            return 0
        total = 0
        for suffix in ("", "-wal"):
            with contextlib.suppress(OSError):
                total += os.path.getsize(self.path + suffix)
        return total

    def checkpoint(self) -> None:
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
