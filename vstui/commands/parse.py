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
from collections.abc import Iterable, Iterator
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
    parser.add_argument(
        "--jobs",
        type=_positive,
        default=1,
        metavar="N",
        help="parse in N processes, for big corpora (the output order is kept)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"expected 1 to 256, got {value}")
    return value


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


MAX_RECORD_BYTES = 64 << 20  # one JSON Lines record; a longer line is a per-record error
CHUNK_RECORDS = 2000  # records handed to a worker at once with --jobs


class _Stop(Exception):
    """The input as a whole cannot be read: one line on stderr, exit 1."""


def _decode_error(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 ({exc.reason} at byte {exc.start})"
    if isinstance(exc, RecursionError):
        return "not valid JSON (nested too deeply)"
    text = str(exc).split("\n")[0]
    if "Integer value out of range" in text or "integer string conversion" in text:
        return "not valid JSON (a number too large)"
    return f"not valid JSON ({text})"


def _loads(data: bytes) -> Any:
    """One JSON value; raises ValueError or RecursionError (nothing else) when unreadable.

    msgspec first (several times faster); `json` second, because it also reads what Python's
    own tools write (lone surrogate escapes, NaN)."""
    import msgspec

    try:
        return msgspec.json.decode(data)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as fast:
        if isinstance(fast, UnicodeDecodeError | RecursionError):
            raise
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise fast from None


def _record_label(index: int, record: Any) -> str:
    rid = record.get("id") if isinstance(record, dict) else None
    if isinstance(rid, str) and rid:
        return f"record {index + 1} (id {rid})"
    return f"record {index + 1}"


class _Parser:
    """Per-record work: decode (JSON Lines), parse, encode. Runs in the main process, or in
    each `--jobs` worker (built once per worker by `_init_worker`)."""

    def __init__(self, rules: Any, details: bool, pretty: bool, explain: bool = False) -> None:
        import msgspec

        from vstui.ci.parse import RecordError, explain_record, parse_record

        self.rules = rules
        self.details = details
        self.pretty = pretty
        self.explain = explain
        self._explain = explain_record
        self._parse = parse_record
        self._record_error = RecordError
        self._encode = msgspec.json.Encoder().encode
        self._format = msgspec.json.format

    def encode(self, out: dict[str, Any], pretty: bool = False) -> bytes:
        try:
            data = self._encode(out)
        except (UnicodeEncodeError, TypeError, ValueError, OverflowError):
            # Lone surrogates (read by the `json` fallback) cannot be UTF-8: ASCII escapes.
            data = json.dumps(out).encode()
        return self._format(data, indent=2) if pretty else data

    def record(self, index: int, record: Any, errors: list[str]) -> dict[str, Any]:
        rid = record.get("id") if isinstance(record, dict) else None
        try:
            result = self._parse(record, self.rules, order=index)
            out: dict[str, Any] = {"id": rid}
            out.update(result.as_dict())
            if self.details:
                out.update(_details(result))
            if self.explain:
                out["explain"] = self._explain(record, self.rules)
            return out
        except self._record_error as exc:
            reason = str(exc)
        except Exception as exc:  # a parser bug must cost one record, not the whole run
            reason = f"cannot parse: {type(exc).__name__}"
        errors.append(f"{_record_label(index, record)}: {reason}")
        return {"id": rid if isinstance(rid, str) else None, "error": reason}

    def lines(
        self, start: int, rows: list[tuple[int, bytes | None]]
    ) -> tuple[bytes, list[str], int]:
        """JSON Lines: [(lineno, raw line, None when too long)] -> (output, errors, bad).

        The hot loop of a big corpus: the common case (a readable record that parses) is
        inlined; every other case goes through the same helpers as the other framings."""
        import msgspec

        errors: list[str] = []
        out: list[bytes] = []
        append = out.append
        fast_decode = msgspec.json.Decoder().decode
        fast_encode = self._encode
        parse, rules, details = self._parse, self.rules, self.details or self.explain
        for index, (lineno, raw) in enumerate(rows, start):
            if raw is not None:
                try:
                    value = fast_decode(raw)
                    if type(value) is dict and not details:
                        result = parse(value, rules, order=index)
                        answer = {"id": value.get("id")}
                        answer.update(result.as_dict())
                        append(fast_encode(answer))
                        continue
                except Exception:
                    pass  # the careful path below says what is wrong
                try:
                    value = _loads(raw)
                except (ValueError, RecursionError) as exc:
                    reason = f"line {lineno}: {_decode_error(exc)}"
                else:
                    append(self.encode(self.record(index, value, errors)))
                    continue
            else:
                reason = f"line {lineno}: longer than {MAX_RECORD_BYTES >> 20} MB"
            errors.append(f"record {index + 1}: {reason}")
            append(self.encode({"id": None, "error": reason}))
        return b"\n".join(out) + b"\n", errors, len(errors)

    def items(self, start: int, values: list[Any]) -> tuple[list[bytes], list[str], int]:
        """Decoded records (array framing) -> (encoded outputs, errors, bad)."""
        errors: list[str] = []
        pretty, encode, record = self.pretty, self.encode, self.record
        out = []
        for i, value in enumerate(values, start):
            if type(value) is bytes:  # an item split from the array, not decoded yet
                try:
                    value = _loads(value)
                except (ValueError, RecursionError) as exc:
                    reason = _decode_error(exc)
                    errors.append(f"record {i + 1}: {reason}")
                    out.append(encode({"id": None, "error": reason}, pretty))
                    continue
            out.append(encode(record(i, value, errors), pretty))
        return out, errors, len(errors)


_WORKER: _Parser | None = None


def _init_worker(rules: Any, details: bool, pretty: bool, explain: bool = False) -> None:
    global _WORKER
    _WORKER = _Parser(rules, details, pretty, explain)


def _work_lines(start: int, rows: list[tuple[int, bytes | None]]) -> tuple[bytes, list[str], int]:
    assert _WORKER is not None
    return _WORKER.lines(start, rows)


def _work_items(start: int, values: list[Any]) -> tuple[list[bytes], list[str], int]:
    assert _WORKER is not None
    return _WORKER.items(start, values)


def _input_lines(stream: Any) -> Iterator[tuple[int, bytes | None]]:
    """(lineno, line) for each non-blank line; line is None when it is longer than the cap
    (the rest of it is skipped without being held in memory)."""
    readline = stream.readline
    limit = MAX_RECORD_BYTES + 1
    lineno = 0
    while True:
        line = readline(limit)
        if not line:
            return
        lineno += 1
        if len(line) == limit and not line.endswith(b"\n"):
            while True:
                more = readline(limit)
                if not more or more.endswith(b"\n"):
                    break
            yield lineno, None
        elif not line.isspace():
            yield lineno, line


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Pool:
    """`--jobs N` worker processes with at most 2N chunks in flight, so memory stays flat
    however long the input is; results come back in input order."""

    def __init__(self, jobs: int, parser: _Parser) -> None:
        import multiprocessing
        from collections import deque

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
        ctx = multiprocessing.get_context(method)
        self.pool = ctx.Pool(
            jobs, _init_worker, (parser.rules, parser.details, parser.pretty, parser.explain)
        )
        self.ahead = 2 * jobs
        self.pending: deque[Any] = deque()

    def submit(self, fn: Any, args: tuple[Any, ...]) -> Iterator[Any]:
        """Queue one chunk; yields the results that are due, oldest first."""
        self.pending.append(self.pool.apply_async(fn, args))
        while len(self.pending) > self.ahead:
            yield self.pending.popleft().get()

    def drain(self) -> Iterator[Any]:
        while self.pending:
            yield self.pending.popleft().get()

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


def run(args: argparse.Namespace) -> int:
    try:
        rules = _rules(args)
    except ValueError as exc:
        _error(str(exc))
        return 2
    import gc

    # Each record allocates many short-lived objects and keeps none: collecting the young
    # generation every 700 allocations (the default) costs a few % of a big run.
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    try:
        return _run(args, rules)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _run(args: argparse.Namespace, rules: Any) -> int:
    jobs = int(getattr(args, "jobs", 1) or 1)
    parser = _Parser(rules, args.details, args.pretty, args.explain)
    stdin = sys.stdin.buffer
    sys.stdout.flush()
    out = sys.stdout.buffer
    rows = _input_lines(stdin)
    try:
        first = next(rows, None)
        if first is None:
            raise _Stop("no input: expected a JSON object, an array, or JSON Lines")
        lineno, line = first
        if line is not None and line.lstrip().startswith(b"["):
            return _run_array(parser, line + stdin.read(), jobs, out)
        second = next(rows, None)
        if line is not None and second is None:
            return _run_object(parser, line, out)
        if line is not None and not _is_json(line) and not _is_record(second):
            # Neither line is a record: perhaps one pretty-printed object (read whole, as
            # documented). JSON Lines with a bad first line still stream.
            whole = b"\n" * (lineno - 1) + line
            if second is not None:
                whole += b"\n" * (second[0] - lineno - 1) + (second[1] or b"")
            whole += stdin.read()
            try:
                _loads(whole)
            except (ValueError, RecursionError):
                lines = whole.split(b"\n")
                if sum(1 for text in lines if text.strip()) > 1:
                    numbered = ((n, t) for n, t in enumerate(lines, 1) if t.strip())
                    return _run_lines(parser, numbered, jobs, out)
            return _run_object(parser, whole, out)
        return _run_lines(parser, _chain(first, second, rows), jobs, out)
    except _Stop as exc:
        _error(str(exc))
        return 1


def _is_json(data: bytes) -> bool:
    try:
        _loads(data)
    except (ValueError, RecursionError):
        return False
    return True


def _is_record(row: tuple[int, bytes | None] | None) -> bool:
    """A JSON Lines record: one line holding a whole JSON object."""
    if row is None or row[1] is None:
        return False
    try:
        return isinstance(_loads(row[1]), dict)
    except (ValueError, RecursionError):
        return False


def _chain(first: Any, second: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    if second is not None:
        yield second
    yield from rest


def _run_object(parser: _Parser, data: bytes, out: Any) -> int:
    try:
        value = _loads(data)
    except (ValueError, RecursionError) as exc:
        raise _Stop(f"input is {_decode_error(exc)}") from None
    errors: list[str] = []
    result = parser.record(0, value, errors)
    for line in errors:
        _error(line)
    out.write(parser.encode(result, parser.pretty) + b"\n")
    out.flush()
    return 1 if errors else 0


def _array_values(data: bytes) -> list[Any]:
    """The array's items. They are split, not decoded, here (msgspec `Raw`): one bad item
    (a 5,000-digit number) then fails only its own record."""
    import msgspec

    try:
        return [bytes(raw) for raw in msgspec.json.decode(data, type=list[msgspec.Raw])]
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        pass
    try:
        decoded = _loads(data)
    except (ValueError, RecursionError) as exc:
        raise _Stop(f"input is {_decode_error(exc)}") from None
    if not isinstance(decoded, list):
        raise _Stop("input is not a JSON array")
    return decoded


def _run_array(parser: _Parser, data: bytes, jobs: int, out: Any) -> int:
    """Array framing: the input is read whole (JSON Lines is the streaming framing)."""
    values = _array_values(data)
    pretty = parser.pretty
    sep, head, tail = (b",\n", b"[\n", b"\n]\n") if pretty else (b", ", b"[", b"]\n")
    bad = 0
    wrote = False

    def emit(chunk: tuple[list[bytes], list[str], int]) -> None:
        nonlocal bad, wrote
        encoded, errors, n_bad = chunk
        for line in errors:
            _error(line)
        bad += n_bad
        for item in encoded:
            if pretty:
                item = b"  " + item.replace(b"\n", b"\n  ")
            out.write(sep + item if wrote else head + item)
            wrote = True

    if jobs > 1 and len(values) > CHUNK_RECORDS:
        pool = _Pool(jobs, parser)
        try:
            for start in range(0, len(values), CHUNK_RECORDS):
                part = values[start : start + CHUNK_RECORDS]
                for done in pool.submit(_work_items, (start, part)):
                    emit(done)
            for done in pool.drain():
                emit(done)
        finally:
            pool.close()
    else:
        emit(parser.items(0, values))
    out.write(tail if wrote else b"[]\n")
    out.flush()
    return 1 if bad else 0


def _run_lines(parser: _Parser, rows: Iterable[Any], jobs: int, out: Any) -> int:
    """JSON Lines, streamed in constant memory; output in input order."""
    bad = 0

    def emit(chunk: tuple[bytes, list[str], int]) -> None:
        nonlocal bad
        data, errors, n_bad = chunk
        bad += n_bad
        out.write(data)
        if errors:
            out.flush()  # the output so far, then what went wrong
            for line in errors:
                _error(line)

    index = 0
    if jobs > 1:
        pool = _Pool(jobs, parser)
        try:
            for chunk in _chunks(rows, CHUNK_RECORDS):
                for done in pool.submit(_work_lines, (index, chunk)):
                    emit(done)
                index += len(chunk)
            for done in pool.drain():
                emit(done)
        finally:
            pool.close()
    else:
        # Small chunks: the output keeps flowing for a slow producer, per-call costs stay low.
        for chunk in _chunks(rows, 64):
            emit(parser.lines(index, chunk))
            index += len(chunk)
    out.flush()
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
