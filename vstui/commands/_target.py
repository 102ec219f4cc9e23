"""`--server NAME | --info-file PATH [--account USER]`: which Gerrit a command talks to.

Shared by `vstui watch` and the history commands (`sync`, `checks`, `ci-health`, `record`)
so they choose and open a server the same way. Light at import time.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vstui.config import Config, ServerProfile
    from vstui.gerrit.connect import ServerConnection


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--server",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="server profile from the config (default: the config's default)",
    )
    where.add_argument(
        "--info-file",
        metavar="PATH",
        help="the emulator described by this file (from 'vstui fake-gerrit --info-file'); "
        "its recorded host key is trusted",
    )
    parser.add_argument(
        "--account",
        metavar="USER",
        help="with --info-file: log in as this account (default: the file's default account)",
    )


@dataclass
class Target:
    conn: ServerConnection
    config: Config | None = None  # None for an --info-file emulator
    profile: ServerProfile | None = None


def open_target(args: argparse.Namespace, state_dir: str) -> Target:
    """The connection for the parsed arguments; raises ConfigError or InfoFileError (each
    one line). `state_dir` holds an emulator's known_hosts (a temporary directory is fine)."""
    from vstui.gerrit.connect import ServerConnection

    if args.info_file:
        conn = ServerConnection.from_info(args.info_file, state_dir=state_dir, account=args.account)
        return Target(conn)
    from vstui.config import load_config

    config = load_config(getattr(args, "config", None))
    profile = config.server(getattr(args, "server", None))
    return Target(ServerConnection.from_profile(profile), config, profile)
