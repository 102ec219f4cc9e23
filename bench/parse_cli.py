"""`vstui parse` end to end: the CLI as a subprocess, JSON Lines from a file, vs. a floor.

Prints, measured in the same run:
  floor     in-process `json.loads` + `json.dumps` of the same records (CPU time): the cost of
            just reading and writing them, no parsing
  in-proc   in-process `json.loads` + `parse_record` + `json.dumps`: the same work without the
            CLI (what the CLI's own overhead is measured against)
  cli -j1   `vstui parse < file > /dev/null` (one process): child CPU time (user+sys) and wall time
  cli -jN   the same with `--jobs N`: wall time, and the speed-up over -j1
  split     for --jobs N: CPU of the CLI process itself (reading, dispatching, writing: the
            serial part) and of its workers, and the speed-up that implies on N free cores
            (a projection from CPU accounting, for when the cores are busy with other jobs)
  RSS       the CLI's peak RSS for a small and a big input (flat means streaming)
Goals: -j1 >= 50,000 records/s of CPU time end to end (startup included); -jN roughly N times
-j1 in wall time (only up to the cores that are free: this machine has 2, shared with other
jobs); RSS flat in the input size.

Run: `.venv/bin/python bench/parse_cli.py [--records N] [--jobs 2,4] [--repeat R]`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from parse import load_mix  # noqa: E402  (bench/parse.py: the dev set's mix)

VSTUI = [sys.executable, "-m", "vstui"]


def write_corpus(path: Path, n: int, mix: list[dict]) -> list[str]:
    lines = []
    for i in range(n):
        rec = dict(mix[i % len(mix)])
        rec["id"] = f"{i:012x}"
        lines.append(json.dumps(rec, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


# Started from a small helper process: a child forked from this (big) process would count
# this process's memory in its own peak RSS.
_HELPER = """
import json, os, subprocess, sys, time
corpus, args = sys.argv[1], sys.argv[2:]
with open(corpus, "rb") as stdin, open(os.devnull, "wb") as stdout:
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdin=stdin, stdout=stdout)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
print(json.dumps([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
                  os.waitstatus_to_exitcode(status)]))
"""


# The CLI in a process of its own that reports its own CPU (the serial part: reading,
# dispatching, writing) apart from its workers' (the parsing).
_SPLIT = """
import json, resource, sys, time
from vstui.cli import main
sys.stdout = open("/dev/null", "w")
started = time.process_time()
main(["parse", *sys.argv[1:]])
own = time.process_time() - started
workers = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.__stdout__.write(json.dumps([own, workers.ru_utime + workers.ru_stime]))
"""


def cpu_split(corpus: Path, jobs: int) -> tuple[float, float]:
    """(CPU s of the CLI process itself, CPU s of its --jobs workers)."""
    with corpus.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-c", _SPLIT, "--jobs", str(jobs)],
            stdin=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
    own, workers = json.loads(done.stdout)
    return own, workers


def run_cli(corpus: Path, *args: str) -> tuple[float, float, int]:
    """(wall s, CPU s of the CLI and its workers, peak RSS kB) of one run."""
    done = subprocess.run(
        [sys.executable, "-c", _HELPER, str(corpus), *VSTUI, "parse", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu, rss, code = json.loads(done.stdout)
    if code not in (0, 1):
        raise SystemExit(f"vstui parse {' '.join(args)} exited {code}")
    return wall, cpu, rss


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--jobs", default="2,4", help="comma-separated --jobs values to try")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median kept)")
    args = ap.parse_args()
    jobs = [int(j) for j in args.jobs.split(",") if j.strip()]

    mix, source = load_mix()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "in.jsonl"
        lines = write_corpus(corpus, args.records, mix)
        small = Path(tmp) / "small.jsonl"
        write_corpus(small, max(1, args.records // 10), mix)
        n = len(lines)

        from vstui.ci.parse import parse_record

        floor_cpu: list[float] = []
        inproc_cpu: list[float] = []
        runs: dict[int, list[tuple[float, float, int]]] = {j: [] for j in [1, *jobs]}
        for _ in range(args.repeat):
            gc.collect()
            t = time.process_time()
            loads, dumps = json.loads, json.dumps
            for line in lines:
                dumps(loads(line), ensure_ascii=False)
            floor_cpu.append(time.process_time() - t)
            gc.collect()
            t = time.process_time()
            for i, line in enumerate(lines):
                dumps({"id": i, **parse_record(loads(line), order=i).as_dict()})
            inproc_cpu.append(time.process_time() - t)
            for j in runs:
                runs[j].append(run_cli(corpus, "--jobs", str(j)))
        rss_small = run_cli(small)[2]
        splits = {j: cpu_split(corpus, j) for j in jobs}
        rss_big = max(r[2] for r in runs[1])

    floor = statistics.median(floor_cpu)
    print(f"records: {n:,} from {source} (JSON Lines file in, output to /dev/null)")
    print(f"median of {args.repeat} interleaved runs; load avg now {os.getloadavg()[0]:.1f}")
    print(
        f"floor    json.loads+json.dumps in-process {n / floor:>10,.0f} rec/s CPU ({floor:.3f} s)"
    )
    inproc = statistics.median(inproc_cpu)
    print(
        f"in-proc  json.loads+parse_record+dumps     {n / inproc:>10,.0f} rec/s CPU ({inproc:.3f} s)"
    )
    wall1 = statistics.median(r[0] for r in runs[1])
    cpu1 = statistics.median(r[1] for r in runs[1])
    print(
        f"cli -j1  vstui parse (subprocess)          {n / cpu1:>10,.0f} rec/s CPU ({cpu1:.3f} s),"
        f" {n / wall1:,.0f} rec/s wall ({wall1:.3f} s)"
    )
    for j in jobs:
        wall = statistics.median(r[0] for r in runs[j])
        cpu = statistics.median(r[1] for r in runs[j])
        print(
            f"cli -j{j:<2} vstui parse --jobs {j:<2}              {n / wall:>10,.0f} rec/s wall "
            f"({wall:.3f} s, {cpu:.3f} s CPU), speed-up {wall1 / wall:.2f}x of ideal "
            f"{min(j, os.cpu_count() or 1)}x"
        )
    for j in jobs:
        own, workers = splits[j]
        # With N free cores the workers' share divides by N; the CLI's own (serial) part
        # overlaps with it and bounds the speed-up from above.
        projected = cpu1 / max(own, workers / j)
        print(
            f"split -j{j:<2} the CLI itself {own:.3f} s CPU, its workers {workers:.3f} s CPU: "
            f"projected speed-up on {j} free cores {projected:.2f}x (ceiling "
            f"{cpu1 / own:.1f}x)"
        )
    print(f"ratio    cli -j1 CPU / floor CPU        {cpu1 / floor:>10.1f}x")
    print(f"ratio    cli -j1 CPU / in-process CPU   {cpu1 / inproc:>10.2f}x")
    print(
        f"RSS      {n // 10:,} records {rss_small / 1024:.0f} MB, {n:,} records {rss_big / 1024:.0f} MB"
    )
    goal = 50_000
    verdict = "meets" if n / cpu1 >= goal else "MISSES"
    print(f"goal     cli -j1 >= {goal:,} rec/s (CPU, one core): {verdict}")
    flat = "meets" if rss_big - rss_small < 20 * 1024 else "MISSES"
    print(f"goal     RSS flat in input size (< 20 MB growth for 10x records): {flat}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
