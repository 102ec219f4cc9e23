"""`vstui ci-health`: per CI and job, runs, failures, success rate, flaky count and changes
failing now, from the local history (synced first)."""

from __future__ import annotations

import argparse

from vstui.commands._history_common import add_server_arguments, since_argument

HELP = "how each CI has been doing: runs, failures, success rate, flaky jobs (from history)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_server_arguments(parser)
    since_argument(parser)
    parser.add_argument("--project", metavar="P", help="only runs on this project's changes")
    parser.add_argument("--ci", metavar="NAME", help="only this CI (account or display name)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def run(args: argparse.Namespace) -> int:
    import json
    import time

    from vstui.commands._history_common import CommandError, fail, open_server, run_sync
    from vstui.core.history_sync import parse_since
    from vstui.gerrit.errors import GerritError
    from vstui.history.health import ci_health, health_json

    prog = "vstui ci-health"
    try:
        window = parse_since(args.since)
    except ValueError as exc:
        return fail(prog, str(exc))
    try:
        with open_server(args) as server:
            run_sync(server)
            now = time.time()
            since = now - window
            cis = ci_health(server.history, since=since, now=now, project=args.project, ci=args.ci)
    except (CommandError, GerritError) as exc:
        return fail(prog, str(exc))
    if args.json:
        print(json.dumps(health_json(cis, since), ensure_ascii=False))
        return 0
    print(format_table(cis, now))
    return 0


def format_table(cis: list, now: float) -> str:  # type: ignore[type-arg]
    from vstui.history.health import sparkline
    from vstui.sanitize import one_line

    lines = [f"{'CI / job':44} {'runs':>5} {'failed':>6} {'success':>7} {'flaky':>5} "
             f"{'failing':>7}  {'last seen':>9}  trend"]  # fmt: skip
    for c in cis:
        rate = "-" if c.success_rate is None else f"{c.success_rate:.0%}"
        seen = _ago(now - c.last_seen) if c.last_seen else "-"
        mark = "  STOPPED" if c.stopped else ""
        lines.append(
            f"{one_line(c.ci_name, 44):44} {c.runs:5} {c.failed:6} {rate:>7} {c.flaky:5} "
            f"{c.changes_failing_now:7}  {seen:>9}  {sparkline(c.trend)}{mark}"
        )
        for j in c.jobs:
            jrate = "-" if j.success_rate is None else f"{j.success_rate:.0%}"
            lines.append(
                f"  {one_line(j.job or '(overall)', 42):42} {j.runs:5} {j.failed:6} {jrate:>7} "
                f"{j.flaky:5} {j.changes_failing_now:7}  {_ago(now - j.last_seen):>9}  "
                f"{sparkline(j.trend)}"
            )
    return "\n".join(lines)


def _ago(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 3600:
        return f"{s // 60}m ago"
    if s < 2 * 86400:
        return f"{s // 3600}h ago"
    return f"{s // 86400}d ago"
