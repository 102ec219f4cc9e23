"""`vstui watch`: print every Gerrit stream event (reconnects and backfills like the UI)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vstui.commands._target import add_target_arguments, open_target

HELP = "print every Gerrit stream event (reconnects and backfills like the UI)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_target_arguments(parser)
    parser.add_argument(
        "--json",
        action="store_true",
        help="print each event exactly as Gerrit sent it, one compact JSON line",
    )
    parser.add_argument(
        "-s",
        "--subscribe",
        metavar="TYPE",
        action="append",
        default=[],
        help="only this event type (repeatable), e.g. -s comment-added",
    )
    parser.add_argument(
        "--notify",
        action="store_true",
        help="instead of events, print the TUI's notifications ([notify] in the config: "
        "my changes and starred ones by default), ringing the terminal if configured",
    )
    parser.add_argument(
        "--stall-timeout",
        metavar="SECONDS",
        type=float,
        help="probe the connection after this much silence (default: profile, else 60)",
    )


def run(args: argparse.Namespace) -> int:
    import logging
    import tempfile
    import threading

    from vstui.config import ConfigError
    from vstui.sanitize import one_line

    def fail(message: str) -> int:
        print(f"vstui watch: {one_line(message)}", file=sys.stderr, flush=True)
        return 1

    from vstui.sanitize import RedactingFormatter

    logging.basicConfig(level=logging.WARNING, format="vstui watch: %(message)s")
    for handler in logging.getLogger().handlers:  # no password from a URL on stderr
        handler.setFormatter(RedactingFormatter("vstui watch: %(message)s"))
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)  # we report failures ourselves
    logging.getLogger("httpx").setLevel(logging.WARNING)

    for kind in args.subscribe:
        if not kind or not all(c.isalnum() or c in "-_." for c in kind):
            return fail(f"-s {kind!r}: not an event type name (e.g. comment-added)")

    from vstui.gerrit.connect import InfoFileError

    with tempfile.TemporaryDirectory(prefix="vstui-watch-") as tmp:
        try:
            target = open_target(args, tmp)
            conn = target.conn
            notify_settings = target.config.notify if target.config is not None else None
        except (ConfigError, InfoFileError) as exc:
            return fail(str(exc))
        if args.notify:
            from vstui.commands.watch_notify import run_notify

            return run_notify(conn, notify_settings, args)
        options: dict[str, Any] = {"exit_on_initial_failure": True}
        if args.stall_timeout is not None:
            if args.stall_timeout <= 0:
                return fail("--stall-timeout must be positive")
            options["stall_timeout"] = args.stall_timeout

        from vstui.gerrit.stream import ConnectionState, StreamState

        out = sys.stdout
        broken = threading.Event()

        def on_event(event: Any) -> None:
            if broken.is_set():
                return
            try:
                out.write((event.line if args.json else format_event(event)) + "\n")
                out.flush()
            except BrokenPipeError:
                broken.set()

        def on_state(state: ConnectionState) -> None:
            if state.state is StreamState.ERROR and state.fatal:
                return  # printed once below, as the exit message
            print(f"vstui watch: {one_line(str(state))}", file=sys.stderr, flush=True)

        try:
            stream = conn.event_stream(
                on_event=on_event, on_state=on_state, subscribe=args.subscribe, **options
            )
        except ConfigError as exc:
            return fail(str(exc))
        interrupted = False
        stream.start()
        try:
            while stream.running and not broken.is_set():
                stream.join(0.2)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            # Ctrl-C: print what already arrived (lines held back for a backfill, lines in
            # the SSH channel) before exiting. A broken pipe: nothing more can be printed.
            drain = interrupted and not broken.is_set()
            stream.stop(timeout=2.5 if drain else 1.0, drain=drain)
        if broken.is_set():
            return 0
        if stream.error is not None:
            return fail(str(stream.error))
        return 130 if interrupted else 0


def format_event(event: Any) -> str:
    """One readable, terminal-safe line for an event."""
    from vstui.sanitize import one_line

    when = event.created_on.strftime("%H:%M:%S") if event.created_on else "--:--:--"
    parts = [when, event.type or "?"]
    change = getattr(event, "change", None)
    if change is not None:
        ps = getattr(event, "patch_set_number", None)
        parts.append(
            f"{event.project or change.project} {change.number}" + (f",{ps}" if ps else "")
        )
    elif event.project:
        parts.append(event.project)
    who = None
    for attr in (
        "author",
        "uploader",
        "submitter",
        "abandoner",
        "restorer",
        "deleter",
        "adder",
        "remover",
        "changer",
        "editor",
    ):
        account = getattr(event, attr, None)
        if account is not None:
            who = account.label
            break
    if who:
        parts.append(f"by {who}")
    detail = _detail(event)
    if event.synthesized:
        detail = ("(caught up over REST) " + detail).strip()
    elif event.source == "events-log":
        detail = ("(caught up) " + detail).strip()
    text = " ".join(parts) + (f": {detail}" if detail else "")
    return one_line(text, 400)


def _detail(event: Any) -> str:
    kind = event.type
    if kind == "comment-added":
        votes = " ".join(
            f"{a.label}{'+' if a.value > 0 else ''}{a.value}"
            for a in event.approvals
            if a.old_value is not None
        )
        first = next((ln for ln in (event.comment or "").splitlines()[1:] if ln.strip()), "")
        return " ".join(x for x in (votes, first) if x)
    if kind in ("ref-updated",) and event.ref_update is not None:
        ru = event.ref_update
        return f"{ru.ref_name} {ru.old_rev[:8]}..{ru.new_rev[:8]}"
    if kind in ("change-abandoned", "change-restored"):
        return event.reason or ""
    if kind == "dropped-output":
        return "the server dropped events here; catching up"
    if kind == "topic-changed":
        return f"topic was {event.old_topic or '-'}"
    if kind in ("reviewer-added", "reviewer-deleted") and event.reviewer is not None:
        return event.reviewer.label
    change = getattr(event, "change", None)
    return change.subject if change is not None else ""
