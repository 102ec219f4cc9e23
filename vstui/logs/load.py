"""Read a whole log from a URL or a local file (gzip allowed), for the CLI and the viewer."""

from __future__ import annotations

import gzip
import io
import json
import re
import threading
import zlib
from pathlib import Path
from typing import BinaryIO

from vstui.logs.fetch import Fetcher, FetchResult, Limits, LogFetchError, ProgressFn
from vstui.logs.source import index_links, locate, looks_like_html, via_mirror
from vstui.sanitize import is_safe_url, one_line


class IndexPage(LogFetchError):
    """The URL is an HTML index: `links` are the text files it lists."""

    def __init__(self, url: str, links: list[str]) -> None:
        shown = ", ".join(links[:5]) + (" ..." if len(links) > 5 else "")
        super().__init__(f"{one_line(url, 160)} is an index page; choose a file: {shown}")
        self.url = url
        self.links = links


def is_url(target: str) -> bool:
    return target.startswith(("http://", "https://")) or "://" in target[:12]


def fetch_log(
    fetcher: Fetcher,
    url: str,
    dest: BinaryIO,
    *,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    mirror: str | None = None,
) -> FetchResult:
    """Fetch the log a job URL points at into `dest`, trying each candidate in turn.

    A 404 moves on to the next candidate (`job-output.txt.gz`, then `.txt`, then the
    directory); an HTML answer raises `IndexPage` with the page's text-file links. With a
    `mirror`, every URL (also a Zuul build's `log_url`) is read through it.
    """
    url = via_mirror(_zuul_build_log_url(fetcher, url, cancel, mirror) or url, mirror)
    location = locate(url)
    last: LogFetchError | None = None
    for candidate in location.candidates:
        sniff = _Sniff(dest)
        try:
            result = fetcher.fetch(candidate, sniff, progress=progress, cancel=cancel)  # type: ignore[arg-type]
            sniff.flush_head()
        except LogFetchError as exc:
            if "HTTP 404" in str(exc) or "HTTP 403" in str(exc):
                last = exc
                continue
            raise
        if sniff.html is not None or (result.is_html and not sniff.passed):
            page = (sniff.html or b"").decode("utf-8", "replace")
            raise IndexPage(result.url, index_links(page, result.url))
        return result
    raise last or LogFetchError(f"{one_line(url, 160)}: no log found")


class _Sniff:
    """Passes bytes through to `dest` unless the body starts like HTML (an index page),
    which is kept aside (up to 4 MiB) instead: logs stream, index pages are parsed."""

    def __init__(self, dest: BinaryIO) -> None:
        self.dest = dest
        self.html: bytes | None = None
        self.passed = False
        self._head = b""

    def write(self, chunk: bytes) -> int:
        if self.html is not None:
            if len(self.html) < 4 * 1024 * 1024:
                self.html += chunk
            return len(chunk)
        if not self.passed:
            self._head += chunk
            if len(self._head) < 64 and chunk:
                return len(chunk)  # too little to tell yet
            if looks_like_html(self._head[:256]):
                self.html = self._head
                return len(chunk)
            self.passed = True
            self.dest.write(self._head)
            self._head = b""
            return len(chunk)
        self.dest.write(chunk)
        return len(chunk)

    def flush_head(self) -> None:
        if not self.passed and self.html is None and self._head:
            if looks_like_html(self._head):
                self.html = self._head
            else:
                self.passed = True
                self.dest.write(self._head)
            self._head = b""


_ZUUL_BUILD = re.compile(r"^(?P<root>.*)/t/(?P<tenant>[^/]+)/build/(?P<uuid>[0-9a-f]{16,64})/?$")


def _zuul_build_log_url(
    fetcher: Fetcher, url: str, cancel: threading.Event | None, mirror: str | None
) -> str | None:
    """A Zuul web build page (`<zuul>/t/<tenant>/build/<uuid>`): its `log_url` from the API."""
    m = _ZUUL_BUILD.match(url.split("?", 1)[0])
    if m is None:
        return None
    api = f"{m['root']}/api/tenant/{m['tenant']}/build/{m['uuid']}"
    buffer = io.BytesIO()
    fetcher.fetch(via_mirror(api, mirror), buffer, cancel=cancel, max_bytes=1024 * 1024)
    try:
        log_url = json.loads(buffer.getvalue()).get("log_url")
    except (ValueError, AttributeError):
        raise LogFetchError(f"{one_line(api, 160)}: not a Zuul build") from None
    if not isinstance(log_url, str) or not is_safe_url(log_url):
        raise LogFetchError(f"{one_line(api, 160)}: the build has no log URL")
    return log_url


def read_local(path: str, max_bytes: int) -> bytes:
    """A local log file, gunzipped when it is gzip; capped at `max_bytes` decoded."""
    try:
        with open(Path(path), "rb") as fh:
            head = fh.read(2)
            fh.seek(0)
            if head == b"\x1f\x8b":
                d = zlib.decompressobj(wbits=47)
                out = bytearray()
                while chunk := fh.read(1 << 20):
                    try:
                        out += d.decompress(chunk, max_bytes + 1 - len(out))
                    except zlib.error:
                        raise LogFetchError(f"{one_line(path, 160)}: not valid gzip") from None
                    if len(out) > max_bytes:
                        raise LogFetchError(f"{one_line(path, 160)}: larger than the size cap")
                return bytes(out)
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise LogFetchError(f"{one_line(path, 160)}: {exc.strerror or exc}") from None
    except gzip.BadGzipFile:
        raise LogFetchError(f"{one_line(path, 160)}: not valid gzip") from None
    if len(data) > max_bytes:
        raise LogFetchError(f"{one_line(path, 160)}: larger than the size cap")
    return data


def read_log(
    target: str,
    *,
    limits: Limits | None = None,
    fetcher: Fetcher | None = None,
    mirror: str | None = None,
) -> bytes:
    """The bytes of a log named by URL or path; `LogFetchError` (one line) when unreadable."""
    limits = limits or Limits()
    if not is_url(target):
        return read_local(target, limits.max_bytes)
    own = fetcher is None
    f = fetcher or Fetcher(limits)
    try:
        buffer = io.BytesIO()
        fetch_log(f, target, buffer, mirror=mirror)
        return buffer.getvalue()
    finally:
        if own:
            f.close()
