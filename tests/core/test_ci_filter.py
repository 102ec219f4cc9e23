"""CI filters pick exactly the rows they name, describe themselves, and survive a restart."""

from __future__ import annotations

import json
from dataclasses import dataclass

from vstui.core.ci_filter import CIFilter
from vstui.core.filter_state import FilterStateStore


@dataclass(frozen=True)
class J:
    ci_name: str
    name: str
    failing: bool
    voting: bool


JOBS = [
    J("Cisco CI", "tempest-full", False, True),
    J("Cisco CI", "tempest-slow", True, False),  # failing non-voting
    J("NetApp CI", "cinder-iscsi", True, True),  # failing voting
    J("NetApp CI", "cinder-nfs", False, False),  # passing non-voting
    J("Jenkins", "gate-tempest-dsvm", False, True),
]


def names(jobs):
    return [(j.ci_name, j.name) for j in jobs]


def test_default_filter_shows_everything_and_is_inactive():
    f = CIFilter()
    assert not f.active
    assert f.apply(JOBS) == JOBS
    assert f.describe() == ""


def test_hide_failing_non_voting_hides_exactly_those():
    shown = CIFilter(hide_failing_non_voting=True).apply(JOBS)
    assert names(shown) == names([j for j in JOBS if not (j.failing and not j.voting)])
    assert ("Cisco CI", "tempest-slow") not in names(shown)
    assert ("NetApp CI", "cinder-nfs") in names(shown)  # non-voting but passing stays


def test_failing_only_and_hide_non_voting_combine():
    assert names(CIFilter(failing_only=True).apply(JOBS)) == [
        ("Cisco CI", "tempest-slow"),
        ("NetApp CI", "cinder-iscsi"),
    ]
    assert names(CIFilter(failing_only=True, hide_non_voting=True).apply(JOBS)) == [
        ("NetApp CI", "cinder-iscsi")
    ]


def test_regex_matches_ci_or_job_name_case_insensitively():
    assert names(CIFilter(regex="netapp").apply(JOBS)) == [
        ("NetApp CI", "cinder-iscsi"),
        ("NetApp CI", "cinder-nfs"),
    ]
    assert names(CIFilter(regex="^tempest").apply(JOBS)) == [
        ("Cisco CI", "tempest-full"),
        ("Cisco CI", "tempest-slow"),
    ]


def test_invalid_regex_is_reported_and_ignored():
    f = CIFilter(regex="tempest[")
    assert f.pattern is None
    assert f.regex_error and "tempest[" in f.regex_error
    assert f.apply(JOBS) == JOBS
    assert "(invalid)" in f.describe()


def test_ci_selection_limits_to_named_systems():
    shown = CIFilter(ci_names=frozenset({"Jenkins"})).apply(JOBS)
    assert names(shown) == [("Jenkins", "gate-tempest-dsvm")]


def test_describe_names_each_active_filter():
    f = CIFilter(hide_failing_non_voting=True, regex="tempest", ci_names=frozenset({"a", "b"}))
    assert f.describe() == "hide failing non-voting, /tempest/, 2 CIs"


def test_round_trip_through_dict_and_tolerant_of_garbage():
    f = CIFilter(failing_only=True, regex="x", ci_names=frozenset({"Cisco CI"}))
    assert CIFilter.from_dict(f.to_dict()) == f
    assert CIFilter.from_dict({"failing_only": "yes", "ci_names": "oops", "zzz": 1}) == CIFilter()


def test_state_store_remembers_filters_per_server(tmp_path):
    path = tmp_path / "state" / "filters.json"
    store = FilterStateStore(path)
    store.save("review", CIFilter(hide_failing_non_voting=True))
    store.save("other", CIFilter(regex="nova"))
    again = FilterStateStore(path)
    assert again.load("review") == CIFilter(hide_failing_non_voting=True)
    assert again.load("other") == CIFilter(regex="nova")
    assert again.load("unknown") == CIFilter()


def test_state_store_moves_a_corrupt_file_aside_instead_of_losing_it(tmp_path):
    path = tmp_path / "filters.json"
    path.write_text("{not json")
    store = FilterStateStore(path)
    assert store.load("review") == CIFilter()
    store.save("review", CIFilter(failing_only=True))
    assert (tmp_path / "filters.json.bad").read_text() == "{not json"
    assert json.loads(path.read_text())["review"]["failing_only"] is True
