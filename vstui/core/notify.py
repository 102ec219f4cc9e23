"""Notification rules (pure): what changed on a change the user cares about, worth telling.

The session's notices ("these changes were updated") are turned into `ChangeState`
snapshots; a `Notifier` compares each with the previous one of the same change and returns
`Notice`s for the events the rules enable, on the changes they cover:

- `ci-done`: every CI that was running or asked to run again (a recheck) on the current
  patch set has reported, with the result counts;
- `ci-failure`: the first voting failure on the current patch set;
- `comment`: a new message by a human;
- `vote`: a new or changed vote by a human on the user's own change;
- `status`: the change was merged or abandoned.

Never for the user's own actions (the message or vote that caused it is theirs); the first
sight of a change only records it; a `RateLimiter` keeps floods down (per change and
overall). No Textual, no I/O: the app delivers the notices (toast, row mark, terminal).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from vstui.core.views import CICounts
from vstui.sanitize import one_line

EVENTS = ("ci-done", "ci-failure", "comment", "vote", "status")
SCOPES = ("mine", "starred", "reviewing", "all")
TERMINAL = ("off", "bell", "osc9", "osc777")


@dataclass(frozen=True, slots=True)
class Rules:
    scopes: frozenset[str] = frozenset({"mine", "starred"})
    events: frozenset[str] = frozenset(EVENTS)
    terminal: str = "off"
    per_minute: int = 6
    per_change_seconds: float = 20.0


def notify_rules(settings: Any) -> Rules:
    """Rules from the config's `[notify]` (`vstui.config.NotifySettings`; None = defaults)."""
    if settings is None:
        return Rules()
    return Rules(
        scopes=frozenset(settings.changes),
        events=frozenset(settings.events),
        terminal=settings.terminal,
        per_minute=settings.per_minute,
    )


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    author_id: int | None
    author: str
    is_bot: bool


@dataclass(frozen=True, slots=True)
class ChangeState:
    """What the rules look at, for one change at one moment."""

    number: int
    subject: str
    status: str
    owner_id: int | None
    starred: bool = False
    reviewing: bool = False  # the user is a reviewer
    patch_set: int | None = None
    ci: CICounts | None = None  # current patch set; None when not computed
    messages: tuple[Message, ...] | None = None  # None when not loaded
    # (label, account id, value) by humans on the current patch set; None when not known
    votes: frozenset[tuple[str, int, int]] | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    number: int
    event: str
    title: str
    body: str


def _covered(state: ChangeState, me: int | None, rules: Rules) -> bool:
    scopes = rules.scopes
    return (
        "all" in scopes
        or ("mine" in scopes and me is not None and state.owner_id == me)
        or ("starred" in scopes and state.starred)
        or ("reviewing" in scopes and state.reviewing)
    )


def _ci_busy(ci: CICounts | None) -> bool:
    return ci is not None and (ci.running > 0 or ci.pending > 0)


def changes_between(
    before: ChangeState, after: ChangeState, me: int | None, rules: Rules
) -> list[Notice]:
    """The notices for one change going from `before` to `after` (same change)."""
    if not _covered(after, me, rules):
        return []
    out: list[Notice] = []
    subject = one_line(after.subject, 60)
    n = after.number
    new_messages: list[Message] = []
    if before.messages is not None and after.messages is not None:
        known = {m.id for m in before.messages}
        new_messages = [m for m in after.messages if m.id not in known]
    own = me is not None and bool(new_messages) and new_messages[-1].author_id == me
    events = rules.events
    closed = before.status == "NEW" and after.status in ("MERGED", "ABANDONED")
    if "status" in events and closed and not own:
        out.append(Notice(n, "status", f"{n} {after.status.lower()}", subject))
    same_ps = before.patch_set == after.patch_set
    if "ci-done" in events and same_ps and _ci_busy(before.ci) and not _ci_busy(after.ci):
        ci = after.ci
        assert ci is not None
        failing = ci.failing_voting + ci.failing_non_voting
        verdict = f"✓{ci.passing} ✗{ci.failing_voting}" + (
            f" !{ci.failing_non_voting}" if ci.failing_non_voting else ""
        )
        what = "all CIs reported" + (", failures" if failing else ", all passing")
        out.append(Notice(n, "ci-done", f"{n} {what}", f"{verdict} · {subject}"))
    if (
        "ci-failure" in events
        and after.ci is not None
        and after.ci.failing_voting > 0
        and before.ci is not None  # unknown before (never computed): not news
        and (not same_ps or before.ci.failing_voting == 0)
    ):
        out.append(
            Notice(
                n, "ci-failure", f"{n} first voting CI failure", f"PS{after.patch_set} · {subject}"
            )
        )
    if "comment" in events:
        humans = [m for m in new_messages if not m.is_bot and (me is None or m.author_id != me)]
        if humans:
            who = ", ".join(dict.fromkeys(one_line(m.author, 30) for m in humans))
            out.append(Notice(n, "comment", f"{n} new comment by {who}", subject))
    if (
        "vote" in events
        and me is not None
        and after.owner_id == me
        and before.votes is not None
        and after.votes is not None
        and before.patch_set == after.patch_set
    ):
        added = [v for v in after.votes - before.votes if v[1] != me]
        if added:
            votes = " ".join(f"{label}{value:+d}" for label, _a, value in sorted(added))
            out.append(Notice(n, "vote", f"{n} vote: {votes}", subject))
    return out


@dataclass
class RateLimiter:
    """At most `per_minute` notices a minute, and one per change per `per_change_seconds`
    (later ones are dropped, the row mark still says something happened)."""

    per_minute: int = 6
    per_change_seconds: float = 20.0
    _sent: deque[float] = field(default_factory=deque)
    _last: dict[int, float] = field(default_factory=dict)

    def allow(self, number: int, now: float) -> bool:
        while self._sent and now - self._sent[0] >= 60.0:
            self._sent.popleft()
        if len(self._sent) >= self.per_minute:
            return False
        last = self._last.get(number)
        if last is not None and now - last < self.per_change_seconds:
            return False
        self._sent.append(now)
        self._last[number] = now
        return True


class Notifier:
    """Keeps the last state per change; `observe` returns what to tell (rate-limited) and
    `marked`, every change that had a notice (delivered or not), for the row marks."""

    def __init__(self, me: int | None, rules: Rules | None = None) -> None:
        self.me = me
        self.rules = rules or Rules()
        self.limiter = RateLimiter(self.rules.per_minute, self.rules.per_change_seconds)
        self.quiet = False
        self._states: dict[int, ChangeState] = {}

    def observe(self, states: Iterable[ChangeState], now: float) -> tuple[list[Notice], set[int]]:
        delivered: list[Notice] = []
        marked: set[int] = set()
        for state in states:
            before = self._states.get(state.number)
            self._states[state.number] = _merged(before, state)
            if before is None:
                continue
            notices = changes_between(before, self._states[state.number], self.me, self.rules)
            if not notices:
                continue
            marked.add(state.number)
            if self.quiet:
                continue
            for notice in notices:
                if self.limiter.allow(notice.number, now):
                    delivered.append(notice)
        return delivered, marked


def _merged(before: ChangeState | None, after: ChangeState) -> ChangeState:
    """Parts not loaded this time (off-screen changes lose their messages and CI results)
    keep their last known value, so a reload does not look like news."""
    if before is None:
        return after
    from dataclasses import replace

    merged = after
    if after.messages is None and before.messages is not None:
        merged = replace(merged, messages=before.messages)
    if after.votes is None and before.votes is not None and after.patch_set == before.patch_set:
        merged = replace(merged, votes=before.votes)
    if after.ci is None and before.ci is not None:
        # Same patch set: the last counts still hold. A new one starts with no results.
        same = after.patch_set == before.patch_set
        merged = replace(merged, ci=before.ci if same else CICounts())
    return merged


def terminal_sequence(kind: str, title: str, body: str, *, tmux: bool = False) -> str:
    """The bytes that make a terminal notify: BEL, OSC 9 (iTerm2, WezTerm, kitty...) or
    OSC 777 (urxvt, foot, Ghostty...); inside tmux, wrapped to pass through. The text is
    cleaned of control characters and `;` (OSC 777's separator) first."""
    if kind == "off":
        return ""
    if kind == "bell":
        return "\a"
    clean_title = one_line(title, 80).replace(";", ",")
    clean_body = one_line(body, 200).replace(";", ",")
    if kind == "osc777":
        seq = f"\x1b]777;notify;{clean_title};{clean_body}\x1b\\"
    else:
        seq = f"\x1b]9;{clean_title}: {clean_body}\x1b\\"
    if tmux:
        seq = "\x1bPtmux;" + seq.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return seq
