"""The default command: open the TUI on a configured server."""

from __future__ import annotations

import argparse
import sys

HELP = "open the TUI on a configured server (the default when no subcommand is given)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server",
        metavar="NAME",
        help="server profile from the config (default: the config's default)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="config file (default: the platform config dir's vstui/config.toml)",
    )


def run(args: argparse.Namespace) -> int:
    print("vstui: the TUI is not built yet; try 'vstui fake-gerrit --help'", file=sys.stderr)
    return 1
