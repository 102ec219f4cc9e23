"""Dashboards: sections of the change list bound to number keys, each a Gerrit query.

Defaults (a server profile's `[[servers.X.dashboards]]` replace them key by key):

    1  My changes            owner:self status:open
    2  Needs my review       attention:self   (else reviewer:self -owner:self status:open)
    3  Starred               is:starred status:open
    4  Recently closed (mine) owner:self (status:merged OR status:abandoned) -age:4w

`attention:` exists since Gerrit 3.3: a server that refuses it gets the fallback query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Dashboard:
    key: str  # "1".."9", "0"
    title: str
    query: str
    fallback: str | None = None  # run instead when the server refuses `query`


DEFAULTS = (
    Dashboard("1", "My changes", "owner:self status:open"),
    Dashboard(
        "2",
        "Needs my review",
        "attention:self status:open -owner:self",
        fallback="reviewer:self -owner:self status:open",
    ),
    Dashboard("3", "Starred", "is:starred status:open"),
    Dashboard(
        "4", "Recently closed (mine)", "owner:self (status:merged OR status:abandoned) -age:4w"
    ),
)
KEYS = tuple("1234567890")


def dashboards(configured: Iterable[tuple[str, str, str]] = ()) -> tuple[Dashboard, ...]:
    """Defaults overlaid with configured (key, title, query) entries, in key order."""
    by_key = {d.key: d for d in DEFAULTS}
    for key, title, query in configured:
        by_key[key] = Dashboard(key, title, query)
    return tuple(by_key[k] for k in KEYS if k in by_key)


def for_key(boards: Iterable[Dashboard], key: str) -> Dashboard | None:
    return next((d for d in boards if d.key == key), None)


def attention_supported(version: str) -> bool:
    """True for Gerrit 3.3 and later (and for versions it cannot read: try, then fall back)."""
    head = version.strip().lstrip("v").split("-", 1)[0].split(".")
    try:
        major, minor = int(head[0]), int(head[1]) if len(head) > 1 else 0
    except (ValueError, IndexError):
        return True
    return (major, minor) >= (3, 3)
