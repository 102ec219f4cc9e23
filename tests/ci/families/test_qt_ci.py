"""Family `qt-ci`: every labelled message of the families corpus parses to its label.

Sources: see each record's `source` in tests/fixtures/ci-comments/families.jsonl.
"""

from __future__ import annotations

import pytest

from tests.ci.families._corpus import check, ids, load, parse

ROWS = load("qt-ci")


@pytest.mark.parametrize("record", ROWS, ids=ids(ROWS))
def test_labelled_messages(record):
    check(record)


def test_tested_changes_links_are_not_jobs():
    r = parse(
        "Patch Set 2:\n\nContinuous Integration: Failed\n\nDetails: https://testresults.qt.io/coin/"
        "integration/qt/qtbase/tasks/1\n\nTested changes (refs/builds/qtci/dev/2):\n"
        "  https://codereview.qt-project.org/c/qt/qtbase/+/3/1 Fix a thing\n",
        "Qt CI Bot",
        "qt_ci_bot",
    )
    assert r.overall == "FAILURE"
    assert [(j.name, j.url, j.result) for j in r.jobs] == [
        (
            "Continuous Integration",
            "https://testresults.qt.io/coin/integration/qt/qtbase/tasks/1",
            "FAILED",
        )
    ]


def test_state_word_must_follow_the_state_name():
    r = parse("Patch Set 1:\n\nContinuous Integration is great, it passed\n", "Qt CI Bot")
    assert r.jobs == ()
