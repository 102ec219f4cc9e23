"""Shapes of /projects/, /config/server/info, /accounts/?q= and /accounts/self/name against
Gerrit's documented examples (rest-api-projects.txt, rest-api-config.txt,
rest-api-accounts.txt), and ChangeInfo ids and fetch entries (rest-api-changes.txt)."""

from __future__ import annotations

import subprocess
from typing import Any

from tests.fake._clients import Http


def _admin(fg: Any) -> tuple[str, str]:
    acct = fg.store.account("admin")
    return acct.username, acct.http_password


def test_project_list_matches_the_documented_example(seed_gerrit: Any) -> None:
    http = Http(seed_gerrit)
    body = http.json("GET", "/projects/?d")
    assert list(body) == sorted(body)  # "sorted by project name"
    assert body["openstack/cinder"] == {
        "id": "openstack%2Fcinder",
        "description": "OpenStack cinder",
    }
    plain = http.json("GET", "/projects/")
    assert plain["openstack/cinder"] == {"id": "openstack%2Fcinder"}  # no d: no description
    # b: only projects with that branch, with its sha
    with_master = http.json("GET", "/projects/?b=master")
    sha = seed_gerrit.store.project("openstack/cinder").branches["refs/heads/master"]
    assert with_master["openstack/cinder"]["branches"] == {"master": sha}
    assert http.json("GET", "/projects/?b=no-such-branch") == {}
    # n/S page, p prefix, m substring (case-insensitive), r regex (anchored)
    names = list(plain)
    assert list(http.json("GET", "/projects/?n=1&S=1")) == names[1:2]
    assert set(http.json("GET", "/projects/?p=openstack%2F")) == {
        n for n in names if n.startswith("openstack/")
    }
    assert set(http.json("GET", "/projects/?m=CINDER")) == {n for n in names if "cinder" in n}
    assert "openstack/cinder" in names
    assert set(http.json("GET", "/projects/?r=openstack/c.*")) == {
        n for n in names if n.startswith("openstack/c")
    }
    status, _h, data = http.request("GET", "/projects/?p=a&m=b")
    assert status == 400
    status, _h, data = http.request("GET", "/projects/?bogus")
    assert (status, data) == (400, b'"--bogus" is not a valid option\n')


def test_get_project_and_its_branches(seed_gerrit: Any) -> None:
    http = Http(seed_gerrit)
    info = http.json("GET", "/projects/openstack%2Fcinder")
    assert list(info) == ["id", "name", "parent", "description", "state", "labels"]
    assert (info["id"], info["name"], info["parent"], info["state"]) == (
        "openstack%2Fcinder",
        "openstack/cinder",
        "All-Projects",
        "ACTIVE",
    )
    assert info["labels"]["Code-Review"]["values"][" 0"] == "No score"
    assert info["labels"]["Code-Review"]["default_value"] == 0
    project = seed_gerrit.store.project("openstack/cinder")
    branches = http.json("GET", "/projects/openstack%2Fcinder/branches/")
    assert branches[0] == {"ref": "HEAD", "revision": "master"}
    assert {"ref": "refs/heads/master", "revision": project.branches["refs/heads/master"]} in (
        branches
    )
    one = http.json("GET", "/projects/openstack%2Fcinder/branches/master")
    assert one == {"ref": "refs/heads/master", "revision": project.branches["refs/heads/master"]}
    assert http.json("GET", "/projects/openstack%2Fcinder/HEAD") == "refs/heads/master"
    status, _h, data = http.request("GET", "/projects/no%2Fsuch")
    assert (status, data) == (404, b"Not found: no/such\n")
    status, _h, data = http.request("GET", "/projects/openstack%2Fcinder/branches/nope")
    assert (status, data) == (404, b"Not found: nope\n")


def test_branch_heads_are_commits_git_can_read(seed_gerrit: Any) -> None:
    project = seed_gerrit.store.project("openstack/cinder")
    repo = seed_gerrit.store.git_dir("openstack/cinder")
    sha = project.branches["refs/heads/master"]
    kind = subprocess.run(
        ["git", "--git-dir", str(repo), "cat-file", "-t", sha],
        capture_output=True,
        text=True,
        check=True,
    )
    assert kind.stdout.strip() == "commit"
    fsck = subprocess.run(
        ["git", "--git-dir", str(repo), "fsck", "--strict", "--no-progress"],
        capture_output=True,
        text=True,
    )
    assert fsck.returncode == 0, fsck.stderr


def test_server_info_has_what_clients_read_first(seed_gerrit: Any) -> None:
    http = Http(seed_gerrit)
    info = http.json("GET", "/config/server/info")
    for key in ("accounts", "auth", "change", "download", "gerrit", "sshd", "suggest", "user"):
        assert key in info
    assert info["auth"]["auth_type"] == "HTTP"
    assert info["gerrit"]["all_projects"] == "All-Projects"
    schemes = info["download"]["schemes"]
    base = seed_gerrit.http_url
    assert schemes["anonymous http"]["url"] == base + "${project}"
    assert "is_auth_required" not in schemes["anonymous http"]
    assert schemes["ssh"]["is_auth_required"] is True
    assert schemes["ssh"]["url"].endswith(f":{seed_gerrit.ssh_port}/${{project}}")
    assert schemes["anonymous http"]["commands"]["Checkout"] == (
        f"git fetch {base}${{project}} ${{ref}} && git checkout FETCH_HEAD"
    )
    signed_in = http.json("GET", "/a/config/server/info", auth=_admin(seed_gerrit))
    assert (
        signed_in["download"]["schemes"]["http"]["url"]
        == base.replace("http://", "http://admin@") + "${project}"
    )


def test_change_ids_are_url_encoded_and_revisions_carry_fetch_entries(seed_gerrit: Any) -> None:
    http = Http(seed_gerrit)
    change = next(c for c in seed_gerrit.store.changes() if c.project == "openstack/cinder")
    anon = http.json("GET", f"/changes/{change.number}?o=CURRENT_REVISION")
    assert anon["id"] == f"openstack%2Fcinder~{change.number}"
    assert anon["triplet_id"] == f"openstack%2Fcinder~master~{change.change_id}"
    # the encoded id is what clients send back: it resolves
    assert http.json("GET", "/changes/openstack%2Fcinder~" + str(change.number))["_number"] == (
        change.number
    )
    fetch = anon["revisions"][change.current.revision]["fetch"]
    url = f"{seed_gerrit.http_url}openstack/cinder"
    assert fetch == {"anonymous http": {"url": url, "ref": change.current.ref}}
    signed = http.json(
        "GET",
        f"/a/changes/{change.number}?o=CURRENT_REVISION&o=DOWNLOAD_COMMANDS",
        auth=_admin(seed_gerrit),
    )
    fetch = signed["revisions"][change.current.revision]["fetch"]
    assert list(fetch) == ["anonymous http", "http", "ssh"]
    assert fetch["http"]["url"] == url.replace("http://", "http://admin@")
    assert fetch["ssh"]["url"] == (
        f"ssh://admin@{seed_gerrit.ssh_host}:{seed_gerrit.ssh_port}/openstack/cinder"
    )
    assert fetch["ssh"]["commands"]["Checkout"] == (
        f"git fetch {fetch['ssh']['url']} {change.current.ref} && git checkout FETCH_HEAD"
    )


def test_query_accounts(seed_gerrit: Any) -> None:
    http = Http(seed_gerrit)
    johns = http.json("GET", "/accounts/?q=name:john")
    assert johns and all(list(a) == ["_account_id"] for a in johns)
    detailed = http.json("GET", "/accounts/?q=name:john&o=DETAILS")
    for row in detailed:
        acct = seed_gerrit.store.account(row["_account_id"])
        assert "john" in acct.name.lower()
        assert (row["name"], row["email"], row["username"]) == (
            acct.name,
            acct.email,
            acct.username,
        )
    first = http.json("GET", "/accounts/?q=name:john&n=1")
    assert first == [{"_account_id": johns[0]["_account_id"], "_more_accounts": True}]
    assert http.json("GET", "/accounts/?q=username:admin") == [
        {"_account_id": seed_gerrit.store.account("admin").account_id}
    ]
    status, _h, data = http.request("GET", "/accounts/?q=frobnicate:x")
    assert (status, data) == (400, b"Unsupported query:frobnicate:x\n")


def test_put_own_name(fake_gerrit_factory: Any) -> None:
    fg = fake_gerrit_factory(scenario="seed")
    http = Http(fg)
    status, _h, data = http.request(
        "PUT", "/a/accounts/self/name", auth=_admin(fg), body={"name": "Ada Admin"}
    )
    assert (status, data) == (200, b')]}\'\n"Ada Admin"\n')
    assert fg.store.account("admin").name == "Ada Admin"
    assert http.json("GET", "/accounts/admin/name") == "Ada Admin"
    # someone else's name: not permitted for a non-admin
    other = next(a for a in fg.store.accounts() if not a.is_admin)
    status, _h, data = http.request(
        "PUT", "/a/accounts/admin/name", auth=(other.username, other.http_password),
        body={"name": "x"},
    )  # fmt: skip
    assert (status, data) == (403, b"modify account not permitted\n")
    status, _h, _d = http.request("PUT", "/accounts/self/name", body={"name": "y"})
    assert status == 403
