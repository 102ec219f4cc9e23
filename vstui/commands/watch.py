"""`vstui watch`: print every Gerrit stream event (reconnects and backfills like the UI)."""

from __future__ import annotations

import argparse
import sys

HELP = "print every Gerrit stream event (reconnects and backfills like the UI)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("vstui watch: not implemented yet", file=sys.stderr)
    return 1
