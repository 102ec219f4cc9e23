"""The families corpus (`tests/fixtures/ci-comments/families.jsonl`): load it, check a record.

Each record is a real or source-derived bot/human message from a public Gerrit server beyond
the dev corpus, labelled per `tests/fixtures/ci-comments/README.md`, with its `source`.
"""

from __future__ import annotations

import json
from typing import Any

from tests.fixtures import FIXTURES
from vstui.ci.parse import parse_record

FAMILIES = FIXTURES / "ci-comments" / "families.jsonl"
INPUT_KEYS = ("id", "author", "tag", "date", "_revision_number", "message")


def load(fmt: str | None = None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in FAMILIES.read_text(encoding="utf-8").splitlines() if line]
    return [r for r in rows if fmt is None or r["format"] == fmt]


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [f"{r['format']}-{r['id']}" for r in rows]


def check(record: dict[str, Any]) -> None:
    """The parser's answer equals the record's label (jobs in any order)."""
    got = parse_record({k: record[k] for k in INPUT_KEYS if k in record}).as_dict()
    want = record["expect"]
    assert got["is_bot"] == want["is_bot"]
    assert got["ci_name"] == want["ci_name"]
    assert got["overall"] == want["overall"]
    assert got["vote"] == want["vote"]
    key = lambda j: json.dumps(j, sort_keys=True)  # noqa: E731
    assert sorted(map(key, got["jobs"])) == sorted(map(key, want["jobs"]))


def parse(message: str, name: str, username: str | None = None, tag: str | None = None) -> Any:
    return parse_record(
        {"author": {"name": name, "username": username}, "tag": tag, "message": message}
    )
