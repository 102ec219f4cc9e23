"""`vstui watch`: print every Gerrit stream event (reconnects and backfills like the UI)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

HELP = "print every Gerrit stream event (reconnects and backfills like the UI)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--server",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="server profile from the config (default: the config's default)",
    )
    where.add_argument(
        "--info-file",
        metavar="PATH",
        help="connect to the emulator described by this file (from 'vstui fake-gerrit "
        "--info-file'); its recorded host key is trusted",
    )
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
        "--account",
        metavar="USER",
        help="with --info-file: log in as this account (default: the file's default account)",
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

    logging.basicConfig(level=logging.WARNING, format="vstui watch: %(message)s")
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)  # we report failures ourselves
    logging.getLogger("httpx").setLevel(logging.WARNING)

    for kind in args.subscribe:
        if not kind or not all(c.isalnum() or c in "-_." for c in kind):
            return fail(f"-s {kind!r}: not an event type name (e.g. comment-added)")

    with tempfile.TemporaryDirectory(prefix="vstui-watch-") as tmp:
        try:
            if args.info_file:
                stream_kwargs = _from_info_file(args.info_file, args.account, tmp)
            else:
                stream_kwargs = _from_profile(args)
        except ConfigError as exc:
            return fail(str(exc))
        except _SetupError as exc:
            return fail(str(exc))
        if args.stall_timeout is not None:
            if args.stall_timeout <= 0:
                return fail("--stall-timeout must be positive")
            stream_kwargs["stall_timeout"] = args.stall_timeout

        from vstui.gerrit.stream import ConnectionState, EventStream, StreamState

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

        backfill = stream_kwargs.pop("backfill")
        stream = EventStream(
            on_event=on_event,
            on_state=on_state,
            backfill=backfill,
            subscribe=args.subscribe,
            exit_on_initial_failure=True,
            **stream_kwargs,
        )
        interrupted = False
        stream.start()
        try:
            while stream.running and not broken.is_set():
                stream.join(0.2)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            stream.stop(timeout=1.0)
            if backfill is not None:
                backfill.close()
        if broken.is_set():
            return 0
        if stream.error is not None:
            return fail(str(stream.error))
        return 130 if interrupted else 0


class _SetupError(Exception):
    pass


def _from_info_file(path: str, account: str | None, tmp: str) -> dict[str, Any]:
    """Stream settings for the emulator described by an info file; trusts its host key line
    through a temporary known_hosts file (never ~/.ssh)."""
    import json
    from pathlib import Path

    from vstui.config import Credentials
    from vstui.gerrit.rest import GerritSyncClient
    from vstui.gerrit.ssh import resolve_target

    try:
        info = json.loads(Path(path).read_text(encoding="utf-8"))
        ssh = info["ssh"]
        host, port, line = str(ssh["host"]), int(ssh["port"]), str(ssh["known_hosts_line"])
        url = str(info["http"]["url"])
        accounts = {a["username"]: a for a in info["accounts"]}
        user = account or info.get("default_account")
    except FileNotFoundError:
        raise _SetupError(f"{path}: no such file (start 'vstui fake-gerrit --info-file')") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _SetupError(f"{path}: not a fake-gerrit info file ({exc!r})") from None
    if not user or user not in accounts:
        known = ", ".join(sorted(accounts))
        raise _SetupError(f"{path}: no account {user!r} (known: {known})")
    entry = accounts[user]
    known_hosts = Path(tmp) / "known_hosts"
    known_hosts.write_text(line + "\n", encoding="utf-8")
    target = resolve_target(
        host,
        port=port,
        user=user,
        key_file=Path(entry["ssh_private_key"]),
        known_hosts=[known_hosts],
        ssh_config=Path(tmp) / "no-ssh-config",
        use_default_known_hosts=False,
        use_default_keys=False,
        use_agent=False,
        known_hosts_advice=known_hosts,
        server_name=f"{host}:{port}",
    )
    password = entry.get("http_password")
    credentials = Credentials(user, password, "info file") if password else None
    backfill = GerritSyncClient(url, credentials=credentials, server_name=url)
    return {"target": target, "backfill": backfill}


def _from_profile(args: argparse.Namespace) -> dict[str, Any]:
    from vstui.config import (
        ConfigError,
        default_known_hosts_path,
        load_config,
        resolve_credentials,
    )
    from vstui.gerrit.rest import GerritSyncClient
    from vstui.gerrit.ssh import resolve_target

    config = load_config(getattr(args, "config", None))
    profile = config.server(getattr(args, "server", None))
    host = profile.ssh_target
    if not host:
        raise ConfigError([f"server {profile.name!r}: set ssh_host (or url) to stream events"])
    advice = default_known_hosts_path()
    target = resolve_target(
        host,
        port=profile.ssh_port,
        user=profile.ssh_user,
        key_file=profile.ssh_key,
        known_hosts=[advice, *([profile.known_hosts] if profile.known_hosts else [])],
        known_hosts_advice=advice,
        server_name=profile.name,
    )
    backfill = None
    if profile.rest_url:
        backfill = GerritSyncClient(
            profile.rest_url,
            credentials=resolve_credentials(profile),
            server_name=profile.name,
            events_log_timezone=profile.events_log_timezone,
        )
    return {
        "target": target,
        "backfill": backfill,
        "keepalive_interval": profile.keepalive_interval,
        "stall_timeout": profile.stall_timeout,
        # Real events-log plugins write to their store every couple of seconds.
        "backfill_delay": 2.5,
    }


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
    if kind == "topic-changed":
        return f"topic was {event.old_topic or '-'}"
    if kind in ("reviewer-added", "reviewer-deleted") and event.reviewer is not None:
        return event.reviewer.label
    change = getattr(event, "change", None)
    return change.subject if change is not None else ""
