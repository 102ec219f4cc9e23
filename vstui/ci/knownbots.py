"""Well-known bot accounts whose names do not say "bot" (no service-user tag, no CI word).

Most CI accounts announce themselves (`Zuul`, `Qt CI Bot`, `Jenkins`, a `SERVICE_USER` tag) and
`vstui.ci.classify` recognises them from that evidence alone. A few public servers' bots do
not: Go's TryBot coordinator posted as **Gobot Gobot** (gobot@golang.org), a name no rule can
tell from a person's. This list names such accounts, per family, with where the name comes
from. Keep it small: only accounts seen on public servers, never guesses.

Overriding: the per-server config rules are checked first, so listing an account under
`human_accounts` (or `vstui parse --human-account NAME`) makes it a human again; an empty
`[servers.X]` rule set with `heuristics` off ignores this list too.
"""

from __future__ import annotations

from collections.abc import Mapping

# family -> display names and usernames (compared case-insensitively, whitespace collapsed)
KNOWN_BOT_ACCOUNTS: Mapping[str, tuple[str, ...]] = {
    # golang/oscar internal/gerrit/sync_test.go: go-review CL 24894 reviewers include
    # gobot@golang.org, the account that posted "TryBots beginning ..." / "N of M TryBots failed".
    # The same account was later renamed Gopher Robot <gobot@golang.org> (golang/go release
    # commits "Run-TryBot: Gopher Robot <gobot@golang.org>"); "Robot" already says bot.
    "go-trybots": ("Gobot Gobot", "gobot", "Gopher Robot"),
}


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


KNOWN_BOT_KEYS: frozenset[str] = frozenset(
    _norm(account) for accounts in KNOWN_BOT_ACCOUNTS.values() for account in accounts
)


def known_bot_family(name: str | None, username: str | None) -> str | None:
    """The family whose well-known bot this account is, or None."""
    for key in (name, username):
        if key and _norm(key) in KNOWN_BOT_KEYS:
            k = _norm(key)
            for family, accounts in KNOWN_BOT_ACCOUNTS.items():
                if any(_norm(a) == k for a in accounts):
                    return family
    return None
