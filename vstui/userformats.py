"""User-defined CI format tables: their keys, regex groups and validation. No parsing here.

Shared by `vstui.config` (which validates `[servers.X.ci_formats."ACCOUNT"]` tables for
`vstui config check`) and `vstui.ci.userformat` (which compiles and applies them), so the
config layer never imports `vstui.ci`. Format reference: `vstui/ci/userformat.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

GROUPS = frozenset({"name", "url", "result", "duration", "voting"})
OVERALLS = frozenset(
    {
        "SUCCESS",
        "FAILURE",
        "UNSTABLE",
        "ABORTED",
        "NOT_BUILT",
        "STARTED",
        "CANCELED",
        "MERGE_CONFLICT",
    }
)
KEYS = ("headline", "job", "results")


class FormatError(ValueError):
    """A user format that cannot be used; `str()` is one line naming the account and key."""


def compile_format_regex(pattern: object, what: str) -> Any:
    """Compile a user pattern on a linear-time engine; FormatError (one line) if unusable.

    The one place user-format patterns are compiled: `vstui.saferegex` (RE2), shared with
    every other user-supplied pattern.
    """
    from vstui.saferegex import RegexError, compile_user_regex

    try:
        return compile_user_regex(pattern, what=what)
    except RegexError as exc:
        raise FormatError(str(exc)) from None


def _groups(rx: Any) -> frozenset[str]:
    return frozenset(getattr(rx, "groupindex", {}) or {})


def problems(account: str, table: Any) -> list[str]:
    """Every problem of one format table, one line each (empty when usable)."""
    where = f"ci_formats.{account!r}"
    if not isinstance(table, Mapping):
        return [f"{where}: must be a table with headline, job and/or results"]
    out = [
        f"{where}: unknown key {k!r} (allowed: {', '.join(KEYS)})" for k in table if k not in KEYS
    ]
    if not table.get("headline") and not table.get("job"):
        out.append(f"{where}: needs a headline or a job pattern")
    for key, required in (("headline", {"result"}), ("job", {"result"})):
        pattern = table.get(key)
        if pattern is None:
            continue
        try:
            rx = compile_format_regex(pattern, f"{where}: {key}")
        except FormatError as exc:
            out.append(str(exc))
            continue
        names = _groups(rx)
        missing = required - names
        if missing:
            out.append(f"{where}: {key}: needs a named group (?P<{sorted(missing)[0]}>...)")
        unknown = names - GROUPS
        if unknown:
            out.append(
                f"{where}: {key}: unknown group {sorted(unknown)[0]!r} "
                f"(allowed: {', '.join(sorted(GROUPS))})"
            )
        if key == "job" and not names & {"name", "url"}:
            out.append(f"{where}: job: needs a (?P<name>...) or a (?P<url>...) group")
    results = table.get("results")
    if results is not None:
        if not isinstance(results, Mapping):
            out.append(f'{where}: results: must be a table: WORD = "SUCCESS" | "FAILURE" ...')
        else:
            for word, value in results.items():
                if not isinstance(value, str) or not value.strip():
                    out.append(f"{where}: results.{word}: must be a result word string")
    return out


def all_problems(tables: Mapping[str, Any] | None) -> Iterable[str]:
    """Every problem of a config's `ci_formats` table, one line each."""
    for account, table in (tables or {}).items():
        yield from problems(str(account), table)
