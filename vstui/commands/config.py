"""`vstui config path|check`: show where the config lives and check it."""

from __future__ import annotations

import argparse
import sys

HELP = "show where the config lives ('path') or validate it ('check')"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["path", "check"],
        help="path: print the config file location; check: validate it and list the servers",
    )


def run(args: argparse.Namespace) -> int:
    from vstui.config import ConfigError, default_config_path, load_config, resolve_credentials
    from vstui.sanitize import one_line, redact_url

    explicit = getattr(args, "config", None)
    if args.action == "path":
        print(explicit or default_config_path())
        return 0
    try:
        config = load_config(explicit)
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"vstui config: {one_line(problem)}", file=sys.stderr)
        return 1
    path = config.path
    if path is not None and not path.exists():
        print(f"{path}: no config file yet (nothing to check)")
        return 0
    default = config.default_server or "-"
    print(f"ok: {path}: {len(config.servers)} server profile(s), default {default}")
    warnings = 0
    for name, profile in sorted(config.servers.items()):
        try:
            creds = resolve_credentials(profile)
            auth = (
                f"HTTP user {creds.username} (password from {creds.source})"
                if creds
                else ("anonymous REST")
            )
        except ConfigError as exc:
            auth = f"problem: {exc}"
            warnings += 1
        if profile.url and "@" in profile.url.partition("://")[2].split("/", 1)[0]:
            print(
                f"  {one_line(name)}: warning: the url holds a user name or password; "
                "set http_user and password_env (or ~/.netrc) instead"
            )
            warnings += 1
        print(
            f"  {one_line(name)}: rest {one_line(redact_url(profile.rest_url) or '-')}, "
            f"ssh {one_line(profile.ssh_target or '-')}, {one_line(auth)}"
        )
        if profile.ci_formats:
            accounts = ", ".join(one_line(a) for a in sorted(profile.ci_formats))
            print(f"  {one_line(name)}: CI formats for {accounts}")
        for label, file in (("ssh_key", profile.ssh_key), ("known_hosts", profile.known_hosts)):
            if file is not None and not file.is_file():
                print(f"  {one_line(name)}: warning: {label} {file} does not exist")
                warnings += 1
    return 1 if warnings else 0
