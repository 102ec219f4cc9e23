"""Gerrit's command-line splitting and args4j-style parsing, without a network."""

from __future__ import annotations

import pytest

from vstui.fake import cmdline
from vstui.fake.cmdline import Option, UsageError
from vstui.fake.ssh_commands import parse_verification


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("gerrit query status:open", ["gerrit", "query", "status:open"]),
        # gerritlib appends a stray double quote to every query it sends
        ('gerrit query --format json 381272"', ["gerrit", "query", "--format", "json", "381272"]),
        ('gerrit review -m "two words" 1,1', ["gerrit", "review", "-m", "two words", "1,1"]),
        ("a 'it''s' b", ["a", "its", "b"]),
        ("""say "it's" 'a "b"'""", ["say", "it's", 'a "b"']),
        (r"a\ b c", ["a b", "c"]),
        (r"'a\b' c\\", [r"a\b", "c\\"]),
        ("trailing\\", ["trailing\\"]),
        ("  spaced \t out  ", ["spaced", "out"]),
        ('""', []),
    ],
)
def test_split_matches_gerrit(line: str, words: list[str]) -> None:
    assert cmdline.split(line) == words


OPTS = [
    Option("--format", kind="enum", choices=("TEXT", "JSON")),
    Option("--start", ("-S",), kind="int"),
    Option("--current-patch-set"),
    Option("--subscribe", ("-s",), kind="str", multi=True),
]


def test_parse_options_anywhere_and_equals_form() -> None:
    p = cmdline.parse(["status:open", "--format=json", "-S", "5", "-s", "a", "-s", "b"], OPTS)
    assert p.get("format") == "JSON"  # enum values are case-insensitive, as args4j's
    assert p.get("start") == 5
    assert p.get("subscribe") == ["a", "b"]
    assert p.arguments == ["status:open"]


def test_double_dash_ends_options() -> None:
    assert cmdline.parse(["--", "-age:1d"], OPTS).arguments == ["-age:1d"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--nope"], '"--nope" is not a valid option'),
        (["-age:1d"], '"-age:1d" is not a valid option'),
        (["--format"], 'Option "--format" takes an operand'),
        (["--format", "xml"], '"xml" is not a valid value for "--format"'),
        (["--start", "x"], '"x" is not a valid value for "--start"'),
        (["-S", "99999999999"], '"99999999999" is not a valid value for "-S"'),
        (["--current-patch-set=1"], '"--current-patch-set=1" is not a valid option'),
        ([], 'Argument "QUERY" is required'),
    ],
)
def test_parse_errors_use_args4j_wording(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError) as exc:
        cmdline.parse(argv, OPTS, argument_meta="QUERY", argument_required=True)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("42", None),
        ("+7", None),
        ("-32768", None),
        ("abc", 'For input string: "abc"'),
        (" 1", 'For input string: " 1"'),
        ("40000", 'Value out of range. Value:"40000" Radix:10'),
    ],
)
def test_java_parse_short(text: str, message: str | None) -> None:
    if message is None:
        assert cmdline.java_parse_int(text, short=True) == int(text)
    else:
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(".", r"\.")):
            cmdline.java_parse_int(text, short=True)


def test_verification_parsing_keeps_fields_untrimmed() -> None:
    name, info = parse_verification(
        "name=gate-tempest|value=-1|url=http://ci/1|reporter=CI|abstain=TRUE|rerun=yes|duration=3m"
    )
    assert name == "gate-tempest"
    assert info == {
        "value": -1,
        "abstain": True,
        "rerun": False,
        "url": "http://ci/1",
        "reporter": "CI",
        "duration": "3m",
    }
    assert parse_verification("name= spaced |value=1")[0] == " spaced "


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Empty verification data"),
        ("value=1", "Verification is missing a name"),
        ("name=|value=1", "Verification is missing a name"),
        ("name=x", "Verification is missing a value"),
        ("name=x|value=1|url=http://h/?a=b", "Invalid verification parameters"),
        ("name=x|value=1|name=y", "Invalid verification parameters"),
        ("name=x|value=1|", "Invalid verification parameters"),
        ("name=x|value=high", 'For input string: "high"'),
    ],
)
def test_verification_parsing_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_verification(text)
    assert str(exc.value) == message
