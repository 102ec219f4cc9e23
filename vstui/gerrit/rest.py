"""Gerrit REST over httpx: an async client for the UI/session and a small sync one for the
stream thread's backfill.

    async with GerritRestClient("https://review.example.org/", credentials=creds) as rest:
        changes = await rest.query_changes("status:open project:nova", options=["LABELS"])
        change = await rest.get_change_detail("openstack/nova~12345")
        jobs = await rest.get_verifications("openstack/nova~12345", 3, current_only=True)

For big queries a caller can take decoding into its own hands: `fetch_query_page` returns one
page's raw body, `vstui.gerrit.decode.page_has_more(body)` says (without decoding) whether to
request the next page now, and `vstui.gerrit.decode.decode_changes(body)` decodes it (a pure
function: run it in a worker thread to keep an event loop free).

Anonymous when `credentials` is None (plain paths), else `/a/` paths with HTTP Basic.
Connections are pooled; at most `max_concurrency` requests are in flight; idempotent requests
(GET) are retried with exponential backoff and jitter on 5xx/429/timeouts/connection errors; a
POST is retried only when the connection could not be made (the request was never sent).
Every failure is a `vstui.gerrit.errors.GerritError` subclass with one readable line.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from vstui.config import Credentials, ServerProfile, resolve_credentials
from vstui.gerrit.decode import (
    account_from_json,
    decode_change,
    decode_changes,
    decode_messages,
    decode_verifications,
)
from vstui.gerrit.errors import GerritAuthError, GerritError, GerritNetworkError
from vstui.gerrit.httpcommon import (
    EVENTS_LOG_PATH,
    EVENTS_LOG_RETURN_LIMIT,
    IDEMPOTENT_METHODS,
    RETRY_STATUSES,
    USER_AGENT,
    HttpLimits,
    LoggedEvent,
    RetryPolicy,
    append_events_log_page,
    change_path,
    deadline_error,
    declared_length,
    error_for_status,
    events_log_query,
    normalise_base_url,
    parse_json,
    query_params,
    review_body,
    revision_path,
    server_label,
    too_large_error,
)
from vstui.gerrit.models import Account, Change, ChangeMessage, Verification
from vstui.sanitize import redact_url

__all__ = ["GerritRestClient", "GerritSyncClient", "HttpLimits", "RetryPolicy"]

log = logging.getLogger("vstui.gerrit.rest")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class _Base:
    """URL and auth handling shared by the async and the sync client."""

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Credentials | None,
        server_name: str | None,
        retry: RetryPolicy,
        events_log_timezone: str,
        limits: HttpLimits | None = None,
    ) -> None:
        self.limits = limits or HttpLimits()
        self.base_url = normalise_base_url(base_url)
        self.credentials = credentials
        self.server = server_name or server_label(self.base_url)
        self.retry = retry
        self.events_log_timezone = events_log_timezone

    @property
    def authenticated(self) -> bool:
        return self.credentials is not None

    def _url(self, path: str) -> str:
        prefix = "a/" if self.credentials is not None else ""
        return f"{self.base_url}{prefix}{path.lstrip('/')}"

    def _auth(self) -> httpx.BasicAuth | None:
        if self.credentials is None:
            return None
        return httpx.BasicAuth(self.credentials.username, self.credentials.password)

    def _network_error(self, method: str, path: str, exc: Exception, attempts: int) -> GerritError:
        if isinstance(exc, httpx.TimeoutException):
            what = "no answer in time"
        elif isinstance(exc, httpx.ConnectError):
            what = "cannot connect"
        else:
            what = type(exc).__name__
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return GerritNetworkError(
            self.server,
            f"{method} {redact_url(self.base_url)}{path}: {what}{tries}; "
            "check the URL and your network",
        )

    def _should_retry(self, method: str, exc_or_status: Exception | int) -> bool:
        if isinstance(exc_or_status, int):
            return method in IDEMPOTENT_METHODS and exc_or_status in RETRY_STATUSES
        if isinstance(exc_or_status, httpx.ConnectError | httpx.ConnectTimeout):
            return True  # nothing was sent, safe for any method
        return method in IDEMPOTENT_METHODS and isinstance(
            exc_or_status, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError
        )

    def _check_declared(self, response: httpx.Response, method: str, path: str) -> int:
        """The body cap; refuses at once a body announced bigger than it."""
        cap = self.limits.max_response_bytes
        declared = declared_length(response.headers)
        if declared is not None and declared > cap:
            raise too_large_error(self.server, method, path, cap, declared)
        return cap

    def _keep(self, response: httpx.Response, chunks: list[bytes]) -> bytes:
        body = b"".join(chunks)
        # What httpx's own `read()` does (httpx is pinned), so `response.content` works.
        response._content = body
        return body

    def _require_login(self, what: str) -> None:
        if self.credentials is None:
            raise GerritAuthError(
                self.server,
                f"{what} needs login; set http_user and a password (password_env, "
                "$VSTUI_HTTP_PASSWORD or ~/.netrc)",
            )


def _within(timeout: float | None, remaining: float) -> float:
    return remaining if timeout is None else min(timeout, remaining)


def profile_limits(profile: ServerProfile) -> HttpLimits:
    """The profile's `max_response_mb` and `request_deadline` as `HttpLimits`."""
    return HttpLimits.from_profile_values(profile.max_response_mb, profile.request_deadline)


class GerritRestClient(_Base):
    """Async Gerrit REST client. Use as an async context manager or call `aclose()`.

    Args:
        base_url: web/REST root, e.g. "https://review.example.org/" (a path prefix is kept).
        credentials: HTTP Basic credentials; None = anonymous (plain, non-`/a/` paths).
        server_name: name used in error messages (default: host[:port] of base_url).
        max_concurrency: requests in flight at once (also the connection pool size).
        timeout: httpx timeout (default 30 s, 10 s to connect).
        retry: backoff policy for idempotent requests.
        events_log_timezone: the server's zone for events-log dates (the plugin uses local time).
        transport: an httpx transport (tests); default real network.
        limits: body size cap and whole-request deadline (default `HttpLimits()`).
    """

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Credentials | None = None,
        server_name: str | None = None,
        max_concurrency: int = 8,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        events_log_timezone: str = "UTC",
        transport: httpx.AsyncBaseTransport | None = None,
        limits: HttpLimits | None = None,
    ) -> None:
        super().__init__(
            base_url,
            credentials=credentials,
            server_name=server_name,
            retry=retry or RetryPolicy(),
            events_log_timezone=events_log_timezone,
            limits=limits,
        )
        self._limit = asyncio.Semaphore(max_concurrency)
        self._client = httpx.AsyncClient(
            auth=self._auth(),
            timeout=timeout,
            limits=httpx.Limits(
                max_connections=max_concurrency, max_keepalive_connections=max_concurrency
            ),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            transport=transport,
            follow_redirects=False,
        )

    @classmethod
    def from_profile(cls, profile: ServerProfile, **kwargs: Any) -> GerritRestClient:
        """A client for a config profile (credentials resolved now; may raise ConfigError)."""
        if not profile.rest_url:
            from vstui.config import ConfigError

            raise ConfigError([f"server {profile.name!r}: no url configured for REST"])
        return cls(
            profile.rest_url,
            credentials=resolve_credentials(profile),
            server_name=profile.name,
            events_log_timezone=profile.events_log_timezone,
            **{"limits": profile_limits(profile), **kwargs},
        )

    async def __aenter__(self) -> GerritRestClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # ----------------------------------------------------------------- transport

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """One request with the concurrency limit and retries; returns a 2xx response.

        The body is read here, capped at `limits.max_response_bytes`; the whole request
        (every attempt, its body and the waits between) must end within `limits.deadline`
        seconds from when it is first sent."""
        url = self._url(path)
        loop = asyncio.get_running_loop()
        deadline = float("inf")  # set when the request is first sent (not while queued)
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._limit:
                    if attempt == 1:
                        deadline = loop.time() + self.limits.deadline
                    async with asyncio.timeout_at(deadline):
                        response, body = await self._send(method, url, path, params, json)
            except TimeoutError:
                raise deadline_error(self.server, method, path, self.limits.deadline) from None
            except httpx.HTTPError as exc:
                delay = self.retry.delay(attempt - 1)
                if (
                    attempt < self.retry.attempts
                    and self._should_retry(method, exc)
                    and loop.time() + delay < deadline
                ):
                    log.debug("%s %s: %s, retry in %.2fs", method, path, type(exc).__name__, delay)
                    await asyncio.sleep(delay)
                    continue
                raise self._network_error(method, path, exc, attempt) from None
            status = response.status_code
            if status < 300:
                return response
            if attempt < self.retry.attempts and self._should_retry(method, status):
                delay = self.retry.delay(attempt - 1, response.headers.get("Retry-After"))
                if loop.time() + delay < deadline:
                    log.debug("%s %s: HTTP %d, retry in %.2fs", method, path, status, delay)
                    await asyncio.sleep(delay)
                    continue
            raise error_for_status(
                self.server,
                method,
                path,
                status,
                body,
                authenticated=self.authenticated,
                attempts=attempt,
            )

    async def _send(
        self,
        method: str,
        url: str,
        path: str,
        params: Sequence[tuple[str, str]] | None,
        json: Any,
    ) -> tuple[httpx.Response, bytes]:
        query = tuple(params) if params else None  # a tuple: httpx types it covariantly
        async with self._client.stream(method, url, params=query, json=json) as response:
            cap = self._check_declared(response, method, path)
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise too_large_error(self.server, method, path, cap)
                chunks.append(chunk)
            return response, self._keep(response, chunks)

    async def get_json(self, path: str, params: list[tuple[str, str]] | None = None) -> Any:
        """GET a Gerrit JSON endpoint (XSSI prefix stripped) and return the parsed value."""
        response = await self.request("GET", path, params=params)
        return parse_json(response.content, self.server, f"GET {path}")

    # ----------------------------------------------------------------- endpoints

    async def get_version(self) -> str:
        value = await self.get_json("config/server/version")
        return value if isinstance(value, str) else ""

    async def get_self(self) -> Account:
        """The caller's account (validates the credentials)."""
        self._require_login("GET accounts/self")
        account = account_from_json(await self.get_json("accounts/self"))
        return account or Account()

    async def fetch_query_page(
        self,
        query: str,
        *,
        options: Iterable[str] = (),
        limit: int | None = None,
        start: int = 0,
    ) -> bytes:
        """One page of Query Changes (`q=query&o=..&n=limit&S=start`), undecoded.

        Returns the response body exactly as received (`)]}'` prefix included), for callers
        that pipeline pages and decode them elsewhere: pass it to
        `vstui.gerrit.decode.decode_changes` (pure, thread-safe), and use
        `vstui.gerrit.decode.page_has_more` to decide on the next request before decoding.
        `limit=None` lets the server apply its own limit. Same retries and typed errors as
        every other GET; a body that is not JSON is only noticed by the decoder.
        """
        response = await self.request(
            "GET", "changes/", params=query_params(query, options, limit, start)
        )
        return response.content

    async def iter_query_pages(
        self,
        query: str,
        *,
        options: Iterable[str] = (),
        page_size: int | None = 100,
        limit: int | None = None,
    ) -> AsyncIterator[tuple[Change, ...]]:
        """Query Changes page by page (`S=` until `_more_changes` is gone or `limit` reached)."""
        options = list(options)
        start = 0
        while True:
            n = page_size if limit is None else min(page_size or limit, limit - start)
            body = await self.fetch_query_page(query, options=options, limit=n, start=start)
            page = decode_changes(body, server=self.server)
            if not page:
                return
            yield page
            start += len(page)
            if not page[-1].more_changes or (limit is not None and start >= limit):
                return

    async def query_changes(
        self,
        query: str,
        *,
        options: Iterable[str] = (),
        page_size: int | None = 100,
        limit: int | None = None,
    ) -> list[Change]:
        """All changes matching `query` (newest-updated first), following `_more_changes`."""
        out: list[Change] = []
        async for page in self.iter_query_pages(
            query, options=options, page_size=page_size, limit=limit
        ):
            out.extend(page)
        return out

    async def get_change(self, change: str | int, *, options: Iterable[str] = ()) -> Change:
        """GET /changes/{id} with `o=` options."""
        path = f"changes/{change_path(change)}"
        response = await self.request("GET", path, params=[("o", o) for o in options] or None)
        return self._change_or_error(response.content, path, change)

    async def get_change_detail(
        self, change: str | int, *, options: Iterable[str] = ("CURRENT_REVISION",)
    ) -> Change:
        """GET /changes/{id}/detail: labels, detailed accounts, reviewer updates and messages
        (with `<GERRIT_ACCOUNT_n>` templates; use `list_messages` for replaced text)."""
        path = f"changes/{change_path(change)}/detail"
        response = await self.request("GET", path, params=[("o", o) for o in options] or None)
        return self._change_or_error(response.content, path, change)

    def _change_or_error(self, body: bytes, path: str, change: str | int) -> Change:
        result = decode_change(body, server=self.server, what=f"GET {path}")
        if result is None:
            from vstui.gerrit.errors import GerritProtocolError

            raise GerritProtocolError(self.server, f"change {change}: answer is not a ChangeInfo")
        return result

    async def list_messages(self, change: str | int) -> tuple[ChangeMessage, ...]:
        """GET /changes/{id}/messages (account templates replaced by names)."""
        path = f"changes/{change_path(change)}/messages"
        response = await self.request("GET", path)
        return decode_messages(response.content, server=self.server, what=f"GET {path}")

    async def get_verifications(
        self,
        change: str | int,
        revision: str | int = "current",
        *,
        current_only: bool = False,
        sort: str | None = None,
    ) -> tuple[Verification, ...]:
        """verify-status rows for a revision; `current_only` = `filter=CURRENT` (newest per
        reporter+job). Raises GerritNotFoundError when the plugin is not installed."""
        params: list[tuple[str, str]] = []
        if sort:
            params.append(("sort", sort))
        if current_only:
            params.append(("filter", "CURRENT"))
        path = (
            f"changes/{change_path(change)}/revisions/{revision_path(revision)}"
            "/verify-status~verifications"
        )
        response = await self.request("GET", path, params=params or None)
        return decode_verifications(response.content, server=self.server, what=f"GET {path}")

    async def get_events_log(
        self,
        since: datetime,
        until: datetime | None = None,
        *,
        page_limit: int = EVENTS_LOG_RETURN_LIMIT,
    ) -> list[LoggedEvent]:
        """events-log rows from `since` (whole seconds, server zone), oldest first, following
        pages when a page is full. Needs login (the plugin answers 401 to anonymous)."""
        self._require_login("events-log")
        rows: list[LoggedEvent] = []
        start = since
        while True:
            response = await self.request(
                "GET",
                EVENTS_LOG_PATH + "?" + events_log_query(start, until, self.events_log_timezone),
            )
            added, page_rows = append_events_log_page(rows, response.content)
            if page_rows < page_limit or not added or not rows:
                return rows
            start = datetime.fromtimestamp(rows[-1].event.event_created_on or 0, UTC)

    async def post_review(
        self,
        change: str | int,
        revision: str | int = "current",
        *,
        message: str | None = None,
        labels: Mapping[str, int] | None = None,
        tag: str | None = None,
    ) -> dict[str, Any]:
        """POST a review (message, votes, tag). Not retried once sent (not idempotent)."""
        self._require_login("posting a review")
        path = f"changes/{change_path(change)}/revisions/{revision_path(revision)}/review"
        response = await self.request("POST", path, json=review_body(message, labels, tag))
        value = parse_json(response.content, self.server, f"POST {path}")
        return value if isinstance(value, dict) else {}


class GerritSyncClient(_Base):
    """Blocking client used inside the stream thread for backfill (events-log, REST query).

    Same URL/auth/retry/error rules as `GerritRestClient`; `stop` (a threading.Event) cuts
    retry sleeps short so the thread can stop within a second.
    """

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Credentials | None = None,
        server_name: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        events_log_timezone: str = "UTC",
        stop: Any = None,
        limits: HttpLimits | None = None,
    ) -> None:
        super().__init__(
            base_url,
            credentials=credentials,
            server_name=server_name,
            retry=retry or RetryPolicy(),
            events_log_timezone=events_log_timezone,
            limits=limits,
        )
        self._stop = stop
        self._client = httpx.Client(
            auth=self._auth(),
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def _sleep(self, seconds: float) -> None:
        if self._stop is not None:
            self._stop.wait(seconds)
        else:
            time.sleep(seconds)

    def request(
        self, method: str, path: str, *, params: list[tuple[str, str]] | None = None
    ) -> httpx.Response:
        """Like `GerritRestClient.request`, blocking. The deadline is checked between body
        chunks and bounds every socket timeout, so a trickling server overshoots it by at
        most one read timeout."""
        url = self._url(path)
        deadline = time.monotonic() + self.limits.deadline
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise deadline_error(self.server, method, path, self.limits.deadline)
            try:
                response, body = self._send(method, url, path, params, deadline, remaining)
            except httpx.HTTPError as exc:
                if time.monotonic() >= deadline:
                    raise deadline_error(self.server, method, path, self.limits.deadline) from None
                delay = self.retry.delay(attempt - 1)
                if (
                    attempt < self.retry.attempts
                    and self._should_retry(method, exc)
                    and time.monotonic() + delay < deadline
                ):
                    self._sleep(delay)
                    continue
                raise self._network_error(method, path, exc, attempt) from None
            status = response.status_code
            if status < 300:
                return response
            if attempt < self.retry.attempts and self._should_retry(method, status):
                delay = self.retry.delay(attempt - 1, response.headers.get("Retry-After"))
                if time.monotonic() + delay < deadline:
                    self._sleep(delay)
                    continue
            raise error_for_status(
                self.server,
                method,
                path,
                status,
                body,
                authenticated=self.authenticated,
                attempts=attempt,
            )

    def _send(
        self,
        method: str,
        url: str,
        path: str,
        params: Sequence[tuple[str, str]] | None,
        deadline: float,
        remaining: float,
    ) -> tuple[httpx.Response, bytes]:
        base = self._client.timeout
        timeout = httpx.Timeout(
            connect=_within(base.connect, remaining),
            read=_within(base.read, remaining),
            write=_within(base.write, remaining),
            pool=_within(base.pool, remaining),
        )
        query = tuple(params) if params else None  # a tuple: httpx types it covariantly
        with self._client.stream(method, url, params=query, timeout=timeout) as response:
            cap = self._check_declared(response, method, path)
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    raise too_large_error(self.server, method, path, cap)
                if time.monotonic() > deadline:
                    raise deadline_error(self.server, method, path, self.limits.deadline)
                chunks.append(chunk)
            return response, self._keep(response, chunks)

    def get_events_log(
        self, since: datetime, *, page_limit: int = EVENTS_LOG_RETURN_LIMIT
    ) -> list[LoggedEvent]:
        """Like `GerritRestClient.get_events_log`, blocking."""
        self._require_login("events-log")
        rows: list[LoggedEvent] = []
        start = since
        while True:
            response = self.request(
                "GET",
                EVENTS_LOG_PATH + "?" + events_log_query(start, None, self.events_log_timezone),
            )
            added, page_rows = append_events_log_page(rows, response.content)
            if page_rows < page_limit or not added or not rows:
                return rows
            start = datetime.fromtimestamp(rows[-1].event.event_created_on or 0, UTC)

    def query_changes(self, query: str, *, limit: int = 500) -> list[Change]:
        """Changes matching `query`, following `_more_changes` up to `limit` changes."""
        out: list[Change] = []
        while len(out) < limit:
            response = self.request(
                "GET", "changes/", params=query_params(query, (), min(100, limit), len(out))
            )
            page = decode_changes(response.content, server=self.server)
            out.extend(page)
            if not page or not page[-1].more_changes:
                break
        return out
