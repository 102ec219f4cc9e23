"""Emulator stream fan-out over real SSH: events/s to 1 and to 100 subscribers.

The emulator runs in this process; the subscribers run in a separate process (so their
decryption does not share this process's GIL), each on its own SSH connection, counting
the lines they receive. Events come from the store's ordinary mutation path
(`post_review`: a comment-added of ~1.5 KB plus its meta ref-updated) with flow control so
that no session's 128-event queue overflows; any `dropped-output` would be reported.

Peer, measured in the same run: the same bytes written by a bare command on the same
paramiko server (no store, no per-session queue), i.e. what the SSH transport alone allows.

    .venv/bin/python bench/fake_stream.py [--events N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


# -- subscriber process ---------------------------------------------------------------


def run_clients(port: int, key_path: str, user: str, subs: int, total: int, command: str) -> None:
    """Open `subs` sessions, print READY, read `total` lines on each, print a JSON result."""
    import logging
    from concurrent.futures import ThreadPoolExecutor

    import paramiko

    logging.getLogger("paramiko").setLevel(logging.CRITICAL)  # resets at close are expected
    key = paramiko.Ed25519Key(filename=key_path)

    def connect(_: int) -> tuple[paramiko.Transport, paramiko.Channel]:
        t = paramiko.Transport(("127.0.0.1", port))
        t.start_client(timeout=30)
        t.auth_publickey(user, key)
        ch = t.open_session()
        ch.exec_command(command)
        return t, ch

    with ThreadPoolExecutor(8) as pool:
        conns = list(pool.map(connect, range(subs)))
    print("READY", flush=True)
    counts = [0] * subs
    drops = [0] * subs
    done_at = [0.0] * subs
    first = [0.0] * subs

    def read(i: int, ch: paramiko.Channel) -> None:
        ch.settimeout(60)
        tail = b""
        while counts[i] < total:
            data = ch.recv(1 << 20)
            if not data:
                break
            if not first[i]:
                first[i] = time.perf_counter()
            data = tail + data
            lines = data.split(b"\n")
            tail = lines.pop()
            for line in lines:
                if line.startswith(b'{"type":"dropped-output"'):
                    drops[i] += 1
                else:
                    counts[i] += 1
        done_at[i] = time.perf_counter()

    threads = [threading.Thread(target=read, args=(i, c)) for i, (_t, c) in enumerate(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for t, _c in conns:
        t.close()
    print(
        json.dumps(
            {
                "received": sum(counts),
                "drops": sum(drops),
                "first": min(x for x in first if x) if any(first) else 0.0,
                "last": max(done_at),
            }
        ),
        flush=True,
    )


def start_clients(port: int, key: str, user: str, subs: int, total: int, command: str):
    proc = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--client",
            str(port),
            key,
            user,
            str(subs),
            str(total),
            command,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "READY":
        proc.kill()
        raise SystemExit(f"subscriber process failed to start: {line!r}")
    return proc


def finish_clients(proc: subprocess.Popen[str]) -> dict[str, float]:
    assert proc.stdout is not None
    out = proc.stdout.readline()
    proc.wait(timeout=60)
    return json.loads(out)


# -- emulator side ----------------------------------------------------------------------


def bench_emulator(subs: int, events: int, state_dir: str) -> dict[str, float]:
    from vstui.fake import FakeGerrit

    with FakeGerrit(scenario="empty", state_dir=state_dir) as fg:
        s = fg.store
        user = fg.info["default_account"]
        key = str(fg.key_path(user))
        owner = s.account(user)
        change = s.create_change("sandbox", owner, "Stream benchmark")
        reviews = events // 2  # each review emits 2 events
        total = reviews * 2
        proc = start_clients(fg.ssh_port, key, user, subs, total, "gerrit stream-events")
        deadline = time.monotonic() + 30
        while fg.stream_session_count < subs and time.monotonic() < deadline:
            time.sleep(0.01)
        sizes = []
        t0 = time.perf_counter()
        for i in range(reviews):
            # flow control: keep every session's queue well under Gerrit's 128 limit
            while fg.hub.max_backlog() > 96:
                time.sleep(0.0005)
            s.post_review(change, "current", owner, message=f"benchmark comment {i}")
            if i < 4:
                sizes += [len(e.line) + 1 for e in s.events()[-2:]]
        emitted = time.perf_counter() - t0
        result = finish_clients(proc)
        elapsed = result["last"] - t0 if result["last"] else float("nan")
        return {
            "subscribers": subs,
            "events": total,
            "received": result["received"],
            "drops": result["drops"],
            "seconds": elapsed,
            "emit_seconds": emitted,
            "events_per_s": total / elapsed,
            "deliveries_per_s": result["received"] / elapsed,
            "mb_per_s": result["received"] * (sum(sizes) / len(sizes)) / elapsed / 1e6,
            "avg_line": sum(sizes) / len(sizes),
        }


def bench_peer(subs: int, events: int, line_size: int, state_dir: str) -> dict[str, float]:
    """The same number of bytes through the same paramiko server, written in 32-line batches."""
    from vstui.fake.keys import load_or_create_ed25519
    from vstui.fake.ssh_server import SshServer

    host_key = load_or_create_ed25519(Path(state_dir) / "host_ed25519_key")
    user_key = load_or_create_ed25519(Path(state_dir) / "bench-peer-user")
    line = (b"x" * (line_size - 1)) + b"\n"
    batch = line * 32
    go = threading.Event()

    def run(req) -> int:
        go.wait(60)
        sent = 0
        while sent < events:
            n = min(32, events - sent)
            req.channel.sendall(batch if n == 32 else line * n)
            sent += n
        return 0

    server = SshServer(
        "127.0.0.1",
        0,
        host_key,
        lambda u, k: k.get_base64() == user_key.get_base64(),
        run,
    )
    server.start()
    try:
        proc = start_clients(
            server.port,
            str(Path(state_dir) / "bench-peer-user"),
            "peer",
            subs,
            events,
            "blast",
        )
        t0 = time.perf_counter()  # CLOCK_MONOTONIC: comparable with the client process
        go.set()
        result = finish_clients(proc)
    finally:
        server.stop()
    elapsed = result["last"] - t0
    return {
        "events_per_s": events / elapsed,
        "deliveries_per_s": result["received"] / elapsed,
        "seconds": elapsed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=4000, help="events per run (default 4000)")
    parser.add_argument("--quick", action="store_true", help="small run (smoke test)")
    args = parser.parse_args()
    events = 400 if args.quick else args.events
    with tempfile.TemporaryDirectory() as state:
        print(
            f"stream fan-out over real SSH ({events} events per run, subscribers in a separate process)"
        )
        for subs in (1, 100):
            n = events if subs == 1 else max(200, events // 4)
            r = bench_emulator(subs, n, state)
            peer = bench_peer(subs, r["events"], int(r["avg_line"]), state)
            print(
                f"  {subs:>3} subscriber(s): {r['events_per_s']:>9,.0f} events/s "
                f"({r['deliveries_per_s']:>10,.0f} deliveries/s, {r['mb_per_s']:.1f} MB/s, "
                f"{r['received']}/{r['events'] * subs} received, {r['drops']} dropped-output)"
            )
            print(
                f"      peer (bare paramiko channel, same bytes): {peer['events_per_s']:>9,.0f} "
                f"events/s -> emulator at {r['events_per_s'] / peer['events_per_s']:.0%} of it"
            )
            print(
                f"      store emission alone took {r['emit_seconds']:.2f}s of {r['seconds']:.2f}s"
            )
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        _, _, port, key, user, subs, total, command = sys.argv
        run_clients(int(port), key, user, int(subs), int(total), command)
        sys.exit(0)
    sys.exit(main())
