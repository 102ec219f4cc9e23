"""`vstui sync`: write the CI runs of every change updated since the last sync to the
local history (a progress line on a terminal, quiet in pipes)."""

from __future__ import annotations

import argparse

from vstui.commands._history_common import add_server_arguments

HELP = "store the CI runs of changes updated since the last sync in the local history"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_server_arguments(parser)
    parser.add_argument(
        "--since",
        metavar="AGE",
        help="sync changes updated in this window (7d, 12h, 2w) instead of since the last "
        "sync (a first sync covers 7d)",
    )
    parser.add_argument("--project", metavar="P", help="only this project's changes")


def run(args: argparse.Namespace) -> int:
    from vstui.commands._history_common import CommandError, fail, open_server, run_sync
    from vstui.core.history_sync import parse_since
    from vstui.gerrit.errors import GerritError

    prog = "vstui sync"
    try:
        since_s = parse_since(args.since) if args.since else None
    except ValueError as exc:
        return fail(prog, str(exc))
    try:
        with open_server(args) as server:
            result = run_sync(server, since_s=since_s, project=args.project, show=True)
            total = server.history.count()
    except (CommandError, GerritError) as exc:
        return fail(prog, str(exc))
    print(f"synced {result.changes} changes: {result.new_runs} new runs ({total} stored)")
    return 0
