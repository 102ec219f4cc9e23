"""One parser of review-line votes (`vstui.votes`) for the CI parser and the Discussion pane."""

from __future__ import annotations

import pytest

from vstui.core.present import split_review_message
from vstui.votes import parse_votes


@pytest.mark.parametrize(
    ("line", "votes"),
    [
        ("Patch Set 3: Code-Review+2 Workflow+1 -Verified", "Code-Review+2 Workflow+1 -Verified"),
        ("Patch Set 1: Verified-1", "Verified-1"),
        # Five digits are no vote for the CI parser, so not for the Discussion pane either
        # (the pane's own pattern took any number before the parsers were one).
        ("Patch Set 1: Code-Review+12345", ""),
        ("Patch Set 4: Doesn't seem to work", ""),
    ],
)
def test_discussion_and_ci_parser_agree_on_votes(line, votes):
    _ps, shown, _body = split_review_message(line + "\n\nbody")
    assert shown == votes
    parsed = parse_votes(line)
    assert " ".join(w for w in line.split()[3:] if parsed) == votes


def test_words_that_are_not_votes_stay_in_the_body():
    assert split_review_message("Patch Set 1: Code-Review+1 (3 comments)\n\nLGTM") == (
        1,
        "Code-Review+1",
        "(3 comments)\n\nLGTM",
    )
