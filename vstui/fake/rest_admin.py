"""Building a world over the wire, as an admin would on a real Gerrit.

- `PUT /projects/{name}` (ProjectInput: description, branches) -> 201 ProjectInfo
- `PUT /accounts/{username}` (AccountInput: name, display_name, email, ssh_key,
  http_password, groups; "Service Users" makes a bot) -> 201 AccountInfo
- `POST /changes/` (ChangeInput: project, branch, subject, topic, work_in_progress,
  is_private) -> 201 ChangeInfo (an empty commit on the branch tip, as Gerrit makes)
- change edits: `PUT|DELETE /changes/{id}/edit/{path}` (raw content, or
  `{"binary_content": "data:...;base64,..."}`), `GET /changes/{id}/edit` (EditInfo or 204),
  `GET /changes/{id}/edit/{path}` (base64 content), `POST /changes/{id}/edit:publish`,
  `DELETE /changes/{id}/edit`.

Shapes from Gerrit's rest-api-projects, rest-api-accounts and rest-api-changes docs.
Creating projects and accounts needs an administrator, as the createProject and
createAccount capabilities default to Administrators.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from vstui.fake import render_rest as rr
from vstui.fake.errors import GerritError
from vstui.fake.http_server import HttpRequest, HttpResponse, RestError, json_response, no_content
from vstui.fake.model import SERVICE_USERS, Account, Change
from vstui.fake.rest_params import json_object
from vstui.fake.rest_projects import project_info
from vstui.fake.store import GerritStore

_MAX_FILE = 4 * 1024 * 1024


def _body(req: HttpRequest) -> dict[str, Any]:
    # The admin routes have never required a JSON Content-Type (unchanged here).
    return json_object(req, check_type=False)


def _text(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RestError(400, "Invalid application/json in request")
    return value


def _admin(req: HttpRequest, capability: str) -> Account:
    if req.account is None:
        raise RestError(403, "Authentication required")
    if not req.account.is_admin:
        raise RestError(403, f"{capability} for plugin gerrit not permitted")
    return req.account  # type: ignore[no-any-return]


def _created(body: Any) -> HttpResponse:
    resp = json_response(body)
    resp.status = 201
    return resp


def create_project(store: GerritStore, req: HttpRequest, name: str) -> HttpResponse:
    who = _admin(req, "createProject")
    body = _body(req)
    if body.get("name") not in (None, name):
        raise RestError(400, "name must match URL")
    description = _text(body, "description") or ""
    try:
        project = store.create_project(name.removesuffix(".git"), description=description,
                                       creator=who)  # fmt: skip
    except GerritError as exc:
        raise RestError(exc.status, exc.message) from None
    return _created(project_info(store, project))


def create_account(store: GerritStore, req: HttpRequest, username: str) -> HttpResponse:
    _admin(req, "createAccount")
    body = _body(req)
    if body.get("username") not in (None, username):
        raise RestError(400, "username must match URL")
    groups = body.get("groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise RestError(400, "Invalid application/json in request")
    name = _text(body, "name") or username
    try:
        account = store.create_account(
            username,
            name,
            _text(body, "email"),
            service_user=SERVICE_USERS in groups,
            groups=[g for g in groups if g != SERVICE_USERS],
            http_password=_text(body, "http_password"),
            display_name=_text(body, "display_name"),
        )
        key = _text(body, "ssh_key")
        if key:
            store.set_ssh_key(username, key)
    except GerritError as exc:
        raise RestError(exc.status, exc.message) from None
    return _created(rr.account_info(account, True))


def create_change(store: GerritStore, req: HttpRequest) -> HttpResponse:
    if req.account is None:
        raise RestError(403, "Authentication required")
    body = _body(req)
    project, branch, subject = _text(body, "project"), _text(body, "branch"), _text(body, "subject")
    if not project:
        raise RestError(400, "project must be non-empty")
    if not branch:
        raise RestError(400, "branch must be non-empty")
    if not subject:
        raise RestError(400, "commit message must be non-empty")
    if store.project(project) is None:
        raise RestError(404, f"Project Not Found: {project}")
    try:
        change = store.create_change(
            project,
            req.account,
            subject.split("\n", 1)[0],
            branch=branch,
            topic=_text(body, "topic"),
            body=subject.split("\n", 1)[1] if "\n" in subject else "",
            wip=body.get("work_in_progress") is True or body.get("status") == "DRAFT",
            private=body.get("is_private") is True,
            files=[],
        )
    except GerritError as exc:
        raise RestError(exc.status, exc.message) from None
    return _created(rr.change_info(store, change, (), req.account))


def change_edit(
    store: GerritStore, req: HttpRequest, change: Change, view: str, rest: list[str]
) -> HttpResponse:
    """`/changes/{id}/edit[/{path}]` and `/changes/{id}/edit:publish`."""
    if req.account is None:
        raise RestError(403, "Authentication required")
    if view == "edit:publish":
        if req.method != "POST" or rest:
            raise RestError(405, "Method Not Allowed")
        try:
            store.publish_edit(change, req.account)
        except GerritError as exc:
            raise RestError(exc.status, exc.message) from None
        return no_content()
    path = "/".join(rest)
    if not path:
        if req.method in ("GET", "HEAD"):
            edit = store.change_edit(change)
            if edit is None:
                return no_content()
            info = {
                "commit": rr.revision_info(
                    change, change.current, detailed=False, commit=True, files=False
                )["commit"],
                "base_patch_set_number": change.current.number,
                "base_revision": change.current.revision,
                "ref": f"refs/users/{req.account.account_id % 100:02d}/"
                f"{req.account.account_id}/edit-{change.number}/{change.current.number}",
            }
            return json_response(info)
        if req.method == "DELETE":
            try:
                store.discard_edit(change)
            except GerritError as exc:
                raise RestError(exc.status, exc.message) from None
            return no_content()
        raise RestError(405, "Method Not Allowed")
    if req.method in ("GET", "HEAD"):
        data = store.edit_content(change, path)
        if data is None:
            raise RestError(404, f"Not found: {path}")
        return HttpResponse(200, base64.b64encode(data), "text/plain; charset=ISO-8859-1")
    if req.method == "DELETE":
        store.edit_file(change, req.account, path, None)
        return no_content()
    if req.method not in ("PUT", "POST"):
        raise RestError(405, "Method Not Allowed")
    content = req.body
    ctype = (req.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if ctype == "application/json":
        raw = _text(_body(req), "binary_content")
        if raw is None or not raw.startswith("data:") or ";base64," not in raw:
            raise RestError(400, "binary_content must be a base64 data URL")
        try:
            content = base64.b64decode(raw.split(";base64,", 1)[1], validate=True)
        except (binascii.Error, ValueError):
            raise RestError(400, "binary_content must be a base64 data URL") from None
    if len(content) > _MAX_FILE:
        raise RestError(413, "Request Entity Too Large")
    try:
        store.edit_file(change, req.account, path, content)
    except GerritError as exc:
        raise RestError(exc.status, exc.message) from None
    return no_content()
