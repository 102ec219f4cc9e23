"""Family `human`: every labelled message of the families corpus parses to its label.

Sources: see each record's `source` in tests/fixtures/ci-comments/families.jsonl.
"""

from __future__ import annotations

import pytest

from tests.ci.families._corpus import check, ids, load

ROWS = load("human")


@pytest.mark.parametrize("record", ROWS, ids=ids(ROWS))
def test_labelled_messages(record):
    check(record)


def test_humans_pasting_ci_lines_get_no_jobs():
    for r in ROWS:
        assert r["expect"]["jobs"] == []
