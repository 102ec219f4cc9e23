"""User- and config-supplied regexes run on a linear-time engine; a bad one is one clear line.

Regression tests for issue 9 item 10: `(a+)+$` against `aaaa…a!` froze the CI pane (and every
start, from the saved filter state); `a{99999999999}` raised OverflowError (a traceback) from
the CI filter, `vstui parse --bot-regex` and `vstui config check`.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time

import pytest

from vstui.cli import main
from vstui.saferegex import RegexError, compile_user_regex

EVIL = "(a+)+$"
HUGE = "a{99999999999}"


def test_catastrophic_pattern_matches_in_linear_time():
    rx = compile_user_regex(EVIL)
    started = time.perf_counter()
    assert rx.search("a" * 100_000 + "!") is None
    assert time.perf_counter() - started < 1.0  # Python's re needs years for this input


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (HUGE, "above 1000"),
        ("a{5,99999}", "above 1000"),
        ("a{1001}", "above 1000"),
        ("(?<=x)y", "look-behind is not supported"),
        ("x(?=y)", "look-ahead is not supported"),
        (r"(a)\1", "backreferences are not supported"),
        ("(?P<n>a)(?P=n)", "backreferences are not supported"),
        ("x++", "possessive"),
        ("tempest[", "missing ]"),
        ("a" * 5000, "longer than"),
    ],
)
def test_unusable_pattern_is_one_typed_error_line(pattern, why):
    with pytest.raises(RegexError) as info:
        compile_user_regex(pattern, what="CI filter")
    message = str(info.value)
    assert why in message
    assert message.startswith("CI filter: bad regex ")
    assert "\n" not in message
    assert info.value.pattern == pattern


def test_non_string_pattern_is_a_regex_error():
    with pytest.raises(RegexError, match="expected a string"):
        compile_user_regex(42)


def test_python_syntax_that_re2_shares_works():
    assert compile_user_regex("(?i)TEMPEST").matches("nova-tempest-full")
    assert compile_user_regex("tempest", ignore_case=True).matches("TEMPEST")
    assert not compile_user_regex("tempest").matches("TEMPEST")
    m = compile_user_regex(r"(?P<job>[\w-]+)\s+:\s+(\w+)\Z").search("- tox-py3 : FAILURE")
    assert m is not None and m.group("job") == "tox-py3" and m.span() == (2, 19)
    assert [m.group() for m in compile_user_regex(r"\d+").finditer("a1 b22 é333")] == [
        "1",
        "22",
        "333",
    ]
    assert compile_user_regex(r"\{9999\}").matches("{9999}")  # escaped braces are text


def test_lone_surrogates_in_text_do_not_raise():
    # JSON may carry "\ud800"; RE2 works on UTF-8, which cannot encode it.
    rx = compile_user_regex("b")
    m = rx.search("a\ud800b")
    assert m is not None and m.start() == 2
    assert rx.matches("\ud800b")


def test_ci_filter_with_catastrophic_pattern_returns_promptly():
    # In a subprocess: with the old `re` engine this never returns (killed by the timeout).
    code = (
        "from dataclasses import dataclass\n"
        "from vstui.core.ci_filter import CIFilter\n"
        "@dataclass\n"
        "class J:\n"
        "    ci_name: str = 'a' * 40 + '!'\n"
        "    name: str = 'a' * 40 + '!'\n"
        "    failing: bool = False\n"
        "    voting: bool = True\n"
        "print(len(CIFilter(regex='(a+)+$').apply([J()] * 200)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=20, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


def test_ci_filter_with_huge_repeat_reports_instead_of_raising():
    from vstui.core.ci_filter import CIFilter

    f = CIFilter(regex=HUGE)
    assert f.pattern is None
    assert f.regex_error is not None and "above 1000" in f.regex_error
    assert "(invalid)" in f.describe()


def test_saved_catastrophic_filter_is_harmless_on_load(tmp_path):
    from vstui.core.filter_state import FilterStateStore

    path = tmp_path / "filters.json"
    path.write_text(json.dumps({"s": {"regex": EVIL}}))
    loaded = FilterStateStore(path).load("s")

    class Job:
        ci_name = "Zuul"
        name = "a" * 5000 + "!"
        failing = False
        voting = True

    started = time.perf_counter()
    assert loaded.apply([Job()]) == []
    assert time.perf_counter() - started < 1.0


def test_parse_bot_regex_huge_repeat_is_one_line_exit_2(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"{}"), encoding="utf-8"))
    code = main(["parse", "--bot-regex", HUGE])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "bad bot regex" in err and "above 1000" in err


def test_config_check_huge_repeat_in_bot_patterns_is_one_line(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text(
        "[servers.a]\nurl = 'https://review.example.org/'\nbot_patterns = ['a{99999999999}']\n"
    )
    code = main(["--config", str(path), "config", "check"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1
    assert "bot_patterns[0]: is not a valid regular expression" in err and "above 1000" in err
