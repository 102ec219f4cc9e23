"""Fetch paths over real loopback servers: gzip, Range, redirects, caps, URL and credential
rules, Jenkins/Zuul locations and index pages."""

from __future__ import annotations

import gzip
import io
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from vstui.logs.fetch import Credentials, Fetcher, Limits, LogFetchError
from vstui.logs.load import IndexPage, fetch_log, read_log
from vstui.logs.source import index_links, locate, via_mirror

Handler = Callable[[BaseHTTPRequestHandler], None]


class _Server:
    """A tiny HTTP server whose behaviour per path is a function; records request headers."""

    def __init__(self, routes: dict[str, Handler]) -> None:
        self.routes = routes
        self.seen: list[tuple[str, dict[str, str]]] = []
        owner = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:
                owner.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                fn = owner.routes.get(self.path.split("?")[0])
                if fn is None:
                    _send(self, 404, b"not found")
                else:
                    fn(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda *a: None  # type: ignore[method-assign]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    h.send_response(status)
    for k, v in headers.items():
        h.send_header(k.replace("_", "-"), v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Handler]], _Server]]:
    servers: list[_Server] = []

    def make(routes: dict[str, Handler]) -> _Server:
        s = _Server(routes)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()


LOG = b"".join(b"2026-12-04 10:00:%02d | line %d\n" % (i % 60, i) for i in range(2000))


def _get(url: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    with Fetcher(kw.pop("limits", None), kw.pop("credentials", None)) as f:  # type: ignore[arg-type]
        f.fetch(url, buf, **kw)  # type: ignore[arg-type]
    return buf.getvalue()


def test_plain_and_content_encoding_gzip_and_gz_file(serve) -> None:
    s = serve({
        "/plain": lambda h: _send(h, 200, LOG, Content_Type="text/plain"),
        "/enc": lambda h: _send(h, 200, gzip.compress(LOG), Content_Encoding="gzip"),
        "/file.txt.gz": lambda h: _send(h, 200, gzip.compress(LOG), Content_Type="application/gzip"),
    })  # fmt: skip
    assert _get(s.url + "/plain") == LOG
    assert _get(s.url + "/enc") == LOG
    assert _get(s.url + "/file.txt.gz") == LOG
    assert "gzip" in s.seen[0][1]["accept-encoding"]


def test_range_appends_only_new_bytes_and_200_fallback_skips(serve) -> None:
    def ranged(h: BaseHTTPRequestHandler) -> None:
        start = int(h.headers["Range"].split("=")[1].rstrip("-"))
        _send(h, 206, LOG[start:], Content_Range=f"bytes {start}-{len(LOG) - 1}/{len(LOG)}")

    s = serve({"/r": ranged, "/norange": lambda h: _send(h, 200, LOG)})
    got: list[tuple[int, int | None]] = []
    buf = io.BytesIO()
    with Fetcher() as f:
        res = f.fetch(s.url + "/r", buf, start=1000, progress=lambda n, t: got.append((n, t)))
    assert res.partial and buf.getvalue() == LOG[1000:] and res.total == len(LOG)
    assert got[-1] == (len(LOG), len(LOG))
    assert s.seen[-1][1]["range"] == "bytes=1000-"
    assert _get(s.url + "/norange", start=1000) == LOG[1000:]


def test_redirects_followed_only_to_http_and_limited(serve) -> None:
    s = serve({
        "/final": lambda h: _send(h, 200, b"ok\n"),
        "/hop": lambda h: _send(h, 302, b"", Location="/final"),
        "/file": lambda h: _send(h, 302, b"", Location="file:///etc/passwd"),
        "/loop": lambda h: _send(h, 302, b"", Location="/loop"),
    })  # fmt: skip
    assert _get(s.url + "/hop") == b"ok\n"
    with pytest.raises(LogFetchError, match="only http"):
        _get(s.url + "/file")
    with pytest.raises(LogFetchError, match="redirects"):
        _get(s.url + "/loop")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x/y", "javascript:alert(1)", ""])
def test_non_http_urls_refused_without_a_request(url: str) -> None:
    with pytest.raises(LogFetchError, match="only http"):
        _get(url)


def test_size_cap_holds_for_plain_and_gzip_bombs(serve) -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    s = serve({
        "/big": lambda h: _send(h, 200, LOG),
        "/bomb": lambda h: _send(h, 200, bomb, Content_Encoding="gzip"),
    })  # fmt: skip
    with pytest.raises(LogFetchError, match="cap"):
        _get(s.url + "/big", limits=Limits(max_bytes=1000))
    with pytest.raises(LogFetchError, match="cap"):
        _get(s.url + "/bomb", limits=Limits(max_bytes=1024 * 1024))


def test_total_deadline_stops_a_trickling_server(serve) -> None:
    stop = threading.Event()

    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100000000")
        h.end_headers()
        while not stop.is_set():
            try:
                h.wfile.write(b"x" * 300000)
                h.wfile.flush()
            except OSError:
                return
            stop.wait(0.02)

    s = serve({"/slow": trickle})
    try:
        with pytest.raises(LogFetchError, match="deadline"):
            _get(s.url + "/slow", limits=Limits(deadline_s=0.3))
    finally:
        stop.set()


def test_http_errors_are_one_line(serve) -> None:
    s = serve({"/e": lambda h: _send(h, 500, b"boom")})
    with pytest.raises(LogFetchError) as info:
        _get(s.url + "/e")
    assert "HTTP 500" in str(info.value) and "\n" not in str(info.value)


def test_credentials_only_go_to_their_origin_never_across_a_redirect(serve) -> None:
    other = serve({"/log": lambda h: _send(h, 200, b"other\n")})
    home = serve({
        "/log": lambda h: _send(h, 200, b"home\n"),
        "/away": lambda h: _send(h, 302, b"", Location=other.url + "/log"),
    })  # fmt: skip
    creds = Credentials(f"http://127.0.0.1:{home.httpd.server_address[1]}", "Basic c2VjcmV0")
    assert _get(home.url + "/log", credentials=creds) == b"home\n"
    assert home.seen[-1][1]["authorization"] == "Basic c2VjcmV0"
    assert _get(home.url + "/away", credentials=creds) == b"other\n"
    assert all("authorization" not in headers for _, headers in other.seen)
    # And a fetcher built without credentials sends none anywhere.
    _get(home.url + "/log")
    assert "authorization" not in home.seen[-1][1]


def test_zuul_directory_tries_gz_then_txt_then_lists_the_index(serve) -> None:
    index = (
        b'<html><body><a href="../">up</a><a href="job-output.json">j</a>'
        b'<a href="logs/">logs/</a><a href="zuul-info/inventory.yaml">i</a>'
        b'<a href="https://evil.example/x.txt">x</a></body></html>'
    )
    s = serve({
        "/b/1/job-output.txt": lambda h: _send(h, 200, LOG),
        "/b/2/": lambda h: _send(h, 200, index, Content_Type="text/html"),
    })  # fmt: skip
    assert read_log(s.url + "/b/1/") == LOG
    assert [p for p, _ in s.seen] == ["/b/1/job-output.txt.gz", "/b/1/job-output.txt"]
    with pytest.raises(IndexPage) as info:
        read_log(s.url + "/b/2/")
    assert info.value.links == [
        s.url + "/b/2/job-output.json",
        s.url + "/b/2/zuul-info/inventory.yaml",
        s.url + "/b/2/logs/",
    ]


def test_jenkins_job_url_reads_console_text(serve) -> None:
    s = serve({"/job/cinder-tox/42/consoleText": lambda h: _send(h, 200, LOG)})
    assert read_log(s.url + "/job/cinder-tox/42/") == LOG
    loc = locate("https://ci.example/job/a/job/b/7/")
    assert loc.candidates == ("https://ci.example/job/a/job/b/7/consoleText",)
    assert (
        loc.progressive_url(10)
        == "https://ci.example/job/a/job/b/7/logText/progressiveText?start=10"
    )


def test_mirror_maps_scheme_and_host_under_its_prefix() -> None:
    assert (
        via_mirror("http://15.126.198.151/hpe/72/1/", "http://127.0.0.1:9/_ci/")
        == "http://127.0.0.1:9/_ci/http/15.126.198.151/hpe/72/1/"
    )
    assert via_mirror("https://x/y", None) == "https://x/y"


def test_index_links_ignore_other_hosts_and_parents() -> None:
    links = index_links('<a href="/">root</a><a href="a.log.gz">a</a>', "http://h/d/")
    assert links == ["http://h/d/a.log.gz"]


def test_local_files_plain_gzip_missing_and_capped(tmp_path) -> None:
    (tmp_path / "a.txt").write_bytes(LOG)
    (tmp_path / "a.gz").write_bytes(gzip.compress(LOG))
    assert read_log(str(tmp_path / "a.txt")) == LOG
    assert read_log(str(tmp_path / "a.gz")) == LOG
    with pytest.raises(LogFetchError, match="No such file"):
        read_log(str(tmp_path / "missing"))
    with pytest.raises(LogFetchError, match="cap"):
        read_log(str(tmp_path / "a.gz"), limits=Limits(max_bytes=100))


def test_fetch_log_raises_the_last_404_when_nothing_exists(serve) -> None:
    s = serve({})
    with Fetcher() as f, pytest.raises(LogFetchError, match="404"):
        fetch_log(f, s.url + "/nothing/", io.BytesIO())
