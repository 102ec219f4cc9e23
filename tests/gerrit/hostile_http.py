"""A small hostile HTTP server for the REST limit tests (real loopback, port 0).

Each behaviour is chosen by the first path segment, so a client is pointed at one with its
base URL (`http://127.0.0.1:PORT/endless/`):

- `endless`: 200 and a body that never ends (no Content-Length, 64 KB chunks)
- `declared`: 200 announcing a 500 MB body, then sending it slowly
- `trickle`: 200 announcing 1,000 bytes, then one byte every 0.2 s
- `gzip-bomb`: 200 with a small gzip body that inflates to 8 MB
- `huge-page`: a Query Changes answer that ignores `n=`: 30,000 changes (~4 MB) at once
- `bad-utf8`: a Query Changes answer with invalid UTF-8 inside a string
- `same-page`: a Query Changes answer that ignores `S=`: the same 3 changes, "more" forever
- `ok`: `)]}'` and `"3.9.1"`

Every writer loop ends when the client goes away or the server is stopped.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHANGE = {
    "id": "p~{n}",
    "project": "p",
    "branch": "master",
    "change_id": "I{n:040d}",
    "subject": "change {n}",
    "status": "NEW",
    "_number": 0,
    "updated": "2024-05-01 12:00:00.000000000",
    "owner": {"_account_id": 1000000, "name": "Owner"},
}


def huge_page(count: int) -> bytes:
    parts = []
    for n in range(1, count + 1):
        change = dict(CHANGE, id=f"p~{n}", change_id=f"I{n:040d}", subject=f"change {n}")
        change["_number"] = n
        parts.append(json.dumps(change))
    return b")]}'\n[" + ",".join(parts).encode() + b"]"


class HostileServer:
    """`with HostileServer() as server: server.url("endless")`."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                outer.requests.append(self.path)
                kind = self.path.strip("/").split("/", 1)[0]
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    getattr(outer, "_" + kind.replace("-", "_"))(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, kind: str) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}/{kind}/"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # ---------------------------------------------------------------- behaviours

    def _head(self, h: BaseHTTPRequestHandler, length: int | None, **headers: str) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        if length is None:
            h.send_header("Connection", "close")
        else:
            h.send_header("Content-Length", str(length))
        for name, value in headers.items():
            h.send_header(name.replace("_", "-"), value)
        h.end_headers()

    def _endless(self, h: BaseHTTPRequestHandler) -> None:
        self._head(h, None)
        chunk = b")]}'\n[" + b"1," * 32_000
        while not self.stop.is_set():
            h.wfile.write(chunk)
            chunk = b"1," * 32_000

    def _declared(self, h: BaseHTTPRequestHandler) -> None:
        self._head(h, 500 * 2**20)
        while not self.stop.wait(0.05):
            h.wfile.write(b" " * 65_536)

    def _trickle(self, h: BaseHTTPRequestHandler) -> None:
        self._head(h, 1000)
        for _ in range(1000):
            if self.stop.wait(0.2):
                return
            h.wfile.write(b" ")
            h.wfile.flush()

    def _gzip_bomb(self, h: BaseHTTPRequestHandler) -> None:
        body = gzip.compress(b")]}'\n\"" + b"0" * (8 * 2**20) + b'"')
        self._head(h, len(body), Content_Encoding="gzip")
        h.wfile.write(body)

    def _huge_page(self, h: BaseHTTPRequestHandler) -> None:
        body = huge_page(30_000)
        self._head(h, len(body))
        h.wfile.write(body)

    def _bad_utf8(self, h: BaseHTTPRequestHandler) -> None:
        body = b")]}'\n" + huge_page(2).replace(b"change 2", b"change \xff\xfe 2")[5:]
        self._head(h, len(body))
        h.wfile.write(body)

    def _same_page(self, h: BaseHTTPRequestHandler) -> None:
        body = huge_page(3)[:-2] + b', "_more_changes": true}]'
        self._head(h, len(body))
        h.wfile.write(body)

    def _ok(self, h: BaseHTTPRequestHandler) -> None:
        body = b')]}\'\n"3.9.1"'
        self._head(h, len(body))
        h.wfile.write(body)
