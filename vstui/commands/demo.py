"""`vstui demo`: start the Gerrit emulator in-process and open the TUI on it.

The TUI connects exactly as to a real server: a temporary config file names the emulator's
loopback HTTP URL and SSH port, the account's key file, and a known-hosts file holding the
emulator's host key (so the host key check is the real, strict one). Everything lives in a
temporary directory removed on exit.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

HELP = "start the built-in Gerrit emulator (seed world) and open the TUI on it"

DEMO_SERVER = "demo"
PASSWORD_ENV = "VSTUI_DEMO_HTTP_PASSWORD"


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


def _scenario(text: str) -> str:
    name, _, n = text.partition(":")
    if text in ("seed", "empty") or (name == "large" and n.isdigit() and int(n) > 0):
        return text
    raise argparse.ArgumentTypeError(f"expected seed, empty or large:N (N > 0), got {text!r}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="seed of the demo world (default 0)")
    parser.add_argument(
        "--activity",
        type=_non_negative_float,
        default=0.5,
        metavar="R",
        help="simulated CIs and humans act at about R events/s (default 0.5; 0 = still)",
    )
    parser.add_argument(
        "--recheck-delay",
        type=_non_negative_float,
        default=5.0,
        metavar="S",
        help="CIs answer any recheck, yours included, after S seconds (default 5)",
    )
    parser.add_argument(
        "--scenario",
        type=_scenario,
        default="seed",
        help="world to serve: seed (default), empty, or large:N to try the UI at scale",
    )


def _toml_string(value: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(value)


def demo_config(info: dict[str, Any], directory: Path) -> Path:
    """Write `config.toml` and `known_hosts` for the emulator described by `info`."""
    user = info["default_account"]
    account = next(a for a in info["accounts"] if a["username"] == user)
    known_hosts = directory / "known_hosts"
    known_hosts.write_text(info["ssh"]["known_hosts_line"] + "\n", encoding="utf-8")
    lines = [
        f"default_server = {_toml_string(DEMO_SERVER)}",
        "",
        f"[servers.{DEMO_SERVER}]",
        f"url = {_toml_string(info['http']['url'])}",
        f"ssh_host = {_toml_string(info['ssh']['host'])}",
        f"ssh_port = {int(info['ssh']['port'])}",
        f"ssh_user = {_toml_string(user)}",
        f"ssh_key = {_toml_string(account['ssh_private_key'])}",
        f"known_hosts = {_toml_string(str(known_hosts))}",
        f"http_user = {_toml_string(user)}",
        f"password_env = {_toml_string(PASSWORD_ENV)}",
        "netrc = false",
    ]
    if info.get("log_mirror"):
        lines.append(f"log_mirror = {_toml_string(info['log_mirror'])}")
    lines.append("")
    path = directory / "config.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run(args: argparse.Namespace) -> int:
    import tempfile

    from vstui.config import ConfigError, load_config
    from vstui.fake import FakeGerrit

    with tempfile.TemporaryDirectory(prefix="vstui-demo-") as tmp:
        directory = Path(tmp)
        try:
            fake = FakeGerrit(
                scenario=args.scenario,
                seed=args.seed,
                activity=args.activity,
                state_dir=directory / "state",
                recheck_delay=args.recheck_delay,
            )
            fake.start()
        except (OSError, ValueError) as exc:
            print(f"vstui demo: could not start the emulator: {exc}", file=sys.stderr)
            return 1
        try:
            info = fake.info
            fake.write_info(directory / "info.json")
            user = info["default_account"]
            account = next(a for a in info["accounts"] if a["username"] == user)
            # Process-local: the config names this variable, as a user would name theirs.
            os.environ[PASSWORD_ENV] = account["http_password"]
            config_path = demo_config(info, directory)
            try:
                config = load_config(config_path)
            except ConfigError as exc:
                for problem in exc.problems:
                    print(f"vstui demo: {problem}", file=sys.stderr)
                return 1
            from vstui.ui.launch import run_tui

            return run_tui(config, DEMO_SERVER, history_path=directory / "history.sqlite3")
        finally:
            fake.stop()
