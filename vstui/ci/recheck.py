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


def detect_recheck(text: str | None) -> RecheckRequest | None:
    """The first recheck request in a human's message, or None."""
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
            return RecheckRequest(keyword=kw, target=target, line=line)
        if _EXPERIMENTAL.match(line):
            return RecheckRequest(keyword="check experimental", pipeline="experimental", line=line)
        m = _RUN.match(line)
        if m:
            ci = m.group("ci").strip(" '\"`")
            if ci and len(ci.split()) <= 6:
                return RecheckRequest(keyword="run", target=ci, line=line)
    return None


_QUOTED = re.compile(r"['\"‘“`]([^'\"’”`\n]{2,80})['\"’”`]")
_UNQUOTED = re.compile(
    r"\b(?:use|with|comment|post|leave|type)[ \t]+"
    r"(run-[^.,;\n'\"`]{1,60}?|[\w.-]{1,40}:[ \t]*recheck|recheck[ \t]+[\w.-]{1,40})"
    r"(?=[ \t]+to\b|[ \t]+comment\b|[.,;\n]|\Z)",
    re.IGNORECASE,
)
_HINT_WORD = re.compile(rf"(?:{_KEYWORDS}|\brun\b|\brun-)", re.IGNORECASE)
_GENERIC_HINTS = frozenset({"recheck", "reverify", "recheck bug", "recheck no bug", "retrigger"})


def normalize_command(text: str) -> str:
    return " ".join(text.split()).casefold().strip(" .!")


def extract_recheck_hints(text: str | None) -> tuple[str, ...]:
    """Recheck commands a CI report advertises, normalized (casefolded, spaces collapsed).

    Generic forms (`recheck`, `recheck bug`) are left out: they do not single out a CI.
    """
    if not text or ("echeck" not in text and "ECHECK" not in text and "run" not in text):
        return ()
    hints: list[str] = []
    for m in _QUOTED.finditer(text):
        cmd = m.group(1)
        if _HINT_WORD.search(cmd):
            hints.append(normalize_command(cmd))
    for m in _UNQUOTED.finditer(text):
        hints.append(normalize_command(m.group(1)))
    out = []
    for h in hints:
        if h and h not in _GENERIC_HINTS and h not in out and "://" not in h:
            out.append(h)
    return tuple(out)
