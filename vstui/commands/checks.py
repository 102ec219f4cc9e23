"""`vstui checks CHANGE`: a patch set's CI results with verdicts from the history; exit 0
when every voting job passed, 1 when a voting job failed, 8 while results are pending."""

from __future__ import annotations

import argparse

from vstui.commands._history_common import add_server_arguments

HELP = "a patch set's CI results and verdicts; exit 0 passed, 1 failed, 8 pending"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("change", metavar="CHANGE", help="change number or URL")
    add_server_arguments(parser)
    parser.add_argument(
        "--patch-set", metavar="N", type=int, help="this patch set (default: the latest)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--watch",
        action="store_true",
        help="follow the event stream until no result is pending, then print and exit",
    )
    parser.add_argument(
        "--fail-fast", action="store_true", help="with --watch: stop at the first voting failure"
    )
    parser.add_argument(
        "--voting-only", action="store_true", help="only voting jobs (table, JSON and status)"
    )


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from vstui.commands._history_common import CommandError, fail, open_server, run_sync
    from vstui.core.checks import fetch_checks, parse_change_arg
    from vstui.gerrit.errors import GerritError

    prog = "vstui checks"
    try:
        number = parse_change_arg(args.change)
    except ValueError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    if args.patch_set is not None and args.patch_set < 1:
        print(f"{prog}: error: --patch-set must be >= 1", file=sys.stderr)
        return 2
    try:
        with open_server(args) as server:
            run_sync(server)
            client = server.conn.sync_client()
            try:

                def fetch() -> object:
                    return fetch_checks(
                        client,
                        server.history,
                        number,
                        patch_set=args.patch_set,
                        bot_rules=server.rules,
                        voting_only=args.voting_only,
                        verdict_rules=server.verdict_rules,
                    )

                checks = fetch()
                if args.watch:
                    checks = _watch(server, number, checks, fetch, args.fail_fast)
            finally:
                client.close()
    except (CommandError, GerritError) as exc:
        return fail(prog, str(exc))
    except KeyboardInterrupt:
        return 130
    if args.json:
        print(json.dumps(checks.as_json(), ensure_ascii=False))  # type: ignore[attr-defined]
    else:
        print(format_checks(checks))
    return int(checks.exit_code)  # type: ignore[attr-defined]


def _done(checks: object, fail_fast: bool) -> bool:
    status = checks.status  # type: ignore[attr-defined]
    return status == "passed" or (status == "failed" and (fail_fast or not _pending(checks)))


def _pending(checks: object) -> bool:
    return any(j.state == "pending" for j in checks.jobs)  # type: ignore[attr-defined]


def _watch(server: object, number: int, checks: object, fetch: object, fail_fast: bool) -> object:
    """Refetch on every event about the change until nothing is pending."""
    import queue

    if _done(checks, fail_fast):
        return checks
    events: queue.Queue[object] = queue.Queue()

    def on_event(event: object) -> None:
        if getattr(event, "change_number", None) == number:
            events.put(event)

    stream = server.conn.event_stream(on_event=on_event)  # type: ignore[attr-defined]
    stream.start()
    try:
        while True:
            try:
                events.get(timeout=0.5)
            except queue.Empty:
                if not stream.running:
                    if stream.error is not None:
                        raise stream.error from None
                    return checks
                continue
            while not events.empty():  # a burst of events: one refetch
                events.get_nowait()
            checks = fetch()  # type: ignore[operator]
            if _done(checks, fail_fast):
                return checks
    finally:
        stream.stop(timeout=1.0)


def format_checks(checks: object) -> str:
    from vstui.sanitize import one_line

    c = checks
    head = f"change {c.change} patch set {c.patch_set}: {c.status}"  # type: ignore[attr-defined]
    lines = [head]
    mark = {"passed": "✓", "failed": "✗", "pending": "…", "other": "·"}
    for j in c.jobs:  # type: ignore[attr-defined]
        chips = " ".join(f"[{v.chip}]" for v in j.verdicts)
        dur = "" if j.duration_s is None else f" {j.duration_s // 60}m"
        nv = "" if j.voting else " (non-voting)"
        name = j.job or "(overall)"
        pipe = f" ({j.pipeline})" if j.pipeline else ""
        lines.append(
            one_line(
                f"{mark.get(j.state, '·')} {j.ci}{pipe}  {name}  {j.result or '-'}{nv}{dur}"
                f"  {chips}  {j.url or ''}".rstrip(),
                400,
            )
        )
    for name, v in c.missing:  # type: ignore[attr-defined]
        lines.append(one_line(f"? {name}  {v.explanation}", 400))
    return "\n".join(lines)
