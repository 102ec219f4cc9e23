"""From the URL a CI report gives to the URL of the log text, and HTML index pages.

- A Jenkins job URL (`.../job/<name>/<build>/`) -> `consoleText`; follow a running build with
  `logText/progressiveText?start=N`.
- A Zuul-style build directory (ends with `/`) -> `job-output.txt.gz`, then `job-output.txt`,
  then the directory itself (an HTML index lists its text files).
- Anything else is fetched as is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from vstui.sanitize import is_safe_url

_JENKINS_BUILD = re.compile(
    r"/job/[^/]+(?:/job/[^/]+)*/(?:\d+|lastBuild|lastCompletedBuild)/?(?:console(?:Full)?/?)?$"
)
_TEXTISH = re.compile(
    r"\.(?:txt|log|out|err|json|ya?ml|conf|ini|html?)(?:\.gz)?$|/consoleText$|\.gz$", re.I
)
MAX_LINKS = 2000


@dataclass(frozen=True, slots=True)
class LogLocation:
    """Where to read a job's log: URLs to try in order, and how to follow it while it grows."""

    candidates: tuple[str, ...]
    follow_kind: str = "range"  # "range" (HTTP Range) | "jenkins" (progressiveText)

    def progressive_url(self, start: int) -> str | None:
        if self.follow_kind != "jenkins":
            return None
        base = self.candidates[0].rsplit("/consoleText", 1)[0]
        return f"{base}/logText/progressiveText?start={start}"


def via_mirror(url: str, mirror: str | None) -> str:
    """`scheme://host/path` as `<mirror><scheme>/<host>/path` (a log mirror, e.g. the demo)."""
    if not mirror:
        return url
    parts = urlsplit(url)
    rest = url.split("://", 1)[1]
    return f"{mirror.rstrip('/')}/{parts.scheme}/{rest}"


def locate(url: str) -> LogLocation:
    """The log URLs to try for a job URL from a CI report."""
    parts = urlsplit(url)
    path = parts.path
    if path.endswith("/consoleText") or "/logText/progressiveText" in path:
        base = url.split("/consoleText", 1)[0].split("/logText/", 1)[0]
        return LogLocation((f"{base}/consoleText",), "jenkins")
    if _JENKINS_BUILD.search(path):
        base = re.sub(r"/console(?:Full)?/?$", "", url.split("?", 1)[0].rstrip("/"))
        return LogLocation((f"{base}/consoleText",), "jenkins")
    last = path.rsplit("/", 1)[-1]
    if not parts.query and (path.endswith("/") or "." not in last):
        # A build directory, with or without its slash (hosts redirect to the slash form).
        d = url if url.endswith("/") else url + "/"
        return LogLocation((f"{d}job-output.txt.gz", f"{d}job-output.txt", d))
    return LogLocation((url,))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and len(self.hrefs) < MAX_LINKS:
            for k, v in attrs:
                if k == "href" and v:
                    self.hrefs.append(v)


def index_links(page: str, base_url: str) -> list[str]:
    """The text-file links of an HTML index page (absolute, http(s), same site, in order).

    Subdirectories (links ending in `/`) are listed too, after the files.
    """
    parser = _Links()
    try:
        parser.feed(page[: 4 * 1024 * 1024])
        parser.close()
    except Exception:  # a broken page lists what was read so far
        pass
    base_host = urlsplit(base_url).netloc
    files: list[str] = []
    dirs: list[str] = []
    for href in parser.hrefs:
        absolute = urljoin(base_url, html.unescape(href))
        if not is_safe_url(absolute) or urlsplit(absolute).netloc != base_host:
            continue
        if not absolute.startswith(base_url.split("?", 1)[0]) or absolute == base_url:
            continue  # parent directory, sort links, other sites
        target = dirs if absolute.endswith("/") else files
        if (target is dirs or _TEXTISH.search(urlsplit(absolute).path)) and absolute not in target:
            target.append(absolute)
    return files + dirs


def looks_like_html(head: bytes) -> bool:
    start = head.lstrip()[:64].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))
