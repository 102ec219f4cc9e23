"""`vstui parse`: turn change messages (JSON on stdin) into structured CI results (JSON on stdout)."""

from __future__ import annotations

import argparse
import sys

HELP = "turn change messages (JSON on stdin) into structured CI results (JSON on stdout)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("vstui parse: not implemented yet", file=sys.stderr)
    return 1
