"""Starred changes per account (`PUT/DELETE /accounts/self/starred.changes/{id}`, `is:starred`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vstui.fake.model import Account, Change

if TYPE_CHECKING:
    from vstui.fake.store import GerritStore


def _table(store: GerritStore) -> dict[int, set[int]]:
    found: dict[int, set[int]] = store.__dict__.setdefault("_vstui_stars", {})
    return found


def star(store: GerritStore, account: Account, change: Change, on: bool = True) -> None:
    with store.lock:
        starred = _table(store).setdefault(account.account_id, set())
        if on:
            starred.add(change.number)
        else:
            starred.discard(change.number)


def is_starred(store: GerritStore, account: Account | None, change: Change) -> bool:
    if account is None:
        return False
    with store.lock:
        return change.number in _table(store).get(account.account_id, ())


def starred_numbers(store: GerritStore, account: Account) -> frozenset[int]:
    with store.lock:
        return frozenset(_table(store).get(account.account_id, ()))
