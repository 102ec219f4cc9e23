"""Third-party Gerrit clients, used unchanged, against the emulator over loopback.

gerritlib 0.11.0 (OpenStack's SSH client: its GerritWatcher thread, query, review,
version) and pygerrit2 2.0.15 (the requests-based REST client) were written against real
Gerrit servers; if they work here, the emulator speaks the protocol they expect. The
OpenSSH client checks that the generated key files and known_hosts entry are standard.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.fake._clients import wait_until


@pytest.fixture
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """gerritlib loads ~/.ssh/known_hosts and pygerrit2 reads ~/.netrc: keep them off ~."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return home


@pytest.fixture
def world(empty_gerrit: Any, isolated_home: Path) -> dict[str, Any]:
    fg = empty_gerrit
    s = fg.store
    # Trust the emulator's host key the way an operator would (system known_hosts).
    (isolated_home / ".ssh" / "known_hosts").write_text(fg.info["ssh"]["known_hosts_line"] + "\n")
    owner = s.create_account("eharney", "Eric Harney", "eharney@example.com")
    change = s.create_change("sandbox", owner, "Fix the volume driver")
    user = fg.info["default_account"]
    account = next(a for a in fg.info["accounts"] if a["username"] == user)
    return {"fg": fg, "store": s, "change": change, "owner": owner, "user": account}


# gerritlib's watcher thread has no stop(): with connection_attempts=1 it ends by raising
# the failed reconnect once the server is gone, which pytest reports as a thread warning.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_gerritlib_watcher_query_review_version(world: dict[str, Any]) -> None:
    from gerritlib.gerrit import Gerrit

    fg, s, change, user = world["fg"], world["store"], world["change"], world["user"]
    g = Gerrit(
        fg.ssh_host,
        user["username"],
        port=fg.ssh_port,
        keyfile=user["ssh_private_key"],
        connection_attempts=1,
        retry_delay=0.1,
    )
    g.startWatching(connection_attempts=1, retry_delay=0.1)
    try:
        wait_until(lambda: fg.stream_session_count == 1)
        since = len(s.events())
        s.post_review(change, "current", world["owner"], message="Please review")
        # gerritlib reads one line per poll() wake-up, so when Gerrit flushes a batch of
        # events in one packet (here comment-added + its meta ref-updated) the later lines
        # wait in its buffer until the next packet. Compare what it has delivered so far.
        received = [g.event_queue.get(timeout=5)]
        assert received[0]["type"] == "comment-added"

        assert g.getVersion() == "3.9.1"
        assert g.parseGerritVersion(g.getVersion()) == (3, 9, 1)
        row = g.query(str(change.number))  # gerritlib appends a stray '"' to the command
        assert row["number"] == change.number and row["subject"] == "Fix the volume driver"
        rows = g.bulk_query("project:sandbox")
        assert rows[-1]["type"] == "stats" and rows[-1]["rowCount"] == 1
        row = g.query(str(change.number), commit_msg=True, comments=True)
        assert "commitMessage" in row and "comments" in row

        g.review("sandbox", f"{change.number},1", "Works for me", {"code-review": "+1"})
        assert s.change(change.number).messages[-1].message == (
            "Patch Set 1: Code-Review+1\n\nWorks for me"
        )
        received += [g.event_queue.get(timeout=5) for _ in range(2)]
        emitted = [json.loads(e.line) for e in s.events(since)]
        assert received == emitted[: len(received)]
        assert [e["type"] for e in received] == ["comment-added", "ref-updated", "comment-added"]
        assert received[2]["approvals"][0]["value"] == "1"
        with pytest.raises(Exception, match="Gerrit error executing"):
            g.review("sandbox", f"{change.number},1", "", {"code-review": "+9"})

        # A dropped stream: the watcher notices, reconnects and streams again.
        assert fg.drop_stream_sessions() == 1
        assert fg.stream_session_count == 0
        wait_until(lambda: fg.stream_session_count == 1)
        s.set_topic(change, "after-drop", world["owner"])
        event = g.event_queue.get(timeout=5)
        while event["type"] != "topic-changed":  # skip what was stuck in its old buffer
            event = g.event_queue.get(timeout=5)
        assert event["change"]["topic"] == "after-drop"
    finally:
        if g.client is not None:
            g.client.close()
        fg.stop()  # EOF, then with connection_attempts=1 the watcher gives up
        g.watcher_thread.join(timeout=5)
    assert not g.watcher_thread.is_alive()


def test_pygerrit2_rest_with_basic_auth_and_anonymous(world: dict[str, Any]) -> None:
    from pygerrit2 import Anonymous, GerritRestAPI, GerritReview, HTTPBasicAuth
    from requests import HTTPError

    fg, change, user = world["fg"], world["change"], world["user"]
    rest = GerritRestAPI(
        url=fg.http_url, auth=HTTPBasicAuth(user["username"], user["http_password"])
    )
    me = rest.get("/accounts/self")
    assert me["username"] == user["username"]
    changes = rest.get("/changes/?q=project:sandbox&o=LABELS&o=DETAILED_ACCOUNTS")
    assert [c["_number"] for c in changes] == [change.number]
    review = GerritReview()
    review.set_message("From pygerrit2")
    review.add_labels({"Code-Review": -1})
    result = rest.review(change.number, "current", review)
    assert result["labels"] == {"Code-Review": -1}
    messages = rest.get(f"/changes/{change.number}/messages")
    assert messages[-1]["message"] == "Patch Set 1: Code-Review-1\n\nFrom pygerrit2"
    posted = rest.post(
        f"/changes/{change.number}/revisions/current/review", json={"message": "plain post"}
    )
    assert posted == {}

    anon = GerritRestAPI(url=fg.http_url, auth=Anonymous())
    assert anon.get("/config/server/version") == "3.9.1"
    assert anon.get(f"/changes/{change.number}")["_number"] == change.number
    with pytest.raises(HTTPError) as exc:
        anon.get("/accounts/self")
    assert exc.value.response.status_code == 403

    wrong = GerritRestAPI(url=fg.http_url, auth=HTTPBasicAuth(user["username"], "nope"))
    with pytest.raises(HTTPError) as exc:
        wrong.get("/accounts/self")
    assert exc.value.response.status_code == 401


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed")
def test_openssh_client_with_printed_key_and_known_hosts(world: dict[str, Any]) -> None:
    fg, user = world["fg"], world["user"]
    cmd = [
        "ssh",
        "-F", "/dev/null",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes",
        "-o", f"UserKnownHostsFile={fg.known_hosts_path}",
        "-o", "IdentitiesOnly=yes",
        "-i", user["ssh_private_key"],
        "-p", str(fg.ssh_port),
        f"{user['username']}@{fg.ssh_host}",
        "gerrit", "version",
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    assert (proc.returncode, proc.stdout) == (0, "gerrit version 3.9.1\n"), proc.stderr
    proc = subprocess.run([*cmd[:-2], "gerrit", "nope"], capture_output=True, text=True, timeout=20)
    assert proc.returncode == 1 and proc.stderr.endswith("fatal: gerrit: nope: not found\n")
