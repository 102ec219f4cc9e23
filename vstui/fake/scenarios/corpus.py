"""The seed world as a labelled CI-comment corpus (the ci-comments README record layout).

Every change message of a seed world, with the truth it was generated to carry: CI reports
get their generator's `expect`; other messages follow the README's rules for notices
(a bot account's notice is a bot with no overall, a human's text is human even when Gerrit
wrote it). Useful to check a parser against the emulator's conventions:

    python -m vstui.fake.scenarios.corpus --seed 0 > seed-corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from vstui.fake.ci_styles import votes_in_first_line
from vstui.fake.render_rest import timestamp
from vstui.fake.scenarios import seed as seed_world
from vstui.fake.store import GerritStore

ANCHOR = 1_700_000_000.0  # a fixed clock: the corpus is the same on every run


def seed_corpus(seed: int = 0) -> list[dict[str, Any]]:
    store = GerritStore(clock=lambda: ANCHOR)
    world = seed_world.build(store, seed)
    truth = {id(msg): rep for msg, rep in world.labelled}
    records = []
    for change in store.changes():
        for msg in change.messages:
            if msg.author is None:
                continue
            rep = truth.get(id(msg))
            if rep is not None:
                expect = rep.expect(msg.message)
                fmt = rep.family or ("human" if not rep.is_bot else "gerrit-notice")
            else:
                bot = msg.author.is_service_user
                expect = {
                    "is_bot": bot,
                    "ci_name": msg.author.name if bot else None,
                    "overall": None,
                    "vote": votes_in_first_line(msg.message),
                    "jobs": [],
                }
                fmt = "gerrit-notice" if bot else "human"
            records.append(
                {
                    "id": msg.id[:12],
                    "source": "vstui-fake-seed",
                    "format": fmt,
                    "provenance": "synthesized",
                    "origin": f"vstui fake-gerrit seed {seed}, {change.project} change {change.number}",
                    "author": {"name": msg.author.name, "username": msg.author.username},
                    "tag": msg.tag,
                    "date": timestamp(msg.date),
                    "_revision_number": msg.revision_number,
                    "message": msg.message,
                    "expect": expect,
                }
            )
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for record in seed_corpus(args.seed):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
