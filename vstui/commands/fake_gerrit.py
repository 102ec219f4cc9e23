"""`vstui fake-gerrit`: run the Gerrit emulator (real SSH + HTTP on loopback) for demos and tests."""

from __future__ import annotations

import argparse
import sys

HELP = "run the Gerrit emulator (real SSH + HTTP on loopback) for demos and tests"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("vstui fake-gerrit: not implemented yet", file=sys.stderr)
    return 1
