"""Serving the projects' repositories to git clients: smart HTTP and SSH `git-upload-pack`.

Both run the machine's `git upload-pack` on the repository `GerritStore.git_dir` keeps up to
date (written on first access). HTTP follows Documentation/gitprotocol-http (the "smart"
protocol, version 0): `GET <project>/info/refs?service=git-upload-pack` and `POST
<project>/git-upload-pack`, anonymous or under `/a/` with Basic auth, as Gerrit serves them.
Pushing works for review: `git push origin HEAD:refs/for/<branch>` (authenticated HTTP or
SSH) creates changes, or new patch sets of the open change with the same Change-Id.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import os
import re
import shutil
import subprocess
import threading
import zlib
from pathlib import Path
from urllib.parse import unquote

import paramiko

from vstui.fake import hooks
from vstui.fake.errors import GerritError
from vstui.fake.http_server import HttpRequest, HttpResponse, RestError
from vstui.fake.model import Account
from vstui.fake.ssh_server import SshRequest
from vstui.fake.store import GerritStore
from vstui.fake.store_git import PushedCommit

log = logging.getLogger(__name__)

GIT_TIMEOUT = 120.0  # seconds one upload-pack may run
_MAX_REQUEST = 16 * 1024 * 1024
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_SUFFIXES = ("/info/refs", "/git-upload-pack", "/git-receive-pack")


def git_binary() -> str | None:
    return shutil.which("git")


def _pkt(text: str) -> bytes:
    data = text.encode()
    return f"{len(data) + 4:04x}".encode() + data


def is_git_path(path: str) -> bool:
    """Does this (raw) request path address a repository rather than a REST view?"""
    return path.endswith(_SUFFIXES)


def _project_of(store: GerritStore, raw: str) -> str:
    """`/<project>[.git]`, also under the legacy `/p/` prefix Gerrit still accepts."""
    name = unquote(raw.strip("/")).removesuffix(".git")
    if store.project(name) is None and name.startswith("p/"):
        name = name[2:]
    if store.project(name) is None:
        raise RestError(404, "Not Found")
    return name


def http(store: GerritStore, req: HttpRequest) -> HttpResponse:
    """One smart-HTTP request (path without the `/a` prefix)."""
    git = git_binary()
    if git is None:
        raise RestError(503, "git is not installed on this machine")
    path = req.path
    if path.endswith("/info/refs"):
        service = req.param("service")
        if req.method not in ("GET", "HEAD"):
            raise RestError(405, "Method Not Allowed")
        if service == "git-receive-pack":
            if req.account is None:
                return _ask_for_credentials()
            project = _project_of(store, path[: -len("/info/refs")])
            repo = store.git_dir(project)
            argv = [git, "receive-pack", "--stateless-rpc", "--advertise-refs", str(repo)]
            body = _pkt("# service=git-receive-pack\n") + b"0000" + _run(argv, b"")
            return HttpResponse(200, body, "application/x-git-receive-pack-advertisement")
        if service != "git-upload-pack":
            raise RestError(403, "dumb HTTP is not supported")  # Gerrit serves smart only
        project = _project_of(store, path[: -len("/info/refs")])
        repo = store.git_dir(project)
        out = _run([git, "upload-pack", "--stateless-rpc", "--advertise-refs", str(repo)], b"")
        body = _pkt("# service=git-upload-pack\n") + b"0000" + out
        return HttpResponse(
            200,
            body,
            "application/x-git-upload-pack-advertisement",
            {"Cache-Control": "no-cache, max-age=0, must-revalidate", "Pragma": "no-cache"},
        )
    if path.endswith("/git-receive-pack"):
        if req.method != "POST":
            raise RestError(405, "Method Not Allowed")
        if req.account is None:
            return _ask_for_credentials()
        project = _project_of(store, path[: -len("/git-receive-pack")])
        body = _decode_body(req)
        repo = store.git_dir(project)
        out = _run([git, "receive-pack", "--stateless-rpc", str(repo)], body)
        receive(store, project, req.account, repo)
        return HttpResponse(200, out, "application/x-git-receive-pack-result")
    if req.method != "POST":
        raise RestError(405, "Method Not Allowed")
    project = _project_of(store, path[: -len("/git-upload-pack")])
    body = _decode_body(req)
    repo = store.git_dir(project)
    out = _run([git, "upload-pack", "--stateless-rpc", str(repo)], body)
    return HttpResponse(
        200,
        out,
        "application/x-git-upload-pack-result",
        {"Cache-Control": "no-cache, max-age=0, must-revalidate"},
    )


def _ask_for_credentials() -> HttpResponse:
    return HttpResponse(
        401,
        b"Unauthorized\n",
        "text/plain; charset=ISO-8859-1",
        {"WWW-Authenticate": 'Basic realm="Gerrit Code Review"'},
    )


def _decode_body(req: HttpRequest) -> bytes:
    encoding = (req.headers.get("Content-Encoding") or "").strip().lower()
    body = req.body
    try:
        if encoding in ("gzip", "x-gzip"):
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
    except (OSError, zlib.error, EOFError):
        raise RestError(400, "Bad Request") from None
    if len(body) > _MAX_REQUEST:
        raise RestError(413, "Request Entity Too Large")
    return body


def _run(argv: list[str], stdin: bytes) -> bytes:
    try:
        done = subprocess.run(
            argv, input=stdin, capture_output=True, timeout=GIT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise RestError(500, "Internal server error") from None
    if done.returncode != 0 and not done.stdout:
        raise RestError(500, "Internal server error")
    return done.stdout


# ---------------------------------------------------------------------------- SSH


def ssh(store: GerritStore, req: SshRequest, command: str, args: list[str]) -> int:
    """`git-upload-pack '<project>'` over the SSH channel (exit status of upload-pack)."""
    if len(args) != 1:
        req.err(f"fatal: usage: {command} <project>\n")
        return 1
    git = git_binary()
    if git is None:
        req.err("fatal: git is not installed on this machine\n")
        return 1
    try:
        name = args[0].strip("/").removesuffix(".git")
        if store.project(name) is None:
            raise GerritError(f"fatal: {name}: not found", 404)
        repo = store.git_dir(name)
    except GerritError as exc:
        req.err(exc.message + "\n")
        return 1
    if command == "git-upload-pack":
        return _pump(req.channel, [git, "upload-pack", "--timeout=60", str(repo)])
    account = store.account(req.username)
    if account is None:
        req.err("fatal: unknown account\n")
        return 1
    rc = _pump(req.channel, [git, "receive-pack", str(repo)])
    receive(store, name, account, repo)
    return rc


def _pump(channel: paramiko.Channel, argv: list[str]) -> int:
    """Run `argv` with its stdin/stdout joined to the channel; returns its exit status."""
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    stdin, stdout, stderr = proc.stdin, proc.stdout, proc.stderr

    def feed() -> None:
        try:
            while True:
                data = channel.recv(65536)
                if not data:
                    break
                stdin.write(data)
                stdin.flush()
        except (OSError, EOFError, ValueError, paramiko.SSHException):
            pass
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def errors() -> None:
        try:
            for chunk in iter(lambda: os.read(stderr.fileno(), 65536), b""):
                channel.sendall_stderr(chunk)
        except (OSError, EOFError, ValueError, paramiko.SSHException):
            pass

    feeder = threading.Thread(target=feed, name="fake-gerrit-git-stdin", daemon=True)
    err_thread = threading.Thread(target=errors, name="fake-gerrit-git-stderr", daemon=True)
    feeder.start()
    err_thread.start()
    try:
        for chunk in iter(lambda: os.read(stdout.fileno(), 65536), b""):
            channel.sendall(chunk)
        rc = proc.wait(timeout=GIT_TIMEOUT)
    except (OSError, EOFError, paramiko.SSHException, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()
        rc = 1
    err_thread.join(timeout=5.0)
    return rc


# ---------------------------------------------------------------------------- receiving


def _git_out(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "--git-dir", str(repo), *args],
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )
    return done.stdout if done.returncode == 0 else ""


def _read_objects(repo: Path, shas: list[str]) -> list[tuple[str, bytes]]:
    """`git cat-file --batch` of `shas`: (type, content) each."""
    if not shas:
        return []
    done = subprocess.run(
        ["git", "--git-dir", str(repo), "cat-file", "--batch"],
        input=("\n".join(shas) + "\n").encode(),
        capture_output=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )
    out, i, objects = done.stdout, 0, []
    while i < len(out):
        eol = out.index(b"\n", i)
        header = out[i:eol].split()
        if len(header) != 3:  # "<sha> missing"
            i = eol + 1
            continue
        size = int(header[2])
        objects.append((header[1].decode(), out[eol + 1 : eol + 1 + size]))
        i = eol + 1 + size + 1
    return objects


_STATUS = {"A": "ADDED", "D": "DELETED", "M": "MODIFIED", "T": "MODIFIED"}


def receive(store: GerritStore, project: str, account: Account, repo: Path) -> None:
    """Turn what a push left under refs/for/* into changes and patch sets, then drop the ref.

    `refs/for/<branch>[%topic=T]`: each commit not yet on the branch or in a patch set
    becomes a new change, or a new patch set of the open change with its Change-Id on that
    branch. Commits without a Change-Id were refused by the pre-receive hook.
    """
    pending = _git_out(repo, "for-each-ref", "--format=%(objectname) %(refname)", "refs/for/")
    for line in pending.splitlines():
        sha, _, ref = line.partition(" ")
        branch, _, opts = ref.removeprefix("refs/for/").partition("%")
        topic = None
        for opt in opts.split(","):
            if opt.startswith("topic="):
                topic = unquote(opt[len("topic=") :]) or None
        proj = store.project(project)
        tip = proj.branches.get(f"refs/heads/{branch}") if proj is not None else None
        exclude = ["--not", tip] if tip else []
        new = _git_out(repo, "rev-list", "--reverse", sha, *exclude).split()
        objects = _git_out(repo, "rev-list", "--objects", sha, *exclude).split("\n")
        store.import_git_objects(
            project, _read_objects(repo, [o.split(" ")[0] for o in objects if o])
        )
        known = {
            ps.revision for c in store.changes() if c.project == project for ps in c.patch_sets
        }
        for commit in new:
            if commit in known:
                continue
            _receive_commit(store, project, branch, topic, account, repo, commit)
        _git_out(repo, "update-ref", "-d", ref)


def _receive_commit(
    store: GerritStore,
    project: str,
    branch: str,
    topic: str | None,
    account: Account,
    repo: Path,
    commit: str,
) -> None:
    raw = _git_out(repo, "cat-file", "commit", commit)
    head, _, message = raw.partition("\n\n")
    parents = [ln.split()[1] for ln in head.splitlines() if ln.startswith("parent ")]
    ids = re.findall(r"^Change-Id: (I[0-9a-f]{40})$", message, re.MULTILINE)
    if not ids:
        return
    base = parents[0] if parents else EMPTY_TREE
    numstat = _git_out(repo, "diff-tree", "-r", "--no-renames", "--numstat", base, commit)
    names = _git_out(repo, "diff-tree", "-r", "--no-renames", "--name-status", base, commit)
    status = {}
    for row in names.splitlines():
        kind, _, path = row.partition("\t")
        status[path] = _STATUS.get(kind[:1], "MODIFIED")
    files = []
    for row in numstat.splitlines():
        ins, dels, path = row.split("\t", 2)
        files.append(
            (path, status.get(path, "MODIFIED"),
             int(ins) if ins.isdigit() else 0, int(dels) if dels.isdigit() else 0)
        )  # fmt: skip
    pushed = PushedCommit(commit, parents, message, files)
    existing = [
        c
        for c in store.changes()
        if c.change_id == ids[-1] and c.project == project and c.branch == branch and c.is_open
    ]
    try:
        if existing:
            store.new_patch_set(existing[0], account, pushed=pushed)
        else:
            store.create_change(
                project,
                account,
                message.split("\n", 1)[0],
                branch=branch,
                change_id=ids[-1],
                topic=topic,
                pushed=pushed,
            )
    except GerritError:
        log.warning("push of %s to %s refused", commit[:7], project, exc_info=True)


def scp_hook(req: SshRequest, args: list[str]) -> int:
    """`scp -f hooks/commit-msg` (the legacy scp protocol, `scp -O`): send the hook."""
    if len(args) < 2 or "-f" not in args[:-1] or args[-1].lstrip("/") != "hooks/commit-msg":
        req.err("fatal: scp: only hooks/commit-msg can be copied\n")
        return 1
    data = hooks.COMMIT_MSG.encode()
    channel = req.channel
    channel.settimeout(30.0)

    def ack() -> bool:
        got = channel.recv(1)
        return got == b"\0"

    try:
        if not ack():
            return 1
        channel.sendall(f"C0755 {len(data)} commit-msg\n".encode())
        if not ack():
            return 1
        channel.sendall(data + b"\0")
        ack()
    except (OSError, EOFError, paramiko.SSHException):
        return 1
    return 0
