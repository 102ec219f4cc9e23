"""Typed errors for talking to Gerrit. `str(error)` is one readable line that names the server
and says what to do; it never contains a password and untrusted server text is cleaned."""

from __future__ import annotations

from vstui.sanitize import one_line, redact_secrets

__all__ = [
    "GerritAuthError",
    "GerritError",
    "GerritForbiddenError",
    "GerritNetworkError",
    "GerritNotFoundError",
    "GerritProtocolError",
    "GerritRequestError",
    "GerritResponseTooLargeError",
    "GerritServerError",
    "HostKeyChangedError",
    "HostKeyError",
    "HostKeyUnknownError",
    "StreamCommandError",
]


class GerritError(Exception):
    """Base class. `server` is the host (or profile) name; `status` the HTTP status if any."""

    #: False when retrying cannot help (bad credentials, unknown host key, no permission).
    retryable: bool = False

    def __init__(self, server: str, detail: str, *, status: int | None = None) -> None:
        self.server = server
        # Redacted: a URL in the detail may carry the profile's user:password.
        self.detail = redact_secrets(detail)
        self.status = status
        super().__init__(one_line(redact_secrets(f"{server}: {detail}"), 400))


class GerritAuthError(GerritError):
    """HTTP 401, or the SSH server refused every key."""


class GerritForbiddenError(GerritError):
    """HTTP 403, or a missing capability (e.g. Stream Events)."""


class GerritNotFoundError(GerritError):
    """HTTP 404: no such change/revision, not visible, or the plugin is not installed."""


class GerritRequestError(GerritError):
    """Other 4xx answers (400, 405, 409, 412, 422): the request itself was refused."""


class GerritServerError(GerritError):
    """HTTP 5xx or 429 after retries."""

    retryable = True


class GerritNetworkError(GerritError):
    """Could not reach the server, or it stopped answering (timeouts, resets, DNS)."""

    retryable = True


class GerritProtocolError(GerritError):
    """The server answered with something that is not what Gerrit sends."""

    retryable = True


class GerritResponseTooLargeError(GerritProtocolError):
    """The answer is bigger than the profile's `max_response_mb` (endless or huge body, or a
    server that ignores `n=`): reading stopped at the cap."""

    retryable = False


class StreamCommandError(GerritError):
    """`gerrit stream-events` ended with an error message on stderr."""


class HostKeyError(GerritError):
    """The SSH host key could not be verified. Never auto-accepted."""

    def __init__(
        self, server: str, detail: str, *, fingerprint: str, known_hosts_line: str
    ) -> None:
        self.fingerprint = fingerprint
        self.known_hosts_line = known_hosts_line
        super().__init__(server, detail)


class HostKeyUnknownError(HostKeyError):
    """No known_hosts entry for this host: the message gives the fingerprint and the line."""


class HostKeyChangedError(HostKeyError):
    """The host presented a different key than the one on record: possible interception."""
