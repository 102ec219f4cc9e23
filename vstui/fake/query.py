"""Gerrit's change query language, for `gerrit query` (SSH) and `GET /changes/?q=` (REST).

Grammar (as Gerrit's ANTLR one): terms joined by whitespace (implicit AND), `AND`, `OR`,
`NOT` or a leading `-`, parentheses; a term is `operator:value` with a bare, `"quoted"` or
`{braced}` value, or a bare word (a change number, a Change-Id or its prefix, a commit sha
prefix, else a message search). Precedence: NOT > AND > OR.

Operators: status: (open|pending|new|merged|abandoned|closed), is: (open|closed|merged|
abandoned|new|wip|private|reviewed|owner|reviewer|cc|submittable|mergeable|watched|starred),
project:, projects: (prefix), branch:, owner:, reviewer:, cc:, change:, conflicts: (matches
nothing: no mergeability data), topic:, hashtag:,
commit:, message:, comment:, age:, after:/since:, before:/until:, label:, limit:.
Results: newest-updated first, only changes the caller may see.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from vstui.fake.errors import QueryError
from vstui.fake.model import Account, Change
from vstui.fake.view import QueryResult

if TYPE_CHECKING:
    from vstui.fake.view import StoreView

DEFAULT_LIMIT = 500  # the queryLimit capability's default

Predicate = Callable[[Change], bool]

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<term>
        -?                                   # negation prefix
        (?:[A-Za-z_][\w-]*:                  # operator:
            (?:"(?:[^"\\]|\\.)*"?            #   "quoted" (an unbalanced quote is tolerated)
              |\{[^}]*\}?                    #   {braced}
              |[^\s()]*                      #   bare
            )
          |"(?:[^"\\]|\\.)*"?                # a quoted bare word
          |[^\s()]+                          # a bare word
        )
    )
    """,
    re.VERBOSE,
)


class _Parser:
    def __init__(self, store: StoreView, account: Account | None, q: str) -> None:
        self.store = store
        self.account = account
        self.q = q
        self.tokens: list[tuple[str, str, int]] = []
        self.pos = 0
        self.limits: list[int] = []
        self._tokenize()

    def _tokenize(self) -> None:
        i = 0
        while i < len(self.q):
            m = _TOKEN.match(self.q, i)
            if m is None:  # pragma: no cover - the bare-word branch matches anything else
                raise QueryError(f"line 1:{i} no viable alternative at character '{self.q[i]}'")
            kind = m.lastgroup
            if kind != "ws":
                self.tokens.append((kind, m.group(), i))
            i = m.end()

    # --- recursive descent -------------------------------------------------------

    def parse(self) -> Predicate:
        if not self.tokens:
            raise QueryError("line 1:0 mismatched input '<EOF>'")
        pred = self._or()
        if self.pos < len(self.tokens):
            _kind, text, at = self.tokens[self.pos]
            raise QueryError(f"line 1:{at} extraneous input '{text}' expecting <EOF>")
        return pred

    def _peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _or(self) -> Predicate:
        parts = [self._and()]
        while (tok := self._peek()) is not None and tok[0] == "term" and tok[1] == "OR":
            self.pos += 1
            parts.append(self._and())
        if len(parts) == 1:
            return parts[0]
        return lambda c: any(p(c) for p in parts)

    def _and(self) -> Predicate:
        parts = [self._not()]
        while (tok := self._peek()) is not None and not (
            tok[0] == "rparen" or (tok[0] == "term" and tok[1] == "OR")
        ):
            if tok[0] == "term" and tok[1] == "AND":
                self.pos += 1
            parts.append(self._not())
        parts = [p for p in parts if p is not _TRUE]
        if not parts:
            return _TRUE
        if len(parts) == 1:
            return parts[0]
        return lambda c: all(p(c) for p in parts)

    def _not(self) -> Predicate:
        tok = self._peek()
        if tok is None:
            raise QueryError(f"line 1:{len(self.q)} mismatched input '<EOF>'")
        if tok[0] == "term" and tok[1] == "NOT":
            self.pos += 1
            inner = self._not()
            return lambda c: not inner(c)
        if tok[0] == "term" and tok[1] == "-":
            self.pos += 1
            inner = self._not()
            return lambda c: not inner(c)
        return self._primary()

    def _primary(self) -> Predicate:
        tok = self._peek()
        assert tok is not None
        kind, text, at = tok
        if kind == "lparen":
            self.pos += 1
            inner = self._or()
            close = self._peek()
            if close is None or close[0] != "rparen":
                raise QueryError(f"line 1:{len(self.q)} missing ')' at '<EOF>'")
            self.pos += 1
            return inner
        if kind == "rparen":
            raise QueryError(f"line 1:{at} extraneous input ')'")
        self.pos += 1
        if text.startswith("-") and len(text) > 1:
            inner = self._term(text[1:])
            return lambda c: not inner(c)
        return self._term(text)

    # --- terms -------------------------------------------------------------------

    def _term(self, text: str) -> Predicate:
        m = re.match(r"([A-Za-z_][\w-]*):(.*)\Z", text, re.S)
        if m is None:
            return self._default(_unquote(text))
        op, value = m.group(1).lower(), _unquote(m.group(2))
        handler = getattr(self, "_op_" + op.replace("-", "_"), None)
        if handler is None:
            raise QueryError(f"Unsupported operator {op}:{value}")
        return handler(value)

    def _default(self, word: str) -> Predicate:
        if word.isdigit():
            n = int(word)
            return lambda c: c.number == n
        if re.fullmatch(r"I[0-9a-f]{4,40}", word):
            return lambda c: c.change_id.startswith(word)
        if re.fullmatch(r"[0-9a-f]{4,40}", word):
            return lambda c: any(ps.revision.startswith(word) for ps in c.patch_sets)
        return self._op_message(word)

    def _op_status(self, value: str) -> Predicate:
        v = value.lower()
        if v in ("open", "pending", "new"):
            return lambda c: c.status == "NEW"
        if v == "merged":
            return lambda c: c.status == "MERGED"
        if v == "abandoned":
            return lambda c: c.status == "ABANDONED"
        if v == "closed":
            return lambda c: c.status != "NEW"
        raise QueryError(f"Unrecognized value: {value}")

    def _op_is(self, value: str) -> Predicate:
        v = value.lower()
        if v in ("open", "pending", "new", "merged", "abandoned", "closed"):
            return self._op_status(v)
        if v == "wip":
            return lambda c: c.wip
        if v == "private":
            return lambda c: c.private
        if v == "reviewed":
            return lambda c: any(a.account is not c.owner for a in c.current_approvals().values())
        if v in ("owner", "reviewer", "cc"):
            me = self._self_account()
            return getattr(self, f"_op_{v}")(str(me.account_id))
        if v == "submittable":
            return lambda c: c.status == "NEW" and not self.store.submit_problems(c)
        if v == "mergeable":
            return lambda c: c.status == "NEW"
        if v in ("watched", "starred", "ignored", "attention"):
            return lambda c: False
        raise QueryError(f"Unrecognized value: {value}")

    def _self_account(self) -> Account:
        if self.account is None:
            raise QueryError("Must be signed-in to use this operator")
        return self.account

    def _accounts(self, value: str) -> set[int]:
        if value.lower() in ("self", "me"):
            return {self._self_account().account_id}
        found: set[int] = set()
        v = value.lower()
        for a in self.store.accounts():
            if (
                str(a.account_id) == value
                or a.username.lower() == v
                or a.email.lower() == v
                or a.name.lower() == v
                or (len(v) >= 2 and v in a.name.lower().split())
            ):
                found.add(a.account_id)
        if not found:
            raise QueryError(f"Account '{value}' not found")
        return found

    def _op_owner(self, value: str) -> Predicate:
        ids = self._accounts(value)
        return lambda c: c.owner.account_id in ids

    def _op_reviewer(self, value: str) -> Predicate:
        ids = self._accounts(value)
        return lambda c: any(i in c.reviewers and c.reviewers[i][1] == "REVIEWER" for i in ids)

    def _op_cc(self, value: str) -> Predicate:
        ids = self._accounts(value)
        return lambda c: any(i in c.reviewers and c.reviewers[i][1] == "CC" for i in ids)

    def _op_project(self, value: str) -> Predicate:
        return lambda c: c.project == value

    def _op_projects(self, value: str) -> Predicate:
        return lambda c: c.project.startswith(value)

    def _op_branch(self, value: str) -> Predicate:
        short = value.removeprefix("refs/heads/")
        return lambda c: c.branch == short

    def _op_change(self, value: str) -> Predicate:
        if value.isdigit():
            n = int(value)
            return lambda c: c.number == n
        if "~" in value:
            parts = value.split("~")
            if len(parts) == 2 and parts[1].isdigit():
                proj, n = parts[0], int(parts[1])
                return lambda c: c.number == n and c.project == proj
            if len(parts) == 3:
                proj, br, cid = parts
                return lambda c: (c.project, c.branch, c.change_id) == (proj, br, cid)
        if re.fullmatch(r"I[0-9a-f]{4,40}", value):
            return lambda c: c.change_id.startswith(value)
        raise QueryError(f"Invalid change format: {value}")

    def _op_conflicts(self, value: str) -> Predicate:
        # Changes whose files conflict with `value`'s. The emulator's patch sets carry no
        # mergeability, so none conflict; the operand is still checked like change:'s.
        self._op_change(value)
        return lambda c: False

    def _op_topic(self, value: str) -> Predicate:
        if value == "":
            return lambda c: not c.topic
        return lambda c: c.topic == value

    def _op_intopic(self, value: str) -> Predicate:
        v = value.lower()
        return lambda c: bool(c.topic) and v in c.topic.lower()

    def _op_hashtag(self, value: str) -> Predicate:
        v = value.lstrip("#").lower()
        return lambda c: any(h.lower() == v for h in c.hashtags)

    def _op_commit(self, value: str) -> Predicate:
        v = value.lower()
        return lambda c: any(ps.revision.startswith(v) for ps in c.patch_sets)

    def _op_message(self, value: str) -> Predicate:
        v = value.lower()
        return lambda c: v in c.current.commit_message.lower()

    def _op_comment(self, value: str) -> Predicate:
        v = value.lower()
        return lambda c: any(v in m.message.lower() for m in c.messages)

    def _op_age(self, value: str) -> Predicate:
        seconds = parse_age(value)
        cutoff = self.store.now() - seconds
        return lambda c: c.last_updated <= cutoff

    def _op_after(self, value: str) -> Predicate:
        t = parse_date(value)
        return lambda c: c.last_updated >= t

    _op_since = _op_after

    def _op_before(self, value: str) -> Predicate:
        t = parse_date(value)
        return lambda c: c.last_updated <= t

    _op_until = _op_before

    def _op_limit(self, value: str) -> Predicate:
        if not value.isdigit() or int(value) < 1:
            raise QueryError(f"Invalid limit: {value}")
        self.limits.append(int(value))
        return _TRUE

    def _op_label(self, value: str) -> Predicate:
        return self._label_predicate(value)

    def _label_predicate(self, value: str) -> Predicate:
        spec, _, who = value.partition(",")
        m = re.fullmatch(r"([\w-]+?)(>=|<=|=|>|<)?([+-]?\d+|MAX|MIN|ANY|max|min|any)?", spec)
        if m is None:
            raise QueryError(f"Invalid label: {value}")
        label, op, raw = m.group(1), m.group(2), m.group(3)
        if raw is None and op is None:
            # label:Verified+1 / label:Verified-1 spelled without '='
            m2 = re.fullmatch(r"([\w-]+?)([+-]\d+)", spec)
            if m2:
                label, op, raw = m2.group(1), "=", m2.group(2)
            else:
                op, raw = ">=", "1"
        elif op is None:
            if raw[0] not in "+-":
                # "Code-Review1": a digit glued to the name without a sign is not a value
                raise QueryError(f"Invalid label: {value}")
            op = "="  # label:Verified-1 / label:Code-Review+2
        if raw is None:
            raise QueryError(f"Invalid label: {value}")
        user_ids: set[int] | None = None
        if who:
            who = who.removeprefix("user=").removeprefix("owner=")
            user_ids = self._accounts(who)
        up = raw.upper()
        # Per project: (label name, value test), resolved once for the whole query.
        tests: dict[str, tuple[str, Callable[[int], bool]] | None] = {}
        for proj in self.store.projects():
            lt = proj.labels.get(label) or next(
                (t for t in proj.labels.values() if t.name.lower() == label.lower()), None
            )
            if lt is None:
                tests[proj.name] = None
            elif up == "ANY":
                tests[proj.name] = (lt.name, lambda v: v != 0)
            else:
                target = lt.max if up == "MAX" else lt.min if up == "MIN" else int(raw)
                tests[proj.name] = (lt.name, _compare(op or "=", target))
        zero_means_none = up not in ("ANY", "MAX", "MIN") and user_ids is None

        def matches(c: Change) -> bool:
            found = tests.get(c.project)
            if found is None:
                return False
            name, test = found
            votes = [
                a.value
                for (n, aid), a in c.current_approvals().items()
                if n == name and (user_ids is None or aid in user_ids)
            ]
            if zero_means_none and test(0):
                # label:X=0 matches changes where nobody holds a non-zero vote
                return all(test(v) for v in votes)
            return any(test(v) for v in votes)

        return matches

    # Aliases Gerrit accepts.
    _op_l = _op_label
    _op_o = _op_owner
    _op_r = _op_reviewer
    _op_p = _op_project
    _op_b = _op_branch
    _op_tr = _op_hashtag


def _TRUE(_c: Change) -> bool:  # a sentinel predicate, dropped from AND lists
    return True


def _compare(op: str, target: int) -> Callable[[int], bool]:
    return {
        "=": lambda v: v == target,
        ">=": lambda v: v >= target,
        "<=": lambda v: v <= target,
        ">": lambda v: v > target,
        "<": lambda v: v < target,
    }[op]


def _unquote(value: str) -> str:
    if value.startswith('"'):
        inner = value[1:-1] if len(value) > 1 and value.endswith('"') else value[1:]
        return re.sub(r"\\(.)", r"\1", inner)
    if value.startswith("{"):
        return value[1:-1] if value.endswith("}") else value[1:]
    return value


_AGE_UNITS = {
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "d": 86400, "day": 86400, "days": 86400,
    "w": 604800, "week": 604800, "weeks": 604800,
    "mon": 2592000, "month": 2592000, "months": 2592000,
    "y": 31536000, "year": 31536000, "years": 31536000,
}  # fmt: skip


def parse_age(value: str) -> int:
    """`1d`, `2h30m`, `90min`, `1 week` -> seconds (Gerrit's age: syntax)."""
    total = 0
    pos = 0
    text = value.strip().lower()
    for m in re.finditer(r"\s*(\d+)\s*([a-z]+)", text):
        if m.start() != pos or m.group(2) not in _AGE_UNITS:
            raise QueryError(f"Unsupported age: {value}")
        total += int(m.group(1)) * _AGE_UNITS[m.group(2)]
        pos = m.end()
    if pos != len(text) or not text:
        raise QueryError(f"Unsupported age: {value}")
    return total


def parse_date(value: str) -> float:
    """`2024-01-31`, `2024-01-31 10:00:00[.123]`, with an optional `-0700` offset (UTC)."""
    v = value.strip()
    m = re.fullmatch(
        r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
        r"(?:\s*([+-])(\d{2}):?(\d{2}))?",
        v,
    )
    if m is None:
        raise QueryError(f"Unsupported date format: {value}")
    y, mo, d, hh, mm, ss, frac, sign, oh, om = m.groups()
    try:
        t = calendar.timegm(
            time.struct_time(
                (int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0), 0, 0, 0)
            )
        )
    except (ValueError, OverflowError):
        raise QueryError(f"Unsupported date format: {value}") from None
    if frac:
        t += float("0." + frac)
    if sign:
        offset = int(oh) * 3600 + int(om) * 60
        t -= offset if sign == "+" else -offset
    return float(t)


def compile_query(
    store: StoreView, q: str, account: Account | None = None
) -> tuple[Predicate, int | None]:
    """Parse `q` into a predicate and its `limit:` (the smallest one given)."""
    parser = _Parser(store, account, q)
    pred = parser.parse()
    return pred, (min(parser.limits) if parser.limits else None)


def run_query(
    store: StoreView,
    q: str,
    account: Account | None,
    *,
    limit: int | None = None,
    start: int = 0,
    no_limit: bool = False,
) -> QueryResult:
    """Evaluate `q` (caller holds the store lock): newest-updated first, paged."""
    pred, q_limit = compile_query(store, q, account)
    # `n`/limit and `limit:` both apply; the queryLimit capability (500) caps them unless
    # the caller asked for --no-limit.
    bounds = [x for x in (limit, q_limit, None if no_limit else DEFAULT_LIMIT) if x and x > 0]
    hits = [c for c in store.changes() if store.can_see(account, c) and pred(c)]
    hits.sort(key=lambda c: (c.last_updated, c.number), reverse=True)
    start = max(0, start)
    effective = min(bounds) if bounds else len(hits)
    page = hits[start : start + effective]
    return QueryResult(page, len(hits) > start + effective)
