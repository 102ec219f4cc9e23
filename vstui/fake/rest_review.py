"""REST routes of the reviewer's loop: inline comments, file content, stars.

Hooked into `vstui.fake.rest_api.RestApi` by a few lines; kept apart so the emulator's main
router stays small. Shapes and error texts follow Gerrit's REST documentation:

- `GET /changes/{id}/comments` and `/robotcomments`: `{path: [CommentInfo]}`
- `GET /changes/{id}/revisions/{rev}/files/{file}/content`: the file base64-encoded
  (`text/plain`, `X-FYI-Content-Encoding: base64`, `X-FYI-Content-Type`)
- `GET /accounts/self/starred.changes`, `PUT`/`DELETE /accounts/self/starred.changes/{id}`
"""

from __future__ import annotations

import base64
import mimetypes
from typing import TYPE_CHECKING, Any

from vstui.fake import comments as comments_mod
from vstui.fake import file_content, stars
from vstui.fake.http_server import HttpRequest, HttpResponse, RestError, json_response, no_content
from vstui.fake.model import Account, Change, PatchSet

if TYPE_CHECKING:
    from vstui.fake.store import GerritStore


def comments(req: HttpRequest, store: GerritStore, change: Change, *, robot: bool) -> HttpResponse:
    if req.method not in ("GET", "HEAD"):
        raise RestError(405, "Method Not Allowed")
    return json_response(comments_mod.comments_json(store, change, robot=robot))


def content(
    req: HttpRequest, store: GerritStore, change: Change, ps: PatchSet, path: str
) -> HttpResponse:
    if req.method not in ("GET", "HEAD"):
        raise RestError(405, "Method Not Allowed")
    text = file_content.content(store, change, ps, path)
    kind = mimetypes.guess_type(path)[0] or "text/plain"
    if path.endswith(".py"):
        kind = "text/x-python"
    body = base64.b64encode(text.encode("utf-8"))
    return HttpResponse(
        200,
        body,
        "text/plain; charset=ISO-8859-1",
        {"X-FYI-Content-Encoding": "base64", "X-FYI-Content-Type": kind},
    )


def review_comments(body: dict[str, Any]) -> list[comments_mod.CommentInput]:
    """`comments` and `robot_comments` of a ReviewInput (`drafts` accepted: the emulator
    keeps no drafts, so PUBLISH, PUBLISH_ALL_REVISIONS and KEEP all publish nothing more)."""
    drafts = body.get("drafts")
    if drafts is not None and drafts not in ("PUBLISH", "PUBLISH_ALL_REVISIONS", "KEEP"):
        raise RestError(400, "Invalid application/json in request")
    return [
        *comments_mod.parse_comment_inputs(body.get("comments")),
        *comments_mod.parse_comment_inputs(body.get("robot_comments"), robot=True),
    ]


def account_view(
    req: HttpRequest, store: GerritStore, account: Account, seg: list[str]
) -> HttpResponse | None:
    """`/accounts/{id}/starred.changes[/{change}]`; None = not ours."""
    from vstui.fake import render_rest as rr

    view = seg[0]
    if view == "starred.changes":
        _own(req, account)
        if len(seg) == 1:
            if req.method not in ("GET", "HEAD"):
                raise RestError(405, "Method Not Allowed")
            numbers = stars.starred_numbers(store, account)
            rows = [store.change(n) for n in sorted(numbers, reverse=True)]
            return json_response(
                [
                    rr.change_info(store, c, (), account)
                    for c in rows
                    if c is not None and store.can_see(account, c)
                ]
            )
        if len(seg) == 2:
            change = store.resolve_change(seg[1], account)
            if req.method == "PUT":
                stars.star(store, account, change, True)
            elif req.method == "DELETE":
                stars.star(store, account, change, False)
            elif req.method in ("GET", "HEAD"):
                if not stars.is_starred(store, account, change):
                    raise RestError(404, f"Not found: {seg[1]}")
                return json_response({})
            else:
                raise RestError(405, "Method Not Allowed")
            return no_content()
    return None


def _own(req: HttpRequest, account: Account) -> None:
    if req.account is None:
        raise RestError(403, "Authentication required")
    if req.account is not account and not req.account.is_admin:
        raise RestError(403, "not allowed to modify another account")
