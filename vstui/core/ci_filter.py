"""Filters on a change's CI results table: the state behind `f`, `n`, `x`, `/`, `s` and `c`.

Pure data: the UI toggles fields and re-applies; the state is saved per server by
`vstui.core.filter_state`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Protocol, TypeVar

from vstui.saferegex import RegexError, SafeRegex, compile_user_regex


class FilterableJob(Protocol):
    """What a CI table row must offer to be filtered."""

    @property
    def ci_name(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def failing(self) -> bool: ...
    @property
    def voting(self) -> bool: ...


J = TypeVar("J", bound=FilterableJob)


def _failing_elsewhere(job: FilterableJob) -> bool:
    return any(
        getattr(v, "kind", None) == "failing_elsewhere" for v in getattr(job, "verdicts", ())
    )


@dataclass(frozen=True)
class CIFilter:
    """Which CI results to show. The default shows everything.

    Jobs are judged by their latest result, also when their CI has a recheck pending: a
    failed job waiting for its recheck is still "failing" (shown by `failing_only`, hidden by
    `hide_failing_non_voting` when non-voting), because that failure is what the reviewer is
    waiting on."""

    failing_only: bool = False
    hide_non_voting: bool = False
    hide_failing_non_voting: bool = False
    regex: str = ""
    ci_names: frozenset[str] = field(default_factory=frozenset)  # empty: every CI
    # hide failures the history says are failing on other changes too (not this change's)
    hide_failing_elsewhere: bool = False

    @cached_property
    def _compiled(self) -> SafeRegex | RegexError | None:
        if not self.regex:
            return None
        try:
            # The user's pattern, also as saved in the filter state: linear-time engine.
            return compile_user_regex(self.regex, ignore_case=True, what="CI filter")
        except RegexError as exc:
            return exc

    @property
    def pattern(self) -> SafeRegex | None:
        """The compiled regex (case-insensitive), or None when empty or invalid."""
        compiled = self._compiled
        return compiled if isinstance(compiled, SafeRegex) else None

    @property
    def regex_error(self) -> str | None:
        """Why the regex cannot be used (one line), or None."""
        compiled = self._compiled
        return str(compiled) if isinstance(compiled, RegexError) else None

    @property
    def active(self) -> bool:
        return self != CIFilter()

    def matches(self, job: FilterableJob) -> bool:
        if self.failing_only and not job.failing:
            return False
        if self.hide_non_voting and not job.voting:
            return False
        if self.hide_failing_non_voting and job.failing and not job.voting:
            return False
        if self.ci_names and job.ci_name not in self.ci_names:
            return False
        if self.hide_failing_elsewhere and job.failing and _failing_elsewhere(job):
            return False
        pattern = self.pattern
        return pattern is None or bool(pattern.search(job.ci_name) or pattern.search(job.name))

    def apply(self, jobs: Iterable[J]) -> list[J]:
        if not self.active:
            return list(jobs)
        return [job for job in jobs if self.matches(job)]

    def describe(self) -> str:
        """Filter state for the pane title, e.g. "hide failing non-voting, /tempest/"."""
        parts: list[str] = []
        if self.failing_only:
            parts.append("failing only")
        if self.hide_non_voting:
            parts.append("hide non-voting")
        if self.hide_failing_non_voting and not self.hide_non_voting:
            parts.append("hide failing non-voting")
        if self.hide_failing_elsewhere:
            parts.append("hide failing elsewhere")
        if self.regex:
            parts.append(f"/{self.regex}/" + (" (invalid)" if self.pattern is None else ""))
        if self.ci_names:
            n = len(self.ci_names)
            parts.append(f"{n} CI" + ("s" if n != 1 else ""))
        return ", ".join(parts)

    def toggled(self, name: str) -> CIFilter:
        """A copy with the boolean field `name` flipped."""
        flipped: Any = not getattr(self, name)
        return replace(self, **{name: flipped})

    def with_(self, **changes: Any) -> CIFilter:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "failing_only": self.failing_only,
            "hide_non_voting": self.hide_non_voting,
            "hide_failing_non_voting": self.hide_failing_non_voting,
            "regex": self.regex,
            "ci_names": sorted(self.ci_names),
            "hide_failing_elsewhere": self.hide_failing_elsewhere,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CIFilter:
        """Tolerant: unknown keys and wrong types fall back to the defaults."""

        def flag(key: str) -> bool:
            value = data.get(key)
            return value if isinstance(value, bool) else False

        regex = data.get("regex")
        names = data.get("ci_names")
        return cls(
            failing_only=flag("failing_only"),
            hide_non_voting=flag("hide_non_voting"),
            hide_failing_non_voting=flag("hide_failing_non_voting"),
            hide_failing_elsewhere=flag("hide_failing_elsewhere"),
            regex=regex if isinstance(regex, str) else "",
            ci_names=frozenset(n for n in names if isinstance(n, str))
            if isinstance(names, list)
            else frozenset(),
        )
