"""Serving the projects' repositories to git clients: smart HTTP and SSH `git-upload-pack`.

Both run the machine's `git upload-pack` on the repository `GerritStore.git_dir` keeps up to
date (written on first access). HTTP follows Documentation/gitprotocol-http (the "smart"
protocol, version 0): `GET <project>/info/refs?service=git-upload-pack` and `POST
<project>/git-upload-pack`, anonymous or under `/a/` with Basic auth, as Gerrit serves them.
Pushing (`git-receive-pack`) is refused with Gerrit's message for a read-only server.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
import subprocess
import threading
import zlib
from urllib.parse import unquote

import paramiko

from vstui.fake.errors import GerritError
from vstui.fake.http_server import HttpRequest, HttpResponse, RestError
from vstui.fake.ssh_server import SshRequest
from vstui.fake.store import GerritStore

GIT_TIMEOUT = 120.0  # seconds one upload-pack may run
_MAX_REQUEST = 16 * 1024 * 1024
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
            raise RestError(403, "pushing is not supported by the emulator")
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
        raise RestError(403, "pushing is not supported by the emulator")
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
    if command == "git-receive-pack":
        req.err("fatal: pushing is not supported by the emulator\n")
        return 1
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
    return _pump(req.channel, [git, "upload-pack", "--timeout=60", str(repo)])


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
