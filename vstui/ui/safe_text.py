"""Turn untrusted strings (subjects, names, comments, CI names, URLs) into inert Rich text.

Textual parses plain strings as markup (`"[WIP] x"` loses `[WIP]`, `"[/]"` raises, and
`"[@click=app.quit]"` becomes an action), and neither Rich nor Textual strips terminal
escape sequences. Every string that came from Gerrit goes through `safe_text` (or
`safe_line` for one-line cells) before it reaches a widget: control sequences are removed by
`vstui.sanitize`, and the result is a `rich.text.Text`, which is never parsed as markup.
"""

from __future__ import annotations

from rich.style import StyleType
from rich.text import Text

from vstui.sanitize import one_line, strip_control


def safe_text(value: object, style: StyleType = "") -> Text:
    """Multi-line untrusted text as a `Text` with control sequences removed (newlines kept)."""
    return Text(strip_control("" if value is None else str(value)), style=style, end="")


def safe_line(value: object, style: StyleType = "", limit: int | None = None) -> Text:
    """Untrusted text as a single clean line (`Text`), optionally cut to `limit` characters."""
    return Text(one_line("" if value is None else str(value), limit), style=style, end="")


def plain_line(value: object, limit: int | None = None) -> str:
    """Untrusted text as a single clean plain string, for widgets that render str cells as data.

    Only use this where the consumer never parses markup (vstui's own `VirtualTable` cells).
    """
    return one_line("" if value is None else str(value), limit)
