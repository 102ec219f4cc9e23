"""Request parameters and JSON bodies the way Gerrit's RestApiServlet reads them, shared by
every REST module of the emulator (changes, projects, accounts, admin)."""

from __future__ import annotations

import json
from typing import Any

from vstui.fake.cmdline import java_parse_int
from vstui.fake.http_server import HttpRequest, RestError

# Options every REST view accepts besides its own.
GLOBAL_PARAMS = frozenset({"pp", "prettyPrint", "strict", "access_token", "trace", "fields"})


def _dashes(name: str) -> str:
    return "-" if len(name) == 1 else "--"


def check_params(req: HttpRequest, allowed: frozenset[str] | set[str]) -> None:
    """An option the view does not know is Gerrit's 400 `"--name" is not a valid option`."""
    for key, _ in req.query:
        if key not in allowed and key not in GLOBAL_PARAMS:
            raise RestError(400, f'"{_dashes(key)}{key}" is not a valid option')


def int_param(req: HttpRequest, *names: str) -> int | None:
    """The first of `names` given, as Java's Integer.parseInt reads it (None when absent)."""
    raw = req.param(*names)
    if raw is None:
        return None
    try:
        return java_parse_int(raw)
    except ValueError:
        name = names[0]
        raise RestError(400, f'"{raw}" is not a valid value for "{_dashes(name)}{name}"') from None


def json_object(req: HttpRequest, *, check_type: bool = True) -> dict[str, Any]:
    """RestApiServlet.parseRequest: a JSON object body ({} when empty); anything else is
    Gerrit's 400 text. `check_type`: the Content-Type must say JSON."""
    if not req.body.strip():
        return {}
    if check_type:
        ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype not in ("application/json", "text/json"):
            raise RestError(400, "Expected Content-Type: application/json")
    try:
        obj = json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RestError(400, "Invalid application/json in request") from None
    if not isinstance(obj, dict):
        raise RestError(400, "Invalid application/json in request")
    return obj
