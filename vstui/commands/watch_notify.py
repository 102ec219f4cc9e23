"""`vstui watch --notify`: the TUI's notifications, headless, one line each on stdout.

For a terminal left open elsewhere: the same rules and the same session as the TUI
(`vstui.core.notify_watch`), with `[notify] terminal` also ringing the terminal (bell, OSC 9
or OSC 777) when stdout is one. Connection states go to stderr. Ctrl+C stops it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def run_notify(conn: Any, notify_settings: Any, args: argparse.Namespace) -> int:
    import asyncio
    import os
    import signal
    import time

    from vstui.core.notify import Notice, notify_rules, terminal_sequence
    from vstui.core.notify_watch import NotifyWatcher
    from vstui.core.session import ReviewSession
    from vstui.core.status import StreamStatus
    from vstui.core.stream_source import StreamSource
    from vstui.sanitize import one_line

    rules = notify_rules(notify_settings)
    out = sys.stdout
    ring = out.isatty()
    tmux = bool(os.environ.get("TMUX"))

    def emit(notice: Notice) -> None:
        stamp = time.strftime("%H:%M:%S")
        out.write(f"{stamp} {one_line(notice.title, 120)} — {one_line(notice.body, 200)}\n")
        if ring:
            out.write(terminal_sequence(rules.terminal, notice.title, notice.body, tmux=tmux))
        out.flush()

    def status(state: StreamStatus) -> None:
        print(f"vstui watch: {one_line(state.describe(time.time()))}", file=sys.stderr, flush=True)

    def make(on_event: Any, on_state: Any) -> Any:
        return conn.event_stream(on_event=on_event, on_state=on_state)

    async def main() -> int:
        session = ReviewSession(conn.name, conn.rest_client(), StreamSource(make))
        watcher = NotifyWatcher(session, rules, emit, status=status)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, stop.set)
            loop.add_signal_handler(signal.SIGTERM, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
        task = asyncio.create_task(watcher.run(stop))
        ready = asyncio.create_task(watcher.ready.wait())
        await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
        ready.cancel()
        if task.done():
            await task  # failed while starting: raises
            return 0
        print(
            f"vstui watch: notifying for {len(session.list_order())} changes "
            f"({', '.join(sorted(rules.scopes))})",
            file=sys.stderr,
            flush=True,
        )
        await task
        return 130 if stop.is_set() else 0

    from vstui.config import ConfigError
    from vstui.gerrit.errors import GerritError

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        return 130
    except (GerritError, ConfigError) as exc:
        print(f"vstui watch: {one_line(str(exc))}", file=sys.stderr, flush=True)
        return 1
