"""Recheck requests in human comments, and the recheck commands CIs advertise.

A request is a line (not a `>` quote) that starts with one of the trigger forms CI systems
listen for: `recheck`, `recheck bug 123`, `recheck no bug`, `reverify`, `recheck <ci-word>`,
`<ci>: recheck`, `run-<CI name>`, `run <ci>`, `check experimental`. Zuul, Gerrit Trigger and
the third-party CIs match comments with regexes like `^\\s*recheck`, so a request is a line of
its own, usually after the `Patch Set N:` header.

CIs often say how to recheck *them* (`To recheck use 'run-NEC Cinder CI'`, `add a review
comment with pkvm: recheck`); `extract_recheck_hints` collects those commands from a report so
`vstui.ci.results` can route a request to exactly the CI it names.
"""

from __future__ import annotations

import re
from datetime import datetime

from vstui.ci.model import RecheckRequest

_KEYWORDS = r"recheck|reverify|retrigger|retest|re-check|re-verify"
_REQUEST = re.compile(
    rf"(?:(?P<who>[A-Za-z0-9][\w.()-]{{0,40}}(?: [\w.()-]{{1,40}}){{0,3}})[ \t]*:[ \t]*)?"
    rf"(?P<kw>{_KEYWORDS})\b[ \t:,.-]*(?P<rest>[^\n]{{0,200}})",
    re.IGNORECASE,
)
_RUN = re.compile(r"run(?:-|[ \t]+)(?P<ci>[^\n]{1,80}?)[ \t]*[.!]?[ \t]*\Z", re.IGNORECASE)
_EXPERIMENTAL = re.compile(r"check[ \t]+experimental\b", re.IGNORECASE)
_GENERIC_REST = re.compile(r"(?:bug|lp|no[ \t]+bug|#?\d)", re.IGNORECASE)
_HEADER = re.compile(r"(?:Patch Set \d+:[^\n]*|Uploaded patch set \d+[^\n]*)")


def detect_recheck(
    text: str | None,
    *,
    message_id: str | None = None,
    patch_set: int | None = None,
    date: datetime | None = None,
    author: str | None = None,
    order: int = 0,
) -> RecheckRequest | None:
    """The first recheck request in a human's message, or None.

    The keyword arguments say where the message came from; they are copied into the request.
    """
    if not text or len(text) > 100_000:
        return None
    lower = text.lower()
    if "check" not in lower and "verify" not in lower and "run" not in lower:
        return None
    lines = text.split("\n")
    if lines and _HEADER.match(lines[0]):
        lines = lines[1:]
    for raw in lines:
        line = raw.strip()
        if not line or line[0] in ">#`|":
            continue
        if len(line) > 300:
            continue
        m = _REQUEST.match(line)
        if m:
            kw = m.group("kw").lower().replace("-", "")
            who = m.group("who")
            rest = m.group("rest").strip()
            target = None
            if who:
                target = who.strip()
            elif rest and not _GENERIC_REST.match(rest):
                target = rest.split()[0].strip(".,;:!'\"`()")
                target = target or None
            return RecheckRequest(
                kw, target, None, line, message_id, patch_set, date, author, order
            )
        if _EXPERIMENTAL.match(line):
            return RecheckRequest(
                "check experimental",
                None,
                "experimental",
                line,
                message_id,
                patch_set,
                date,
                author,
                order,
            )
        m = _RUN.match(line)
        if m:
            ci = m.group("ci").strip(" '\"`")
            if ci and len(ci.split()) <= 6:
                return RecheckRequest(
                    "run", ci, None, line, message_id, patch_set, date, author, order
                )
    return None


_QUOTED = re.compile(r"['\"‘“`]([^'\"’”`\n]{2,80})['\"’”`]")
# Unquoted hints, each found from its literal part on ASCII-lowercased text (patterns that
# start with a literal let Python's regex engine skip ahead; IGNORECASE alternations do not):
#   "use run-ZadaraStorage VPSA CI to recheck", "comment with pkvm: recheck",
#   "post recheck cinder-mlnx". The introducing word must sit right before the command.
_INTRO = re.compile(r"(?:use|with|comment|post|leave|type)[ \t]+\Z")
_RUN_CMD = re.compile(r"run-[^.,;\n'\"`]{1,60}?(?=[ \t]+to\b|[ \t]+comment\b|[.,;\n]|\Z)")
_COLON_CMD = re.compile(r"(?:use|with|comment|post|leave|type)[ \t]+([\w.-]{1,40}:[ \t]*)\Z")
_RECHECK_WORD = re.compile(r"recheck[ \t]+[\w.-]{1,40}")
_HINT_WORD = re.compile(rf"(?:{_KEYWORDS}|\brun\b|\brun-)")
_GENERIC_HINTS = frozenset({"recheck", "reverify", "recheck bug", "recheck no bug", "retrigger"})
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ANCHORS = ("recheck", "reverify", "retrigger", "run")
_WINDOW = 160  # a hint sits in the sentence that mentions rechecking
_MAX_ANCHORS = 50


def _windows(low: str) -> list[str]:
    """The stretches of `low` around each recheck/run mention, merged when they overlap."""
    points: list[int] = []
    for word in _ANCHORS:
        pos = low.find(word)
        while pos >= 0 and len(points) < _MAX_ANCHORS:
            points.append(pos)
            pos = low.find(word, pos + 1)
    points.sort()
    spans: list[list[int]] = []
    for p in points:
        start, end = max(0, p - _WINDOW), p + _WINDOW
        if spans and start <= spans[-1][1]:
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [low[a:b] for a, b in spans]


def _unquoted_hints(window: str) -> list[str]:
    found = []
    pos = window.find("run-")
    while pos >= 0:
        m = _RUN_CMD.match(window, pos)
        if m and _INTRO.search(window, max(0, pos - 12), pos):
            found.append(normalize_command(m.group(0)))
        pos = window.find("run-", pos + 4)
    pos = window.find("recheck")
    while pos >= 0:
        before = _COLON_CMD.search(window, max(0, pos - 60), pos)
        if before:
            found.append(normalize_command(before.group(1) + "recheck"))
        elif _INTRO.search(window, max(0, pos - 12), pos):
            m = _RECHECK_WORD.match(window, pos)
            if m:
                found.append(normalize_command(m.group(0)))
        pos = window.find("recheck", pos + 7)
    return found


def normalize_command(text: str) -> str:
    return " ".join(text.split()).casefold().strip(" .!")


def extract_recheck_hints(text: str | None) -> tuple[str, ...]:
    """Recheck commands a CI report advertises, normalized (casefolded, spaces collapsed).

    Generic forms (`recheck`, `recheck bug`) are left out: they do not single out a CI.
    Only the sentences around "recheck"/"run" mentions are searched.
    """
    if not text:
        return ()
    # Same length as text (only A-Z change), so window offsets stay meaningful.
    low = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
    if "recheck" not in low and "run" not in low and "reverify" not in low:
        return ()
    hints: list[str] = []
    for window in _windows(low):
        for m in _QUOTED.finditer(window):
            cmd = m.group(1)
            if _HINT_WORD.search(cmd):
                hints.append(normalize_command(cmd))
        hints.extend(_unquoted_hints(window))
    out = []
    for h in hints:
        if h and h not in _GENERIC_HINTS and h not in out and "://" not in h:
            out.append(h)
    return tuple(out)
