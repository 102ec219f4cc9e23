"""Family `go-trybots`: every labelled message of the families corpus parses to its label.

Sources: see each record's `source` in tests/fixtures/ci-comments/families.jsonl.
"""

from __future__ import annotations

import pytest

from tests.ci.families._corpus import check, ids, load, parse

ROWS = load("go-trybots")


@pytest.mark.parametrize("record", ROWS, ids=ids(ROWS))
def test_labelled_messages(record):
    check(record)


def test_gobot_is_a_bot_by_the_known_accounts_list_and_a_human_rule_overrides_it():
    from vstui.ci.classify import BotRules
    from vstui.ci.parse import parse_record

    rec = {"author": {"name": "Gobot Gobot"}, "message": "Patch Set 1:\n\nTryBots are happy."}
    r = parse_record(rec)
    assert (r.is_bot, r.reason, r.overall) == (True, "known-bot", "SUCCESS")
    human = parse_record(rec, BotRules.from_config(human_names=["Gobot Gobot"]))
    assert human.is_bot is False


def test_failed_on_line_without_a_url_is_not_a_job():
    r = parse(
        "Patch Set 1: TryBot-Result-1\n\n1 of 2 TryBots failed:\nFailed on linux-386: \n",
        "Gopher Robot",
    )
    assert (r.overall, r.jobs) == ("FAILURE", ())
