"""One parser of Gerrit timestamps (`vstui.timestamps`) for the client and the CI parser."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from vstui.ci.parse import parse_record
from vstui.gerrit.decode import decode_messages
from vstui.timestamps import _parse_general, parse_timestamp


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.from_regex(
            r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}", fullmatch=True
        ),
        st.builds(
            lambda y, mo, d, h, mi, s, ns: (
                f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}.{ns:09d}"
            ),
            st.integers(0, 9999),
            st.integers(0, 13),
            st.integers(0, 32),
            st.integers(0, 25),
            st.integers(0, 61),
            st.integers(0, 61),
            st.integers(0, 999_999_999),
        ),
        st.text(alphabet="0123456789-: .TZ+٣", max_size=32),
    )
)
@example("2017-08-30 20:04:36.000000000")
@example("2017-08-30 24:00:00.000000000")
@example("2016-02-29 23:59:59.999999999")
@example("2017-02-29 00:00:00.000000000")
@example("٢٠١٧-08-30 20:04:36.000000000")
@example("2017-08-30T20:04:36.000000000")
def test_fast_path_matches_the_general_path(value):
    got = parse_timestamp(value)
    assert got == _parse_general(value)
    assert got is None or got.tzinfo is UTC


def test_ci_records_and_rest_messages_read_the_same_date():
    """The CI parser's records and the client's REST decoder agree to the microsecond."""
    stamp = "2016-02-29 23:59:59.999999999"
    record = parse_record({"id": "m1", "message": "Patch Set 1: hi", "date": stamp})
    body = b")]}'\n" + (
        b'[{"id": "m1", "message": "hi", "date": "' + stamp.encode() + b'", "_revision_number": 1}]'
    )
    (message,) = decode_messages(body)
    assert record.date == message.date == datetime(2016, 3, 1, tzinfo=UTC)
