"""Leave-one-family-out: how the generic fallback does on families it was not written for.

For each format family of the labelled corpora (the dev set and the families set), its own
parser is left out and only the fallback (`vstui.ci.fallback.parse_fallback`) reads its bot
messages; its jobs are matched against the labels with the scorer's rule (name, url, result
equal, duration within 1 s, voting equal). Reports job precision and recall per family and
over all, the overall-result accuracy where the fallback gave one, and the jobs it invents
on human messages (must be 0). Goal: job precision >= 0.95.

Run: `.venv/bin/python bench/fallback_lofo.py [--with-generalization]` (the second adds the
88 held-out-style messages of tests/ci/generalization_cases.py).
"""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vstui.ci.fallback import parse_fallback  # noqa: E402
from vstui.ci.parse import _split  # noqa: E402

CORPORA = [
    ROOT / "tests" / "fixtures" / "ci-comments" / "dev.jsonl",
    ROOT / "tests" / "fixtures" / "ci-comments" / "families.jsonl",
]


def _eq(g: dict, p: dict) -> bool:
    def dur(a, b):  # type: ignore[no-untyped-def]
        if a is None or b is None:
            return a is None and b is None
        return abs(a - b) <= 1

    return (
        g.get("name") == p.get("name")
        and g.get("url") == p.get("url")
        and str(g.get("result")).upper() == str(p.get("result")).upper()
        and dur(g.get("duration_s"), p.get("duration_s"))
        and bool(g.get("voting", True)) == bool(p.get("voting", True))
    )


def _records() -> list[dict]:
    rows = []
    for path in CORPORA:
        rows += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    if "--with-generalization" in sys.argv:
        from tests.ci.generalization_cases import records

        rows += records()
    return rows


def run() -> dict[str, dict[str, float]]:
    per = collections.defaultdict(collections.Counter)
    human_jobs = 0
    humans = 0
    for r in _records():
        if True:
            _, body = _split(r["message"])
            fb = parse_fallback(body)
            if not r["expect"]["is_bot"]:
                humans += 1
                human_jobs += len(fb.jobs)
                continue
            c = per[r["format"]]
            gold = list(r["expect"]["jobs"])
            pred = [j.as_dict() for j in fb.jobs]
            used: set[int] = set()
            for g in gold:
                for i, p in enumerate(pred):
                    if i not in used and _eq(g, p):
                        used.add(i)
                        break
            c["tp"] += len(used)
            c["pred"] += len(pred)
            c["gold"] += len(gold)
            c["bots"] += 1
            if fb.overall is not None:
                c["overall_given"] += 1
                c["overall_ok"] += fb.overall == r["expect"]["overall"]
            c["silent"] += not (fb.overall or fb.jobs or fb.links)
    total = collections.Counter()
    print(
        f"{'family':22} {'bots':>4} {'gold':>5} {'pred':>5} {'prec':>6} {'recall':>6} {'overall ok/given':>17} {'silent':>6}"
    )
    for fam in sorted(per):
        c = per[fam]
        total.update(c)
        prec = c["tp"] / c["pred"] if c["pred"] else 1.0
        rec = c["tp"] / c["gold"] if c["gold"] else 1.0
        print(
            f"{fam:22} {c['bots']:>4} {c['gold']:>5} {c['pred']:>5} {prec:>6.3f} {rec:>6.3f} "
            f"{c['overall_ok']:>8}/{c['overall_given']:<8} {c['silent']:>6}"
        )
    prec = total["tp"] / total["pred"] if total["pred"] else 1.0
    rec = total["tp"] / total["gold"] if total["gold"] else 1.0
    print(
        f"{'ALL':22} {total['bots']:>4} {total['gold']:>5} {total['pred']:>5} {prec:>6.3f} {rec:>6.3f} "
        f"{total['overall_ok']:>8}/{total['overall_given']:<8} {total['silent']:>6}"
    )
    print(f"human messages: {humans}, jobs invented on them: {human_jobs}")
    verdict = "meets" if prec >= 0.95 else "MISSES"
    print(f"goal     fallback job precision >= 0.95: {verdict}")
    return {"precision": prec, "recall": rec, "human_jobs": human_jobs}  # type: ignore[return-value]


if __name__ == "__main__":
    run()
