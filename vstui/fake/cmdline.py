"""Gerrit's SSH command-line handling: its word splitter and an args4j-like option parser.

Gerrit receives the exec request as one string and splits it itself
(`CommandFactoryProvider.split`): blanks separate words, single and double quotes group
(each kind is literal inside the other), a backslash escapes the next character outside
single quotes, and an unbalanced quote is simply left open. gerritlib relies on that last
point: it appends a stray `"` to every `gerrit query` it sends.

Options are then parsed by args4j. The texts of its errors are what a client sees after
`fatal: `, so `UsageError` messages below copy args4j's wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


def split(command_line: str) -> list[str]:
    """Split an SSH exec command line into words exactly as Gerrit does."""
    words: list[str] = []
    in_single = in_double = False
    word: list[str] = []
    i, n = 0, len(command_line)
    while i < n:
        c = command_line[i]
        i += 1
        if c in " \t":
            if in_single or in_double:
                word.append(c)
            elif word:
                words.append("".join(word))
                word = []
        elif c == '"':
            if in_single:
                word.append(c)
            else:
                in_double = not in_double
        elif c == "'":
            if in_double:
                word.append(c)
            else:
                in_single = not in_single
        elif c == "\\":
            if in_single or i == n:
                word.append(c)  # literal inside single quotes, or a trailing backslash
            else:
                word.append(command_line[i])
                i += 1
        else:
            word.append(c)
    if word:
        words.append("".join(word))
    return words


class UsageError(Exception):
    """A command-line error; the message is what Gerrit prints after `fatal: `."""


@dataclass
class Option:
    """One named option, in the spirit of an args4j `@Option`.

    `kind` is "flag" (no operand), "str", "int", "short" or "enum" (`choices`, matched
    case-insensitively as args4j's EnumOptionHandler does). `multi` collects a list.
    `convert` (for str options) may raise `UsageError` or `ValueError`; a ValueError's
    text is shown as-is, like an IllegalArgumentException thrown by an args4j setter.
    """

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "flag"
    multi: bool = False
    choices: tuple[str, ...] = ()
    dest: str | None = None
    convert: Callable[[str], Any] | None = None

    @property
    def key(self) -> str:
        return self.dest or self.name.lstrip("-").replace("-", "_")


@dataclass
class Parsed:
    options: dict[str, Any] = field(default_factory=dict)
    arguments: list[str] = field(default_factory=list)
    help: bool = False

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


_SHORT_MIN, _SHORT_MAX = -32768, 32767


def re_full(pattern: str, text: str) -> bool:
    """`String.matches` in Java: the whole text must match."""
    return re.fullmatch(pattern, text) is not None


def java_parse_int(text: str, *, short: bool = False) -> int:
    """Java's `Integer.parseInt` / `Short.parseShort`, with Java's exception messages.

    Optional sign, ASCII digits only, no blanks; raises ValueError with the text of the
    NumberFormatException Java would throw (some Gerrit errors print it verbatim).
    """
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        raise ValueError(f'For input string: "{text}"')
    value = int(text)
    if short and not _SHORT_MIN <= value <= _SHORT_MAX:
        raise ValueError(f'Value out of range. Value:"{text}" Radix:10')
    if not -(2**31) <= value < 2**31:
        raise ValueError(f'For input string: "{text}"')
    return value


def parse(
    argv: Sequence[str],
    options: Sequence[Option],
    *,
    argument_meta: str | None = None,
    argument_required: bool = False,
    argument_convert: Callable[[str, Parsed], Any] | None = None,
) -> Parsed:
    """Parse `argv` like args4j: options anywhere, `--name=value`, `--` ends options.

    A token starting with `-` is always taken as an option (so `gerrit query -age:1d`
    fails as it does on Gerrit). `--help`/`-h` sets `help` instead of failing.
    `argument_convert(token, parsed_so_far)` runs as each argument is met, like an args4j
    `@Argument` setter: it sees only the options given before it, and a ValueError it
    raises becomes the usage error.
    """
    by_name: dict[str, Option] = {}
    for opt in options:
        by_name[opt.name] = opt
        for alias in opt.aliases:
            by_name[alias] = opt
    result = Parsed()
    for opt in options:
        if opt.multi:
            result.options[opt.key] = []
    parsing_options = True
    i = 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if parsing_options and token == "--":
            parsing_options = False
            continue
        if parsing_options and token.startswith("-"):
            if token in ("--help", "-h"):
                result.help = True
                continue
            name, eq, inline = token.partition("=")
            opt = by_name.get(name if eq else token)
            if opt is None:
                raise UsageError(f'"{token}" is not a valid option')
            if opt.kind == "flag":
                if eq:
                    raise UsageError(f'"{token}" is not a valid option')
                result.options[opt.key] = True
                continue
            if eq:
                raw = inline
            else:
                if i >= len(argv):
                    raise UsageError(f'Option "{name}" takes an operand')
                raw = argv[i]
                i += 1
            value = _convert(opt, name, raw)
            if opt.multi:
                result.options[opt.key].append(value)
            else:
                result.options[opt.key] = value
            continue
        if argument_convert is not None:
            try:
                result.arguments.append(argument_convert(token, result))
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        else:
            result.arguments.append(token)
    if argument_required and not result.arguments and not result.help:
        raise UsageError(f'Argument "{argument_meta}" is required')
    return result


def _convert(opt: Option, name: str, raw: str) -> Any:
    bad = UsageError(f'"{raw}" is not a valid value for "{name}"')
    if opt.kind == "str":
        if opt.convert is None:
            return raw
        try:
            return opt.convert(raw)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if opt.kind == "int":
        try:
            return java_parse_int(raw)
        except ValueError:
            raise bad from None
    if opt.kind == "short":
        try:
            return java_parse_int(raw, short=True)
        except ValueError:
            raise bad from None
    if opt.kind == "enum":
        for choice in opt.choices:
            if choice.lower() == raw.lower():
                return choice
        raise bad
    raise AssertionError(f"unknown option kind {opt.kind!r}")
