"""`vstui fake-gerrit`: run the Gerrit emulator (real SSH + HTTP on loopback) for demos and tests."""

from __future__ import annotations

import argparse
import sys

HELP = "run the Gerrit emulator (real SSH + HTTP on loopback) for demos and tests"


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


def _rate(text: str) -> float:
    value = _non_negative_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text!r}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0..65535, got {text!r}")
    return value


def _scenario(text: str) -> str:
    if text in ("seed", "empty"):
        return text
    if text.startswith("large:"):
        n = text.partition(":")[2]
        if n.isdigit() and int(n) > 0:
            return text
    raise argparse.ArgumentTypeError(f"expected seed, empty or large:N (N > 0), got {text!r}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--ssh-port", type=_port, default=0, help="SSH port (default: 0 = any free port)"
    )
    parser.add_argument(
        "--http-port", type=_port, default=0, help="HTTP port (default: 0 = any free port)"
    )
    parser.add_argument(
        "--scenario",
        type=_scenario,
        default="seed",
        help="world to serve: seed (OpenStack-like, cinder 381272), empty, large:N",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random seed for the scenario and activity"
    )
    parser.add_argument(
        "--activity",
        type=_non_negative_float,
        default=0.0,
        metavar="R",
        help="simulated CIs and humans act at about R events/s (default: 0 = still world)",
    )
    parser.add_argument(
        "--recheck-delay",
        type=_non_negative_float,
        default=3.0,
        metavar="S",
        help="CIs answer any recheck (recheck, run-<CI>, <CI>: recheck) after S seconds "
        "(default 3)",
    )
    parser.add_argument(
        "--no-rechecks",
        action="store_true",
        help="CIs never answer rechecks",
    )
    parser.add_argument(
        "--drop-ssh-every",
        type=_non_negative_float,
        default=0.0,
        metavar="S",
        help="abruptly close every stream-events connection every S seconds",
    )
    parser.add_argument(
        "--stall-ssh-every",
        type=_non_negative_float,
        default=0.0,
        metavar="S",
        help="every S seconds, stop writing to stream-events sessions for S/2 seconds",
    )
    parser.add_argument(
        "--http-fail-rate",
        type=_rate,
        default=0.0,
        metavar="P",
        help="answer this fraction (0..1) of REST requests with 503",
    )
    parser.add_argument(
        "--http-latency",
        type=_non_negative_float,
        default=0.0,
        metavar="MS",
        help="add MS milliseconds before every REST response",
    )
    parser.add_argument(
        "--event-log", metavar="PATH", help="append every stream event line sent to PATH"
    )
    parser.add_argument(
        "--info-file",
        metavar="PATH",
        help="write connection info (ports, host key, accounts, key paths) as JSON to PATH",
    )
    parser.add_argument(
        "--state-dir",
        metavar="DIR",
        help="where keys live between runs (default: a per-user cache directory)",
    )


def default_state_dir() -> str:
    import platformdirs

    return str(platformdirs.user_cache_path("vstui") / "fake-gerrit")


def run(args: argparse.Namespace) -> int:
    import signal
    import threading

    from vstui.fake import FakeGerrit, Faults
    from vstui.sanitize import one_line

    try:
        faults = Faults(
            drop_ssh_every=args.drop_ssh_every,
            stall_ssh_every=args.stall_ssh_every,
            http_fail_rate=args.http_fail_rate,
            http_latency_ms=args.http_latency,
            seed=args.seed,
        )
        fg = FakeGerrit(
            scenario=args.scenario,
            seed=args.seed,
            activity=args.activity,
            faults=faults,
            state_dir=args.state_dir or default_state_dir(),
            event_log=args.event_log,
            host=args.host,
            ssh_port=args.ssh_port,
            http_port=args.http_port,
            recheck_delay=None if args.no_rechecks else args.recheck_delay,
        )
        fg.start()
    except (OSError, ValueError) as exc:
        text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"vstui fake-gerrit: error: {one_line(text)}", file=sys.stderr)
        return 2 if isinstance(exc, ValueError) else 1

    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if args.info_file:
            fg.write_info(args.info_file)
        print(fg.ready_line(), flush=True)
        while not stop.wait(0.5):
            pass
    except OSError as exc:
        print(f"vstui fake-gerrit: error: {one_line(str(exc))}", file=sys.stderr)
        return 1
    finally:
        fg.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0
