"""`vstui record`: a headless recorder (stream + backfill -> history) to run as a service,
so the history grows while the TUI is closed. Stops cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse

from vstui.commands._history_common import add_server_arguments

HELP = "record every CI run the server reports into the local history (run as a service)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_server_arguments(parser)
    parser.add_argument(
        "--batch",
        metavar="SECONDS",
        type=float,
        default=1.0,
        help="gather events this long before fetching the changes they touch (default 1)",
    )


def run(args: argparse.Namespace) -> int:
    import logging
    import signal
    import sys
    import threading

    from vstui.commands._history_common import CommandError, fail, open_server, run_sync
    from vstui.gerrit.errors import GerritError

    prog = "vstui record"
    if args.batch <= 0:
        print(f"{prog}: error: --batch must be positive", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format=f"{prog}: %(message)s")
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        with open_server(args) as server:
            from vstui.core.history_sync import Recorder

            result = run_sync(server)
            print(
                f"{prog}: {server.conn.name}: backfilled {result.changes} changes, "
                f"{result.new_runs} new runs; recording",
                file=sys.stderr,
                flush=True,
            )
            recorder = Recorder(server.conn, server.history, rules=server.rules)
            recorder.run(stop, batch=args.batch)
            print(
                f"{prog}: stopped: {recorder.changes} changes fetched, "
                f"{recorder.new_runs} new runs",
                file=sys.stderr,
                flush=True,
            )
    except (CommandError, GerritError) as exc:
        return fail(prog, str(exc))
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return 0
