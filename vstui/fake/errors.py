"""Errors the emulator raises, carrying Gerrit's wording and the HTTP status it maps to.

The SSH side prints `message` (as `fatal: ...` or `error: ...` depending on the command);
the REST side answers `status` with `message` + newline as a text/plain body.
"""

from __future__ import annotations


class GerritError(Exception):
    """A failure Gerrit reports to the caller (not a bug in the emulator)."""

    status = 500

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(GerritError):
    status = 400


class AuthError(GerritError):
    status = 403


class NotFound(GerritError):
    status = 404


class Conflict(GerritError):
    status = 409


class QueryError(BadRequest):
    """A query Gerrit cannot parse; SSH prints {"type":"error","message":...}."""
