"""Emulator REST throughput: query requests/s with 1 and 8 concurrent keep-alive clients.

The emulator (seed world) runs in this process; the clients run in a separate process
(threads with keep-alive `http.client` connections) so they do not share its GIL. Two
requests are measured: a change query with labels (`/changes/?q=status:open&n=25&o=LABELS`,
what a client's change list asks for) and the big `/changes/381272/detail` (53 messages).

Peer, measured in the same run: a bare stdlib `ThreadingHTTPServer` answering every GET
with a constant body of the same size, i.e. the floor set by the HTTP framework itself.

    .venv/bin/python bench/fake_rest.py [--seconds S]
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERY = "/changes/?q=status:open&n=25&o=LABELS"
DETAIL = "/changes/381272/detail"


def run_clients(port: int, path: str, clients: int, seconds: float) -> None:
    """Hammer `path` from `clients` threads for `seconds`; print a JSON result."""
    counts = [0] * clients
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            conn.request("GET", path, headers={"Accept": "application/json"})
            resp = conn.getresponse()
            resp.read()
            if resp.status == 200:
                counts[i] += 1
            else:
                errors[i] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    print(json.dumps({"requests": sum(counts), "errors": sum(errors), "seconds": elapsed}))


def measure(port: int, path: str, clients: int, seconds: float) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--client", str(port), path, str(clients), str(seconds)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=seconds + 60,
        check=True,
    ).stdout
    result = json.loads(out)
    result["rps"] = result["requests"] / result["seconds"]
    return result


def peer_server(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # as the emulator (else ~40 ms per request)

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    ).start()
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per measurement (default 2)")
    args = parser.parse_args()
    from vstui.fake import FakeGerrit

    with tempfile.TemporaryDirectory() as state, FakeGerrit(scenario="seed", state_dir=state) as fg:
        port = int(fg.http_url.rsplit(":", 1)[1].rstrip("/"))
        print(
            f"REST over real HTTP, seed world ({len(fg.store.changes())} changes), "
            f"clients in a separate process, {args.seconds:g}s per figure"
        )
        for path in (QUERY, DETAIL):
            conn = http.client.HTTPConnection("127.0.0.1", port)
            conn.request("GET", path)
            body = conn.getresponse().read()
            conn.close()
            peer = peer_server(body)
            try:
                for clients in (1, 8):
                    ours = measure(port, path, clients, args.seconds)
                    floor = measure(peer.server_address[1], path, clients, args.seconds)
                    print(
                        f"  {path:<40} {clients} client(s): {ours['rps']:>7,.0f} req/s "
                        f"({len(body) / 1024:.0f} KiB each, {ours['errors']} errors); "
                        f"bare ThreadingHTTPServer, same body: {floor['rps']:>7,.0f} req/s "
                        f"-> {ours['rps'] / floor['rps']:.0%}"
                    )
            finally:
                peer.shutdown()
                peer.server_close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        _, _, port, path, clients, seconds = sys.argv
        run_clients(int(port), path, int(clients), float(seconds))
        sys.exit(0)
    sys.exit(main())
