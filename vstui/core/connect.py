"""Build a `ReviewSession` for a config profile: REST client, event stream, bot rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vstui.config import ConfigError, ServerProfile, resolve_credentials
from vstui.core.session import ReviewSession
from vstui.core.stream_source import StreamSource
from vstui.gerrit.models import Event
from vstui.sanitize import without_userinfo

if TYPE_CHECKING:  # imported lazily: paramiko and the CI parser stay off the startup path
    from os import PathLike

    from vstui.ci.classify import BotRules
    from vstui.gerrit.stream import ConnectionState, EventStream
    from vstui.history.store import HistoryStore


def bot_rules_for(profile: ServerProfile) -> BotRules:
    """`vstui.ci.BotRules` from the profile's lists: integers in `bot_accounts` and
    `human_accounts` are account ids (account evidence), strings are names."""
    from vstui.ci.classify import BotRules

    try:
        return BotRules.from_config(
            bot_names=[a for a in profile.bot_accounts if isinstance(a, str)],
            bot_usernames=profile.bot_usernames,
            bot_regexes=profile.bot_patterns,
            human_names=[a for a in profile.human_accounts if isinstance(a, str)],
            human_usernames=[a for a in profile.human_accounts if isinstance(a, str)],
            ci_aliases={ci: list(names) for ci, names in profile.ci_aliases.items()},
            bot_account_ids=[a for a in profile.bot_accounts if isinstance(a, int)],
            human_account_ids=[a for a in profile.human_accounts if isinstance(a, int)],
            ci_formats=profile.ci_formats,
        )
    except ValueError as exc:
        raise ConfigError([f"server {profile.name!r}: {exc}"]) from None


def stream_source_for(profile: ServerProfile) -> StreamSource | None:
    """The event stream for `profile` (None when it has no SSH host to stream from).

    The SSH target is resolved when the stream starts (in the source's helper thread), so
    paramiko is not imported on the way to the first screen.
    """
    host = profile.ssh_target
    if not host:
        return None
    if profile.rest_url:
        # Checked now so a missing password variable is a startup error, not a silent gap.
        resolve_credentials(profile)

    def make(
        on_event: Callable[[Event], None], on_state: Callable[[ConnectionState], None]
    ) -> EventStream:
        # The same wiring as `vstui watch` (strict host keys, backfill client, real-server
        # backfill delay), imported here so paramiko loads in the source's helper thread.
        from vstui.gerrit.connect import ServerConnection

        conn = ServerConnection.from_profile(profile)
        return conn.event_stream(on_event=on_event, on_state=on_state)

    return StreamSource(make)


def open_history(
    profile: ServerProfile, path: str | PathLike[str] | None = None
) -> HistoryStore | None:
    """The profile's `HistoryStore` (None, logged, when the file cannot be used: the TUI
    then works without verdicts)."""
    import logging

    from vstui.history.store import HistoryError, HistoryStore, default_history_path

    try:
        return HistoryStore(path or default_history_path(profile.name), server=profile.name)
    except (HistoryError, OSError) as exc:
        logging.getLogger(__name__).warning("history off: %s", exc)
        return None


def open_session(profile: ServerProfile, *, history: HistoryStore | None = None) -> ReviewSession:
    """A session for `profile` (not started). Raises ConfigError for unusable settings.
    `history`: a `vstui.history.HistoryStore` the session writes to and reads verdicts from."""
    from vstui.gerrit.rest import GerritRestClient

    rest = GerritRestClient.from_profile(profile)
    session = ReviewSession(
        profile.name,
        rest,
        stream_source_for(profile),
        web_url=without_userinfo(profile.rest_url or ""),
        default_query=profile.default_query,
        bot_rules=bot_rules_for(profile),
        history=history,
    )
    session.log_mirror = profile.log_mirror
    return session
