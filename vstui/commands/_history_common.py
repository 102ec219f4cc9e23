"""What `vstui sync`, `checks`, `ci-health` and `record` share: `--server NAME |
--info-file PATH` (the same choice as `vstui watch`, through `ServerConnection`), the
history file, and the incremental sync every one of them runs before answering.

Light at import time: everything heavy is imported inside the functions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from vstui.commands._target import add_target_arguments, open_target


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument(
        "--history-file",
        metavar="PATH",
        help="the history database (default: one file per server in the user data dir)",
    )


class CommandError(Exception):
    """One line for stderr; the command exits 1."""


@dataclass
class Server:
    conn: Any  # vstui.gerrit.connect.ServerConnection
    rules: Any  # vstui.ci.classify.BotRules | None
    history: Any  # vstui.history.HistoryStore
    profile: Any = None
    verdict_rules: Any = None  # vstui.history.verdicts.VerdictRules from [history]


@contextmanager
def open_server(args: argparse.Namespace, *, stream: bool = False) -> Iterator[Server]:
    """The connection, bot rules and history for the command's `--server`/`--info-file`."""
    import tempfile

    from vstui.config import ConfigError
    from vstui.gerrit.connect import InfoFileError
    from vstui.history.store import HistoryError, HistoryStore, default_history_path

    with tempfile.TemporaryDirectory(prefix="vstui-history-") as tmp:
        profile = None
        verdict_rules = None
        try:
            target = open_target(args, tmp)
            conn, profile = target.conn, target.profile
            rules = None
            if profile is not None:
                from vstui.core.connect import bot_rules_for

                rules = bot_rules_for(profile)
            if target.config is not None and target.config.history:
                from vstui.history.verdicts import rules_from_config

                verdict_rules = rules_from_config(target.config.history)
        except (ConfigError, InfoFileError) as exc:
            raise CommandError(str(exc)) from None
        if not conn.rest_url:
            raise CommandError(f"server {conn.name!r}: no url configured for REST")
        path = args.history_file or default_history_path(conn.name)
        try:
            history = HistoryStore(path, server=conn.name)
        except HistoryError as exc:
            raise CommandError(str(exc)) from None
        try:
            yield Server(conn, rules, history, profile, verdict_rules)
        finally:
            history.close()


def run_sync(
    server: Server, *, since_s: float | None = None, project: str | None = None, show: bool = False
) -> Any:
    """The incremental sync; progress on stderr when it is a terminal and `show`."""
    from vstui.core.history_sync import sync_history

    tty = show and sys.stderr.isatty()

    def progress(changes: int, runs: int) -> None:
        if tty:
            print(f"\rsyncing: {changes} changes, {runs} new runs", end="", file=sys.stderr)

    client = server.conn.sync_client()
    try:
        result = sync_history(
            client,
            server.history,
            since_s=since_s,
            rules=server.rules,
            project=project,
            progress=progress,
        )
    finally:
        client.close()
        if tty:
            print("\r\x1b[K", end="", file=sys.stderr)
    return result


def fail(prog: str, message: str) -> int:
    from vstui.sanitize import one_line

    print(f"{prog}: {one_line(message)}", file=sys.stderr, flush=True)
    return 1


def since_argument(parser: argparse.ArgumentParser, default: str | None = "7d") -> None:
    parser.add_argument(
        "--since",
        metavar="AGE",
        default=default,
        help="how far back: 7d, 12h, 2w (default: %(default)s)",
    )
