"""Make untrusted text (comments, names, subjects, URLs) safe to show in a terminal.

Gerrit text comes from strangers. Rich and Textual pass escape sequences straight to the
terminal, so an OSC title-setter or a CSI cursor move inside a comment would act on the
reviewer's terminal. Every display path (the TUI and `vstui watch`) goes through
`strip_control` before text is shown; the UI additionally wraps it in `rich.text.Text` so
that markup in it stays inert.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

# Order matters: whole sequences first (so their parameters vanish with them), then lone
# control characters. OSC/DCS/APC/PM/SOS strings end at BEL or ST (ESC \\ or the C1 0x9c).
_SEQUENCES = re.compile(
    r"""
      (?:\x1b\]|\x9d)        [^\x07\x1b\x9c]* (?:\x07|\x1b\\|\x9c)?   # OSC ... BEL/ST
    | (?:\x1b[P_^X]|[\x90\x9e\x9f\x98]) [^\x1b\x9c]* (?:\x1b\\|\x9c)?  # DCS/APC/PM/SOS ... ST
    | (?:\x1b\[|\x9b)        [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?    # CSI
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                                  # other ESC sequences
    """,
    re.VERBOSE,
)
# C0 except TAB and LF, DEL, C1; plus bidi overrides that can disguise text (Trojan Source).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_control(text: str, *, keep_newlines: bool = True) -> str:
    """Remove terminal control sequences and control characters from `text`.

    Tabs become spaces; CR and other C0/C1 controls are dropped; with
    `keep_newlines=False`, newlines become spaces (for one-line cells).
    """
    if not text:
        return ""
    if text.isprintable():
        return text
    text = _SEQUENCES.sub("", text)
    text = text.replace("\t", "    ")
    if not keep_newlines:
        text = text.replace("\r\n", " ").replace("\n", " ")
    return _CONTROLS.sub("", text)


_SGR = re.compile(r"\x1b\[[0-9;:]{0,64}m")


def strip_control_keep_sgr(text: str) -> str:
    """Like `strip_control`, but SGR colour sequences (`ESC [ ... m`) survive.

    For CI logs, where colour is common and harmless; every other sequence (cursor moves,
    OSC titles and hyperlinks, DCS) is removed. The result is meant for
    `rich.text.Text.from_ansi`, which only interprets SGR.
    """
    if not text or text.isprintable():
        return text
    if "\x1b[" not in text:
        return strip_control(text)
    out: list[str] = []
    pos = 0
    for m in _SGR.finditer(text):
        out.append(strip_control(text[pos : m.start()]))
        out.append(m.group())
        pos = m.end()
    out.append(strip_control(text[pos:]))
    return "".join(out)


def one_line(text: str | None, limit: int | None = None) -> str:
    """Untrusted text as a single clean line, optionally cut to `limit` characters."""
    clean = strip_control(text or "", keep_newlines=False)
    if limit is not None and len(clean) > limit:
        return clean[: max(0, limit - 1)] + "…"
    return clean


def is_safe_url(url: str | None) -> bool:
    """True for a well-formed http(s) URL with a host: the only kind vstui opens or copies."""
    if not url or len(url) > 8192 or not url.isprintable() or " " in url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# `scheme://userinfo@`: the userinfo may hold a password (`https://alice:s3cret@host/`).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,30}://)[^/?#@\s]*@")


def redact_secrets(text: str) -> str:
    """`text` with the userinfo of every URL in it replaced by `***`, so a password in a
    configured URL never reaches a screen, a log or an error message."""
    if "@" not in text:
        return text
    return _USERINFO.sub(r"\1***@", text)


def redact_url(url: str | None) -> str:
    """One URL without its userinfo (`https://***@host/`); "" for None."""
    return redact_secrets(url or "")


def without_userinfo(url: str) -> str:
    """`url` with no `user:password@` part: for links vstui builds from a configured URL
    (a browser would keep the password in its history)."""
    return _USERINFO.sub(r"\1", url)


def url_host_warning(url: str) -> str | None:
    """Why `url` may not go where it seems to, naming the host it really goes to; None when
    nothing is odd. Shown before opening a link from untrusted text.

    `https://review.example.org@evil.example/` reads like review.example.org but goes to
    evil.example (the part before `@` is a user name); an internationalized (punycode or
    non-ASCII) host name can imitate another one."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "this link is malformed"
    shown_host = one_line(host, 80)
    if "@" in parts.netloc:
        before = one_line(parts.netloc.rpartition("@")[0], 60)
        return (
            f"this link goes to {shown_host}, not to {before!r} "
            "(the part before '@' in a URL is only a user name)"
        )
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        try:
            ascii_form = host.encode("idna").decode("ascii")
            readable = ascii_form.encode("ascii").decode("idna")
        except UnicodeError:
            ascii_form = readable = host
        return (
            f"this link goes to an internationalized host name, {one_line(readable, 80)!r} "
            f"({one_line(ascii_form, 80)}), which can imitate another name"
        )
    return None


class RedactingFormatter(logging.Formatter):
    """A log formatter that strips URL userinfo (passwords) from every line, tracebacks
    included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_secrets(super().format(record))
