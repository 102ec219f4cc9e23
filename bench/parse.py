"""Parser throughput: messages/s over 100k records built from the dev set's mix.

Prints, measured in the same run on one core:
  floor     bare `json.loads` of the 100k JSON lines (the cost of just reading them)
  parse     `parse_record` (classify + parse) on the already-decoded records
  pipeline  `json.loads` + `parse_record` + `as_dict`, i.e. `vstui parse`'s per-record work
and the ratios pipeline/floor and parse/floor, all as process CPU time: the median of
--repeat runs (the best run in brackets). The three are interleaved run by run, so load from
other processes on a shared machine falls on all of them alike.
Goal: parse >= 50,000 messages/s (median).

The records cycle through the dev corpus (67 messages: 50 bot reports of 14 formats, 17 human
comments) with fresh ids; nothing is cached between records, so repeating the same texts does
not flatter the figures. Run: `.venv/bin/python bench/parse.py [--records N] [--repeat R]`.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vstui.ci.parse import parse_record  # noqa: E402

INPUT_KEYS = ("id", "author", "tag", "date", "_revision_number", "message")
DEV_CANDIDATES = (ROOT / "tests" / "fixtures" / "ci-comments" / "dev.jsonl",)


def load_mix() -> tuple[list[dict], str]:
    for path in DEV_CANDIDATES:
        if path.is_file():
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            return [{k: r[k] for k in INPUT_KEYS if k in r} for r in rows if r], str(path)
    from tests.ci.generalization_cases import records

    rows = records()
    return [{k: r[k] for k in INPUT_KEYS if k in r} for r in rows], "tests/ci/generalization_cases"


def cpu_times(repeat: int, fns: list) -> list[list[float]]:
    """CPU times of this process for each of `fns`, `repeat` rounds, interleaved.

    CPU time, not wall time: the machine is shared, and other processes' load would
    otherwise decide the figures. The code is single-threaded, so this is one core.
    """
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            gc.collect()
            t = time.process_time()
            fn()
            times[i].append(time.process_time() - t)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement (median kept)")
    args = ap.parse_args()

    mix, source = load_mix()
    lines = []
    for i in range(args.records):
        rec = dict(mix[i % len(mix)])
        rec["id"] = f"{i:012x}"
        lines.append(json.dumps(rec, ensure_ascii=False))
    decoded = [json.loads(line) for line in lines]
    total_chars = sum(len(d["message"]) for d in decoded)

    def floor() -> None:
        loads = json.loads
        for line in lines:
            loads(line)

    def parse_only() -> None:
        for i, rec in enumerate(decoded):
            parse_record(rec, order=i)

    def pipeline() -> None:
        loads = json.loads
        for i, line in enumerate(lines):
            parse_record(loads(line), order=i).as_dict()

    n = len(lines)
    runs = cpu_times(args.repeat, [floor, parse_only, pipeline])
    t_floor, t_parse, t_pipe = (statistics.median(r) for r in runs)
    b_floor, b_parse, b_pipe = (min(r) for r in runs)

    print(f"records: {n:,} from {source} ({len(mix)} distinct, {total_chars / n:,.0f} chars avg)")
    print(f"CPU time, median of {args.repeat} interleaved runs [best run]")
    for label, t, b in (
        ("floor    json.loads                  ", t_floor, b_floor),
        ("parse    parse_record                ", t_parse, b_parse),
        ("pipeline json.loads+parse_record+dict", t_pipe, b_pipe),
    ):
        print(f"{label} {n / t:>10,.0f} msg/s  ({t:.3f} s) [{n / b:,.0f}]")
    print(f"ratio    pipeline/floor time            {t_pipe / t_floor:>10.1f}x")
    print(f"ratio    parse/floor time               {t_parse / t_floor:>10.1f}x")
    goal = 50_000
    verdict = "meets" if n / t_parse >= goal else "MISSES"
    print(f"goal     parse >= {goal:,} msg/s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
