"""`vstui logs`: read CI job logs from the command line.

`vstui logs view TARGET [--baseline B] [--follow]` opens the log viewer of the TUI on it.
`vstui logs anomalies TARGET [--baseline B] [--top N] [--json]` prints the lines of TARGET
absent from the passing run B (or, without B, its error-shaped lines), best first. TARGET
and B are URLs (a Zuul build directory, a Jenkins job, a plain file) or local files; gzip is
fine. `--json` writes JSON Lines `{"line", "score", "text"}` (line: 1-based in TARGET).
Exit 1 with one line on stderr when a log can't be read.

Light: httpx is imported only for URL targets; Textual only by `view`.
"""

from __future__ import annotations

import argparse
import sys

HELP = "read CI job logs: the failing lines first (anomalies against a passing run)"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(
        dest="logs_command", metavar="ACTION", required=True, parser_class=type(parser)
    )
    an = sub.add_parser(
        "anomalies",
        help="lines of TARGET absent from the baseline run, best first",
        description="Lines of TARGET absent from BASELINE (normalised: timestamps, ids, "
        "numbers removed), ranked so errors, exceptions and failed tests come first. "
        "Without --baseline, error-shaped lines.",
    )
    an.add_argument("target", metavar="TARGET", help="log URL or file (gzip allowed)")
    an.add_argument("--baseline", metavar="BASELINE", help="a passing run's log: URL or file")
    an.add_argument("--top", type=_positive, default=None, metavar="N", help="at most N lines")
    an.add_argument("--json", action="store_true", help="JSON Lines {line, score, text}")
    view = sub.add_parser(
        "view",
        help="open TARGET in the terminal log viewer (failing lines first)",
        description="Open a job log (URL or file, gzip allowed) in the log viewer: the "
        "anomalies against BASELINE (or error-shaped lines) first, then the full log with "
        "search, go to line, wrap, copy and follow.",
    )
    view.add_argument("target", metavar="TARGET", help="log URL or file (gzip allowed)")
    view.add_argument("--baseline", metavar="BASELINE", help="a passing run's log: URL or file")
    view.add_argument(
        "--follow", action="store_true", help="the build is running: follow its log as it grows"
    )


def run(args: argparse.Namespace) -> int:
    if args.logs_command == "view":
        return _view(args)
    import json

    from vstui.logs.anomalies import anomalies, split_lines
    from vstui.logs.fetch import LogFetchError
    from vstui.logs.load import read_log
    from vstui.sanitize import one_line, strip_control

    try:
        target = split_lines(read_log(args.target))
        baseline = split_lines(read_log(args.baseline)) if args.baseline else None
    except LogFetchError as exc:
        print(f"vstui logs: {one_line(str(exc), 400)}", file=sys.stderr)
        return 1
    out = sys.stdout
    for a in anomalies(target, baseline, top=args.top):
        if args.json:
            out.write(json.dumps(a.as_json(), ensure_ascii=False) + "\n")
        else:
            out.write(f"{a.line:>7} {a.score:5.2f}  {strip_control(a.text, keep_newlines=False)}\n")
    out.flush()
    return 0


def _view(args: argparse.Namespace) -> int:
    from vstui.ui.screens.log_viewer import run_viewer

    return run_viewer(args.target, args.baseline, follow=args.follow)
