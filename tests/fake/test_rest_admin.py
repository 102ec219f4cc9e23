"""Building a world over the wire only (no Python API): create a project, an account with an
HTTP password and SSH key (a bot through "Service Users"), a change, a new patch set through
change edits; then git sees exactly that content."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.fake._clients import XSSI, Http


def _admin(fg: Any) -> tuple[str, str]:
    acct = fg.store.account("admin")
    return acct.username, acct.http_password


def _ok(status: int, data: bytes, expected: int = 200) -> Any:
    assert status == expected, (status, data)
    return json.loads(data[len(XSSI) :]) if data.startswith(XSSI) else data


def test_build_a_world_over_rest_then_fetch_it_with_git(empty_gerrit: Any, tmp_path: Path) -> None:
    fg = empty_gerrit
    http = Http(fg)
    admin = _admin(fg)
    # project
    status, _h, data = http.request(
        "PUT", "/a/projects/team%2Fwidget", auth=admin, body={"description": "Widgets"}
    )
    info = _ok(status, data, 201)
    assert (info["id"], info["name"], info["description"]) == (
        "team%2Fwidget",
        "team/widget",
        "Widgets",
    )
    status, _h, data = http.request("PUT", "/a/projects/team%2Fwidget", auth=admin, body={})
    assert (status, data) == (409, b"Project already exists\n")
    # accounts: a human with an HTTP password, a CI bot with an SSH key
    key = (fg.state_dir / "keys" / "admin.pub").read_text().strip()
    status, _h, data = http.request(
        "PUT",
        "/a/accounts/dev",
        auth=admin,
        body={"name": "Dev One", "email": "dev@example.org", "http_password": "s3cret"},
    )
    dev = _ok(status, data, 201)
    assert (dev["name"], dev["email"], dev["username"]) == ("Dev One", "dev@example.org", "dev")
    status, _h, data = http.request(
        "PUT",
        "/a/accounts/acme-ci",
        auth=admin,
        body={"name": "Acme CI", "ssh_key": key, "groups": ["Service Users"]},
    )
    bot = _ok(status, data, 201)
    assert bot["tags"] == ["SERVICE_USER"]
    assert fg.store.account("acme-ci").ssh_keys == [key]
    status, _h, data = http.request(
        "PUT", "/a/accounts/mallory", auth=("dev", "s3cret"), body={"name": "M"}
    )
    assert (status, data) == (403, b"createAccount for plugin gerrit not permitted\n")
    # a change, by the new account with its password
    status, _h, data = http.request(
        "POST",
        "/a/changes/",
        auth=("dev", "s3cret"),
        body={"project": "team/widget", "branch": "master", "subject": "Add the widget"},
    )
    change = _ok(status, data, 201)
    assert (change["id"], change["subject"], change["status"]) == (
        f"team%2Fwidget~{change['_number']}",
        "Add the widget",
        "NEW",
    )
    number = change["_number"]
    # a change edit, published as patch set 2
    status, _h, data = http.request(
        "PUT",
        f"/a/changes/{number}/edit/src%2Fwidget.py",
        auth=("dev", "s3cret"),
        body=b"def widget():\n    return 42\n",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert status == 204, data
    data_url = "data:text/plain;base64," + base64.b64encode(b"# Widget\n").decode()
    status, _h, data = http.request(
        "PUT",
        f"/a/changes/{number}/edit/README.md",
        auth=("dev", "s3cret"),
        body={"binary_content": data_url},
    )
    assert status == 204, data
    status, _h, data = http.request(
        "GET", f"/a/changes/{number}/edit/src%2Fwidget.py", auth=("dev", "s3cret")
    )
    assert (status, base64.b64decode(data)) == (200, b"def widget():\n    return 42\n")
    status, _h, data = http.request(
        "POST", f"/a/changes/{number}/edit:publish", auth=("dev", "s3cret"), body={}
    )
    assert status == 204, data
    status, _h, data = http.request("GET", f"/a/changes/{number}/edit", auth=("dev", "s3cret"))
    assert status == 204  # no edit left
    detail = http.json(
        "GET", f"/changes/{number}?o=CURRENT_REVISION&o=CURRENT_FILES&o=CURRENT_COMMIT"
    )
    rev = detail["revisions"][detail["current_revision"]]
    assert rev["_number"] == 2
    assert rev["files"]["src/widget.py"] == {
        "status": "A",
        "lines_inserted": 2,
        "size_delta": 80,
        "size": 4080,
    }
    assert set(rev["files"]) == {"src/widget.py", "README.md"}
    # git sees the published content at the revision the REST names
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = {"GIT_TERMINAL_PROMPT": "0", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    repo = tmp_path / "repo"
    subprocess.run(
        ["git", "clone", "-q", f"{fg.http_url}team/widget", str(repo)],
        check=True,
        env=env,
        timeout=60,
    )
    subprocess.run(
        ["git", "-C", str(repo), "fetch", "-q", "origin", rev["ref"]],
        check=True,
        env=env,
        timeout=60,
    )
    shown = subprocess.run(
        ["git", "-C", str(repo), "show", "FETCH_HEAD:src/widget.py"],
        capture_output=True,
        check=True,
        env=env,
    )
    assert shown.stdout == b"def widget():\n    return 42\n"
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "FETCH_HEAD"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    assert head.stdout.strip() == detail["current_revision"]


def test_rebase_replays_the_patch_set_on_the_branch_tip(empty_gerrit: Any, tmp_path: Path) -> None:
    fg = empty_gerrit
    store = fg.store
    http = Http(fg)
    admin = _admin(fg)
    store.create_project("demo")
    first = store.create_change("demo", "admin", "Base", files=[("base.txt", "ADDED", 3, 0)])
    mine = store.create_change("demo", "admin", "Mine", files=[("mine.txt", "ADDED", 2, 0)])
    store.post_review(mine, "current", "admin", labels={"Code-Review": 2})
    store.submit(first, "admin", force=True)  # the branch moves under `mine`
    tip = store.project("demo").branches["refs/heads/master"]
    assert tip not in mine.current.parents
    status, _h, data = http.request("POST", f"/a/changes/{mine.number}/rebase", auth=admin, body={})
    info = _ok(status, data)
    ps = mine.current
    assert (info["current_revision"], ps.number, ps.kind, ps.parents) == (
        ps.revision,
        2,
        "TRIVIAL_REBASE",
        [tip],
    )
    assert ps.files == [("mine.txt", "ADDED", 2, 0)]
    # Code-Review copies on a trivial rebase (copy_on_trivial_rebase)
    assert [a.value for a in mine.current_approvals().values()] == [2]
    status, _h, data = http.request("POST", f"/a/changes/{mine.number}/rebase", auth=admin, body={})
    assert (status, data) == (409, b"Change is already up to date.\n")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = store.git_dir("demo")
    listed = subprocess.run(
        ["git", "--git-dir", str(repo), "ls-tree", "--name-only", ps.revision],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listed == ["README", "base.txt", "mine.txt"]  # the tip's files and the change's
