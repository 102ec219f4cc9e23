"""Third-party clients, unchanged, against the emulator: git (HTTP and OpenSSH), git-review
and Gertty 1.6.0's sync. Each test drives the real program over loopback and checks it got
exactly what the emulator serves (commit shas, change numbers, messages, votes)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

GIT = shutil.which("git")
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, HOME=str(home), GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def _git(*args: str, cwd: Path | None = None, env: dict[str, str]) -> str:
    done = subprocess.run(
        [GIT or "git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, (args, done.stderr)
    return done.stdout.strip()


def _open_change(fg: Any, project: str = "openstack/cinder") -> Any:
    return next(
        c
        for c in fg.store.changes()
        if c.project == project and c.status == "NEW" and len(c.patch_sets) > 1
    )


def _ssh_wrapper(fg: Any, tmp_path: Path) -> Path:
    """An `ssh` on PATH that adds a config: the account's key, the emulator's host key in a
    known_hosts file, strict checking (OpenSSH reads ~/.ssh from the passwd entry, not $HOME,
    so the config is passed with -F)."""
    account = fg.info["default_account"]
    known = tmp_path / "known_hosts"
    known.write_text(fg.info["ssh"]["known_hosts_line"] + "\n")
    config = tmp_path / "ssh_config"
    config.write_text(
        f"Host {fg.ssh_host}\n  IdentityFile {fg.key_path(account)}\n  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {known}\n  StrictHostKeyChecking yes\n  BatchMode yes\n"
    )
    config.chmod(0o600)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in ("ssh", "scp"):  # git-review fetches the commit-msg hook with scp
        wrapper = bindir / tool
        real = shutil.which(tool) or tool
        wrapper.write_text(f'#!/bin/sh\nexec {real} -F {config} "$@"\n')
        wrapper.chmod(0o755)
    return bindir


def test_git_clone_and_fetch_change_ref_over_anonymous_http(
    seed_gerrit: Any, tmp_path: Path
) -> None:
    change = _open_change(seed_gerrit)
    env = _env(tmp_path)
    url = f"{seed_gerrit.http_url}{change.project}"
    _git("clone", "-q", url, "repo", cwd=tmp_path, env=env)
    repo = tmp_path / "repo"
    project = seed_gerrit.store.project(change.project)
    assert _git("rev-parse", "HEAD", cwd=repo, env=env) == project.branches["refs/heads/master"]
    for ps in change.patch_sets:
        _git("fetch", "-q", "origin", ps.ref, cwd=repo, env=env)
        assert _git("rev-parse", "FETCH_HEAD", cwd=repo, env=env) == ps.revision
        # The fetched commit is the patch set's: its message and its file list.
        assert _git("log", "-1", "--format=%B", "FETCH_HEAD", cwd=repo, env=env) == (
            ps.commit_message.strip()
        )
        names = _git("diff", "--name-only", "FETCH_HEAD^", "FETCH_HEAD", cwd=repo, env=env)
        assert set(names.split()) == {f[0] for f in ps.files}


def test_git_fetch_over_authenticated_http_needs_the_password(
    seed_gerrit: Any, tmp_path: Path
) -> None:
    change = _open_change(seed_gerrit)
    account = seed_gerrit.store.account(seed_gerrit.info["default_account"])
    env = _env(tmp_path)
    host = seed_gerrit.http_url.removeprefix("http://")
    good = f"http://{account.username}:{account.http_password}@{host}a/{change.project}"
    _git("init", "-q", "repo", cwd=tmp_path, env=env)
    repo = tmp_path / "repo"
    _git("fetch", "-q", good, change.current.ref, cwd=repo, env=env)
    assert _git("rev-parse", "FETCH_HEAD", cwd=repo, env=env) == change.current.revision
    bad = f"http://{account.username}:wrong@{host}a/{change.project}"
    done = subprocess.run(
        [GIT or "git", "fetch", "-q", bad, change.current.ref],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "Authentication failed" in done.stderr


def test_git_clone_and_fetch_over_ssh_with_openssh(seed_gerrit: Any, tmp_path: Path) -> None:
    if shutil.which("ssh") is None:
        pytest.skip("OpenSSH client not installed")
    change = _open_change(seed_gerrit)
    bindir = _ssh_wrapper(seed_gerrit, tmp_path)
    env = _env(tmp_path)
    env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"
    user = seed_gerrit.info["default_account"]
    url = f"ssh://{user}@{seed_gerrit.ssh_host}:{seed_gerrit.ssh_port}/{change.project}"
    _git("clone", "-q", url, "repo", cwd=tmp_path, env=env)
    repo = tmp_path / "repo"
    _git("fetch", "-q", "origin", change.current.ref, cwd=repo, env=env)
    assert _git("rev-parse", "FETCH_HEAD", cwd=repo, env=env) == change.current.revision


@pytest.mark.parametrize("scheme", ["http", "ssh"])
def test_git_review_download(seed_gerrit: Any, tmp_path: Path, scheme: str) -> None:
    """`git review -d N` (git-review from PyPI): queries the change, fetches, checks out."""
    if not (BIN / "git-review").exists():
        pytest.skip("git-review not installed (test extra)")
    change = _open_change(seed_gerrit)
    account = seed_gerrit.store.account(seed_gerrit.info["default_account"])
    env = _env(tmp_path)
    if scheme == "ssh":
        if shutil.which("ssh") is None:
            pytest.skip("OpenSSH client not installed")
        env["PATH"] = f"{_ssh_wrapper(seed_gerrit, tmp_path)}{os.pathsep}{env['PATH']}"
        url = (
            f"ssh://{account.username}@{seed_gerrit.ssh_host}:{seed_gerrit.ssh_port}/"
            f"{change.project}"
        )
    else:
        host = seed_gerrit.http_url.removeprefix("http://")
        url = f"http://{account.username}:{account.http_password}@{host}{change.project}"
    _git("clone", "-q", url, "repo", cwd=tmp_path, env=env)
    repo = tmp_path / "repo"
    for key, value in (
        ("gitreview.remote", "origin"),
        ("gitreview.project", change.project),  # what a .gitreview file says
        ("user.name", "Test"),
        ("user.email", "test@example.org"),
    ):
        _git("config", key, value, cwd=repo, env=env)
    done = subprocess.run(
        [str(BIN / "git-review"), "-d", str(change.number)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert _git("rev-parse", "HEAD", cwd=repo, env=env) == change.current.revision
    assert _git("rev-parse", "--abbrev-ref", "HEAD", cwd=repo, env=env).startswith("review/")


def test_gertty_sync_holds_what_the_emulator_serves(
    fake_gerrit_factory: Callable[..., Any], tmp_path: Path
) -> None:
    """Gertty 1.6.0's own sync (headless), subscribed to one project: its SQLite database
    holds the project's open changes, every revision at the emulator's sha (fetched by git
    from the `anonymous http` fetch entry), the change messages and the votes."""
    pytest.importorskip("gertty")
    fg = fake_gerrit_factory(scenario="seed")
    project = "openstack/cinder"
    account = fg.store.account(fg.info["default_account"])
    cfg = tmp_path / "gertty.yaml"
    cfg.write_text(
        "servers:\n  - name: fake\n"
        f"    url: {fg.http_url}\n    username: {account.username}\n"
        f"    password: {account.http_password}\n    git-root: {tmp_path}/git\n"
        f"    dburi: sqlite:///{tmp_path}/gertty.db\n    log-file: {tmp_path}/gertty.log\n"
        f"    lock-file: {tmp_path}/gertty.lock\n    socket: {tmp_path}/gertty.sock\n"
        "    auth-type: basic\n"
    )
    cfg.chmod(0o600)
    done = subprocess.run(
        [sys.executable, "-W", "ignore", str(Path(__file__).with_name("_gertty_sync.py")),
         str(cfg), "fake", project],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=280,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    db = json.loads(done.stdout)
    assert db["errors"] == []
    assert sorted(p[0] for p in db["projects"]) == sorted(p.name for p in fg.store.projects())
    served = {c.number: c for c in fg.store.changes() if c.project == project and c.is_open}
    assert served, "the seed world has open changes in this project"
    synced = {n: (status, subj) for n, status, subj, proj in db["changes"] if proj == project}
    assert set(served) <= set(synced)  # every open change (Gertty adds some of its own queries')
    served = {n: fg.store.change(n) for n in synced}
    for number, (status, subject) in synced.items():
        assert (status, subject) == (served[number].status, served[number].subject)
    revisions = {(n, ps, sha) for n, ps, sha, _ref in db["revisions"] if n in served}
    assert revisions == {
        (c.number, ps.number, ps.revision) for c in served.values() for ps in c.patch_sets
    }
    for number, change in served.items():
        mine = sorted(m for n, m in db["messages"] if n == number)
        assert mine == sorted(m.message for m in change.messages)
        votes = {(cat, v, acct) for n, cat, v, acct in db["approvals"] if n == number and v}
        assert votes == {
            (a.label, a.value, a.account.account_id) for a in change.current_approvals().values()
        }
    # Gertty fetched each revision into its own clone: the commits are there.
    clone = tmp_path / "git" / project
    for change in served.values():
        for ps in change.patch_sets:
            assert _git("cat-file", "-t", ps.revision, cwd=clone, env=_env(tmp_path)) == "commit"


def test_git_push_for_review_over_http_and_ssh(
    fake_gerrit_factory: Callable[..., Any], tmp_path: Path
) -> None:
    """`git push origin HEAD:refs/for/master` makes a change at the pushed commit; an amended
    push with the same Change-Id makes patch set 2; a commit without Change-Id and a direct
    push to a branch are refused with Gerrit's texts."""
    fg = fake_gerrit_factory(scenario="seed")
    account = fg.store.account(fg.info["default_account"])
    env = _env(tmp_path)
    host = fg.http_url.removeprefix("http://")
    url = f"http://{account.username}:{account.http_password}@{host}a/openstack/cinder"
    _git("clone", "-q", url, "repo", cwd=tmp_path, env=env)
    repo = tmp_path / "repo"
    _git("config", "user.name", "Pusher", cwd=repo, env=env)
    _git("config", "user.email", "pusher@example.org", cwd=repo, env=env)
    change_id = "I" + "5" * 40
    (repo / "hello.txt").write_text("hello\nworld\n")
    _git("add", "hello.txt", cwd=repo, env=env)
    _git("commit", "-q", "-m", f"Say hello\n\nChange-Id: {change_id}", cwd=repo, env=env)
    before = fg.store.last_seq
    _git("push", "-q", "origin", "HEAD:refs/for/master%topic=greetings", cwd=repo, env=env)
    (change,) = [c for c in fg.store.changes() if c.change_id == change_id]
    sha = _git("rev-parse", "HEAD", cwd=repo, env=env)
    assert (change.subject, change.topic, change.owner, change.current.revision) == (
        "Say hello",
        "greetings",
        account,
        sha,
    )
    assert change.current.files == [("hello.txt", "ADDED", 2, 0)]
    assert "patchset-created" in [e.type for e in fg.store.events(before)]
    # amend and push again over SSH: patch set 2 of the same change
    if shutil.which("ssh") is not None:
        env["PATH"] = f"{_ssh_wrapper(fg, tmp_path)}{os.pathsep}{env['PATH']}"
        push_url = f"ssh://{account.username}@{fg.ssh_host}:{fg.ssh_port}/openstack/cinder"
    else:
        push_url = "origin"
    (repo / "hello.txt").write_text("hello\nthere\nworld\n")
    _git("commit", "-q", "-a", "--amend", "--no-edit", cwd=repo, env=env)
    _git("push", "-q", push_url, "HEAD:refs/for/master", cwd=repo, env=env)
    assert [ps.revision for ps in change.patch_sets] == [
        sha,
        _git("rev-parse", "HEAD", cwd=repo, env=env),
    ]
    assert change.current.files == [("hello.txt", "ADDED", 3, 0)]
    # refused: no Change-Id; a direct push to a branch
    (repo / "x.txt").write_text("x\n")
    _git("add", "x.txt", cwd=repo, env=env)
    _git("commit", "-q", "-m", "No id", cwd=repo, env=env)
    for target, text in (
        ("HEAD:refs/for/master", "missing Change-Id in message footer"),
        ("HEAD~1:refs/heads/master", "prohibited by Gerrit: not permitted: update"),
    ):
        done = subprocess.run(
            [GIT or "git", "push", "origin", target],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode != 0 and text in done.stderr, done.stderr
    assert len([c for c in fg.store.changes() if c.subject == "No id"]) == 0


def test_python_gerrit_api_queries(seed_gerrit: Any) -> None:
    """python-gerrit-api 3.1.0 (PyPI), unchanged: server info, projects, branches, change
    search and get, revision commit, messages, account search."""
    gerrit = pytest.importorskip("gerrit")
    admin = seed_gerrit.store.account("admin")
    client = gerrit.GerritClient(
        base_url=seed_gerrit.http_url, username="admin", password=admin.http_password
    )
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?", client.config.get_version())
    assert "download" in client.config.get_server_info()
    assert set(client.projects.list()) == {p.name for p in seed_gerrit.store.projects()}
    project = client.projects.get("openstack/cinder")
    assert project.name == "openstack/cinder"
    branches = {b["ref"]: b["revision"] for b in project.branches.list()}
    assert (
        branches["refs/heads/master"]
        == (seed_gerrit.store.project("openstack/cinder").branches["refs/heads/master"])
    )
    found = client.changes.search("status:open project:openstack/cinder", limit=100)
    served = {
        c.number
        for c in seed_gerrit.store.changes()
        if c.project == "openstack/cinder" and c.status == "NEW"
    }
    assert {c["_number"] for c in found} == served
    one = client.changes.get(found[0]["id"])
    change = seed_gerrit.store.change(found[0]["_number"])
    assert one.subject == change.subject
    assert one.get_revision("current").get_commit()["subject"] == change.subject
    assert [m["message"] for m in one.messages.list()] == [m.message for m in change.messages]
    johns = client.accounts.search("name:john", limit=100)
    assert {a["_account_id"] for a in johns} == {
        a.account_id for a in seed_gerrit.store.accounts() if "john" in a.name.lower()
    }


@pytest.mark.parametrize("scheme", ["http", "ssh"])
def test_git_review_setup_commit_and_upload(
    fake_gerrit_factory: Callable[..., Any], tmp_path: Path, scheme: str
) -> None:
    """`git review -s` installs the emulator's commit-msg hook (HTTP GET or scp), the commit
    gets a Change-Id trailer, `git review` pushes it for review: a new change."""
    if not (BIN / "git-review").exists():
        pytest.skip("git-review not installed (test extra)")
    fg = fake_gerrit_factory(scenario="seed")
    account = fg.store.account(fg.info["default_account"])
    env = _env(tmp_path)
    if scheme == "ssh":
        if shutil.which("ssh") is None or shutil.which("scp") is None:
            pytest.skip("OpenSSH client not installed")
        env["PATH"] = f"{_ssh_wrapper(fg, tmp_path)}{os.pathsep}{env['PATH']}"
        url = f"ssh://{account.username}@{fg.ssh_host}:{fg.ssh_port}/openstack/cinder"
    else:
        host = fg.http_url.removeprefix("http://")
        url = f"http://{account.username}:{account.http_password}@{host}a/openstack/cinder"
    _git("clone", "-q", url, "repo", cwd=tmp_path, env=env)
    repo = tmp_path / "repo"
    for key, value in (
        ("gitreview.remote", "origin"),
        ("gitreview.project", "openstack/cinder"),
        ("user.name", "Test"),
        ("user.email", "test@example.org"),
    ):
        _git("config", key, value, cwd=repo, env=env)

    def review(*args: str) -> None:
        done = subprocess.run(
            [str(BIN / "git-review"), *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    review("-s")
    assert (repo / ".git" / "hooks" / "commit-msg").stat().st_mode & 0o111
    (repo / "notes.txt").write_text("one\ntwo\n")
    _git("add", "notes.txt", cwd=repo, env=env)
    _git("commit", "-q", "-m", f"Add notes over {scheme}", cwd=repo, env=env)
    message = _git("log", "-1", "--format=%B", cwd=repo, env=env)
    (change_id,) = re.findall(r"^Change-Id: (I[0-9a-f]{40})$", message, re.MULTILINE)
    review("-y")
    (change,) = [c for c in fg.store.changes() if c.change_id == change_id]
    assert change.subject == f"Add notes over {scheme}"
    assert change.current.revision == _git("rev-parse", "HEAD", cwd=repo, env=env)
    assert change.current.files == [("notes.txt", "ADDED", 2, 0)]
