"""Family `libreoffice-jenkins`: every labelled message of the families corpus parses to its label.

Sources: see each record's `source` in tests/fixtures/ci-comments/families.jsonl.
"""

from __future__ import annotations

import pytest

from tests.ci.families._corpus import check, ids, load, parse

ROWS = load("libreoffice-jenkins")


@pytest.mark.parametrize("record", ROWS, ids=ids(ROWS))
def test_labelled_messages(record):
    check(record)


def test_build_queued_is_a_start_notice_whose_job_says_queued():
    r = parse(
        "Patch Set 1:\n\nBuild queued https://ci.libreoffice.org/job/gerrit_master/7/",
        "Jenkins",
        "jenkins",
    )
    assert r.overall == "STARTED"
    assert [(j.name, j.result, j.running) for j in r.jobs] == [("gerrit_master", "QUEUED", True)]
