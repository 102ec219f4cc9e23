"""Emulator CIs answer rechecks (any form, any account) after a configurable delay, and
the seed world's CI history has its documented health profiles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.fake._clients import Http, wait_until
from vstui.fake.recheck_responder import known_cis, targets
from vstui.fake.scenarios.ci_history import PROFILES, profile_report
from vstui.fake.store import GerritStore

CIS = known_cis()
HPE = CIS["hpe-storage-ci"]
TEGILE = CIS["tegile-ci"]
JENKINS = CIS["jenkins"]
REPORTED = [HPE, TEGILE, JENKINS]


def names(comment: str) -> list[str]:
    return [ci.name for ci in targets(comment, REPORTED)]


def test_recheck_forms_pick_their_cis() -> None:
    assert names("Patch Set 2:\n\nrecheck") == ["HPE Storage CI", "Tegile Storage CI", "Jenkins"]
    assert names("recheck bug 1631014") == ["HPE Storage CI", "Tegile Storage CI", "Jenkins"]
    assert names("reverify") == ["HPE Storage CI", "Tegile Storage CI", "Jenkins"]
    assert names("run-HPE Storage CI") == ["HPE Storage CI"]
    assert names("run tegile") == ["Tegile Storage CI"]  # Tegile's advertised command
    assert names("HPE Storage CI: recheck") == ["HPE Storage CI"]
    assert names("recheck tegile") == ["Tegile Storage CI"]
    # the TUI's pre-filled reason: the CI named first, then why
    assert names("recheck HPE Storage CI: failing on 9 of 12 other changes since Friday") == [
        "HPE Storage CI"
    ]
    assert names("recheck: unrelated volume attach timeout") == [
        "HPE Storage CI", "Tegile Storage CI", "Jenkins"
    ]  # fmt: skip


def test_comments_that_are_not_rechecks_trigger_nothing() -> None:
    assert names("Looks good, but please recheck the unit test") == []
    assert names("run-Unknown Vendor CI") == []  # names no CI on the change
    assert names("Patch Set 1: Code-Review+1") == []
    assert names("") == []


def test_profiles_are_deterministic_per_seed() -> None:
    import random

    a = [profile_report(p, random.Random(7), 1, 1).body for p in PROFILES]
    b = [profile_report(p, random.Random(7), 1, 1).body for p in PROFILES]
    assert a == b
    infra = next(p for p in PROFILES if p.kind == "infra")
    words = {
        j.result for i in range(60) for j in profile_report(infra, random.Random(i), 1, 1).jobs
    }
    assert words & {"NODE_FAILURE", "RETRY_LIMIT", "POST_FAILURE"}


def _messages_by(store: GerritStore, number: int, username: str, ps: int) -> int:
    change = store.change(number)
    assert change is not None
    return sum(
        1
        for m in change.messages
        if m.author is not None and m.author.username == username and m.revision_number == ps
    )


def test_the_users_recheck_over_rest_is_answered_after_the_delay(
    fake_gerrit_factory: Callable[..., Any],
) -> None:
    fg = fake_gerrit_factory(scenario="seed", recheck_delay=0.2)
    store: GerritStore = fg.store
    user = fg.info["default_account"]
    password = next(a for a in fg.info["accounts"] if a["username"] == user)["http_password"]
    before_hpe = _messages_by(store, 381272, "hpe-storage-ci", 2)
    before_tegile = _messages_by(store, 381272, "tegile-ci", 2)
    status, _h, body = Http(fg).request(
        "POST",
        "/a/changes/381272/revisions/2/review",
        auth=(user, password),
        body={"message": "run-HPE Storage CI"},
    )
    assert status == 200, body
    wait_until(lambda: _messages_by(store, 381272, "hpe-storage-ci", 2) == before_hpe + 1)
    assert fg.rechecks.error is None
    assert _messages_by(store, 381272, "tegile-ci", 2) == before_tegile  # not targeted
    # HPE's answer is in its own format, results from its profile (failing mostly)
    change = store.change(381272)
    assert change is not None
    last = [m for m in change.messages if m.author and m.author.username == "hpe-storage-ci"][-1]
    assert "run-HPE Storage CI" in last.message


def test_a_plain_recheck_from_any_account_reruns_every_ci_of_the_change() -> None:
    from vstui.fake.recheck_responder import RecheckResponder
    from vstui.fake.scenarios import load_scenario

    store = GerritStore()
    load_scenario(store, "seed", seed=3)
    change = next(
        c
        for c in store.changes()
        if c.status == "NEW" and c.project == "openstack/nova" and c.messages
    )
    ps = change.current.number
    reporters = {
        m.author.username
        for m in change.messages
        if m.author is not None and m.author.username in CIS
    }
    assert reporters
    counts = {u: _messages_by(store, change.number, u, ps) for u in reporters}
    responder = RecheckResponder(store, delay=0, stagger=0)
    responder.start()
    try:
        someone = next(a for a in store.accounts() if not a.is_service_user and not a.is_admin)
        store.post_review(change, ps, someone, message="recheck")
        wait_until(lambda: responder.answered >= len(reporters))
    finally:
        responder.stop()
    assert responder.error is None
    verify_only = {u for u in reporters if CIS[u].verify_status == "only"}
    for u in reporters - verify_only:
        assert _messages_by(store, change.number, u, ps) == counts[u] + 1
