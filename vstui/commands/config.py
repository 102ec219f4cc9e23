"""`vstui config`: show where the config lives and check it."""

from __future__ import annotations

import argparse
import sys

HELP = "show where the config lives and check it"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("vstui config: not implemented yet", file=sys.stderr)
    return 1
