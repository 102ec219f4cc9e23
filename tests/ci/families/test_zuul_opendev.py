"""Family `zuul-opendev`: every labelled message of the families corpus parses to its label.

Sources: see each record's `source` in tests/fixtures/ci-comments/families.jsonl.
"""

from __future__ import annotations

import pytest

from tests.ci.families._corpus import check, ids, load, parse

ROWS = load("zuul-opendev")


@pytest.mark.parametrize("record", ROWS, ids=ids(ROWS))
def test_labelled_messages(record):
    check(record)


def test_warning_block_and_buildset_link_are_not_jobs():
    r = parse(
        "Patch Set 1: Verified-1\n\nBuild failed (check pipeline).\n\n"
        "https://zuul.opendev.org/t/openstack/buildset/abc\n\n"
        "- tox-py3 https://zuul.opendev.org/t/openstack/build/1 : TIMED_OUT in 1h 00m 00s\n"
        "\nWarning:\n  - tox-py3 : see https://example.org/x : FAILURE\n",
        "Zuul",
        "zuul",
    )
    assert [(j.name, j.result, j.duration_s) for j in r.jobs] == [("tox-py3", "TIMED_OUT", 3600)]
