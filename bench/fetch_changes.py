"""Fetch 1,000 changes with their messages and verify-status rows.

The emulator runs as its own process (`vstui fake-gerrit --scenario large:1000`), so client
and server do not share a GIL. Timed in the same run, against the same URLs:

- vstui: `GerritRestClient` (pooled, concurrency-limited, retrying, decoding every answer into
  `Change` / `Verification` models): `get_change(o=MESSAGES...)` + `get_verifications` per
  change, all gathered;
- floor: bare `httpx.AsyncClient` GETs (same pool size) of the same 2,000 URLs, all
  gathered, bodies read but not parsed.

Goal: <= 2x the floor.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from vstui.gerrit.connect import ServerConnection
from vstui.gerrit.httpcommon import change_path

CHANGES = 1000
OPTIONS = ("MESSAGES", "CURRENT_REVISION", "DETAILED_ACCOUNTS")


def start_emulator(tmp: Path) -> tuple[subprocess.Popen, dict]:
    info_path = tmp / "info.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vstui",
            "fake-gerrit",
            "--scenario",
            f"large:{CHANGES}",
            "--info-file",
            str(info_path),
            "--state-dir",
            str(tmp / "state"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while not info_path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"emulator did not start: {proc.stderr.read().decode()[-500:]}")
        time.sleep(0.1)
    return proc, json.loads(info_path.read_text())


async def numbers(conn: ServerConnection) -> list[tuple[str, int]]:
    async with conn.rest_client() as rest:
        changes = await rest.query_changes(
            "status:open OR status:merged OR status:abandoned", page_size=500, limit=CHANGES
        )
    return [(c.project, c.number) for c in changes]


async def with_vstui(conn: ServerConnection, ids: list[tuple[str, int]]) -> tuple[float, int]:
    async with conn.rest_client(max_concurrency=8) as rest:
        start = time.perf_counter()

        async def one(project: str, number: int) -> int:
            ref = f"{project}~{number}"
            change, jobs = await asyncio.gather(
                rest.get_change(ref, options=OPTIONS), rest.get_verifications(ref, "current")
            )
            return len(change.messages) + len(jobs)

        counts = await asyncio.gather(*(one(p, n) for p, n in ids))
        return time.perf_counter() - start, sum(counts)


async def with_bare_httpx(conn: ServerConnection, ids: list[tuple[str, int]]) -> float:
    creds = conn.credentials
    base = conn.rest_url + "a/"
    urls = []
    for project, number in ids:
        ref = change_path(f"{project}~{number}")
        urls.append(f"{base}changes/{ref}?" + "&".join(f"o={o}" for o in OPTIONS))
        urls.append(f"{base}changes/{ref}/revisions/current/verify-status~verifications")
    # Same pool size as vstui's client: the emulator (a threaded stdlib server) answers
    # slower, not faster, with 100 connections at once.
    async with httpx.AsyncClient(
        auth=httpx.BasicAuth(creds.username, creds.password),
        timeout=120,
        limits=httpx.Limits(max_connections=8),
    ) as client:
        # An explicit limiter keeps httpcore's pool from scanning 2,000 queued waiters on
        # every release (without it this floor takes ~4x longer).
        limit = asyncio.Semaphore(8)
        start = time.perf_counter()

        async def get(url: str) -> int:
            async with limit:
                response = await client.get(url)
            response.raise_for_status()
            return len(response.content)

        await asyncio.gather(*(get(u) for u in urls))
        return time.perf_counter() - start


async def run(conn: ServerConnection) -> None:
    ids = await numbers(conn)
    print(f"{len(ids)} changes, {2 * len(ids)} GETs (change with messages + verify-status)")
    await with_bare_httpx(conn, ids[:50])  # warm up both paths
    await with_vstui(conn, ids[:50])
    ours, items = min([await with_vstui(conn, ids) for _ in range(2)])
    floor = min([await with_bare_httpx(conn, ids) for _ in range(2)])
    print(f"  vstui GerritRestClient:   {ours:6.2f} s  ({items} messages + verifications decoded)")
    print(f"  bare concurrent httpx:    {floor:6.2f} s")
    print(
        f"  ratio: {ours / floor:.2f}x the floor; goal <= 2x: "
        f"{'met' if ours / floor <= 2 else 'MISSED'}"
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        proc, info = start_emulator(Path(tmp))
        try:
            conn = ServerConnection.from_info(info, state_dir=tmp)
            asyncio.run(run(conn))
        finally:
            proc.terminate()
            proc.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
