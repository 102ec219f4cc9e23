"""Job logs: open a 100 MB log in the viewer, search it, anomalies of 200k vs 200k lines, and
the anomalies' quality on the emulator's failing runs (seed 0).

1. A 100 MB log served over loopback by a separate process (so this process's peak RSS is the
   client's): the viewer (headless Textual) streams it; timed from the first byte reaching the
   line index to the first log line drawn by the virtualized view. Goal <= 0.5 s.
2. Search over the same 100 MB (a literal that is absent, and an error regex). Goal >= 200 MB/s.
3. Peak RSS of this process after 1-2 (goal <= 3x the log size for index + text).
4. Anomalies of a 200k-line failing log against a 200k-line passing one, vs the floor: read
   both files and apply one normalising regex per line, same run. Goal <= 4x; compared with
   logreduce's published ~1,300 lines/s.
5. Quality over every failing run of seed 0 (baseline: a passing run of the same job by the
   same CI when the world has one, else error-shaped lines): culprit lines in the top 20,
   >= 5 of the top 10 added by the failure; precision@10 and recall of the added lines.
"""

from __future__ import annotations

import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from vstui.fake.ci_logs import LogPlan, Run, plan  # noqa: E402
from vstui.logs.anomalies import anomalies, split_lines  # noqa: E402

SERVER = r"""
import shutil, sys, tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
sys.path.insert(0, sys.argv[1])
from vstui.fake.ci_logs import LogPlan, Run, plan
run = Run("http://bench.example/big/", "FAILURE", "bench-job", 1.7e9, 5400, 1, 1, "ci")
p = plan(run)
p = LogPlan(run, p.header, int(sys.argv[2]), p.tail, p.added, p.culprits)
# Generated to a file first, so the transfer runs at loopback speed, not generator speed.
log = tempfile.TemporaryFile()
for piece in p.iter_bytes():
    log.write(piece)
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(p.size))
        self.end_headers()
        log.seek(0)
        try:
            shutil.copyfileobj(log, self.wfile, 1 << 20)
        except OSError:
            pass
httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(httpd.server_address[1], p.size, flush=True)
httpd.serve_forever()
"""


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def open_in_viewer(url: str) -> dict[str, float]:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    import vstui.ui.screens.log_viewer as lv
    from vstui.ui.widgets.log_view import LogView

    marks: dict[str, float] = {}
    real_write = lv._Sink.write
    real_render = LogView.render_line

    def write(self, b):  # type: ignore[no-untyped-def]
        marks.setdefault("first_byte", time.perf_counter())
        return real_write(self, b)

    def render_line(self, y):  # type: ignore[no-untyped-def]
        strip = real_render(self, y)
        if self.log_text.line_count and "first_byte" in marks:
            marks.setdefault("first_screen", time.perf_counter())
        return strip

    lv._Sink.write = write  # type: ignore[method-assign]
    LogView.render_line = render_line  # type: ignore[method-assign]

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("")

        def on_mount(self) -> None:
            self.push_screen(lv.LogViewerScreen(lv.LogRequest(url, "bench")))

    async def drive() -> None:
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            await pilot.press("a")  # show the log itself, not the anomalies
            t0 = time.perf_counter()
            while not screen._loaded and time.perf_counter() - t0 < 120:
                await pilot.pause(0.01)
            marks["loaded"] = time.perf_counter()
            marks["size"] = len(screen.log_text)
            screen._stop.set()
            global LOADED_TEXT
            LOADED_TEXT = screen.log_text

    asyncio.run(drive())
    lv._Sink.write = real_write  # type: ignore[method-assign]
    LogView.render_line = real_render  # type: ignore[method-assign]
    return marks


LOADED_TEXT = None


def bench_viewer_and_search() -> None:
    chunks = 1600  # 1600 x 64 KB = 100 MiB plus header and tail
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(ROOT), str(chunks)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        port, size = (int(x) for x in proc.stdout.readline().split())
        rss0 = rss_mb()
        t0 = time.perf_counter()
        marks = open_in_viewer(f"http://127.0.0.1:{port}/big.txt")
        first = marks.get("first_screen", float("nan")) - marks.get("first_byte", float("nan"))
        total = marks["loaded"] - t0
        print(
            f"open {size / 1e6:.0f} MB log: first screen {first:.3f} s after the first bytes "
            f"(goal <= 0.5 s); whole log in {total:.2f} s ({size / 1e6 / total:.0f} MB/s)"
        )
        from vstui.logs.search import ERROR_PATTERN, compile_search

        log = LOADED_TEXT
        assert log is not None
        # Each is a full pass: an absent pattern scans the whole log before saying so.
        for label, pat in (
            ("absent literal, smart case", compile_search("no-such-token-in-this-log")),
            ("absent literal, exact case", compile_search("No-such-token-in-this-log")),
            ("absent regex", compile_search(r"VolumeBackend\w+Timeout")),
            ("every error line (full scan)", ERROR_PATTERN),
        ):
            t = time.perf_counter()
            if pat is ERROR_PATTERN:
                hits = sum(1 for _ in pat.finditer(log.data))
            else:
                hits = int(log.search(pat, 0) is not None)
            dt = time.perf_counter() - t
            print(
                f"search ({label}, {hits} hits): {size / 1e6 / dt:.0f} MB/s over "
                f"{size / 1e6:.0f} MB (goal >= 200 MB/s)"
            )
        peak = rss_mb()
        print(
            f"peak RSS {peak:.0f} MB = {peak / (size / 2**20):.2f}x the log "
            f"(before opening: {rss0:.0f} MB; goal <= 3x)"
        )
    finally:
        proc.terminate()
        proc.wait(5)


def _log_bytes(url: str, result: str, lines: int) -> bytes:
    run = Run(url, result, "bench-job", 1.7e9, 5400, 1, 1, "ci")
    p = plan(run)
    per_chunk = p.chunk(0).count(b"\n")
    return b"".join(LogPlan(run, p.header, max(1, lines // per_chunk), p.tail).iter_bytes())


def bench_anomalies() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        a = Path(tmp) / "fail.txt"
        b = Path(tmp) / "pass.txt"
        a.write_bytes(_log_bytes("http://bench/fail/", "FAILURE", 200_000))
        b.write_bytes(_log_bytes("http://bench/pass/", "SUCCESS", 200_000))
        from vstui.logs.anomalies import _WORD, iter_lines

        def floor() -> int:
            # The bare pass: read both, split, the normalising regex once per line.
            n = 0
            for path in (a, b):
                for line in path.read_bytes().decode("utf-8", "replace").split("\n"):
                    _WORD.findall(line)
                    n += 1
            return n

        def ours() -> int:
            return len(anomalies(iter_lines(a.read_bytes()), iter_lines(b.read_bytes())))

        best_floor = min(_timed(floor) for _ in range(3))
        best_ours = min(_timed(ours) for _ in range(3))
        na = sum(1 for _ in iter_lines(a.read_bytes()))
        nb = sum(1 for _ in iter_lines(b.read_bytes()))
        n = na + nb
        print(
            f"anomalies {na:,} vs {nb:,} lines: {best_ours:.2f} s = "
            f"{best_ours / best_floor:.2f}x the floor (read both + one regex per line: "
            f"{best_floor:.2f} s; goal <= 4x); {n / best_ours:,.0f} lines/s "
            f"(logreduce ~1,300 lines/s: {n / best_ours / 1300:,.0f}x)"
        )


def _timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bench_quality() -> None:
    from vstui.fake.ci_logs import RunIndex
    from vstui.fake.scenarios import load_scenario
    from vstui.fake.store import GerritStore

    store = GerritStore(clock=lambda: 1.7e9)
    load_scenario(store, "seed", seed=0)
    runs = list(RunIndex(store).runs().values())
    passing: dict[tuple[str, str], Run] = {}
    for r in runs:
        if not r.failed and not r.running and not r.big:
            passing.setdefault((r.ci, r.job), r)
    failing = [r for r in runs if r.failed and not r.running]
    big_budget = 2
    culprits_ok = top10_ok = with_base = total = 0
    prec: list[float] = []
    rec: list[float] = []
    skipped_big = 0
    for r in failing:
        if r.big:
            if big_budget == 0:
                skipped_big += 1
                continue
            big_budget -= 1
        p = plan(r)
        target = split_lines(b"".join(p.iter_bytes()))
        base_run = passing.get((r.ci, r.job))
        baseline = split_lines(b"".join(plan(base_run).iter_bytes())) if base_run else None
        with_base += base_run is not None
        found = anomalies(target, baseline)
        added = set(p.added)
        top10 = [a for a in found[:10] if a.text.split(" | ", 2)[-1] in added]
        top20 = {a.text.split(" | ", 2)[-1] for a in found[:20]}
        culprits_ok += all(c in top20 for c in p.culprits)
        top10_ok += len(top10) >= 5
        prec.append(len(top10) / 10)
        hit = {a.text.split(" | ", 2)[-1] for a in found} & added
        rec.append(len(hit) / len(added))
        total += 1
    print(
        f"quality over {total} failing runs of seed 0 ({with_base} with a passing baseline of "
        f"the same job and CI, the rest error-shaped; {skipped_big} more 60 MB runs skipped "
        f"for time): culprits all in top 20: {culprits_ok}/{total}; >= 5 of top 10 added: "
        f"{top10_ok}/{total}; precision@10 {sum(prec) / total:.2f}, recall "
        f"{sum(rec) / total:.2f}"
    )


def main() -> int:
    print(
        f"(machine: {os.cpu_count()} cores shared with other agents; load {os.getloadavg()[0]:.1f})"
    )
    bench_viewer_and_search()
    bench_anomalies()
    bench_quality()
    return 0


if __name__ == "__main__":
    sys.exit(main())
