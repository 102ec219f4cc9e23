"""User-defined CI formats: an in-house CI's headline and job lines, described in the config.

Per server, per CI account (display name or username)::

    [servers.corp.ci_formats."Corp CI"]
    headline = 'Pipeline (?P<result>passed|failed|running)'
    job = '^(?P<name>[\\w.-]+): (?P<result>OK|KO) (?P<url>https?://\\S+)(?: in (?P<duration>\\S+))?(?P<voting> \\(optional\\))?$'
    results = { OK = "SUCCESS", KO = "FAILURE", running = "STARTED" }

* `headline` (optional) is searched line by line; the first line it matches gives the overall
  result from its `result` group (required).
* `job` (optional) is matched against every line; each match is a job. Named groups:
  `result` (required), `name` and/or `url` (at least one), `duration` (`1h 02m`, `35s`,
  `01:02:03` ...), `voting` (when it matches text such as `(non-voting)`, `optional`, `false`
  or `no`, the job is non-voting). A job's name defaults to the Jenkins `/job/<x>/` segments
  of its URL.
* `results` (optional) maps the CI's words (case-insensitive) to a result: the job keeps the
  mapped word, the headline's overall uses it (`SUCCESS`, `FAILURE`, `UNSTABLE`, `ABORTED`,
  `NOT_BUILT`, `STARTED`, `CANCELED`, `MERGE_CONFLICT`). Unmapped words keep the CI's own
  word upper-cased; headline words read like the fallback's (`passed` → SUCCESS ...).

Without a headline match the jobs decide (FAILURE when a voting job did not succeed). When
the format finds nothing in a message, the built-in families and the fallback read it.

Every pattern is compiled by `vstui.userformats.compile_format_regex`, the one place that
does (the config check shares it), on RE2, a linear-time engine: no backtracking blow-up
whatever the pattern or the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vstui.ci.fields import clean_url, is_success, jenkins_job_name, parse_duration
from vstui.ci.model import Job, new_job
from vstui.userformats import OVERALLS, FormatError, all_problems, compile_format_regex, problems

_MAX_LINES = 2000
_LINE_CAP = 4000
_MAX_JOBS = 5000
_NON_VOTING_WORDS = ("non", "optional", "false", "no", "0", "skip")


def _search(rx: Any, text: str) -> Any:
    try:
        return rx.search(text)
    except UnicodeEncodeError:  # lone surrogates: RE2 matches UTF-8
        return rx.search(text.encode("utf-8", "replace").decode("utf-8"))


@dataclass(frozen=True)
class UserFormat:
    """One CI account's format, compiled. Build with `UserFormat.from_config`."""

    account: str
    headline: Any = None
    job: Any = None
    results: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, account: str, table: Mapping[str, Any]) -> UserFormat:
        """Compile and check one `[ci_formats."ACCOUNT"]` table; FormatError lists the first
        problem found (use `problems` to get them all)."""
        problems = cls.problems(account, table)
        if problems:
            raise FormatError(problems[0])
        headline = table.get("headline")
        job = table.get("job")
        results = {
            str(k).casefold(): str(v).upper() for k, v in (table.get("results") or {}).items()
        }
        return cls(
            account=account,
            headline=compile_format_regex(headline, f"{account}: headline") if headline else None,
            job=compile_format_regex(job, f"{account}: job") if job else None,
            results=results,
        )

    @staticmethod
    def problems(account: str, table: Any) -> list[str]:
        """Every problem of one format table, one line each (empty when usable)."""
        return problems(account, table)

    def _word(self, word: str) -> str:
        return self.results.get(word.casefold(), word.upper())

    def parse(self, body: str) -> tuple[str | None, tuple[Job, ...], list[str]]:
        """(overall, jobs, notes) for a message body; notes say which rule matched."""
        from vstui.ci.fallback import _HEAD_WORDS

        notes: list[str] = []
        overall: str | None = None
        jobs: list[Job] = []
        lines = body.split("\n", _MAX_LINES)[:_MAX_LINES]
        for raw in lines:
            line = raw[:_LINE_CAP]
            if overall is None and self.headline is not None:
                m = _search(self.headline, line)
                if m is not None and m.group("result"):
                    word = m.group("result")
                    mapped = self.results.get(word.casefold())
                    overall = mapped if mapped in OVERALLS else _HEAD_WORDS.get(word.casefold())
                    if overall is None and word.upper() in OVERALLS:
                        overall = word.upper()
                    notes.append(
                        f"user format {self.account!r}: headline matched {line.strip()[:80]!r}"
                    )
                    continue
            if self.job is not None and len(jobs) < _MAX_JOBS:
                job = self._job(line)
                if job is not None:
                    jobs.append(job)
        if jobs:
            notes.append(f"user format {self.account!r}: job pattern matched {len(jobs)} line(s)")
        unique = tuple(dict.fromkeys(jobs))
        if overall is None and unique:
            voting = [j for j in unique if j.voting] or list(unique)
            if all(j.running for j in voting):
                overall = "STARTED"
            else:
                overall = "SUCCESS" if all(is_success(j.result) for j in voting) else "FAILURE"
        return overall, unique, notes

    def _job(self, line: str) -> Job | None:
        m = _search(self.job, line)
        if m is None:
            return None
        d = m.groupdict()
        word = d.get("result")
        if not word:
            return None
        url = d.get("url") or None
        if url is not None:
            url = clean_url(url)
        name = d.get("name") or jenkins_job_name(url)
        if name is None and url is None:
            return None
        duration = parse_duration(d["duration"]) if d.get("duration") else None
        vote_text = (d.get("voting") or "").strip().strip("()[]").casefold()
        voting = not (vote_text and vote_text.startswith(_NON_VOTING_WORDS))
        return new_job(name, url, self._word(word), duration, voting)


def compile_formats(tables: Mapping[str, Mapping[str, Any]] | None) -> dict[str, UserFormat]:
    """{normalized account: UserFormat} for a config's `ci_formats`; FormatError on the first
    unusable one."""
    out: dict[str, UserFormat] = {}
    for account, table in (tables or {}).items():
        out[" ".join(str(account).split()).casefold()] = UserFormat.from_config(account, table)
    return out


__all__ = [
    "FormatError",
    "UserFormat",
    "all_problems",
    "compile_format_regex",
    "compile_formats",
]
