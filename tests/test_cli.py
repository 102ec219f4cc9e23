"""The command-line contract: --help lists subcommands, bad arguments are one line and exit 2."""

import subprocess
import sys

import pytest

from vstui.cli import SUBCOMMANDS, main


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out


@pytest.mark.parametrize("name", list(SUBCOMMANDS))
def test_each_subcommand_has_help(name, capsys):
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    assert f"vstui {name}" in capsys.readouterr().out


def test_bad_argument_is_one_line_and_exit_2():
    proc = subprocess.run(
        [sys.executable, "-m", "vstui", "--no-such-flag"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "--no-such-flag" in lines[0]
