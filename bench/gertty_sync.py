"""Gertty's full sync of the seed world against the emulator, beside vstui's first load.

The emulator runs as its own process (`vstui fake-gerrit --scenario seed`). In the same run:

- Gertty 1.6.0 (unchanged, its own sync tasks run headless by tests/fake/_gertty_sync.py),
  subscribed to every project: wall time of the subscribed-project sync (REST queries, one
  change fetch with all revisions/messages/labels per change, a git fetch per change, its
  SQLite writes). Compass: Gertty's published 0.13-0.23 s per change against real servers.
- vstui's first load of the same changes: `GerritRestClient.get_change` (messages, current
  revision, detailed accounts and labels) + verify-status rows per change, all gathered.
- `git clone` of the largest project (most patch-set refs) of the seed world and of
  `large:1000` (the first clone includes writing the repository; the second is warm).

Skips (exit 0 with a note) when gertty or git is missing.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from vstui.gerrit.connect import ServerConnection  # noqa: E402

HARNESS = HERE.parent / "tests" / "fake" / "_gertty_sync.py"
OPTIONS = ("MESSAGES", "CURRENT_REVISION", "DETAILED_ACCOUNTS", "DETAILED_LABELS")


def start_emulator(tmp: Path, scenario: str) -> tuple[subprocess.Popen[bytes], dict]:
    info_path = tmp / f"info-{scenario.replace(':', '-')}.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "vstui", "fake-gerrit", "--scenario", scenario,
         "--info-file", str(info_path), "--state-dir", str(tmp / "state")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not info_path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise SystemExit(f"emulator did not start: {err[-500:]}")
        time.sleep(0.1)
    return proc, json.loads(info_path.read_text())


def gertty_sync(tmp: Path, info: dict, projects: list[str]) -> dict:
    user = info["default_account"]
    account = next(a for a in info["accounts"] if a["username"] == user)
    home = tmp / "gertty"
    home.mkdir()
    cfg = home / "gertty.yaml"
    cfg.write_text(
        "servers:\n  - name: fake\n"
        f"    url: {info['http']['url']}\n    username: {user}\n"
        f"    password: {account['http_password']}\n    git-root: {home}/git\n"
        f"    dburi: sqlite:///{home}/gertty.db\n    log-file: {home}/gertty.log\n"
        f"    lock-file: {home}/gertty.lock\n    socket: {home}/gertty.sock\n"
        "    auth-type: basic\n"
    )
    cfg.chmod(0o600)
    env = dict(os.environ, HOME=str(home), GIT_TERMINAL_PROMPT="0")
    done = subprocess.run(
        [sys.executable, "-W", "ignore", str(HARNESS), str(cfg), "fake", ",".join(projects)],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"gertty sync failed: {done.stderr[-1000:]}")
    return json.loads(done.stdout)


async def vstui_first_load(conn: ServerConnection, refs: list[str]) -> float:
    async with conn.rest_client(max_concurrency=8) as rest:
        start = time.perf_counter()

        async def one(ref: str) -> None:
            await asyncio.gather(
                rest.get_change(ref, options=OPTIONS), rest.get_verifications(ref, "current")
            )

        await asyncio.gather(*(one(r) for r in refs))
        return time.perf_counter() - start


def clone_times(tmp: Path, info: dict, project: str) -> tuple[float, float]:
    url = info["http"]["url"] + project
    times = []
    for i in range(2):
        target = tmp / f"clone-{i}"
        start = time.perf_counter()
        subprocess.run(["git", "clone", "-q", url, str(target)], check=True, timeout=600)
        times.append(time.perf_counter() - start)
        shutil.rmtree(target)
    return times[0], times[1]


def main() -> int:
    try:
        import gertty  # noqa: F401
    except ImportError:
        print("skipped: gertty is not installed (pip install -e '.[test]')")
        return 0
    if shutil.which("git") is None:
        print("skipped: git is not installed")
        return 0
    print("(machine shared with other jobs: figures are indicative)")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        proc, info = start_emulator(tmp, "seed")
        try:
            conn = ServerConnection.from_info(info, state_dir=tmp)
            projects = sorted(
                p
                for p in json.loads(_get(info, "projects/")[5:])  # )]}' prefix
            )
            db = gertty_sync(tmp, info, projects)
            synced = [(proj, n) for n, _status, _subject, proj in db["changes"]]
            refs = [f"{proj}~{n}" for proj, n in synced]
            asyncio.run(vstui_first_load(conn, refs[:10]))  # warm up
            ours = min(asyncio.run(vstui_first_load(conn, refs)) for _ in range(3))
            gertty_s = db["seconds"]
            n = len(synced)
            print(f"seed world: Gertty synced {n} changes ({len(db['revisions'])} revisions,"
                  f" {len(db['messages'])} messages) of {len(projects)} projects")  # fmt: skip
            print(f"  Gertty full sync:      {gertty_s:7.2f} s  = {gertty_s / n:.3f} s/change"
                  "  (compass: Gertty's published 0.13-0.23 s/change)")  # fmt: skip
            print(f"  vstui first load:      {ours:7.2f} s  = {ours / n:.4f} s/change"
                  f"  (same changes, same run)")  # fmt: skip
            print(f"  ratio Gertty / vstui:  {gertty_s / ours:7.1f}x per change")
            largest = Counter(proj for proj, _n in synced).most_common(1)[0][0]
            cold, warm = clone_times(tmp, info, largest)
            print(f"  git clone {largest}: {cold:.2f} s first, {warm:.2f} s warm")
        finally:
            proc.terminate()
            proc.wait(10)
        proc, info = start_emulator(tmp, "large:1000")
        try:
            rows = []
            for project in json.loads(_get(info, "projects/")[5:]):
                cold, warm = clone_times(tmp, info, project)
                refs = subprocess.run(
                    ["git", "ls-remote", info["http"]["url"] + project],
                    capture_output=True, text=True, check=True, timeout=120,
                ).stdout.count("refs/changes/")  # fmt: skip
                rows.append((refs, cold, warm, project))
            refs, cold, warm, largest = max(rows)
            print(f"large:1000: git clone of the largest project {largest} ({refs} change refs):"
                  f" {cold:.2f} s first (writes the repository), {warm:.2f} s warm")  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(10)
    return 0


def _get(info: dict, path: str) -> str:
    import urllib.request

    with urllib.request.urlopen(info["http"]["url"] + path, timeout=60) as resp:
        return resp.read().decode()


if __name__ == "__main__":
    sys.exit(main())
