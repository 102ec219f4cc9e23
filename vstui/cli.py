"""Command-line entry point: `vstui [--server NAME] [SUBCOMMAND ...]`.

Each subcommand lives in its own light module under `vstui.commands` that defines
`HELP`, `add_arguments(parser)` and `run(args) -> int`. Those modules import their heavy
dependencies (Textual, paramiko, httpx) inside `run`, so `vstui --help` and `vstui parse`
start fast and never load the UI.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from vstui import __version__

# Subcommand name -> module under vstui.commands. Order is the order shown in --help.
SUBCOMMANDS: dict[str, str] = {
    "demo": "demo",
    "watch": "watch",
    "checks": "checks",
    "ci-health": "ci_health",
    "sync": "sync",
    "record": "record",
    "parse": "parse",
    "logs": "logs",
    "config": "config",
    "fake-gerrit": "fake_gerrit",
}
DEFAULT_COMMAND = "tui"


class OneLineErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one readable line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _load(module: str) -> ModuleType:
    return importlib.import_module(f"vstui.commands.{module}")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="vstui",
        description=(
            "A terminal review companion for Gerrit: human discussion and CI results in "
            "separate, filterable panes. Without a subcommand, opens the TUI on the "
            "default server from the config."
        ),
    )
    parser.add_argument("--version", action="version", version=f"vstui {__version__}")
    _load(DEFAULT_COMMAND).add_arguments(parser)
    sub = parser.add_subparsers(
        dest="command", metavar="SUBCOMMAND", parser_class=OneLineErrorParser
    )
    for name, module_name in SUBCOMMANDS.items():
        module = _load(module_name)
        sp = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sp)
        sp.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module = getattr(args, "_module", None) or _load(DEFAULT_COMMAND)
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and friends: not an error worth a traceback.
        return 0


if __name__ == "__main__":
    sys.exit(main())
