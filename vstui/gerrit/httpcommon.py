"""Pieces shared by the async REST client and the stream thread's small sync client:
URL building, `)]}'` stripping, HTTP status -> typed error, retry timing, events-log paging."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from vstui.gerrit.decode import XSSI_PREFIX as XSSI_PREFIX  # re-exported
from vstui.gerrit.decode import EventDecodeError, decode_event, decode_json
from vstui.gerrit.decode import strip_xssi as strip_xssi  # re-exported
from vstui.gerrit.errors import (
    GerritAuthError,
    GerritError,
    GerritForbiddenError,
    GerritNetworkError,
    GerritNotFoundError,
    GerritRequestError,
    GerritResponseTooLargeError,
    GerritServerError,
)
from vstui.gerrit.models import Event
from vstui.sanitize import one_line

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
EVENTS_LOG_PATH = "plugins/events-log/events/"
EVENTS_LOG_RETURN_LIMIT = 5000  # the plugin's default `returnLimit`
USER_AGENT = "vstui (+https://gerrit-review.googlesource.com/Documentation/rest-api.html)"


DEFAULT_MAX_RESPONSE_MB = 64.0
DEFAULT_REQUEST_DEADLINE = 60.0


@dataclass(frozen=True)
class HttpLimits:
    """Caps on every REST request, whatever the server does.

    `max_response_bytes` caps a body as decoded (after gzip), so an endless body, a 500 MB
    page or a server ignoring `n=` stops at the cap with `GerritResponseTooLargeError`
    instead of filling memory; a `Content-Length` above it is refused before reading.
    `deadline` (seconds) bounds a whole request, retries and the body included, so a server
    trickling one byte every few seconds (which per-read timeouts never catch) fails with a
    `GerritNetworkError`. Profile keys: `max_response_mb`, `request_deadline`.
    """

    max_response_bytes: int = int(DEFAULT_MAX_RESPONSE_MB * 2**20)
    deadline: float = DEFAULT_REQUEST_DEADLINE

    @classmethod
    def from_profile_values(cls, max_response_mb: float, request_deadline: float) -> HttpLimits:
        return cls(max(1, int(max_response_mb * 2**20)), float(request_deadline))


def declared_length(headers: Mapping[str, str]) -> int | None:
    """The `Content-Length` header as a number (None when absent or odd)."""
    value = headers.get("content-length")
    if value is None or not value.strip().isdigit() or len(value.strip()) > 18:
        return None
    return int(value)


def _size(limit: int) -> str:
    mb = limit / 2**20
    return f"{mb:.3g} MB" if mb >= 1 else f"{limit:,} bytes"


def too_large_error(
    server: str, method: str, path: str, limit: int, declared: int | None = None
) -> GerritResponseTooLargeError:
    said = f" (it announced {_size(declared)})" if declared is not None else ""
    return GerritResponseTooLargeError(
        server,
        f"{method} {path}: the answer is larger than {_size(limit)}{said}, the limit "
        "(max_response_mb in the profile); stopped reading",
    )


def deadline_error(server: str, method: str, path: str, deadline: float) -> GerritNetworkError:
    return GerritNetworkError(
        server,
        f"{method} {path}: no complete answer within {deadline:g} s (request_deadline in the "
        "profile); the server is stalled or very slow",
    )


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for idempotent requests on 5xx/429/timeouts.

    Attempt n (0-based) waits `min(max_delay, base_delay * 2**n)` scaled by a random factor in
    [0.5, 1.5); a `Retry-After` header (seconds) is honoured up to `max_delay`.
    """

    attempts: int = 4
    base_delay: float = 0.2
    max_delay: float = 5.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after:
            try:
                return float(min(self.max_delay, max(0.0, float(retry_after))))
            except ValueError:
                pass
        backoff = min(self.max_delay, self.base_delay * 2.0**attempt)
        return backoff * random.uniform(0.5, 1.5)


def server_label(base_url: str) -> str:
    """`host[:port]` of a base URL, for error messages."""
    parts = urlsplit(base_url)
    return parts.netloc.rpartition("@")[2] or base_url


def normalise_base_url(url: str) -> str:
    return url.rstrip("/") + "/"


def change_path(change: str | int) -> str:
    """A change identifier as a URL path segment: `project~number` with the project's `/`
    encoded (`openstack%2Fnova~123`), a number, or a Change-Id."""
    return quote(str(change), safe="~")


def revision_path(revision: str | int) -> str:
    return quote(str(revision), safe="")


def parse_json(body: bytes, server: str, what: str) -> Any:
    """A REST body as JSON values (see `vstui.gerrit.decode.decode_json`)."""
    return decode_json(body, server=server, what=what)


def error_for_status(
    server: str,
    method: str,
    path: str,
    status: int,
    body: bytes,
    *,
    authenticated: bool,
    attempts: int = 1,
) -> GerritError:
    """Map an HTTP error answer to one typed, readable error."""
    text = one_line(body[:300].decode("utf-8", "replace"), 120) or "no message"
    where = f"HTTP {status} for {method} {path}"
    if status == 401:
        if authenticated:
            return GerritAuthError(
                server,
                f"{where}: the HTTP credentials were rejected; check http_user and the HTTP "
                "password (Gerrit Settings > HTTP Credentials)",
                status=status,
            )
        return GerritAuthError(
            server,
            f"{where}: this needs login; set http_user and a password (password_env, "
            "$VSTUI_HTTP_PASSWORD or ~/.netrc)",
            status=status,
        )
    if status == 403:
        return GerritForbiddenError(
            server, f"{where}: {text}; your account lacks the permission", status=status
        )
    if status == 404:
        return GerritNotFoundError(
            server,
            f"{where}: {text}; check the id, or the plugin is not installed",
            status=status,
        )
    if status in RETRY_STATUSES or status >= 500:
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return GerritServerError(
            server, f"{where}{tries}: {text}; the server is struggling, try later", status=status
        )
    return GerritRequestError(server, f"{where}: {text}", status=status)


# --------------------------------------------------------------------------- events-log


def events_log_time(moment: datetime, timezone: str = "UTC") -> str:
    """`yyyy-MM-dd HH:mm:ss` in the server's zone (the plugin reads dates in its local zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S")


def events_log_query(since: datetime, until: datetime | None, timezone: str) -> str:
    query = "t1=" + quote(events_log_time(since, timezone), safe="")
    if until is not None:
        query += "&t2=" + quote(events_log_time(until, timezone), safe="")
    return query


@dataclass(frozen=True)
class LoggedEvent:
    """One events-log row: the exact line and its decoded event."""

    line: bytes
    event: Event


def line_timestamp(line: bytes) -> int | None:
    """`eventCreatedOn` read straight from a JSON line (cheap; None if not found)."""
    at = line.rfind(b'"eventCreatedOn":')
    if at < 0:
        return None
    digits = line[at + 17 : at + 40].lstrip()
    end = 0
    while end < len(digits) and 48 <= digits[end] <= 57:
        end += 1
    return int(digits[:end]) if end else None


def append_events_log_page(rows: list[LoggedEvent], body: bytes) -> tuple[int, int]:
    """Decode one events-log answer onto `rows`; returns (rows added, rows in the page).

    A follow-up page starts at the last second of the previous one, so it repeats that
    second's rows first (same order); those are skipped before decoding. Undecodable lines
    are skipped.
    """
    boundary = rows[-1].event.event_created_on if rows else None
    skip = 0
    if boundary is not None:
        for row in reversed(rows):
            if row.event.event_created_on != boundary:
                break
            skip += 1
    added = page_rows = 0
    for raw in body.split(b"\n"):
        line = raw.strip()
        if not line:
            continue
        page_rows += 1
        if skip:
            if line_timestamp(line) == boundary:
                skip -= 1
                continue
            skip = 0
        try:
            rows.append(LoggedEvent(line, decode_event(line, source="events-log")))
        except EventDecodeError:
            continue
        added += 1
    return added, page_rows


def decode_events_log(body: bytes) -> list[LoggedEvent]:
    """Rows of one events-log answer, oldest first (undecodable lines skipped)."""
    rows: list[LoggedEvent] = []
    append_events_log_page(rows, body)
    return rows


def query_params(
    query: str, options: Iterable[str], limit: int | None, start: int
) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = [("q", query)]
    params.extend(("o", o) for o in options)
    if limit is not None:
        params.append(("n", str(limit)))
    if start:
        params.append(("S", str(start)))
    return params


def review_body(
    message: str | None, labels: Mapping[str, int] | None, tag: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if message:
        body["message"] = message
    if labels:
        body["labels"] = dict(labels)
    if tag:
        body["tag"] = tag
    return body
