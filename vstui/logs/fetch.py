"""Download a log over HTTP(S): streaming, size-capped, deadline-bound, redirects checked.

The fetcher carries no Gerrit credentials. A caller that must authenticate to a log host
passes `Credentials` bound to one origin (scheme, host, port); they are sent only to that
origin and dropped as soon as a redirect leaves it.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import httpx

from vstui.sanitize import is_safe_url, one_line

USER_AGENT = "vstui-logs"
DEFAULT_MAX_BYTES = 512 * 1024 * 1024  # decoded bytes; a 100 MB job log fits 5 times
DEFAULT_DEADLINE_S = 300.0
MAX_REDIRECTS = 5
_CHUNK = 256 * 1024

ProgressFn = Callable[[int, int | None], None]


class LogFetchError(Exception):
    """A log could not be fetched; `str()` is one readable line."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps for one fetch: decoded size, total wall time, connect/read timeouts."""

    max_bytes: int = DEFAULT_MAX_BYTES
    deadline_s: float = DEFAULT_DEADLINE_S
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0


@dataclass(frozen=True, slots=True)
class Credentials:
    """An Authorization header value valid for one origin only."""

    origin: str  # "https://host:443"
    authorization: str

    def applies_to(self, url: str) -> bool:
        return origin_of(url) == self.origin


@dataclass(slots=True)
class FetchResult:
    """What a fetch wrote: final URL after redirects, status, sizes, headers that matter."""

    url: str
    status: int
    written: int
    content_type: str = ""
    total: int | None = None  # full size when the server said so (Content-Length/Range)
    partial: bool = False  # 206: the body continues the bytes the caller already had
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_html(self) -> bool:
        return "html" in self.content_type.lower()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _check_url(url: str) -> None:
    if not is_safe_url(url):
        raise LogFetchError(f"refusing to fetch {one_line(url, 200)!r}: only http(s) URLs")


class Fetcher:
    """A small synchronous HTTP client for logs (run it in a thread worker).

    `cancel` (a threading.Event) stops a download between chunks.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        credentials: Credentials | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.credentials = credentials
        timeout = httpx.Timeout(self.limits.read_timeout_s, connect=self.limits.connect_timeout_s)
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        dest: BinaryIO,
        *,
        start: int = 0,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET `url` into `dest` (decoded: Content-Encoding and `.gz` bodies are inflated).

        With `start > 0`, asks for `Range: bytes=start-`; a 206 answer appends only the new
        bytes (`partial=True`), a 200 answer is the whole body again and the first `start`
        bytes are skipped, so `dest` receives exactly the bytes past `start` either way.
        Raises `LogFetchError` (one line) on a bad URL, HTTP error, cap or deadline.
        """
        limits = self.limits
        cap = limits.max_bytes if max_bytes is None else max_bytes
        t0 = time.monotonic()
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            _check_url(current)
            headers = {"Accept-Encoding": "gzip"}
            if start > 0:
                headers["Range"] = f"bytes={start}-"
            if self.credentials is not None and self.credentials.applies_to(current):
                headers["Authorization"] = self.credentials.authorization
            try:
                with self._client.stream("GET", current, headers=headers) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("Location")
                        if not location:
                            raise LogFetchError(f"{_short(current)}: redirect without Location")
                        current = urljoin(current, location)
                        continue
                    return self._body(resp, current, dest, start, cap, t0, progress, cancel)
            except httpx.TimeoutException:
                raise LogFetchError(f"{_short(current)}: timed out") from None
            except httpx.HTTPError as exc:
                raise LogFetchError(f"{_short(current)}: {one_line(str(exc), 200)}") from None
        raise LogFetchError(f"{_short(url)}: more than {MAX_REDIRECTS} redirects")

    def _body(
        self,
        resp: httpx.Response,
        url: str,
        dest: BinaryIO,
        start: int,
        cap: int,
        t0: float,
        progress: ProgressFn | None,
        cancel: threading.Event | None,
    ) -> FetchResult:
        limits = self.limits
        status = resp.status_code
        if status == 416 and start > 0:  # nothing past `start` yet
            return FetchResult(url, status, 0, resp.headers.get("Content-Type", ""), start, True)
        if status >= 400:
            raise LogFetchError(f"{_short(url)}: HTTP {status} {one_line(resp.reason_phrase, 80)}")
        partial = status == 206
        total: int | None = None
        length = resp.headers.get("Content-Length")
        encoding = resp.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", "x-gzip"):
            raise LogFetchError(f"{_short(url)}: unsupported Content-Encoding {encoding!r}")
        encoded = encoding != "identity"
        if partial:
            crange = resp.headers.get("Content-Range", "")
            _, _, size = crange.rpartition("/")
            total = int(size) if size.isdigit() else None
        elif length and length.isdigit() and not encoded:
            total = int(length)
        # Inflate ourselves (not httpx) so the size cap holds inside each chunk: a small
        # gzip bomb never expands past the cap in memory. A `.gz` file served as bytes (no
        # Content-Encoding) is inflated the same way.
        gunzip: zlib._Decompress | None = None
        if encoded or (not partial and urlsplit(url).path.endswith(".gz")):
            gunzip = zlib.decompressobj(wbits=47)  # gzip or zlib header, auto-detected
            total = None
        skip = start if (start > 0 and not partial) else 0
        written = 0
        received = 0
        for chunk in resp.iter_raw(_CHUNK):
            if cancel is not None and cancel.is_set():
                raise LogFetchError(f"{_short(url)}: cancelled")
            if time.monotonic() - t0 > limits.deadline_s:
                raise LogFetchError(
                    f"{_short(url)}: took longer than {limits.deadline_s:g} s (deadline)"
                )
            received += len(chunk)
            if gunzip is not None:
                try:
                    chunk = gunzip.decompress(chunk, cap + 1 - written)
                except zlib.error:
                    raise LogFetchError(f"{_short(url)}: not valid gzip") from None
            if skip:
                cut = min(skip, len(chunk))
                chunk = chunk[cut:]
                skip -= cut
            if written + len(chunk) > cap:
                raise LogFetchError(
                    f"{_short(url)}: larger than the {cap // (1024 * 1024)} MiB cap"
                )
            dest.write(chunk)
            written += len(chunk)
            if progress is not None:
                progress(start + written if partial else written, total)
        return FetchResult(
            url,
            status,
            written,
            resp.headers.get("Content-Type", ""),
            total,
            partial,
            {k.lower(): v for k, v in resp.headers.items() if k.lower().startswith("x-")},
        )


def _short(url: str) -> str:
    return one_line(url, 160)
