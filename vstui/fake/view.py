"""What the query engine and the renderers read from the store (no import of the store).

`GerritStore` satisfies `StoreView`; query.py, render_ssh.py and render_rest.py are typed
against this protocol, so the store imports them and they never import the store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from vstui.fake.model import Account, Change, Project


@dataclass(frozen=True, slots=True)
class QueryResult:
    changes: list[Change]
    more_changes: bool


class StoreView(Protocol):
    """The read side of `GerritStore` that payload builders and queries use."""

    @property
    def lock(self) -> threading.RLock: ...

    @property
    def canonical_url(self) -> str: ...

    ssh_url: str | None  # "ssh://host:port/" of the SSH daemon, None if unknown

    def now(self) -> float: ...

    def account(self, ref: int | str) -> Account | None: ...

    def accounts(self) -> list[Account]: ...

    def project(self, name: str) -> Project | None: ...

    def projects(self) -> list[Project]: ...

    def changes(self) -> list[Change]: ...

    def can_see(self, account: Account | None, change: Change) -> bool: ...

    def submit_problems(self, change: Change) -> list[str]: ...
