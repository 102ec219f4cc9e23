"""Family `gerritforge-ci`: every labelled message of the families corpus parses to its label.

Sources: see each record's `source` in tests/fixtures/ci-comments/families.jsonl.
"""

from __future__ import annotations

import pytest

from tests.ci.families._corpus import check, ids, load

ROWS = load("gerritforge-ci")


@pytest.mark.parametrize("record", ROWS, ids=ids(ROWS))
def test_labelled_messages(record):
    check(record)
