"""FakeGerrit as a whole: info, keys reused, the event log, periodic faults, activity."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from tests.fake._clients import Http, ssh_client, ssh_run, wait_until
from vstui.fake import FakeGerrit, Faults


def test_info_describes_how_to_connect(empty_gerrit: Any, tmp_path: Path) -> None:
    fg = empty_gerrit
    info = fg.info
    assert info["ssh"]["host"] == "127.0.0.1" and info["ssh"]["port"] == fg.ssh_port > 0
    assert info["ssh"]["host_key_fingerprint"].startswith("SHA256:")
    assert info["ssh"]["known_hosts_line"].startswith(f"[127.0.0.1]:{fg.ssh_port} ssh-ed25519 ")
    assert info["http"]["url"] == fg.http_url == f"http://127.0.0.1:{fg.http_url.split(':')[2]}"
    default = info["default_account"]
    accounts = {a["username"]: a for a in info["accounts"]}
    assert accounts[default]["is_service_user"] is False
    assert any(a["is_service_user"] for a in accounts.values())
    for a in accounts.values():
        assert set(a) == {
            "username", "name", "email", "http_password", "ssh_private_key", "is_service_user",
        }  # fmt: skip
        assert Path(a["ssh_private_key"]).stat().st_mode & 0o077 == 0
    # the default account can log in with what the info file says, and stream events
    client = ssh_client(fg, default, accounts[default]["ssh_private_key"])
    try:
        chan = client.get_transport().open_session()
        chan.exec_command("gerrit stream-events")
        wait_until(lambda: fg.stream_session_count == 1)
    finally:
        client.close()
    target = tmp_path / "sub" / "info.json"
    fg.write_info(target)
    assert json.loads(target.read_text()) == info
    assert [p.name for p in target.parent.iterdir()] == ["info.json"]  # no temp file left


def test_keys_are_reused_from_the_state_dir(tmp_path: Path) -> None:
    infos = []
    for _ in range(2):
        with FakeGerrit(scenario="empty", state_dir=tmp_path) as fg:
            infos.append(fg.info)
            key_text = Path(fg.key_path(fg.info["default_account"])).read_text()
    assert infos[0]["ssh"]["host_key_fingerprint"] == infos[1]["ssh"]["host_key_fingerprint"]
    assert [a["ssh_private_key"] for a in infos[0]["accounts"]] == [
        a["ssh_private_key"] for a in infos[1]["accounts"]
    ]
    assert key_text.startswith("-----BEGIN OPENSSH PRIVATE KEY-----")


def test_event_log_has_every_line_sent_in_order(fake_gerrit_factory: Any, tmp_path: Path) -> None:
    log = tmp_path / "events.log"
    fg = fake_gerrit_factory(scenario="empty", event_log=log)
    s = fg.store
    owner = s.account(fg.info["default_account"])
    since = len(s.events())
    change = s.create_change("sandbox", owner, "Logged")
    s.set_topic(change, "t", owner)
    expected = "".join(e.line + "\n" for e in s.events(since))
    # the world's history was built before the servers started; the log has what was sent
    assert log.read_text() == expected


def test_bad_arguments_fail_before_anything_starts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        FakeGerrit(scenario="nope", state_dir=tmp_path)
    with pytest.raises(ValueError, match="http_fail_rate"):
        Faults(http_fail_rate=2)
    with pytest.raises(ValueError, match="activity"):
        FakeGerrit(scenario="empty", activity=-1, state_dir=tmp_path)


def test_periodic_drop_fault(fake_gerrit_factory: Any) -> None:
    fg = fake_gerrit_factory(scenario="empty", faults=Faults(drop_ssh_every=0.2))
    client = ssh_client(fg)
    chan = client.get_transport().open_session()
    chan.exec_command("gerrit stream-events")
    wait_until(lambda: not client.get_transport().is_active(), timeout=3)
    client.close()
    fg.faults.drop_ssh_every = 0  # adjustable at run time: streams now stay up
    client = ssh_client(fg)
    try:
        chan = client.get_transport().open_session()
        chan.exec_command("gerrit stream-events")
        wait_until(lambda: fg.stream_session_count == 1)
        time.sleep(0.4)  # two former drop periods pass without a drop
        assert client.get_transport().is_active()
    finally:
        client.close()


def test_periodic_stall_fault(fake_gerrit_factory: Any) -> None:
    fg = fake_gerrit_factory(
        scenario="empty", faults=Faults(stall_ssh_every=0.2, stall_ssh_for=0.15)
    )
    wait_until(lambda: fg.hub.stalled_for() > 0, timeout=3)
    fg.faults.stall_ssh_every = 0
    wait_until(lambda: fg.hub.stalled_for() == 0, timeout=3)


def test_activity_streams_events_and_stops_quickly(fake_gerrit_factory: Any) -> None:
    fg = fake_gerrit_factory(scenario="empty", activity=200.0, seed=3)
    client = ssh_client(fg)
    try:
        chan = client.get_transport().open_session()
        chan.exec_command("gerrit stream-events")
        wait_until(lambda: fg.stream_session_count == 1)
        chan.settimeout(10)
        assert chan.recv(65536).count(b"\n") >= 1
        assert ssh_run(client, "gerrit version")[0] == 0  # commands still served meanwhile
        assert Http(fg).json("GET", "/changes/?n=1")  # the world has changes now
    finally:
        client.close()
    started = time.monotonic()
    fg.stop()
    assert time.monotonic() - started < 2.0
