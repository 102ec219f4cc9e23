"""`vstui demo`: start the embedded Gerrit emulator and open the TUI on it."""

from __future__ import annotations

import argparse
import sys

HELP = "start the embedded Gerrit emulator and open the TUI on it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("vstui demo: not implemented yet", file=sys.stderr)
    return 1
