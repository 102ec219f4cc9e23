"""Failing lines first: the lines of a failed run that a passing run of the same job lacks.

Pure functions over lists of lines. Each line is normalised (one regex: the words made of
letters only survive, so timestamps, UUIDs, request ids, hex, IPs, numbers and durations
vanish, the way logreduce's tokenizer drops them); a target line whose normalised form the
baseline never printed is a candidate. Candidates are ranked so the lines a reviewer would
quote come first: error words, exceptions and traceback frames, failed tests, and words the
baseline never used score up; benign ERROR lines that the passing run printed too are not
candidates at all. Without a baseline, error-shaped lines are ranked the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# A token (a run of word characters, dots and dashes) made only of letters, `_`, `.` and
# `-`: `cinder.volume.manager` and `tempest-full` stay, while `req-3f2a...`, UUIDs,
# `10.0.0.5:5672`, `2026-12-04`, `3.21s` and `0xdeadbeef` vanish whole.
_WORD = re.compile(r"(?<![\w.\-])[A-Za-z_][A-Za-z_.\-]*(?![\w.\-])")
_ERROR = re.compile(
    r"\b(?:ERROR|CRITICAL|FATAL|FAILED|FAILURE|FAIL|Traceback|panic|"
    r"[A-Z]\w*(?:Error|Exception|Failure|Timeout))\b|\b(?:error|failed|fatal)\b"
)
_STRONG = re.compile(
    r"Traceback \(most recent call last\)|^\s*\w+(?:\.\w+)*(?:Error|Exception)\b|"
    r"\.\.\. FAILED|\bFAILED\b.*\btest|\btest\w*.*\bFAIL(?:ED)?\b|\bCRITICAL\b|\bFATAL\b"
)
_FRAME = re.compile(r'^\s*File "[^"]+", line \d+, in ')
_BENIGN = re.compile(r"\b(?:DEBUG|INFO)\b")
MAX_TEXT = 2000  # characters of a line kept in a result
# Characters of a line that are normalised and scored: keeps every regex here linear in the
# log, whatever one line holds (a 10 MB line of `test ` is scored on its start).
MAX_SCORED = 4096


@dataclass(frozen=True, slots=True)
class Anomaly:
    """One line of the target: 1-based line number, score (higher first), the text."""

    line: int
    score: float
    text: str

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "score": round(self.score, 3), "text": self.text}


def normalise(line: str) -> str:
    """The line's letter words joined by one space (noise such as ids and numbers dropped)."""
    return " ".join(_WORD.findall(line))


def _error_score(line: str) -> float:
    score = 0.0
    if _ERROR.search(line):
        score += 2.0
        if _BENIGN.search(line[:80]):
            score -= 1.5  # "INFO ... error" is a message about errors, rarely the error
    if _STRONG.search(line):
        score += 2.5
    if _FRAME.match(line):
        score += 1.0
    return score


def baseline_set(lines: Iterable[str]) -> set[str]:
    """Normalised lines of a passing run."""
    return {normalise(line if len(line) <= MAX_SCORED else line[:MAX_SCORED]) for line in lines}


def anomalies(
    target: Iterable[str],
    baseline: Iterable[str] | None = None,
    *,
    top: int | None = None,
) -> list[Anomaly]:
    """The target's lines absent from `baseline` (or error-shaped ones without it), best first.

    Repeats of one normalised line are reported once (its first occurrence). Ties keep log
    order, so equal scores read like the log.
    """
    known: set[str] | None = baseline_set(baseline) if baseline is not None else None
    vocab: set[str] = set()
    if known is not None:
        for norm in known:
            vocab.update(norm.split(" "))
    seen: set[str] = set()
    scored: list[tuple[float, int, str]] = []
    for i, full in enumerate(target):
        line = full if len(full) <= MAX_SCORED else full[:MAX_SCORED]
        norm = normalise(line)
        if not norm or norm in seen:
            continue
        seen.add(norm)
        err = _error_score(line)
        if known is None:
            if err <= 0:
                continue
            score = err
        else:
            if norm in known:
                continue
            words = norm.split(" ")
            new = sum(1 for w in words if w not in vocab)
            score = 1.0 + err + 2.0 * new / len(words)
        scored.append((score, i, line))
    scored.sort(key=lambda t: (-t[0], t[1]))
    if top is not None:
        scored = scored[:top]
    return [Anomaly(i + 1, s, line[:MAX_TEXT]) for s, i, line in scored]


def split_lines(data: bytes) -> list[str]:
    """Bytes of a log as lines (invalid UTF-8 replaced, CR progress collapsed)."""
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [ln.rstrip("\r").rsplit("\r", 1)[-1] if "\r" in ln else ln for ln in lines]
    return lines


def iter_lines(data: bytes | bytearray, block: int = 8 * 1024 * 1024) -> Iterator[str]:
    """The lines of a log, decoded a block at a time (memory: one block, not the whole text).

    Blocks end at a newline, so no line (nor a UTF-8 sequence) is cut; a line longer than a
    block is decoded whole.
    """
    n = len(data)
    pos = 0
    while pos < n:
        end = min(n, pos + block)
        if end < n:
            cut = data.rfind(b"\n", pos, end)
            if cut == -1:
                cut = data.find(b"\n", end)
                end = n if cut == -1 else cut + 1
            else:
                end = cut + 1
        # A slice, not a memoryview: a view would pin the bytearray a follow may grow.
        yield from split_lines(bytes(data[pos:end]))
        pos = end
