"""`vstui parse`: turn change messages (JSON on stdin) into structured CI results (JSON on stdout).

Input: one ChangeMessageInfo-like object, a JSON array of them, or JSON Lines (one object per
line). Output uses the same framing, one result per record, in order:
`{"id", "is_bot", "ci_name", "overall", "vote", "jobs": [{name, url, result, duration_s,
voting}]}`. A record that cannot be parsed gets `{"id", "error"}` in its slot and one line on
stderr naming it; the others are still parsed. Exit status: 0 when every record was parsed,
1 when the input was unreadable or any record was bad.

Light on purpose: json and vstui.ci only (no Textual, httpx or paramiko); vstui.config only
with `--server`, for that profile's rules and user-defined CI formats. `--explain` says why.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

HELP = "turn change messages (JSON on stdin) into structured CI results (JSON on stdout)"


EPILOG = (
    "Input: one JSON object, a JSON array, or JSON Lines of ChangeMessageInfo-like records "
    "(id, author {name, username, tags}, tag, date, _revision_number, message). Output: the "
    "same framing, one {id, is_bot, ci_name, overall, vote, jobs} per record, in order. A bad "
    "record gets {id, error} and a line on stderr naming it; the exit status is 1 when the "
    "input is unreadable or any record was bad."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument(
        "--bot-account",
        action="append",
        default=[],
        metavar="NAME",
        help="treat this account display name as a bot (repeatable)",
    )
    parser.add_argument(
        "--bot-username",
        action="append",
        default=[],
        metavar="USERNAME",
        help="treat this account username as a bot (repeatable)",
    )
    parser.add_argument(
        "--bot-regex",
        action="append",
        default=[],
        metavar="REGEX",
        help="treat accounts whose name or username matches REGEX as bots (repeatable)",
    )
    parser.add_argument(
        "--human-account",
        action="append",
        default=[],
        metavar="NAME",
        help="treat this account (display name or username) as a human, overriding "
        "every name heuristic (repeatable)",
    )
    parser.add_argument(
        "--alias",
        action="append",
        default=[],
        metavar="CI=ACCOUNT[,ACCOUNT...]",
        help="report these accounts (names or usernames) as one CI named CI (repeatable)",
    )
    parser.add_argument(
        "--details",
        action="store_true",
        help="add pipeline, job detail text, recheck requests and the deciding signal",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="add an 'explain' object per record: which signal classified the author and "
        "which family rule, user-defined format or fallback gave the result and jobs",
    )
    parser.add_argument(
        "--server",
        metavar="NAME",
        help="also use this config profile's rules: bot lists, CI aliases and user-defined "
        "CI formats (ci_formats); the config file is the global --config or the default",
    )
    parser.add_argument("--pretty", action="store_true", help="indent the JSON output")


def _error(msg: str) -> None:
    from vstui.sanitize import one_line

    print(f"vstui parse: {one_line(msg, 400)}", file=sys.stderr)


def _rules(args: argparse.Namespace) -> Any:
    from vstui.ci.classify import BotRules

    aliases: dict[str, list[str]] = {}
    for spec in args.alias:
        ci, sep, accounts = spec.partition("=")
        if not sep or not ci.strip() or not accounts.strip():
            raise ValueError(f"--alias expects CI=ACCOUNT[,ACCOUNT...], got {spec!r}")
        aliases.setdefault(ci.strip(), []).extend(a.strip() for a in accounts.split(","))
    bot_names = list(args.bot_account)
    bot_usernames = list(args.bot_username)
    bot_regexes = list(args.bot_regex)
    humans = list(args.human_account)
    formats: dict[str, Any] = {}
    if getattr(args, "server", None):
        from vstui.config import ConfigError, load_config

        try:
            profile = load_config(getattr(args, "config", None)).server(args.server)
        except ConfigError as exc:
            raise ValueError("; ".join(exc.problems)) from None
        bot_names += [a for a in profile.bot_accounts if isinstance(a, str)]
        bot_usernames += list(profile.bot_usernames)
        bot_regexes += list(profile.bot_patterns)
        humans += [a for a in profile.human_accounts if isinstance(a, str)]
        for ci, names in profile.ci_aliases.items():
            aliases.setdefault(ci, []).extend(names)
        formats = dict(profile.ci_formats)
    return BotRules.from_config(
        bot_names=bot_names,
        bot_usernames=bot_usernames,
        bot_regexes=bot_regexes,
        human_names=humans,
        human_usernames=humans,
        ci_aliases=aliases,
        ci_formats=formats,
    )


def _read_stdin() -> str:
    data = sys.stdin.buffer.read()
    return data.decode("utf-8")


def _split_records(text: str) -> tuple[str, list[tuple[Any, str | None]]]:
    """(framing, [(record or None, error)]) for one object, an array, or JSON Lines."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("no input: expected a JSON object, an array, or JSON Lines")
    if stripped[0] == "[":
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValueError(f"input is not valid JSON: {exc}") from None
        if not isinstance(value, list):
            raise ValueError("input is not a JSON array")
        return "array", [(item, None) for item in value]
    try:
        value = json.loads(stripped)
    except json.JSONDecodeError as exc:
        if "Extra data" not in exc.msg:
            lines = stripped.split("\n")
            if len(lines) == 1:
                raise ValueError(f"input is not valid JSON: {exc}") from None
    else:
        return "object", [(value, None)]
    records: list[tuple[Any, str | None]] = []
    for lineno, line in enumerate(stripped.split("\n"), 1):
        if not line.strip():
            continue
        try:
            records.append((json.loads(line), None))
        except json.JSONDecodeError as exc:
            records.append((None, f"line {lineno}: not valid JSON ({exc.msg})"))
    return "lines", records


def _record_label(index: int, record: Any) -> str:
    rid = record.get("id") if isinstance(record, dict) else None
    if isinstance(rid, str) and rid:
        return f"record {index + 1} (id {rid})"
    return f"record {index + 1}"


def run(args: argparse.Namespace) -> int:
    from vstui.ci.parse import RecordError, explain_record, parse_record

    try:
        rules = _rules(args)
    except ValueError as exc:
        _error(str(exc))
        return 2
    try:
        text = _read_stdin()
    except UnicodeDecodeError as exc:
        _error(f"input is not UTF-8: {exc.reason} at byte {exc.start}")
        return 1
    try:
        framing, records = _split_records(text)
    except ValueError as exc:
        _error(str(exc))
        return 1

    outputs: list[dict[str, Any]] = []
    bad = 0
    for index, (record, read_error) in enumerate(records):
        rid = record.get("id") if isinstance(record, dict) else None
        if read_error is not None:
            _error(f"record {index + 1}: {read_error}")
            outputs.append({"id": None, "error": read_error})
            bad += 1
            continue
        try:
            result = parse_record(record, rules, order=index)
        except RecordError as exc:
            _error(f"{_record_label(index, record)}: {exc}")
            outputs.append({"id": rid if isinstance(rid, str) else None, "error": str(exc)})
            bad += 1
            continue
        out: dict[str, Any] = {"id": rid}
        out.update(result.as_dict())
        if args.details:
            out.update(_details(result))
        if args.explain:
            out["explain"] = explain_record(record, rules)
        outputs.append(out)

    indent = 2 if args.pretty else None
    write = sys.stdout.write
    if framing == "object":
        write(json.dumps(outputs[0], ensure_ascii=False, indent=indent) + "\n")
    elif framing == "array":
        write(json.dumps(outputs, ensure_ascii=False, indent=indent) + "\n")
    else:
        for out in outputs:
            write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 1 if bad else 0


def _details(result: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {"signal": result.reason}
    if result.report is not None:
        extra["pipeline"] = result.report.pipeline
        extra["recheck_hints"] = list(result.report.recheck_hints)
        extra["job_details"] = [j.detail for j in result.jobs]
    if result.recheck is not None:
        r = result.recheck
        extra["recheck"] = {"keyword": r.keyword, "target": r.target, "pipeline": r.pipeline}
    return extra
