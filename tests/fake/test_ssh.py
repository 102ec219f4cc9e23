"""The emulator's SSH side over a real paramiko handshake on loopback."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from typing import Any

import paramiko
import pytest

from tests.fake._clients import ssh_client, ssh_run, wait_until
from vstui.fake.model import CAP_SAVE_VERIFICATION


@pytest.fixture
def world(empty_gerrit: Any) -> dict[str, Any]:
    """A project with one change (2 patch sets), a plain human and a CI service user."""
    fg = empty_gerrit
    s = fg.store
    s.create_project("openstack/cinder")
    owner = s.create_account("eharney", "Eric Harney", "eharney@example.com")
    alice = s.create_account("alice", "Alice Reviewer", "alice@example.com")
    ci = s.create_account("cinder-ci", "Cinder CI", "ci@example.com", service_user=True)
    s.grant_capability(CAP_SAVE_VERIFICATION, "Service Users")
    change = s.create_change("openstack/cinder", owner, "Fix the volume <driver> & 'quotes'")
    s.new_patch_set(change, owner)
    return {"fg": fg, "store": s, "change": change, "owner": owner, "alice": alice, "ci": ci}


def test_version_and_unknown_commands(empty_gerrit: Any) -> None:
    client = ssh_client(empty_gerrit)
    try:
        assert ssh_run(client, "gerrit version") == (0, "gerrit version 3.9.1\n", "")
        assert ssh_run(client, "gerrit foo") == (1, "", "fatal: gerrit: foo: not found\n")
        assert ssh_run(client, "foo bar") == (
            1,
            "",
            "fatal: Gerrit Code Review: foo: not found\n",
        )
        assert ssh_run(client, "gerrit query --bogus x") == (
            1,
            "",
            'fatal: "--bogus" is not a valid option\n',
        )
        rc, out, err = ssh_run(client, "gerrit")
        assert rc == 1 and out == "" and "Available commands of gerrit are:" in err
        # the same connection still serves after all those errors
        assert ssh_run(client, "gerrit version")[0] == 0
    finally:
        client.close()


def test_wrong_key_is_refused_and_server_keeps_serving(empty_gerrit: Any, tmp_path: Any) -> None:
    from vstui.fake.keys import load_or_create_ed25519

    stranger = tmp_path / "stranger"
    load_or_create_ed25519(stranger)
    with pytest.raises(paramiko.AuthenticationException):
        ssh_client(empty_gerrit, key_path=str(stranger))
    with pytest.raises(paramiko.AuthenticationException):
        ssh_client(empty_gerrit, username="nobody", key_path=str(stranger))
    client = ssh_client(empty_gerrit)
    try:
        assert ssh_run(client, "gerrit version")[0] == 0
    finally:
        client.close()


def test_password_auth_is_not_offered(empty_gerrit: Any) -> None:
    t = paramiko.Transport(("127.0.0.1", empty_gerrit.ssh_port))
    try:
        t.start_client(timeout=10)
        with pytest.raises(paramiko.BadAuthenticationType) as exc:
            t.auth_password(empty_gerrit.info["default_account"], "secret")
        assert exc.value.allowed_types == ["publickey"]
    finally:
        t.close()


def test_stream_events_needs_the_capability(world: dict[str, Any]) -> None:
    fg = world["fg"]
    client = ssh_client(fg, "alice")
    try:
        assert ssh_run(client, "gerrit stream-events") == (1, "", "stream events not permitted\n")
        # capability is checked before options are parsed, as DispatchCommand does
        assert ssh_run(client, "gerrit stream-events --bogus")[2] == "stream events not permitted\n"
    finally:
        client.close()


def _open_stream(
    fg: Any, command: str = "gerrit stream-events", user: str | None = None, **kw: Any
):
    client = ssh_client(fg, user)
    chan = client.get_transport().open_session(**kw)
    chan.exec_command(command)
    wait_until(lambda: fg.stream_session_count >= 1)
    return client, chan


def _read_lines(chan: paramiko.Channel, count: int, timeout: float = 10) -> list[str]:
    chan.settimeout(timeout)
    buf = b""
    while buf.count(b"\n") < count:
        data = chan.recv(65536)
        if not data:
            break
        buf += data
    return buf.decode().splitlines()


def test_stream_events_sends_each_event_as_one_compact_line(world: dict[str, Any]) -> None:
    fg, s = world["fg"], world["store"]
    client, chan = _open_stream(fg)
    try:
        since = len(s.events())
        s.post_review(
            world["change"], "current", world["alice"], message="LGTM", labels={"Code-Review": 1}
        )
        s.set_topic(world["change"], "quota", world["owner"])
        expected = [e.line for e in s.events(since)]
        lines = _read_lines(chan, len(expected))
        assert lines == expected
        added = json.loads(lines[0])
        assert added["type"] == "comment-added"
        assert list(added)[-2:] == ["type", "eventCreatedOn"]  # Gson writes the envelope last
        assert added["approvals"] == [
            {"type": "Code-Review", "description": "Code-Review", "value": "1", "oldValue": "0"}
        ]
        assert '": ' not in lines[0] and '", "' not in lines[0]  # compact Gson, no pretty spaces
        # Gson's HTML escaping of the subject "Fix the volume <driver> & 'quotes'"
        assert "volume \\u003cdriver\\u003e \\u0026 \\u0027quotes\\u0027" in lines[0]
    finally:
        client.close()
    wait_until(lambda: fg.stream_session_count == 0)  # the session ended with the client


def test_subscribe_filters_by_type(world: dict[str, Any]) -> None:
    fg, s = world["fg"], world["store"]
    client, chan = _open_stream(
        fg, "gerrit stream-events -s topic-changed --subscribe comment-added"
    )
    try:
        s.post_review(world["change"], "current", world["alice"], message="hi")
        s.set_topic(world["change"], "t1", world["owner"])
        lines = _read_lines(chan, 2)
        assert [json.loads(x)["type"] for x in lines] == ["comment-added", "topic-changed"]
    finally:
        client.close()


def test_slow_reader_gets_dropped_output(world: dict[str, Any]) -> None:
    """A reader that does not drain its SSH window loses events and is told so."""
    fg, s = world["fg"], world["store"]
    client, chan = _open_stream(fg, window_size=8192)
    try:
        since = len(s.events())
        for i in range(200):  # each review = comment-added + ref-updated (meta)
            s.post_review(world["change"], "current", world["alice"], message=f"note {i}")
        emitted = [e.line for e in s.events(since)]
        # Now drain: read until the server has nothing left for us, then send a marker.
        chan.settimeout(0.05)
        buf = b""
        deadline = time.monotonic() + 10
        while fg.hub.backlog() or chan.recv_ready():
            assert time.monotonic() < deadline
            with contextlib.suppress(TimeoutError):
                buf += chan.recv(65536)
        chan.settimeout(5)
        s.set_topic(world["change"], "marker", world["owner"])
        marker = s.events()[-2].line.encode()  # topic-changed (then its meta ref-updated)
        while marker not in buf:
            buf += chan.recv(65536)
        lines = buf.decode().splitlines()
        lines = lines[: lines.index(marker.decode())]  # the session survived the overflow
        drops = [x for x in lines if x.startswith('{"type":"dropped-output"')]
        assert drops  # one marker per overflow episode (more if the writer caught up between)
        assert list(json.loads(drops[0])) == ["type", "eventCreatedOn"]
        got = [x for x in lines if x not in drops]
        assert 0 < len(got) < len(emitted)
        it = iter(emitted)  # what arrived is in emission order, nothing invented
        assert all(line in it for line in got)
    finally:
        client.close()


def test_drop_stream_sessions_cuts_the_connection(world: dict[str, Any]) -> None:
    fg = world["fg"]
    client, chan = _open_stream(fg)
    assert fg.drop_stream_sessions() == 1
    chan.settimeout(5)
    assert chan.recv(1) == b""
    assert not chan.exit_status_ready() or chan.recv_exit_status() == -1
    wait_until(lambda: not client.get_transport().is_active())
    client.close()


def test_stall_holds_events_then_delivers_them(world: dict[str, Any]) -> None:
    fg, s = world["fg"], world["store"]
    client, chan = _open_stream(fg)
    try:
        fg.stall_streams(0.3)
        started = time.monotonic()
        s.set_topic(world["change"], "stalled", world["owner"])
        line = _read_lines(chan, 1)[0]
        assert json.loads(line)["type"] == "topic-changed"
        assert time.monotonic() - started >= 0.25
    finally:
        client.close()


def test_query_json_rows_and_stats(world: dict[str, Any]) -> None:
    fg, change = world["fg"], world["change"]
    client = ssh_client(fg)
    try:
        rc, out, err = ssh_run(
            client,
            f'gerrit query --format JSON --current-patch-set --patch-sets --comments change:{change.number}"',
        )
        assert (rc, err) == (0, "")
        rows = [json.loads(x) for x in out.splitlines()]
        assert rows[-1]["type"] == "stats" and rows[-1]["rowCount"] == 1
        assert set(rows[-1]) == {"type", "rowCount", "runTimeMilliseconds", "moreChanges"}
        row = rows[0]
        assert row["number"] == change.number and row["open"] is True
        assert row["currentPatchSet"]["number"] == 2 and len(row["patchSets"]) == 2
        assert row["owner"]["accountId"] == world["owner"].account_id
        assert "comments" in row
        rc, out, _ = ssh_run(
            client, "gerrit query --format=JSON --start 1 project:openstack/cinder"
        )
        assert json.loads(out.splitlines()[-1])["rowCount"] == 0
        rc, out, _ = ssh_run(client, "gerrit query --format JSON 'status:open limit:1'")
        assert json.loads(out.splitlines()[-1])["rowCount"] == 1
        rc, out, _ = ssh_run(client, "gerrit query --format JSON --no-limit status:open")
        assert json.loads(out.splitlines()[-1])["rowCount"] == 1
        rc, out, _ = ssh_run(client, "gerrit query --format JSON 'is:bogus'")
        assert rc == 0 and json.loads(out)["type"] == "error"
        rc, out, _ = ssh_run(client, f"gerrit query {change.number}")
        assert out.startswith(f"change {change.change_id}\n  project: openstack/cinder\n")
        assert "rowCount: 1\n" in out
        rc, _, err = ssh_run(client, "gerrit query --files x")
        assert (rc, err) == (1, "fatal: --files option needs --patch-sets or --current-patch-set\n")
    finally:
        client.close()


def test_review_votes_and_reports_errors_like_gerrit(world: dict[str, Any]) -> None:
    fg, s, change = world["fg"], world["store"], world["change"]
    client = ssh_client(fg, "alice")
    try:
        rc, out, err = ssh_run(
            client,
            f"gerrit review --project openstack/cinder --code-review +1 --label Verified=0 "
            f'-m "\\"Nice\\" work" --tag autogenerated:test {change.number},2',
        )
        assert (rc, out, err) == (0, "", "")
        msg = s.change(change.number).messages[-1]
        assert msg.message == 'Patch Set 2: Code-Review+1\n\n"Nice" work'
        assert msg.tag == "autogenerated:test"
        assert ssh_run(client, f"gerrit review --code-review 3 {change.number},2")[2] == (
            'fatal: "3" must be in range -2..+2 for "--code-review"\n'
        )
        assert ssh_run(client, f"gerrit review {change.number},9")[2] == (
            f'fatal: "{change.number},9" no such patch set\n'
        )
        assert ssh_run(client, "gerrit review --project nope 1,1")[2] == (
            "fatal: project nope not found\n"
        )
        assert ssh_run(client, "gerrit review")[2] == (
            'fatal: Argument "{COMMIT | CHANGE,PATCHSET}" is required\n'
        )
        rc, _out, err = ssh_run(client, f"gerrit review --label Bogus=1 {change.number},2")
        assert rc == 1
        assert err == (
            'error: fatal: label "Bogus" is not a configured label\n\n'
            "fatal: one or more reviews failed; review output above\n"
        )
        sha = change.current.revision[:10]
        assert ssh_run(client, f"gerrit review --abandon -m gone {sha}")[0] == 0
        assert s.change(change.number).status == "ABANDONED"
        assert ssh_run(client, f"gerrit review --restore {change.number},2")[0] == 0
        assert s.change(change.number).status == "NEW"
    finally:
        client.close()


def test_verify_status_save(world: dict[str, Any]) -> None:
    fg, s, change = world["fg"], world["store"], world["change"]
    client = ssh_client(fg, "cinder-ci")
    try:
        cmd = (
            "verify-status save --verification "
            "'name=gate-cinder-pep8|value=1|url=http://ci.example/1|reporter=Cinder CI|duration=3m 1s' "
            f"-v 'name=gate-cinder-tempest|value=-1|abstain=true' {change.number},2"
        )
        assert ssh_run(client, cmd) == (0, "", "")
        rows = s.verifications(change, 2, sort="NAME")
        assert [(r.name, r.value, r.abstain) for r in rows] == [
            ("gate-cinder-pep8", 1, False),
            ("gate-cinder-tempest", -1, True),
        ]
        assert rows[0].duration == "3m 1s" and rows[0].reporter == "Cinder CI"
        bad = f"verify-status save -v 'name=x|value=1|url=http://h/?a=b' {change.number},2"
        assert ssh_run(client, bad) == (1, "", "fatal: Invalid verification parameters\n")
        assert ssh_run(client, f"verify-status save -v value=1 {change.number},2")[2] == (
            "fatal: Verification is missing a name\n"
        )
        assert ssh_run(client, "verify-status nope")[2] == "fatal: verify-status: nope: not found\n"
    finally:
        client.close()
    human = ssh_client(fg, "alice")
    try:
        assert ssh_run(human, f"verify-status save -v 'name=x|value=1' {change.number},2") == (
            1,
            "",
            "saveVerificationReport for plugin verify-status not permitted\n",
        )
    finally:
        human.close()


def test_listings(world: dict[str, Any]) -> None:
    fg = world["fg"]
    client = ssh_client(fg, "admin")  # plugin ls needs View Plugins (admins have it)
    try:
        assert ssh_run(client, "gerrit ls-projects")[1] == "openstack/cinder\nsandbox\n"
        groups = ssh_run(client, "gerrit ls-groups")[1].splitlines()
        assert "Service Users" in groups and "Administrators" in groups
        plugins = json.loads(ssh_run(client, "gerrit plugin ls --format json")[1])
        assert {"verify-status", "events-log"} <= set(plugins)
        assert plugins["verify-status"]["index_url"] == "plugins/verify-status/"
    finally:
        client.close()
    human = ssh_client(fg, "alice")
    try:
        assert ssh_run(human, "gerrit plugin ls") == (1, "", "view plugins not permitted\n")
    finally:
        human.close()


def test_interactive_shell_is_refused_with_gerrits_greeting(empty_gerrit: Any) -> None:
    client = ssh_client(empty_gerrit)
    try:
        chan = client.get_transport().open_session()
        chan.invoke_shell()
        chan.settimeout(5)
        err = b""
        while not chan.exit_status_ready() or chan.recv_stderr_ready():
            data = chan.recv_stderr(4096)
            if not data:
                break
            err += data
        assert b"Welcome to Gerrit Code Review" in err
        assert b"interactive shells are disabled" in err
        assert chan.recv_exit_status() == 127
    finally:
        client.close()


def test_stop_closes_live_streams_quickly(fake_gerrit_factory: Any) -> None:
    fg = fake_gerrit_factory(scenario="empty")
    clients = [_open_stream(fg)[0] for _ in range(3)]
    started = time.monotonic()
    fg.stop()
    assert time.monotonic() - started < 2.0
    for c in clients:
        wait_until(lambda c=c: not c.get_transport().is_active())
        c.close()
    leftovers = [t.name for t in threading.enumerate() if t.name.startswith("fake-gerrit")]
    assert leftovers == []
