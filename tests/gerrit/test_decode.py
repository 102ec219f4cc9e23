"""Decoder tests over the real payloads in tests/fixtures/gerrit and hostile input."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fixtures import GERRIT_FIXTURES
from vstui.gerrit.decode import (
    EventDecodeError,
    change_from_json,
    changes_from_json,
    decode_event,
    messages_from_json,
    parse_timestamp,
    verifications_from_json,
)
from vstui.gerrit.models import (
    EVENT_TYPES,
    ChangeDeleted,
    ChangeMerged,
    CommentAdded,
    DroppedOutput,
    Event,
    PatchsetCreated,
    ProjectCreated,
    RefUpdated,
    UnknownEvent,
    VoteDeleted,
)

FIXTURES = GERRIT_FIXTURES


def fixture_json(name: str):
    return json.loads((FIXTURES / name).read_text())


def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def test_webhook_shaped_events_decode_with_both_project_and_change_key_shapes():
    lines = (FIXTURES / "webhooks-events.cdevents-rfc.jsonl").read_text().splitlines()
    events = [decode_event(line.encode(), source="events-log") for line in lines]
    assert [e.type for e in events] == [json.loads(line)["type"] for line in lines]
    assert isinstance(events[0], ProjectCreated)
    assert events[0].head_name == "refs/heads/master"
    ps = events[5]
    assert isinstance(ps, PatchsetCreated)
    # events-log / webhook shape: "project":{"name":..}, "changeKey":{"key":..}
    assert ps.project == "TestRepo1"
    assert ps.change_key == "Ie10fd901201c53e9fe3b9766343060763ac81dc6"
    assert ps.change.number == 2 and ps.patch_set.number == 1
    assert ps.uploader.username == "admin"
    assert ps.created_on == datetime(2023, 11, 20, 11, 12, 12, tzinfo=UTC)
    assert ps.source == "events-log"
    ca = events[7]
    assert isinstance(ca, CommentAdded)
    assert [(a.label, a.value, a.old_value) for a in ca.approvals] == [("Code-Review", 2, 1)]
    assert ca.comment == "Patch Set 2: Code-Review+2"
    merged = events[9]
    assert isinstance(merged, ChangeMerged)
    assert merged.new_rev == "4c688da535ea3352536e3b320880aa353bd404b2"
    ref = events[2]
    assert isinstance(ref, RefUpdated)
    assert ref.ref_update.ref_name == "refs/meta/config" and ref.project == "TestRepo3"
    # line is kept verbatim and raw is the same object as JSON
    assert ca.line == lines[7] and ca.raw == json.loads(lines[7])


def test_ssh_shape_change_deleted():
    obj = fixture_json("ssh-stream-event.change-deleted.json")
    event = decode_event(compact(obj))
    assert isinstance(event, ChangeDeleted)
    assert event.project == "bwnUVH" and event.change_key == obj["changeKey"]["id"]
    assert event.ref_name == "refs/heads/main"
    assert event.deleter.email == "admin@example.com"
    assert event.patch_set is None
    assert event.change.url == "http://testGerrit/c/bwnUVH/+/3"


def test_legacy_string_numbers_and_string_votes():
    event = decode_event(compact(fixture_json("ssh-stream-event.vote-deleted.legacy.json")))
    assert isinstance(event, VoteDeleted)
    assert event.change.number == 654 and event.patch_set.number == 1
    (approval,) = event.approvals
    assert (approval.label, approval.value, approval.old_value) == ("Validated", 0, -2)
    assert approval.by.username == "builder"
    assert approval.granted == datetime.fromtimestamp(1418133772, UTC)
    assert event.remover.name == "Evil" and event.comment == "Removed Validated"


def test_gson_html_escapes_and_key_order_do_not_matter():
    line = (
        '{"author":{"name":"CI \\u0026 Co","username":"ci"},"comment":"\\u003cb\\u003e x\\u003d1",'
        '"change":{"number":7,"project":"p"},"project":"p","type":"comment-added",'
        '"eventCreatedOn":100}'
    )
    event = decode_event(line)
    assert isinstance(event, CommentAdded)
    assert event.author.label == "CI & Co" and event.comment == "<b> x=1"
    assert event.change_number == 7


def test_dropped_output_and_unknown_types():
    assert isinstance(decode_event('{"type":"dropped-output","eventCreatedOn":5}'), DroppedOutput)
    unknown = decode_event('{"type":"ref-replicated","project":"x","eventCreatedOn":"9"}')
    assert isinstance(unknown, UnknownEvent)
    assert unknown.type == "ref-replicated" and unknown.raw["project"] == "x"
    assert unknown.event_created_on == 9
    untyped = decode_event("{}")
    assert isinstance(untyped, UnknownEvent) and untyped.type == ""


def test_wrong_field_types_are_dropped_not_fatal():
    line = (
        '{"type":"comment-added","approvals":[{"type":"Verified","value":"-1"},3,'
        '{"type":"X","value":"nope"}],"change":{"number":"abc","subject":5,"project":"p"},'
        '"author":"bob","eventCreatedOn":1.0,"newField":{"a":[1]}}'
    )
    event = decode_event(line)
    assert isinstance(event, CommentAdded)
    assert [(a.label, a.value) for a in event.approvals] == [("Verified", -1), ("X", 0)]
    assert event.change.number == 0 and event.change.project == "p"
    assert event.author is None
    assert event.event_created_on == 1


@pytest.mark.parametrize(
    "data",
    [b"", b"   ", b"\xff\xfe", b"[1,2]", b"null", b'"str"', b"{", b"{}}", b"[" * 50000],
)
def test_non_objects_raise_only_event_decode_error(data):
    with pytest.raises(EventDecodeError):
        decode_event(data)


def test_every_registered_type_decodes_to_its_class():
    for name, cls in EVENT_TYPES.items():
        event = decode_event(compact({"type": name, "eventCreatedOn": 1}))
        assert type(event) is cls and event.type == name


def test_rest_change_detail_fixture():
    change = change_from_json(fixture_json("rest-change-detail.doc-example.fixed.json"))
    assert change.number == 3965 and change.project == "myProject"
    assert change.change_id == "I8473b95934b5732ac55d26311a706c9c2bde9940"
    assert change.created == datetime(2013, 2, 1, 9, 59, 32, 126000, tzinfo=UTC)
    cr = change.labels["Code-Review"]
    assert [(a.by.username, a.value) for a in cr.approvals] == [("jdoe", -1), ("jroe", 1)]
    assert cr.values[0] == "No score" and cr.disliked.account_id == 1000096
    assert [m.id for m in change.messages] == ["YH-egE", "WEEdhU"]
    assert change.messages[0].revision_number == 1
    assert change.current_patch_set_number == 2
    assert [a.username for a in change.reviewers["REVIEWER"]] == ["jdoe", "jroe"]


def test_rest_query_with_revisions_and_more_changes():
    changes = changes_from_json(fixture_json("rest-query-changes.doc-example.json"))
    assert [c.number for c in changes] == [1756, 1757]
    assert changes[-1].more_changes and not changes[0].more_changes
    assert changes[0].owner.label == "John Doe"
    (change,) = changes_from_json(
        fixture_json("rest-query-changes-current-revision.doc-example.json")
    )
    assert change.current_revision is not None
    assert change.current_patch_set is not None
    assert change.current_patch_set.revision == change.current_revision


def test_rest_messages_and_verifications():
    messages = messages_from_json(fixture_json("rest-change-messages.doc-example.json"))
    assert [m.author.name for m in messages] == ["John Doe", "Jane Roe"]
    assert messages[1].date == datetime(2013, 3, 23, 21, 36, 52, 332000, tzinfo=UTC)
    verifications = verifications_from_json(
        fixture_json("verify-status-get.doc-example.fixed.json")
    )
    assert [v.name for v in verifications] == [
        "gate-horizon-pep8",
        "gate-horizon-python27",
        "gate-horizon-python34",
    ]
    first = verifications[0]
    assert first.job_id == "5081c5e5-e101-43eb-8e59-4e197f22a0d0"
    assert (first.value, first.abstain, first.rerun, first.reporter) == (
        -1,
        False,
        False,
        "Jenkins Check",
    )
    assert verifications[1].abstain is True
    # the docs' outdated granted format is still read
    assert first.granted == datetime(2016, 3, 15, 8, 10, 41, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-02-21 11:16:36.775000000", datetime(2013, 2, 21, 11, 16, 36, 775000, tzinfo=UTC)),
        ("2013-02-21 11:16:36", datetime(2013, 2, 21, 11, 16, 36, tzinfo=UTC)),
        # nanoseconds rounded to the microsecond (as msgspec does on the typed REST path)
        ("2013-02-21T11:16:36.123456789Z", datetime(2013, 2, 21, 11, 16, 36, 123457, tzinfo=UTC)),
        ("2013-02-21t11:16:36.1234564z", datetime(2013, 2, 21, 11, 16, 36, 123456, tzinfo=UTC)),
        ("0001-01-01T00:00:00+01:00", None),
        ("2013-02-21 13:16:36.5+02:00", datetime(2013, 2, 21, 11, 16, 36, 500000, tzinfo=UTC)),
        (1361445396, datetime(2013, 2, 21, 11, 16, 36, tzinfo=UTC)),
        ("garbage", None),
        ("", None),
        (None, None),
        (10**30, None),
        (True, None),
    ],
)
def test_parse_timestamp(text, expected):
    assert parse_timestamp(text) == expected


def test_rest_converters_tolerate_garbage():
    assert change_from_json([1]) is None
    assert changes_from_json({"x": 1}) == ()
    odd = change_from_json(
        {
            "_number": "12",
            "labels": {"V": {"all": [{"value": "x"}, 5]}},
            "revisions": [1],
            "messages": [None, {"id": 3, "date": 5}],
            "owner": "me",
            "created": "soon",
        }
    )
    assert odd.number == 12 and odd.labels["V"].approvals == () and odd.patch_sets == ()
    assert len(odd.messages) == 1 and odd.messages[0].id == "" and odd.created is None
    assert verifications_from_json({"a": 1, "b": {"value": "2", "name": 3}})[0].value == 2


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=30,
)
event_keys = st.sampled_from(
    [
        "type",
        "eventCreatedOn",
        "change",
        "patchSet",
        "approvals",
        "author",
        "project",
        "changeKey",
        "refUpdate",
        "refUpdates",
        "comment",
        "number",
        "value",
        "added",
        "vstui",
    ]
)


@st.composite
def event_like(draw):
    obj = draw(st.dictionaries(event_keys, json_values, max_size=8))
    if draw(st.booleans()):
        obj["type"] = draw(st.sampled_from([*EVENT_TYPES, "x", ""]))
    if draw(st.booleans()) and obj:
        # nest event-shaped dicts so the tolerant path sees wrong types at depth
        obj["change"] = draw(
            st.dictionaries(
                st.sampled_from(["number", "id", "owner", "project", "createdOn", "wip"]),
                json_values,
                max_size=5,
            )
        )
    return obj


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise_anything_else(data):
    try:
        event = decode_event(data)
    except EventDecodeError:
        return
    assert isinstance(event, Event)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_arbitrary_json_never_raises_anything_else(value):
    line = json.dumps(value)
    try:
        event = decode_event(line)
    except EventDecodeError:
        assert not isinstance(value, dict)
        return
    assert isinstance(event, Event) and isinstance(event.raw, dict)


@settings(max_examples=200, deadline=None)
@given(event_like())
def test_event_shaped_json_always_yields_an_event(obj):
    event = decode_event(json.dumps(obj).encode())
    assert isinstance(event, Event)
    # every public accessor works on whatever came out
    _ = (event.type, event.created_on, event.project, event.change_number, event.synthesized)
    if isinstance(obj.get("type"), str) and obj["type"] in EVENT_TYPES:
        assert type(event) is EVENT_TYPES[obj["type"]]
    else:
        assert isinstance(event, UnknownEvent)


# --------------------------------------------------------------------------- REST bodies
#
# `decode_changes` & co. decode bytes through typed msgspec structs (`rest_wire`) and fall
# back to the dict converters for entries those do not accept. Both paths must give the
# same models: checked on real payloads, on the emulator's, and on mutated ones.


def _body(value) -> bytes:
    return b")]}'\n" + json.dumps(value).encode()


REST_FIXTURES = {
    "rest-change-detail.doc-example.fixed.json": "change",
    "rest-get-change.doc-example.json": "change",
    "rest-query-changes.doc-example.json": "changes",
    "rest-query-changes-current-revision.doc-example.json": "changes",
    "rest-change-messages.doc-example.json": "messages",
    "verify-status-get.doc-example.fixed.json": "verifications",
    "verify-status-get-current.doc-example.fixed.json": "verifications",
}


def _both(kind: str, value):
    """(typed path from bytes, dict path from the parsed value)."""
    from vstui.gerrit.decode import (
        decode_change,
        decode_changes,
        decode_messages,
        decode_verifications,
    )

    typed, dict_path = {
        "change": (decode_change, change_from_json),
        "changes": (decode_changes, changes_from_json),
        "messages": (decode_messages, messages_from_json),
        "verifications": (decode_verifications, verifications_from_json),
    }[kind]
    return typed(_body(value)), dict_path(value)


@pytest.mark.parametrize("name", sorted(REST_FIXTURES))
def test_typed_decoding_equals_the_dict_path_on_real_payloads(name):
    typed, dict_path = _both(REST_FIXTURES[name], fixture_json(name))
    assert typed == dict_path and typed


def test_typed_decoding_equals_the_dict_path_on_the_emulators_pages(seed_gerrit):
    import httpx

    from vstui.gerrit.decode import decode_json

    entry = next(
        a
        for a in seed_gerrit.info["accounts"]
        if a["username"] == seed_gerrit.info["default_account"]
    )
    options = ["LABELS", "DETAILED_LABELS", "DETAILED_ACCOUNTS", "ALL_REVISIONS", "MESSAGES"]
    with httpx.Client(
        base_url=seed_gerrit.http_url + "a/", auth=(entry["username"], entry["http_password"])
    ) as http:
        page = http.get("changes/", params=[("q", "status:open"), *(("o", o) for o in options)])
        changes = decode_json(page.content)
        assert len(changes) > 10 and any(c.get("messages") for c in changes)
        typed, dict_path = _both("changes", changes)
        assert typed == dict_path
        busiest = max(changes, key=lambda c: len(c.get("messages", ())))["_number"]
        messages = decode_json(http.get(f"changes/{busiest}/messages").content)
        rows = decode_json(
            http.get(f"changes/{busiest}/revisions/current/verify-status~verifications").content
        )
    for kind, value in (("messages", messages), ("verifications", rows)):
        typed, dict_path = _both(kind, value)
        assert typed == dict_path and typed


def test_typed_decoding_shares_equal_accounts_and_keeps_tolerance():
    from vstui.gerrit.decode import decode_changes

    owner = {"_account_id": 7, "name": "Ann"}
    changes = decode_changes(
        _body(
            [
                {"_number": 1, "owner": dict(owner), "created": "2013-02-21 11:16:36.775000000"},
                {"_number": 2, "owner": dict(owner), "updated": "2013-02-21T13:16:36+02:00"},
                {"_number": "3", "owner": {"_account_id": "7", "name": "Ann"}, "x": [1]},
                "not a change",
                {"_number": 2**64, "subject": 5, "created": 1361445396},
            ]
        )
    )
    assert [c.number for c in changes] == [1, 2, 3, 0]
    assert changes[0].owner is changes[1].owner  # one object per distinct account
    assert changes[2].owner == changes[0].owner  # a string number, read as on old servers
    assert changes[0].created == datetime(2013, 2, 21, 11, 16, 36, 775000, tzinfo=UTC)
    assert changes[1].updated == datetime(2013, 2, 21, 11, 16, 36, tzinfo=UTC)
    assert changes[3].subject == "" and changes[3].created.year == 2013


_SPECIAL_VALUES = st.sampled_from(
    [
        None,
        "42",
        "-1",
        "+2",
        " 7 ",
        "1e3",
        "4.0",
        "true",
        "",
        1.0,
        2.5,
        2**63,
        -(2**63),
        True,
        {},
        [],
        "2013-02-21 11:16:36.775000000",
        "2013-02-21 11:16:36.7750005",
        "2013-02-21t11:16:36z",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31 23:59:59.9999999",
        "15 Mar 2016 08:10:41",
        1361445396,
    ]
)


def _paths(value, prefix=()):
    """Every (container path, key) in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield prefix, key
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield prefix, index
            yield from _paths(item, (*prefix, index))


@st.composite
def mutated(draw, base):
    """`base` with a few values replaced by odd ones (wrong types, string numbers, odd
    timestamps) or removed."""
    import copy

    value = copy.deepcopy(base)
    paths = list(_paths(value))
    for _ in range(draw(st.integers(1, 4))):
        prefix, key = draw(st.sampled_from(paths))
        container = value
        try:
            for step in prefix:
                container = container[step]
            container[key]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced this part
        if not isinstance(container, dict | list):
            continue  # replaced by a string, which indexes but cannot be assigned to
        if isinstance(container, dict) and draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(_SPECIAL_VALUES | json_values)
    return value


_DETAIL = fixture_json("rest-change-detail.doc-example.fixed.json")
_QUERY = fixture_json("rest-query-changes-current-revision.doc-example.json")
_MESSAGES = fixture_json("rest-change-messages.doc-example.json")
_VERIFICATIONS = fixture_json("verify-status-get.doc-example.fixed.json")


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        mutated([_DETAIL, *_QUERY]).map(lambda v: ("changes", v)),
        mutated(_DETAIL).map(lambda v: ("change", v)),
        mutated(_MESSAGES).map(lambda v: ("messages", v)),
        mutated(_VERIFICATIONS).map(lambda v: ("verifications", v)),
    )
)
def test_typed_decoding_equals_the_dict_path_on_odd_payloads(case):
    kind, value = case
    typed, dict_path = _both(kind, value)
    assert typed == dict_path


@st.composite
def timestamps(draw):
    """RFC 3339-like text, mostly valid: Gerrit's form, `T`/`t`, long fractions, offsets."""
    date = f"{draw(st.integers(1, 9999)):04d}-{draw(st.integers(1, 12)):02d}-"
    date += f"{draw(st.integers(1, 31)):02d}"
    time = ":".join(f"{draw(st.integers(0, top)):02d}" for top in (24, 59, 60))
    fraction = draw(st.none() | st.text("0123456789", max_size=12))
    zone = draw(
        st.sampled_from(["", "Z", "z"])
        | st.builds(
            "{}{:02d}:{:02d}".format,
            st.sampled_from("+-"),
            st.integers(0, 23),
            st.integers(0, 59),
        )
    )
    separator = draw(st.sampled_from(" Tt"))
    return date + separator + time + ("" if fraction is None else "." + fraction) + zone


@settings(max_examples=300, deadline=None)
@given(timestamps())
def test_timestamps_read_the_same_on_both_paths(text):
    typed, dict_path = _both("changes", [{"_number": 1, "created": text}])
    assert typed == dict_path


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_rest_bodies_raise_only_protocol_errors(body):
    from vstui.gerrit.decode import (
        decode_change,
        decode_changes,
        decode_messages,
        decode_verifications,
    )
    from vstui.gerrit.errors import GerritProtocolError

    for decode in (decode_changes, decode_change, decode_messages, decode_verifications):
        with contextlib.suppress(GerritProtocolError):  # anything else fails the test
            decode(body)
