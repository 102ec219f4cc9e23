"""Run Gertty 1.6.0's own sync tasks headless against a Gerrit; print what its database holds.

    python _gertty_sync.py CONFIG SERVER PROJECT[,PROJECT...]

Gertty is used unchanged: its `Sync` object, task classes and SQLAlchemy database; only the
urwid screen is left out (a stand-in `app` carries the config, database and a no-op status
bar). Tasks run on this thread until the queue is empty, so the run ends deterministically.
Prints one JSON object: the seconds the subscribed-project sync took and the rows of Gertty's
tables (changes with their messages and votes) for the test to compare with the emulator.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import sys
import time
import types

import alembic.command
import alembic.config
import alembic.migration  # noqa: F401
from gertty import config as gconfig
from gertty import db as gdb
from gertty import search as gsearch
from gertty import sync as gsync
from gertty.app import ProjectCache

DEADLINE = 240.0


def main(cfg_path: str, server: str, projects: list[str]) -> dict[str, object]:
    app = types.SimpleNamespace()
    app.config = gconfig.Config(server, "default", "default", cfg_path)
    logging.basicConfig(filename=app.config.log_file, filemode="w", level=logging.DEBUG)
    app.search = gsearch.SearchCompiler(app.config.username)
    app.db = gdb.Database(app, app.config.dburi, app.search)
    app.status = types.SimpleNamespace(update=lambda **kw: None)
    app.project_cache = ProjectCache()
    app.fetch_missing_refs = False
    sync = gsync.Sync(app, False)
    r, w = os.pipe()
    os.set_blocking(r, False)
    end = time.monotonic() + DEADLINE

    def drain() -> None:
        while sync.queue.qsize():
            if time.monotonic() > end:
                raise SystemExit("gertty sync did not finish in time")
            sync._run(w, sync.queue.get())
            with contextlib.suppress(BlockingIOError):
                os.read(r, 1 << 16)

    drain()  # version, own account, project list, ...
    with app.db.getSession() as session:
        for name in projects:
            session.getProjectByName(name).subscribed = True
    t0 = time.perf_counter()
    sync.submitTask(gsync.SyncSubscribedProjectsTask(gsync.HIGH_PRIORITY))
    sync.submitTask(gsync.SyncSubscribedProjectBranchesTask(gsync.HIGH_PRIORITY))
    drain()
    seconds = time.perf_counter() - t0
    con = sqlite3.connect(app.config.dburi.removeprefix("sqlite:///"))
    rows = lambda q: [list(x) for x in con.execute(q)]  # noqa: E731
    with open(app.config.log_file, encoding="utf-8", errors="replace") as log:
        errors = [line.rstrip() for line in log if line.startswith(("ERROR", "CRITICAL"))]
    return {
        "seconds": seconds,
        "projects": rows("select name from project"),
        "changes": rows(
            "select c.number, c.status, c.subject, p.name from change c"
            " join project p on c.project_key = p.key"
        ),
        "revisions": rows(
            "select c.number, r.number, r.`commit`, r.fetch_ref from revision r"
            " join change c on r.change_key = c.key"
        ),
        "messages": rows(
            "select c.number, m.message from message m"
            " join revision r on m.revision_key = r.key join change c on r.change_key = c.key"
        ),
        "approvals": rows(
            "select c.number, a.category, a.value, acc.id from approval a"
            " join change c on a.change_key = c.key join account acc on a.account_key = acc.key"
        ),
        "errors": errors,
    }


if __name__ == "__main__":
    out = main(sys.argv[1], sys.argv[2], sys.argv[3].split(","))
    print(json.dumps(out))
