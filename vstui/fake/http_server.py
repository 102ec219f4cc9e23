"""The emulator's HTTP server: stdlib `ThreadingHTTPServer`, Gerrit's framing and auth.

This layer owns what every Gerrit REST response shares: `/a/` paths need HTTP Basic with
the account's HTTP password (401 `Unauthorized` plus `WWW-Authenticate` otherwise, written
the way Jetty's error handler does), JSON bodies start with `)]}'`, errors are plain text,
bodies are gzipped when the client accepts it, and injected faults (latency, 503s) apply.
The routes themselves are in `rest_api.py`.

Shutdown is bounded: the accept loop polls, each connection socket has a timeout, and
`stop()` shuts down the sockets of open keep-alive connections so no handler thread stays
blocked in `recv`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from vstui.fake import gson
from vstui.fake.faults import Faults

log = logging.getLogger(__name__)

XSSI_PREFIX = b")]}'\n"
JSON_TYPE = "application/json; charset=UTF-8"
TEXT_TYPE = "text/plain; charset=UTF-8"
_GZIP_MIN = 256  # smaller bodies are not worth compressing
_MAX_BODY = 16 * 1024 * 1024


@dataclass
class HttpRequest:
    """A decoded request as the routes see it.

    `path` is the raw (still percent-encoded) path without the `/a` prefix; `query` keeps
    every parameter in order (repeats allowed). `account` is the authenticated account
    for `/a/` requests and None for anonymous ones.
    """

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: Any
    body: bytes
    account: Any = None
    authenticated: bool = False
    query_string: str = ""

    def param(self, *names: str) -> str | None:
        """The last value of the first of `names` present (Gerrit keeps the last)."""
        for name in names:
            values = [v for k, v in self.query if k == name]
            if values:
                return values[-1]
        return None

    def params(self, *names: str) -> list[str]:
        return [v for k, v in self.query if k in names]

    def has_param(self, *names: str) -> bool:
        return any(k in names for k, _ in self.query)


@dataclass
class HttpResponse:
    status: int
    body: bytes = b""
    content_type: str | None = TEXT_TYPE
    headers: dict[str, str] = field(default_factory=dict)
    # Large bodies (CI logs, `ci_logs.py`) are generated while sent: `headers` then carry
    # their Content-Length and `body` is ignored.
    stream: Iterable[bytes] | None = None


class RestError(Exception):
    """An error answer: `status` with Gerrit's plain-text `message` (a newline is added)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_response(obj: Any, status: int = 200, pretty: bool = False) -> HttpResponse:
    """A Gerrit JSON answer: `)]}'` line, Gson text, trailing newline."""
    text = gson.dumps_pretty(obj) if pretty else gson.dumps(obj)
    return HttpResponse(
        status,
        XSSI_PREFIX + text.encode("utf-8") + b"\n",
        JSON_TYPE,
        {"Content-Disposition": "attachment", "X-Content-Type-Options": "nosniff"},
    )


def text_response(status: int, message: str) -> HttpResponse:
    return HttpResponse(status, (message + "\n").encode("utf-8"), TEXT_TYPE)


def no_content() -> HttpResponse:
    return HttpResponse(204, b"", None)


def parse_query(raw: str, separators: str = "&") -> list[tuple[str, str]]:
    """Split a query string on `separators` and percent-decode (`+` is a space)."""
    if not raw:
        return []
    parts = [raw]
    for sep in separators:
        parts = [p for chunk in parts for p in chunk.split(sep)]
    out: list[tuple[str, str]] = []
    for part in parts:
        if not part:
            continue
        key, _, value = part.partition("=")
        out.append((unquote(key.replace("+", " ")), unquote(value.replace("+", " "))))
    return out


def _unauthorized() -> HttpResponse:
    # Jetty's HiddenErrorHandler: the bare reason phrase, ISO-8859-1, no trailing newline.
    return HttpResponse(
        401,
        b"Unauthorized",
        "text/plain; charset=ISO-8859-1",
        {"WWW-Authenticate": 'Basic realm="Gerrit Code Review"'},
    )


Router = Callable[[HttpRequest], HttpResponse]
BasicAuth = Callable[[str, str], Any]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr: tuple[str, int], owner: HttpServer) -> None:
        self.owner = owner
        if ":" in addr[0]:
            self.address_family = socket.AF_INET6
        super().__init__(addr, _Handler)

    def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
        self.owner._track(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):  # type: ignore[no-untyped-def]
        self.owner._untrack(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        log.debug("HTTP connection error from %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Jetty"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection is closed after this many seconds
    # Headers and body go out in two writes; with Nagle on, the body then waits for the
    # client's delayed ACK (~40 ms per request on Linux).
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def _read_body(self) -> bytes:
        if (self.headers.get("Transfer-Encoding") or "").strip().lower() == "chunked":
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise RestError(400, "Bad Request") from None
        if n < 0 or n > _MAX_BODY:
            raise RestError(413, "Request Entity Too Large")
        return self.rfile.read(n)

    def _read_chunked(self) -> bytes:
        """A chunked request body (git sends large fetch negotiations this way)."""
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise RestError(400, "Bad Request") from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if size < 0 or total > _MAX_BODY:
                raise RestError(413, "Request Entity Too Large")
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)  # the CRLF after each chunk

    def _dispatch(self, head: bool = False) -> None:
        owner = self.server.owner
        try:
            body = self._read_body()
        except RestError as exc:
            self.close_connection = True
            self._send(text_response(exc.status, exc.message), head)
            return
        resp = owner.handle(self.command, self.path, self.headers, body)
        self._send(resp, head)

    def _send(self, resp: HttpResponse, head: bool) -> None:
        if resp.stream is not None:
            self._send_stream(resp, head)
            return
        body = resp.body
        headers = dict(resp.headers)
        packs = (resp.content_type or "").startswith("application/x-git")  # already packed
        accepts = "gzip" in (self.headers.get("Accept-Encoding") or "").lower()
        if len(body) >= _GZIP_MIN and accepts and not packs:
            body = gzip.compress(body, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        self.send_response(resp.status)
        if resp.content_type:
            self.send_header("Content-Type", resp.content_type)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def _send_stream(self, resp: HttpResponse, head: bool) -> None:
        self.send_response(resp.status)
        if resp.content_type:
            self.send_header("Content-Type", resp.content_type)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if head:
            return
        try:
            for piece in resp.stream or ():
                self.wfile.write(piece)
        except OSError:  # the client went away mid-log
            self.close_connection = True


class HttpServer:
    """Serve Gerrit REST on `host:port` (0 = free port) through `route`.

    `basic_auth(username, password)` returns the account or None. `faults` is read on
    every request so latency and failure rate can change at run time.
    """

    def __init__(
        self,
        host: str,
        port: int,
        route: Router,
        basic_auth: BasicAuth,
        faults: Faults | None = None,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.route = route
        self.basic_auth = basic_auth
        self.faults = faults or Faults()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.port = 0
        self.requests_served = 0

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def start(self) -> None:
        try:
            self._httpd = _Server((self.host, self.requested_port), self)
        except OSError as exc:
            raise OSError(
                exc.errno,
                f"cannot listen for HTTP on {self.host}:{self.requested_port}: {exc.strerror}",
            ) from None
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"fake-gerrit-httpd:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()  # returns within one poll interval
        self._httpd.server_close()
        with self._lock:
            open_socks = tuple(self._open)
        for s in open_socks:  # wake handler threads blocked on idle keep-alive sockets
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        self._httpd = None

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)

    # -- request pipeline -------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: Any, body: bytes) -> HttpResponse:
        faults = self.faults
        if faults.http_latency_ms > 0:
            time.sleep(faults.http_latency_ms / 1000.0)
        if faults.should_fail_http():
            return HttpResponse(503, b"Service Unavailable", "text/plain; charset=ISO-8859-1")
        path, _, query = raw_path.partition("?")
        authenticated = path == "/a" or path.startswith("/a/")
        account = None
        if authenticated:
            account = self._check_basic(headers.get("Authorization"))
            if account is None:
                return _unauthorized()
            path = path[2:] or "/"
        req = HttpRequest(method, path, [], headers, body, account, authenticated, query)
        try:
            req.query = parse_query(query)
            resp = self.route(req)
        except RestError as exc:
            resp = text_response(exc.status, exc.message)
        except Exception:
            log.exception("REST handler failed: %s %s", method, raw_path)
            resp = text_response(500, "Internal server error")
        self.requests_served += 1
        return resp

    def _check_basic(self, header: str | None) -> Any:
        if not header or header[:6].lower() != "basic ":
            return None
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        username, sep, password = decoded.partition(":")
        if not sep:
            return None
        return self.basic_auth(username, password)
