"""The one parser of the votes on a review message's first line.

Gerrit writes `Patch Set 3: Code-Review+2 Workflow+1 -Verified` (a `-Label` token removes a
vote) and, on uploads, `Uploaded patch set 2: Verified+1.`. The CI parser (`vstui.ci`) reads
the votes a bot cast; the Discussion pane (`vstui.core.present`) splits a human's first line
into votes and words. Both read tokens here, so they can't disagree on what a vote is. A light
module (one small regex each) so the list's start-up path can import it without `vstui.ci`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["PATCH_SET_LINE", "parse_vote_words", "parse_votes"]

_LABEL_VOTE = re.compile(r"([A-Za-z][\w-]{0,80}?)([+-]\d{1,4})\Z")
_LABEL_REMOVED = re.compile(r"-([A-Za-z][\w-]{0,80})\Z")
_UPLOADED = re.compile(r"Uploaded patch set \d+:[ \t]*([^\n]*?)\.?[ \t]*\Z")
# "Patch Set 2: Code-Review+1" as the first line of a message: (patch set, rest of the line).
PATCH_SET_LINE = re.compile(r"^Patch Set (\d+):[ \t]*([^\n]*)(?:\n|$)")


def vote_of(token: str) -> tuple[str, int] | None:
    """`Code-Review+2` -> ("Code-Review", 2); `-Verified` (removed) -> ("Verified", 0)."""
    m = _LABEL_VOTE.match(token)
    if m:
        return m.group(1), int(m.group(2))
    m = _LABEL_REMOVED.match(token)
    if m:
        return m.group(1), 0
    return None


def parse_vote_words(words: Sequence[str]) -> list[tuple[str, int] | None]:
    """Each word of a first line after `Patch Set N:` as a vote, or None for other words."""
    return [vote_of(word) for word in words]


def parse_votes(first_line: str) -> tuple[tuple[str, int], ...]:
    """Votes from Gerrit's first line: `Patch Set 3: Code-Review+2 Workflow+1 -Verified`.

    Pre-2.8 texts (`Patch Set 4: Doesn't seem to work`) and anything that is not entirely
    label tokens give no votes.
    """
    if first_line.startswith("Patch Set "):
        colon = first_line.find(":")
        if colon < 0 or colon >= len(first_line.rstrip()) - 1:
            return ()  # "Patch Set 3:" (no votes) is the common case
        rest = first_line[colon + 1 :]
    elif first_line.startswith("Uploaded patch set "):
        m = _UPLOADED.match(first_line)
        if not m:
            return ()
        rest = m.group(1)
    else:
        return ()
    tokens = rest.split()
    if not tokens or len(tokens) > 50:
        return ()
    votes: list[tuple[str, int]] = []
    for token in tokens:
        vote = vote_of(token)
        if vote is None:
            return ()
        votes.append(vote)
    return tuple(votes)
