"""JSON text exactly as Gerrit's Gson writes it.

Gerrit serialises with Gson, whose default `htmlSafe` mode escapes the characters that matter
in HTML: `'` `<` `>` `&` `=` become `\\u0027` `\\u003c` `\\u003e` `\\u0026` `\\u003d`. Gson also
escapes U+2028/U+2029 and writes every other non-ASCII character as-is (UTF-8). Compact output
has no spaces at all; pretty output indents by two spaces and writes `"key": value`.

The escapes are applied after `json.dumps`: those five characters never occur in JSON syntax
outside strings, so replacing them in the whole text only touches string contents.
"""

from __future__ import annotations

import json
from typing import Any

_HTML_SAFE = (
    ("'", "\\u0027"),
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("=", "\\u003d"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def html_safe(text: str) -> str:
    """Apply Gson's escapes to JSON text (a membership test first: most texts need none)."""
    for char, escape in _HTML_SAFE:
        if char in text:
            text = text.replace(char, escape)
    return text


_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def dumps(obj: Any) -> str:
    """Compact Gson text (one line, no spaces), as sent on SSH and by default over REST."""
    return html_safe(_compact.encode(obj))


def dumps_pretty(obj: Any) -> str:
    """Gson pretty-printing (`pp=1`): two-space indent, `"key": value`."""
    return html_safe(json.dumps(obj, ensure_ascii=False, indent=2))
