"""Accounts, groups and capabilities."""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable

from vstui.fake.errors import AuthError, BadRequest, Conflict, NotFound
from vstui.fake.model import (
    ADMINISTRATORS,
    CAP_ACCESS_CI_DATABASE,
    CAP_ADMINISTRATE_SERVER,
    CAP_SAVE_VERIFICATION,
    CAP_STREAM_EVENTS,
    REGISTERED_USERS,
    SERVICE_USERS,
    Account,
    Group,
)
from vstui.fake.store_events import EventsMixin


class AccountsMixin(EventsMixin):
    """Accounts (by id, username, email), groups, capabilities, HTTP passwords, SSH keys."""

    def _init_accounts(self) -> None:
        self._accounts: dict[int, Account] = {}
        self._by_username: dict[str, Account] = {}
        self._by_email: dict[str, Account] = {}
        self._next_account_id = 1000000
        self._groups: dict[str, Group] = {}
        self._capabilities: dict[str, set[str]] = {
            CAP_STREAM_EVENTS: {SERVICE_USERS, ADMINISTRATORS},
            CAP_SAVE_VERIFICATION: set(),
            CAP_ADMINISTRATE_SERVER: {ADMINISTRATORS},
            CAP_ACCESS_CI_DATABASE: set(),
        }
        for gid, name in enumerate((ADMINISTRATORS, SERVICE_USERS, REGISTERED_USERS), 1):
            self._groups[name] = Group(gid, self._sha(f"group:{name}"), name)

    def create_account(
        self,
        username: str,
        name: str,
        email: str | None = None,
        *,
        service_user: bool = False,
        admin: bool = False,
        groups: Iterable[str] = (),
        http_password: str | None = None,
        display_name: str | None = None,
    ) -> Account:
        with self._mutation():
            if username in self._by_username:
                raise Conflict(f"username '{username}' already exists")
            account_id = self._next_account_id
            self._next_account_id += 1
            if http_password is None:
                http_password = self._sha(f"http:{username}")[:22]
            acct = Account(
                account_id=account_id,
                username=username,
                name=name,
                email=email if email is not None else f"{username}@example.org",
                http_password=http_password,
                display_name=display_name,
                registered_on=self.now(),
            )
            self._accounts[account_id] = acct
            self._by_username[username] = acct
            self._by_email[acct.email.lower()] = acct
            wanted = set(groups) | {REGISTERED_USERS}
            if service_user:
                wanted.add(SERVICE_USERS)
            if admin:
                wanted.add(ADMINISTRATORS)
            for g in wanted:
                self._add_to_group(acct, g)
            return acct

    def _add_to_group(self, account: Account, group_name: str) -> None:
        group = self._groups.get(group_name)
        if group is None:
            group = Group(len(self._groups) + 1, self._sha(f"group:{group_name}"), group_name)
            self._groups[group_name] = group
        group.members.add(account.account_id)
        account.groups.add(group_name)

    def add_to_group(self, account: Account | str, group_name: str) -> None:
        with self._mutation():
            self._add_to_group(self._account_arg(account), group_name)

    def grant_capability(self, capability: str, group_name: str) -> None:
        with self._mutation():
            self._capabilities.setdefault(capability, set()).add(group_name)
            if group_name not in self._groups:
                self._groups[group_name] = Group(
                    len(self._groups) + 1, self._sha(f"group:{group_name}"), group_name
                )

    def has_capability(self, account: Account | None, capability: str) -> bool:
        if account is None or account.inactive:
            return False
        with self.lock:
            granted = self._capabilities.get(capability, set())
            if account.groups & granted:
                return True
            # Core capabilities fall back to administrators; verify-status ones do not
            # (fallBackToAdmin = false), so admins need an explicit grant there.
            return capability in (CAP_STREAM_EVENTS, CAP_ADMINISTRATE_SERVER) and account.is_admin

    def set_ssh_key(self, username: str, public_key_line: str) -> None:
        """Register an OpenSSH public key line (`ssh-ed25519 AAAA... comment`) for a user."""
        with self._mutation():
            acct = self._by_username.get(username)
            if acct is None:
                raise NotFound(f"Not found: {username}")
            line = public_key_line.strip()
            parts = line.split()
            if len(parts) < 2:
                raise BadRequest("Invalid SSH key")
            if not any(k.split()[:2] == parts[:2] for k in acct.ssh_keys):
                acct.ssh_keys.append(line)

    def set_account_name(self, account: Account | str, name: str) -> Account:
        """`PUT /accounts/{id}/name` (an empty name deletes it, as Gerrit does)."""
        with self._mutation():
            acct = self._account_arg(account)
            acct.name = name.strip()
            return acct

    def account(self, ref: int | str) -> Account | None:
        with self.lock:
            if isinstance(ref, int):
                return self._accounts.get(ref)
            if ref.isdigit():
                return self._accounts.get(int(ref))
            return self._by_username.get(ref) or self._by_email.get(ref.lower())

    def accounts(self) -> list[Account]:
        with self.lock:
            return list(self._accounts.values())

    def groups(self) -> list[Group]:
        with self.lock:
            return list(self._groups.values())

    def group(self, name: str) -> Group | None:
        with self.lock:
            return self._groups.get(name)

    def check_http_password(self, username: str, password: str) -> Account | None:
        acct = self.account(username) if username else None
        if acct is None or acct.inactive:
            # Compare anyway so timing does not reveal which usernames exist.
            hmac.compare_digest(password.encode(), b"x" * 22)
            return None
        if hmac.compare_digest(password.encode(), acct.http_password.encode()):
            return acct
        return None

    def resolve_account(self, ident: str, caller: Account | None = None) -> Account:
        """Resolve a REST `{account-id}` (self/me, id, username, email, name, ...)."""
        ident = ident.strip()
        if ident in ("self", "me"):
            if caller is None:
                raise AuthError(f"Resolving account '{ident}' requires login")
            return caller
        with self.lock:
            m = re.fullmatch(r".*\((\d+)\)", ident)
            if m and int(m.group(1)) in self._accounts:
                return self._accounts[int(m.group(1))]
            m = re.fullmatch(r".*<([^>]+)>", ident)
            if m and m.group(1).lower() in self._by_email:
                return self._by_email[m.group(1).lower()]
            found = self.account(ident)
            if found is not None:
                return found
            by_name = [a for a in self._accounts.values() if a.name == ident]
            if len(by_name) == 1:
                return by_name[0]
        raise NotFound(f"Account '{ident}' not found")

    def _account_arg(self, account: Account | str | int) -> Account:
        if isinstance(account, Account):
            return account
        found = self.account(account)
        if found is None:
            raise NotFound(f"Account '{account}' not found")
        return found
