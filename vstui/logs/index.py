"""A log held as bytes plus a line index (the byte offset of each line start).

Built incrementally while the log downloads (`feed`), so the first screen shows as soon as
the first bytes are in. Lines are decoded only when shown or searched: a 100 MB log costs
its bytes plus 8 bytes per line, never a string or widget per line.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from itertools import accumulate, islice

from vstui.logs.search import SearchPattern
from vstui.sanitize import strip_control_keep_sgr

DISPLAY_CHARS = 4000  # a 10 MB line is shown cut here (search still sees all of it)


class LogText:
    """Bytes of a log and the offsets of its lines; append with `feed`."""

    def __init__(self, data: bytes = b"") -> None:
        self.data = bytearray()
        self._starts = array("q", [0])
        if data:
            self.feed(data)

    def __len__(self) -> int:
        return len(self.data)

    def feed(self, chunk: bytes) -> int:
        """Append bytes; returns how many complete lines the log has now."""
        if not chunk:
            return self.complete_lines
        base = len(self.data)
        self.data += chunk
        if b"\n" in chunk:
            parts = chunk.split(b"\n")
            parts.pop()  # the text after the last newline starts the next line
            # Line k of this chunk starts after the k-th newline: base + sum(len + 1).
            self._starts.extend(
                islice(accumulate((len(p) + 1 for p in parts), initial=base), 1, None)
            )
        return self.complete_lines

    @property
    def complete_lines(self) -> int:
        return len(self._starts) - 1

    @property
    def line_count(self) -> int:
        """Lines, counting a last line without its newline."""
        n = len(self._starts) - 1
        return n + 1 if len(self.data) > self._starts[-1] else n

    def span(self, i: int) -> tuple[int, int]:
        """Byte range of line `i` (0-based) without its newline."""
        start = self._starts[i]
        end = self._starts[i + 1] - 1 if i + 1 < len(self._starts) else len(self.data)
        return start, end

    def line_bytes(self, i: int, limit: int | None = None) -> bytes:
        start, end = self.span(i)
        if limit is not None:
            end = min(end, start + limit)
        return bytes(self.data[start:end])

    def line_text(self, i: int, limit: int | None = DISPLAY_CHARS) -> str:
        """Line `i` decoded (invalid UTF-8 replaced), CR progress collapsed, controls stripped
        except SGR colour; cut at `limit` characters with an ellipsis."""
        raw = self.line_bytes(i, None if limit is None else limit * 4 + 16)
        text = raw.decode("utf-8", "replace")
        if "\r" in text:
            text = text.rstrip("\r").rsplit("\r", 1)[-1]  # what a terminal would show
        text = strip_control_keep_sgr(text)
        if limit is not None and len(text) > limit:
            text = text[: limit - 1] + "…"
        return text

    def line_of_offset(self, offset: int) -> int:
        return max(0, bisect_right(self._starts, offset) - 1)

    def search(
        self, pattern: SearchPattern, from_line: int, *, backwards: bool = False
    ) -> int | None:
        """The next (or previous) line after (before) `from_line` with a match, wrapping once."""
        n = self.line_count
        if n == 0:
            return None
        data = self.data
        if not backwards:
            start = self.span(from_line)[1] + 1 if from_line < n else 0
            m = pattern.search(data, start) if start <= len(data) else None
            if m is None:
                m = pattern.search(data, 0)
            return None if m is None else self.line_of_offset(m.start())
        # Backwards: the last match before the current line, else the last one overall.
        cut = self.span(from_line)[0] if from_line < n else len(data)
        last = None
        for m in pattern.finditer(data, 0, cut):
            last = m
        if last is None:
            for m in pattern.finditer(data, cut):
                last = m
        return None if last is None else self.line_of_offset(last.start())
