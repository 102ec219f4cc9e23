"""User-defined CI formats: config tables compiled on RE2, parsing, validation, --explain."""

from __future__ import annotations

import io
import json
import sys
import textwrap
import time

import pytest

from vstui.ci.classify import BotRules
from vstui.ci.parse import explain_record, parse_record
from vstui.ci.userformat import FormatError, UserFormat, compile_format_regex
from vstui.cli import main
from vstui.config import ConfigError, load_config

CORP = {
    "headline": r"Pipeline (?P<result>passed|failed|running)",
    "job": r"^(?P<name>[\w.-]+): (?P<result>OK|KO|WAIT) (?P<url>https?://\S+)"
    r"(?: in (?P<duration>\S+))?(?P<voting> \(optional\))?$",
    "results": {"OK": "SUCCESS", "KO": "FAILURE", "running": "STARTED"},
}
MSG = (
    "Patch Set 2: Verified-1\n\nPipeline failed\n\n"
    "lint: OK https://ci.corp/1 in 35s\nunit: KO https://ci.corp/2 (optional)\n"
    "e2e: KO https://ci.corp/3 in 1m\n"
)


def _rules(**formats):
    return BotRules.from_config(ci_formats=formats or {"Corp Checker": CORP})


def test_headline_and_job_template_give_the_report():
    r = parse_record({"author": {"name": "Corp Checker"}, "message": MSG}, _rules())
    assert (r.is_bot, r.overall, r.vote) == (True, "FAILURE", {"Verified": -1})
    assert [j.as_dict() for j in r.jobs] == [
        {
            "name": "lint",
            "url": "https://ci.corp/1",
            "result": "SUCCESS",
            "duration_s": 35,
            "voting": True,
        },
        {
            "name": "unit",
            "url": "https://ci.corp/2",
            "result": "FAILURE",
            "duration_s": None,
            "voting": False,
        },
        {
            "name": "e2e",
            "url": "https://ci.corp/3",
            "result": "FAILURE",
            "duration_s": 60,
            "voting": True,
        },
    ]


def test_without_a_headline_the_voting_jobs_decide_and_the_format_matches_by_username():
    rules = BotRules.from_config(
        ci_formats={"corp-ci": {"job": CORP["job"], "results": CORP["results"]}}
    )
    msg = "Patch Set 1:\n\nlint: OK https://ci.corp/1\nunit: KO https://ci.corp/2 (optional)\n"
    r = parse_record({"author": {"name": "Someone", "username": "corp-ci"}, "message": msg}, rules)
    assert r.overall == "SUCCESS"  # the only failure is non-voting
    msg = "Patch Set 1:\n\nlint: WAIT https://ci.corp/1\n"
    assert (
        parse_record({"author": {"username": "corp-ci"}, "message": msg}, rules).overall
        == "FAILURE"
    )


def test_a_format_that_finds_nothing_leaves_the_message_to_the_built_in_rules():
    msg = "Patch Set 1: Verified-1\n\nBuild failed.\n\n- tox https://z/1 : FAILURE in 3s\n"
    r = parse_record({"author": {"name": "Corp Checker"}, "message": msg}, _rules())
    assert (r.overall, [j.name for j in r.jobs]) == ("FAILURE", ["tox"])


def test_an_account_with_a_format_is_a_bot_even_with_a_persons_name():
    r = parse_record(
        {"author": {"name": "Jane Corp"}, "message": MSG}, _rules(**{"Jane Corp": CORP})
    )
    assert r.is_bot and r.ci_name == "Jane Corp"


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ({"job": r"(?P<name>\w+) (?<=x)(?P<result>OK)"}, "bad regex"),
        ({"job": r"(?P<name>\w+) (\w)\1 (?P<result>OK)"}, "bad regex"),
        ({"job": r"(?P<name>\w+) OK"}, "needs a named group (?P<result>"),
        ({"job": r"(?P<result>OK)"}, "needs a (?P<name>...) or a (?P<url>...) group"),
        ({"job": r"(?P<name>\w+) (?P<result>OK) (?P<colour>\w+)"}, "unknown group 'colour'"),
        ({"headline": r"Pipeline (passed|failed)"}, "needs a named group (?P<result>"),
        ({"results": {"OK": "SUCCESS"}}, "needs a headline or a job pattern"),
        ({"job": r"(?P<name>\w+) (?P<result>OK)", "colour": "red"}, "unknown key 'colour'"),
        ({"job": 42}, "expected a string"),
    ],
)
def test_bad_formats_are_one_readable_line(table, problem):
    problems = UserFormat.problems("Corp CI", table)
    assert problems and any(problem in p for p in problems), problems
    assert all("\n" not in p and "Corp CI" in p for p in problems)
    with pytest.raises(FormatError):
        UserFormat.from_config("Corp CI", table)


def test_patterns_run_in_linear_time():
    """`(a+)+$` backtracks for hours on Python's engine; on RE2 it is linear."""
    rx = compile_format_regex(r"(?P<name>(a+)+)$(?P<result>x)?", "test")
    text = "a" * 200_000 + "!"
    start = time.perf_counter()
    rx.search(text)  # on a backtracking engine this would not return
    assert time.perf_counter() - start < 1.0
    fmt = UserFormat.from_config("Slow CI", {"job": r"^(?P<name>(a+)+)b (?P<result>OK)"})
    start = time.perf_counter()
    assert fmt.parse("\n" + "a" * 100_000 + "!\n")[1] == ()
    assert time.perf_counter() - start < 1.0


CONFIG = textwrap.dedent(
    """
    [servers.corp]
    url = "https://review.corp.example/"

    [servers.corp.ci_formats."Corp Checker"]
    headline = 'Pipeline (?P<result>passed|failed)'
    job = '^(?P<name>[\\w.-]+): (?P<result>OK|KO) (?P<url>https?://\\S+)'
    results = { OK = "SUCCESS", KO = "FAILURE" }
    """
)


def test_config_loads_formats_and_config_check_lists_them(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    profile = load_config(path).server("corp")
    assert set(profile.ci_formats) == {"Corp Checker"}
    assert main(["--config", str(path), "config", "check"]) == 0
    assert "corp: CI formats for Corp Checker" in capsys.readouterr().out


def test_config_check_rejects_bad_formats_one_line_each(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text(
        CONFIG.replace("(?P<result>OK|KO)", "(?<=x)(?P<result>OK|KO)") + 'extra = "x"\n'
    )
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert any("bad regex" in p for p in err.value.problems)
    assert any("unknown key 'extra'" in p for p in err.value.problems)
    assert main(["--config", str(path), "config", "check"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("vstui config: ") for line in lines)


def test_parse_server_explain_end_to_end(tmp_path, monkeypatch, capsys):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    records = [
        {
            "id": "u",
            "author": {"name": "Corp Checker"},
            "message": "Patch Set 1:\n\nPipeline failed\n\nlint: KO https://ci.corp/1\n",
        },
        {
            "id": "f",
            "author": {"name": "Acme Robot"},
            "message": "Patch Set 1:\n\nAll checks passed.\n",
        },
        {
            "id": "z",
            "author": {"name": "Zuul"},
            "tag": "autogenerated:zuul:check",
            "message": "Patch Set 1:\n\nBuild failed.\n\n- tox https://z/1 : FAILURE\n",
        },
        {"id": "h", "author": {"name": "Jane Doe"}, "message": "Patch Set 1:\n\nlgtm"},
    ]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(json.dumps(records).encode())))
    assert main(["--config", str(path), "parse", "--server", "corp", "--explain"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["explain"]["decided_by"] for o in out] == [
        "user-format",
        "fallback",
        "family",
        "human",
    ]
    assert out[0]["jobs"][0]["result"] == "FAILURE"
    assert any("user format 'Corp Checker': headline" in s for s in out[0]["explain"]["steps"])
    assert any("fallback headline -> SUCCESS" in s for s in out[1]["explain"]["steps"])
    assert any("zuul job lines" in s for s in out[2]["explain"]["steps"])


def test_parse_with_an_unknown_server_is_a_usage_error(tmp_path, monkeypatch, capsys):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{}")))
    assert main(["--config", str(path), "parse", "--server", "nope"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("vstui parse: ") and "nope" in err and "\n" not in err


def test_explain_names_the_known_bot_list_and_the_vote_rule():
    e = explain_record(
        {"author": {"name": "Gobot Gobot"}, "message": "Patch Set 1:\n\nTryBots are happy."}
    )
    assert e["signal"] == "known-bot" and e["decided_by"] == "family"
    e = explain_record(
        {
            "author": {"name": "Zuul"},
            "tag": "autogenerated:zuul:check",
            "message": "Patch Set 1: Verified-1\n\nSomething odd happened here today.",
        }
    )
    assert e["decided_by"] == "vote"


def test_odd_text_never_raises_through_a_user_format():
    rules = BotRules.from_config(ci_formats={"X": {"job": r"(?P<name>\w+) (?P<result>OK)"}})
    for text in ("Patch Set 1:\n\nab\ud800 OK\nfoo OK", "\x00\x1b[31m" * 1000, "", "\n" * 5000):
        r = parse_record({"author": {"name": "X"}, "message": text}, rules)
        assert r.is_bot
    r = parse_record(
        {"author": {"name": "X"}, "message": "Patch Set 1:\n\nab\ud800 OK\nfoo OK"}, rules
    )
    assert [(j.name, j.result) for j in r.jobs] == [("foo", "OK")] and r.overall == "SUCCESS"


def test_explain_reaches_the_worker_processes(tmp_path):
    import subprocess

    path = tmp_path / "config.toml"
    path.write_text(CONFIG)
    lines = [
        {
            "id": str(i),
            "author": {"name": "Corp Checker"},
            "message": "Patch Set 1:\n\nPipeline passed\n",
        }
        for i in range(5)
    ] + [
        {
            "id": "z",
            "author": {"name": "Acme Robot"},
            "message": "Patch Set 1:\n\nAll checks passed.\n",
        }
    ]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "vstui",
            "--config",
            str(path),
            "parse",
            "--server",
            "corp",
            "--explain",
            "--jobs",
            "2",
        ],
        input="\n".join(json.dumps(x) for x in lines),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["0", "1", "2", "3", "4", "z"]
    assert [o["explain"]["decided_by"] for o in out] == ["user-format"] * 5 + ["fallback"]
