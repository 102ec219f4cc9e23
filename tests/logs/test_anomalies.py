"""Normalisation and ranking units, the line index, and a hostile log."""

from __future__ import annotations

import re

from vstui.logs.anomalies import anomalies, normalise, split_lines
from vstui.logs.index import LogText
from vstui.sanitize import strip_control_keep_sgr


def test_normalise_drops_timestamps_ids_hex_ips_numbers_durations() -> None:
    a = (
        "2026-12-04 10:01:02.123456 | ERROR cinder.volume.manager "
        "[req-3f2a1b2c-1111-2222-3333-444455556666 None] volume "
        "6c1e7a52-9d0b-4c3e-8f5a-0123456789ab on 10.0.0.5 took 3.21s (0xdeadbeef, pid 4242)"
    )
    b = (
        "2026-12-05 23:59:59.000001 | ERROR cinder.volume.manager "
        "[req-99999999-aaaa-bbbb-cccc-dddddddddddd None] volume "
        "11111111-2222-4333-8444-555555555555 on fe80::1 took 120ms (0x1f, pid 7)"
    )
    assert normalise(a) == normalise(b)
    assert "cinder.volume.manager" in normalise(a)
    assert normalise("FAILED test_a") != normalise("FAILED test_b")


def test_lines_the_baseline_printed_are_not_anomalies_even_benign_errors() -> None:
    baseline = [
        "10:00:01 INFO starting",
        "10:00:02 ERROR oslo.messaging AMQP server on 10.0.0.1:5672 is unreachable",
        "10:00:03 test_a ... ok",
    ]
    target = [
        "11:00:01 INFO starting",
        "11:00:02 ERROR oslo.messaging AMQP server on 10.0.0.9:5672 is unreachable",
        "11:00:03 ERROR cinder.volume.manager Failed to create volume: VolumeBackendAPIException",
        "11:00:04 INFO some new harmless line",
        "11:00:05 test_a ... FAILED",
    ]
    got = anomalies(target, baseline)
    assert [a.line for a in got][:2] in ([3, 5], [5, 3])
    assert 2 not in [a.line for a in got] and 1 not in [a.line for a in got]
    assert got[-1].line == 4  # new but harmless: last
    assert anomalies(target, baseline, top=1)[0].line == got[0].line


def test_without_a_baseline_only_error_shaped_lines_rank() -> None:
    target = ["all fine", "Traceback (most recent call last):", "  ValueError: bad", "done"]
    got = anomalies(target)
    assert {a.line for a in got} == {2, 3}


def test_repeated_lines_are_reported_once() -> None:
    target = [f"ERROR retry {i} failed" for i in range(50)]
    assert len(anomalies(target, [])) == 1


def test_line_index_feeds_in_chunks_and_finds_lines() -> None:
    text = b"".join(b"line %d\n" % i for i in range(1000)) + b"partial"
    log = LogText()
    for i in range(0, len(text), 77):
        log.feed(text[i : i + 77])
    assert log.line_count == 1001 and log.complete_lines == 1000
    assert log.line_text(0) == "line 0" and log.line_text(999) == "line 999"
    assert log.line_text(1000) == "partial"
    pat = re.compile(rb"line 5\d\d\b")
    assert log.search(pat, 10) == 500
    assert log.search(pat, 500) == 501
    assert log.search(pat, 600) == 500  # wraps
    assert log.search(pat, 550, backwards=True) == 549
    assert log.search(pat, 100, backwards=True) == 599  # wraps backwards


def test_hostile_log_escapes_huge_line_invalid_utf8() -> None:
    huge = b"A" * (10 * 1024 * 1024)
    data = (
        b"\x1b[31mred\x1b[0m \x1b]0;pwned\x07title \x1b[2J\x1b[Hclear\n"
        + huge
        + b"\nbad \xff\xfe utf8 \x9b31m\n"
        + b"progress 10%\rprogress 100%\n"
    )
    log = LogText(data)
    assert log.line_count == 4
    first = log.line_text(0)
    assert first == "\x1b[31mred\x1b[0m title clear"
    assert len(log.line_text(1)) == 4000 and log.line_text(1).endswith("…")
    assert "\ufffd" in log.line_text(2) and "\x9b" not in log.line_text(2)
    assert log.line_text(3) == "progress 100%"
    lines = split_lines(data)
    assert len(lines) == 4 and lines[3] == "progress 100%"
    got = anomalies(lines, [])
    assert all(len(a.text) <= 2000 for a in got)


def test_keep_sgr_strips_every_other_sequence() -> None:
    assert strip_control_keep_sgr("\x1b[1;32mok\x1b[m\x1b[10;10H\x1b]8;;http://x\x1b\\l") == (
        "\x1b[1;32mok\x1b[ml"
    )
    assert strip_control_keep_sgr("plain") == "plain"


def test_iter_lines_in_blocks_equals_split_lines() -> None:
    from vstui.logs.anomalies import iter_lines

    data = ("é line\n" * 5000 + "x" * 50_000 + "\nlast").encode()
    assert list(iter_lines(data, block=1000)) == split_lines(data)
    assert list(iter_lines(bytearray(data), block=7)) == split_lines(data)


def test_log_search_is_smart_case_and_linear_time_safe() -> None:
    import time

    import pytest

    from vstui.logs.search import SearchError, compile_search

    data = bytearray(b"abc ERROR x\n" * 3 + b"Traceback\n" + b"q" * 100 + b"error\n")
    pat = compile_search("error")
    ours = [(m.start(), m.end()) for m in pat.finditer(data)]
    assert ours == [(m.start(), m.end()) for m in re.finditer(rb"(?i)error", bytes(data))]
    log = LogText(bytes(data))
    assert log.search(pat, 0) == 1 and log.search(compile_search("Traceback"), 0) == 3
    assert log.search(compile_search("TRACEBACK"), 0) is None  # upper case: exact case
    # A catastrophic pattern for a backtracking engine runs in linear time here.
    evil = LogText(b"a" * 200_000 + b"!\n")
    t0 = time.perf_counter()
    assert evil.search(compile_search("(a+)+$"), 0) is None
    assert time.perf_counter() - t0 < 1.0
    with pytest.raises(SearchError, match="log search"):
        compile_search("(a)\\1")  # a backreference: one line, not a crash
    with pytest.raises(SearchError):
        compile_search("")
