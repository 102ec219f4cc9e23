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
    from vstui.config import ConfigError, load_config

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"vstui: {problem}", file=sys.stderr)
        return 1
    from vstui.ui.launch import run_tui

    return run_tui(config, args.server)
