"""Gerrit's SSH commands over the in-memory store, with Gerrit's texts and exit statuses.

Dispatch follows `DispatchCommand`: the capability a command requires is checked before
its options are parsed; an unknown command is `fatal: <dispatcher>: <name>: not found`;
option errors are `fatal: <args4j message>`; everything exits 1 on failure. Covered:
`gerrit` {stream-events, query, review, version, ls-projects, ls-groups, plugin ls} and
the verify-status plugin's `verify-status save`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import paramiko

from vstui.fake import cmdline, git_serve
from vstui.fake import render_ssh as rs
from vstui.fake.cmdline import Option, UsageError
from vstui.fake.errors import GerritError, QueryError
from vstui.fake.model import (
    CAP_SAVE_VERIFICATION,
    CAP_STREAM_EVENTS,
    Account,
    Change,
    LabelType,
    PatchSet,
    default_labels,
)
from vstui.fake.ssh_server import SshRequest, StreamHub, StreamSession
from vstui.fake.store import GerritStore

GERRIT_VERSION = "3.9.1"
VERIFY_STATUS_VERSION = "v3.2.0"
EVENTS_LOG_VERSION = "v3.9.1"
PLUGINS: dict[str, dict[str, Any]] = {
    "events-log": {
        "id": "events-log",
        "version": EVENTS_LOG_VERSION,
        "api_version": GERRIT_VERSION,
        "index_url": "plugins/events-log/",
        "filename": "events-log.jar",
    },
    "verify-status": {
        "id": "verify-status",
        "version": VERIFY_STATUS_VERSION,
        "api_version": GERRIT_VERSION,
        "index_url": "plugins/verify-status/",
        "filename": "verify-status.jar",
    },
}

# name -> description, as `gerrit` lists them (subset the emulator serves)
_GERRIT_COMMANDS = {
    "ls-groups": "List groups visible to the caller",
    "ls-projects": "List projects visible to the caller",
    "plugin": "Plugin commands",
    "query": "Query the change database",
    "review": "Apply reviews to one or more patch sets",
    "stream-events": "Monitor events occurring in real time",
    "version": "Display gerrit version",
}
_VERIFY_STATUS_COMMANDS = {"save": "Save patchset verification data"}
_PLUGIN_COMMANDS = {"ls": "List the installed plugins"}

_WELCOME = """\

  ****    Welcome to Gerrit Code Review    ****

  Hi {name}, you have successfully connected over SSH.

  Unfortunately, interactive shells are disabled.
  To clone a hosted Git repository, use:

  git clone ssh://{username}@{host}:{port}/REPOSITORY_NAME.git

"""


class _Exit(Exception):
    """End the command: `message` (if any) to stderr, then exit `status`."""

    def __init__(self, status: int, message: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _die(message: str) -> _Exit:
    return _Exit(1, f"fatal: {message}")


def _usage(name: str, commands: dict[str, str]) -> str:
    width = max(len(n) for n in commands)
    lines = [f"Available commands of {name} are:", ""]
    lines += [f"   {n.ljust(width)}   {d}" for n, d in sorted(commands.items())]
    lines += ["", f"See '{name} COMMAND --help' for more information.", ""]
    return "\n".join(lines) + "\n"


class GerritSshCommands:
    """Authenticates SSH users and runs their commands against `store`."""

    def __init__(
        self,
        store: GerritStore,
        hub: StreamHub,
        stopping: threading.Event,
        *,
        version: str = GERRIT_VERSION,
    ) -> None:
        self.store = store
        self.hub = hub
        self.stopping = stopping
        self.version = version

    # -- authentication -------------------------------------------------------------

    def authenticate(self, username: str, key: paramiko.PKey) -> bool:
        """True when `key` is one of the active account's registered SSH keys."""
        account = self.store.account(username) if username else None
        if account is None or account.inactive or account.username != username:
            return False
        name, blob = key.get_name(), key.get_base64()
        for line in list(account.ssh_keys):
            parts = line.split()
            if len(parts) >= 2 and parts[0] == name and parts[1] == blob:
                return True
        return False

    # -- dispatch -------------------------------------------------------------------

    def shell(self, req: SshRequest) -> int:
        account = self._account(req)
        host, port = req.transport.sock.getsockname()[:2]
        req.err(
            _WELCOME.format(
                name=account.name if account else req.username,
                username=req.username,
                host=host,
                port=port,
            )
        )
        return 127

    def run(self, req: SshRequest) -> int:
        argv = cmdline.split(req.command_line)
        try:
            return self._dispatch_root(req, argv)
        except _Exit as exc:
            if exc.message is not None:
                req.err(exc.message if exc.message.endswith("\n") else exc.message + "\n")
            return exc.status

    def _account(self, req: SshRequest) -> Account | None:
        return self.store.account(req.username)

    def _dispatch_root(self, req: SshRequest, argv: list[str]) -> int:
        if not argv:
            raise _Exit(1, _usage("Gerrit Code Review", {"gerrit": "", "verify-status": ""}))
        name, rest = argv[0], argv[1:]
        if name == "gerrit":
            return self._dispatch(req, "gerrit", _GERRIT_COMMANDS, rest, self._gerrit_command)
        if name in ("git-upload-pack", "git-receive-pack"):
            return git_serve.ssh(self.store, req, name, rest)
        if name == "scp":
            return git_serve.scp_hook(req, rest)
        if name == "verify-status":
            return self._dispatch(
                req, "verify-status", _VERIFY_STATUS_COMMANDS, rest, self._verify_status_command
            )
        raise _die(f"Gerrit Code Review: {name}: not found")

    def _dispatch(
        self,
        req: SshRequest,
        prefix: str,
        table: dict[str, str],
        argv: list[str],
        run: Callable[[SshRequest, str, list[str]], int],
    ) -> int:
        # DispatchCommand: options before the subcommand name are its own (only `--`).
        i = 0
        while i < len(argv) and argv[i].startswith("-"):
            if argv[i] in ("--help", "-h"):
                raise _Exit(1, _usage(prefix, table))
            if argv[i] != "--":
                raise _die(f'"{argv[i]}" is not a valid option')
            i += 1
        if i >= len(argv):
            raise _Exit(1, _usage(prefix, table))
        name = argv[i]
        if name not in table:
            raise _die(f"{prefix}: {name}: not found")
        return run(req, name, argv[i + 1 :])

    def _require(self, req: SshRequest, capability: str, message: str) -> Account:
        account = self._account(req)
        if account is None or not self.store.has_capability(account, capability):
            # STATUS_NOT_ADMIN, translated to 1; no "fatal:" prefix (AuthException text).
            raise _Exit(1, message)
        return account

    def _gerrit_command(self, req: SshRequest, name: str, argv: list[str]) -> int:
        if name == "stream-events":
            self._require(req, CAP_STREAM_EVENTS, "stream events not permitted")
            return self.stream_events(req, argv)
        if name == "query":
            return self.query(req, argv)
        if name == "review":
            return self.review(req, argv)
        if name == "version":
            return self.version_cmd(req, argv)
        if name == "ls-projects":
            return self.ls_projects(req, argv)
        if name == "ls-groups":
            return self.ls_groups(req, argv)
        if name == "plugin":
            return self._dispatch(req, "gerrit plugin", _PLUGIN_COMMANDS, argv, self._plugin_cmd)
        raise _die(f"gerrit: {name}: not found")

    def _plugin_cmd(self, req: SshRequest, name: str, argv: list[str]) -> int:
        account = self._account(req)
        if account is None or not (
            account.is_admin or self.store.has_capability(account, "viewPlugins")
        ):
            raise _Exit(1, "view plugins not permitted")
        return self.plugin_ls(req, argv)

    def _verify_status_command(self, req: SshRequest, name: str, argv: list[str]) -> int:
        account = self._require(
            req,
            CAP_SAVE_VERIFICATION,
            "saveVerificationReport for plugin verify-status not permitted",
        )
        return self.verify_status_save(req, account, argv)

    @staticmethod
    def _parse(argv: list[str], options: list[Option], **kw: Any) -> cmdline.Parsed:
        try:
            parsed = cmdline.parse(argv, options, **kw)
        except UsageError as exc:
            raise _die(str(exc)) from None
        if parsed.help:
            raise _Exit(1, "usage: see the Gerrit documentation for this command\n")
        return parsed

    # -- gerrit version / ls-projects / ls-groups / plugin ls ------------------------

    def version_cmd(self, req: SshRequest, argv: list[str]) -> int:
        p = self._parse(argv, [Option("--verbose", ("-v",)), Option("--json")])
        if p.get("json"):
            req.out(rs.json_line({"gerrit_version": self.version}))
        else:
            req.out(f"gerrit version {self.version}\n")
        return 0

    def ls_projects(self, req: SshRequest, argv: list[str]) -> int:
        p = self._parse(
            argv,
            [
                Option("--format", kind="enum", choices=("TEXT", "JSON", "JSON_COMPACT")),
                Option("--description", ("-d",)),
                Option("--prefix", ("-p",), kind="str"),
                Option("--match", ("-m",), kind="str"),
                Option("--limit", ("-n",), kind="int"),
                Option("--start", ("-S",), kind="int"),
                Option("--all"),
                Option("--tree", ("-t",)),
                Option("--type", kind="enum", choices=("CODE", "PERMISSIONS", "ALL")),
                Option("--show-branch", ("-b",), kind="str", multi=True),
            ],
        )
        names = sorted(pr.name for pr in self.store.projects())
        if p.get("prefix"):
            names = [n for n in names if n.startswith(p.get("prefix"))]
        if p.get("match"):
            names = [n for n in names if p.get("match").lower() in n.lower()]
        start = p.get("start") or 0
        names = names[start:]
        if p.get("limit"):
            names = names[: p.get("limit")]
        fmt = p.get("format") or "TEXT"
        if fmt == "TEXT":
            for n in names:
                desc = self.store.project(n).description if p.get("description") else ""
                req.out(f"{n} - {desc}\n" if desc else f"{n}\n")
            return 0
        out: dict[str, Any] = {}
        for n in names:
            project = self.store.project(n)
            info: dict[str, Any] = {"id": n.replace("/", "%2F"), "state": project.state}
            if p.get("description") and project.description:
                info["description"] = project.description
            out[n] = info
        req.out(_gson_format(out, fmt) + "\n")
        return 0

    def ls_groups(self, req: SshRequest, argv: list[str]) -> int:
        p = self._parse(
            argv,
            [
                Option("--verbose", ("-v",)),
                Option("--project", ("-p",), kind="str", multi=True),
                Option("--user", ("-u",), kind="str"),
                Option("--owned"),
                Option("--visible-to-all"),
                Option("--group", ("-g", "-q"), kind="str", multi=True),
                Option("--limit", ("-n",), kind="int"),
            ],
        )
        groups = sorted(self.store.groups(), key=lambda g: g.name.lower())
        wanted = p.get("group") or []
        if wanted:
            groups = [g for g in groups if g.uuid in wanted or g.name in wanted]
        if p.get("user"):
            account = self.store.account(p.get("user"))
            if account is None:
                raise _die(f'"{p.get("user")}" is not a valid value for "--user"')
            groups = [g for g in groups if g.name in account.groups]
        if p.get("limit"):
            groups = groups[: p.get("limit")]
        for g in groups:
            if p.get("verbose"):
                fields = [g.name, g.uuid, g.description, "Administrators", "", "false"]
                req.out("\t".join(fields) + "\n")
            else:
                req.out(g.name + "\n")
        return 0

    def plugin_ls(self, req: SshRequest, argv: list[str]) -> int:
        p = self._parse(
            argv,
            [
                Option("--format", kind="enum", choices=("TEXT", "JSON", "JSON_COMPACT")),
                Option("--all", ("-a",)),
            ],
        )
        fmt = p.get("format") or "TEXT"
        if fmt != "TEXT":
            req.out(_gson_format(PLUGINS, fmt) + "\n")
            return 0
        template = "{:<30} {:<10} {:<16} {:<8} {}\n"
        req.out(template.format("Name", "Version", "Api-Version", "Status", "File"))
        req.out("-" * 79 + "\n")
        for name, info in PLUGINS.items():
            req.out(
                template.format(
                    name, info["version"], info["api_version"], "ENABLED", info["filename"]
                )
            )
        return 0

    # -- gerrit stream-events --------------------------------------------------------

    def stream_events(self, req: SshRequest, argv: list[str]) -> int:
        p = self._parse(argv, [Option("--subscribe", ("-s",), kind="str", multi=True)])
        if p.arguments:
            raise _die(f"No argument is allowed: {p.arguments[0]}")
        account = self._account(req)
        session = StreamSession(req, self.hub, p.get("subscribe") or (), stop=self.stopping)
        unsubscribe = self.store.subscribe(lambda ev: session.offer(ev.type, ev.line), account)
        try:
            session.run()
        finally:
            unsubscribe()
        return 0

    # -- gerrit query -----------------------------------------------------------------

    def query(self, req: SshRequest, argv: list[str]) -> int:
        p = self._parse(
            argv,
            [
                Option("--format", kind="enum", choices=("TEXT", "JSON")),
                Option("--current-patch-set"),
                Option("--patch-sets"),
                Option("--all-approvals"),
                Option("--comments"),
                Option("--files"),
                Option("--commit-message"),
                Option("--dependencies"),
                Option("--all-reviewers"),
                Option("--submit-records"),
                Option("--start", ("-S",), kind="int"),
                Option("--no-limit"),
            ],
            argument_meta="QUERY",
            argument_required=True,
        )
        if p.get("files") and not (p.get("patch_sets") or p.get("current_patch_set")):
            raise _die("--files option needs --patch-sets or --current-patch-set")
        as_json = p.get("format") == "JSON"
        account = self._account(req)
        started = time.monotonic()
        try:
            result = self.store.query(
                " ".join(p.arguments),
                account,
                limit=None,
                start=p.get("start") or 0,
                no_limit=bool(p.get("no_limit")),
            )
        except QueryError as exc:
            row = rs.error_row(exc.message)
            req.out(rs.json_line(row) if as_json else rs.text_block(row))
            return 0
        opts = {
            "current_patch_set": bool(p.get("current_patch_set")),
            "patch_sets": bool(p.get("patch_sets")),
            "all_approvals": bool(p.get("all_approvals")),
            "files": bool(p.get("files")),
            "comments": bool(p.get("comments")),
            "commit_message": bool(p.get("commit_message")),
            "all_reviewers": bool(p.get("all_reviewers")),
            "submit_records": bool(p.get("submit_records")),
        }
        for change in result.changes:
            row = rs.query_row(self.store, change, **opts)
            req.out(rs.json_line(row) if as_json else rs.text_block(row))
        elapsed = int((time.monotonic() - started) * 1000)
        stats = rs.stats_row(len(result.changes), elapsed, result.more_changes)
        req.out(rs.json_line(stats) if as_json else rs.text_block(stats))
        return 0

    # -- gerrit review ----------------------------------------------------------------

    def _label_types(self) -> list[LabelType]:
        all_projects = self.store.project("All-Projects")
        if all_projects is not None:
            return list(all_projects.labels.values())
        return default_labels()

    def _patch_set_arg(
        self, token: str, project: str | None, branch: str | None, account: Account | None
    ) -> tuple[Change, PatchSet]:
        """PatchSetParser.parsePatchSet: `CHANGE,PS` or a commit sha1 (4..40 hex digits)."""
        store = self.store
        if cmdline.re_full(r"[0-9a-fA-F]{4,40}", token):
            matches = []
            for change in store.changes():
                if project is not None and change.project != project:
                    continue
                if branch is not None and change.branch != branch:
                    continue
                if not store.can_see(account, change):
                    continue
                matches += [
                    (change, ps)
                    for ps in change.patch_sets
                    if ps.revision.startswith(token.lower())
                ]
            if len(matches) == 1:
                return matches[0]
            if not matches:
                raise ValueError(f'"{token}" no such patch set')
            raise ValueError(f'"{token}" matches multiple patch sets')
        if cmdline.re_full(r"[1-9][0-9]*,[1-9][0-9]*", token):
            number, ps_number = (int(x) for x in token.split(","))
            change = store.change(number)
            if change is None or not store.can_see(account, change):
                raise ValueError(f'"{number}" no such change')
            ps = change.patch_set(ps_number)
            if ps is None:
                raise ValueError(f'"{token}" no such patch set')
            if project is not None and change.project != project:
                raise ValueError(f"change {number} not in project {project}")
            if branch is not None and change.branch != branch:
                raise ValueError(f"change {number} not in branch {branch}")
            return change, ps
        raise ValueError(f'"{token}" is not a valid patch set')

    def _project_arg(self, name: str) -> str:
        if self.store.project(name) is None:
            raise ValueError(f"project {name} not found")
        return name

    def review(self, req: SshRequest, argv: list[str]) -> int:
        account = self._account(req)
        label_types = self._label_types()
        label_options = {f"--{lt.name.lower()}": lt for lt in label_types}
        options = [
            Option("--project", ("-p",), kind="str", convert=self._project_arg),
            Option("--branch", ("-b",), kind="str"),
            Option("--message", ("-m",), kind="str"),
            Option(
                "--notify",
                ("-n",),
                kind="enum",
                choices=("NONE", "OWNER", "OWNER_REVIEWERS", "ALL"),
            ),
            Option("--abandon"),
            Option("--restore"),
            Option("--rebase"),
            Option("--move", kind="str"),
            Option("--submit", ("-s",)),
            Option("--json", ("-j",)),
            Option("--tag", ("-t",), kind="str"),
            Option("--label", ("-l",), kind="str", multi=True, convert=_parse_label_vote),
        ]
        for opt_name, lt in label_options.items():
            options.append(
                Option(
                    opt_name,
                    kind="str",
                    dest=f"label:{lt.name}",
                    convert=_label_value(lt, opt_name),
                )
            )
        p = self._parse(
            argv,
            options,
            argument_meta="{COMMIT | CHANGE,PATCHSET}",
            argument_required=True,
            argument_convert=lambda token, parsed: self._patch_set_arg(
                token, parsed.get("project"), parsed.get("branch"), account
            ),
        )
        abandon, restore, submit = p.get("abandon"), p.get("restore"), p.get("submit")
        if abandon:
            for other, flag in (
                ("restore", restore),
                ("submit", submit),
                ("rebase", p.get("rebase")),
            ):
                if flag:
                    raise _die(f"abandon and {other} actions are mutually exclusive")
            if p.get("move") is not None:
                raise _die("abandon and move actions are mutually exclusive")
        if p.get("json"):
            raise _die("--json is not supported by this emulator")
        if p.get("rebase") and submit:
            raise _die("rebase and submit actions are mutually exclusive")
        labels: dict[str, int] = {}
        for lt in label_types:
            value = p.get(f"label:{lt.name}")
            if value is not None:
                labels[lt.name] = value
        for name, value in p.get("label") or []:
            labels[name] = value
        message = p.get("message") or None
        tag = p.get("tag") or None
        ok = True
        seen: set[tuple[int, int]] = set()
        for change, ps in p.arguments:
            if (change.number, ps.number) in seen:
                continue
            seen.add((change.number, ps.number))
            try:
                self._review_one(
                    change, ps, account, message, labels, tag, abandon, restore, submit, p
                )
            except GerritError as exc:
                ok = False
                req.err(f"error: fatal: {exc.message}\n\n")
        if not ok:
            raise _die("one or more reviews failed; review output above")
        return 0

    def _review_one(
        self,
        change: Change,
        ps: PatchSet,
        account: Account | None,
        message: str | None,
        labels: dict[str, int],
        tag: str | None,
        abandon: bool,
        restore: bool,
        submit: bool,
        p: cmdline.Parsed,
    ) -> None:
        store = self.store
        if p.get("rebase") or p.get("move") is not None:
            raise GerritError("rebase and move are not supported by this emulator", 501)
        review_message = None if (abandon or restore) else message
        if abandon:
            store.post_review(change, ps, account, message=None, labels=labels, tag=tag)
            store.abandon(change, account, message or "")
        elif restore:
            store.restore(change, account, message or "")
            store.post_review(change, ps, account, message=None, labels=labels, tag=tag)
        else:
            store.post_review(change, ps, account, message=review_message, labels=labels, tag=tag)
        if submit:
            store.submit(change, account)

    # -- verify-status save -----------------------------------------------------------

    def verify_status_save(self, req: SshRequest, account: Account, argv: list[str]) -> int:
        jobs: dict[str, dict[str, Any]] = {}

        def add_job(text: str) -> str:
            name, info = parse_verification(text)
            jobs[name] = info
            return name

        p = self._parse(
            argv,
            [
                Option("--project", ("-p",), kind="str", convert=self._project_arg),
                Option("--branch", ("-b",), kind="str"),
                Option("--verification", ("-v",), kind="str", multi=True, convert=add_job),
            ],
            argument_meta="{COMMIT | CHANGE,PATCHSET}",
            argument_required=True,
            argument_convert=lambda token, parsed: self._patch_set_arg(
                token, parsed.get("project"), parsed.get("branch"), account
            ),
        )
        ok = True
        seen: set[tuple[int, int]] = set()
        for change, ps in p.arguments:
            if (change.number, ps.number) in seen:
                continue
            seen.add((change.number, ps.number))
            try:
                self.store.save_verifications(change, ps, account, jobs)
            except GerritError as exc:
                ok = False
                req.err(f"error: {exc.message}\n")
        if not ok:
            raise _Exit(1, "one or more verifications failed; review output above")
        return 0


def _gson_format(obj: Any, fmt: str) -> str:
    from vstui.fake import gson

    return gson.dumps_pretty(obj) if fmt == "JSON" else gson.dumps(obj)


def _parse_label_vote(text: str) -> tuple[str, int]:
    """LabelVote.parseWithEquals + LabelType.checkName, with their messages."""
    if not text:
        raise ValueError("Empty label vote")
    i = text.rfind("=")
    if i < 0:
        raise ValueError(f"Label vote missing '=': {text}")
    name, value = text[:i], cmdline.java_parse_int(text[i + 1 :], short=True)
    if name == "SUBM" or not cmdline.re_full(r"[A-Za-z0-9-]+", name):
        raise ValueError(f'Illegal label name "{name}"')
    return name, value


def _label_value(lt: LabelType, option: str) -> Callable[[str], int]:
    def convert(token: str) -> int:
        raw = token[1:] if token.startswith("+") else token
        try:
            value = cmdline.java_parse_int(raw, short=True)
        except ValueError:
            raise UsageError(f'"{token}" is not a valid value for "{option}"') from None
        if not lt.min <= value <= lt.max:
            raise UsageError(
                f'"{token}" must be in range {_fmt_vote(lt.min)}..{_fmt_vote(lt.max)} for "{option}"'
            )
        return value

    return convert


def _fmt_vote(v: int) -> str:
    return f"+{v}" if v > 0 else str(v)


def parse_verification(text: str) -> tuple[str, dict[str, Any]]:
    """verify-status SaveCommand.parseWithEquals, with the plugin's error texts.

    `k=v|k=v|...`: Guava's MapSplitter (every entry exactly one `=`, no duplicate keys,
    no trimming); `name` and `value` required; `value` a Java short; `abstain`/`rerun`
    true only for "true" (any case).
    """
    if not text:
        raise ValueError("Empty verification data")
    params: dict[str, str] = {}
    for entry in text.split("|"):
        parts = entry.split("=")
        if len(parts) != 2 or parts[0] in params:
            raise ValueError("Invalid verification parameters")
        params[parts[0]] = parts[1]
    name = params.get("name")
    if not name:
        raise ValueError("Verification is missing a name")
    value = params.get("value")
    if not value:
        raise ValueError("Verification is missing a value")
    info: dict[str, Any] = {
        "value": cmdline.java_parse_int(value, short=True),
        "abstain": (params.get("abstain") or "").lower() == "true",
        "rerun": (params.get("rerun") or "").lower() == "true",
    }
    for key in ("url", "reporter", "comment", "category", "duration"):
        if key in params:
            info[key] = params[key]
    return name, info
