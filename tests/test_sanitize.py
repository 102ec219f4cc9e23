"""Untrusted text loses every terminal control sequence; only http(s) URLs are accepted."""

from hypothesis import given
from hypothesis import strategies as st

from vstui.sanitize import is_safe_url, one_line, strip_control


def test_osc_title_setter_is_removed_whole():
    assert strip_control("a\x1b]0;pwned\x07b") == "ab"
    assert strip_control("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b") == "alinkb"


def test_csi_and_c1_sequences_are_removed():
    assert strip_control("\x1b[2J\x1b[1;31mred\x1b[0m") == "red"
    assert strip_control("x\x9b31my") == "xy"


def test_newlines_kept_or_flattened():
    assert strip_control("a\r\nb\tc") == "a\nb    c"
    assert one_line("a\nb") == "a b"
    assert one_line("abcdef", limit=4) == "abc…"


def test_bidi_overrides_are_removed():
    assert strip_control("admin\u202euser") == "adminuser"


@given(st.text())
def test_output_never_contains_escape_or_c1(text):
    out = strip_control(text)
    assert "\x1b" not in out
    assert not any(0x80 <= ord(ch) <= 0x9F for ch in out)
    assert not any(ord(ch) < 0x20 and ch != "\n" for ch in out)


def test_only_http_and_https_urls_are_safe():
    assert is_safe_url("https://logs.example.org/72/381272/1/check/job/abc/")
    assert is_safe_url("http://144.49.208.28:8000/build_logs/")
    for bad in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
        "ftp://h/x",
        "http://",
        "https://exa mple.org/",
        "http://x/\x1b]0;t\x07",
        "",
        None,
    ):
        assert not is_safe_url(bad), bad
