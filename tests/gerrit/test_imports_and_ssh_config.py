"""`vstui.gerrit` stays free of Textual; SSH settings resolve the way `ssh` resolves them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from vstui.gerrit.ssh import known_hosts_name, resolve_target


def test_gerrit_package_and_config_import_without_textual():
    code = (
        "import sys\n"
        "import vstui.config, vstui.gerrit.models, vstui.gerrit.decode, vstui.gerrit.rest\n"
        "import vstui.gerrit.stream, vstui.gerrit.ssh, vstui.gerrit.dedupe\n"
        "import vstui.commands.watch, vstui.commands.config\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""


def test_ssh_config_alias_hostname_port_user_identityfile(tmp_path):
    key = tmp_path / "id_review"
    key.write_text("not used here")
    config = tmp_path / "ssh_config"
    config.write_text(
        "Host review\n"
        "  HostName review.example.org\n"
        "  Port 29419\n"
        "  User alice\n"
        f"  IdentityFile {key}\n"
        "  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {tmp_path / 'kh'}\n"
    )
    t = resolve_target("review", ssh_config=config, use_default_known_hosts=False)
    assert (t.hostname, t.port, t.user) == ("review.example.org", 29419, "alice")
    assert t.key_files == (key,)  # IdentitiesOnly: no default keys, no agent
    assert t.use_agent is False
    assert t.known_hosts_files == (tmp_path / "kh",)
    # explicit settings win over the config file, as on the ssh command line
    t = resolve_target(
        "review", port=2222, user="bob", ssh_config=config, use_default_known_hosts=False
    )
    assert (t.port, t.user) == (2222, "bob")
    # an unknown alias falls back to the Gerrit default port
    other = resolve_target(
        "gerrit.example.com",
        ssh_config=config,
        use_default_keys=False,
        use_default_known_hosts=False,
    )
    assert (other.hostname, other.port) == ("gerrit.example.com", 29418)
    assert known_hosts_name("h", 22) == "h" and known_hosts_name("h", 29418) == "[h]:29418"


def test_broken_ssh_config_is_ignored(tmp_path):
    config = tmp_path / "ssh_config"
    config.write_bytes(b"Host x\n  Port notanumber\n  \xff\xfe\n")
    t = resolve_target(
        "x", ssh_config=config, use_default_known_hosts=False, use_default_keys=False
    )
    assert t.hostname == "x" and t.port == 29418
    assert isinstance(t.key_files, tuple) and all(isinstance(p, Path) for p in t.key_files)
