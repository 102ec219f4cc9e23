"""Gerrit REST routes over the in-memory store (payload shapes come from `render_rest`).

Covered: `/config/server/version`, `/config/server/verify-status~config`, `/accounts/self`
and `/accounts/{id}`, `/changes/` (query, several `q`, paging, `o=` options),
`/changes/{id}` and `/detail`, `/messages` and `/messages/{id}`, revisions
(`/review` GET and POST, `/commit`), `/abandon`, `/restore`, `/submit`, verify-status
`verifications` (GET and POST), and the events-log servlet; `/projects/`, `/config/server/info`,
`/accounts/?q=` and `/accounts/{id}/name` (rest_projects); creating projects, accounts and
changes, change edits and rebase (rest_admin); git over smart HTTP (git_serve) and the
commit-msg hook at `/tools/hooks/commit-msg`; inline comments, file content and stars
(rest_review). Errors carry Gerrit's texts:
`Not found: <id>`, `Authentication required`, `Invalid application/json in request`,
args4j's `"--x" is not a valid option` for unknown query parameters, ...
"""

from __future__ import annotations

import calendar
import json
import time
from typing import Any
from urllib.parse import unquote

from vstui.fake import git_serve, hooks, rest_admin, rest_projects, rest_review
from vstui.fake import render_rest as rr
from vstui.fake.cmdline import java_parse_int
from vstui.fake.errors import GerritError
from vstui.fake.http_server import (
    HttpRequest,
    HttpResponse,
    RestError,
    json_response,
    no_content,
)
from vstui.fake.model import Change, PatchSet
from vstui.fake.rest_params import check_params as _check_params
from vstui.fake.rest_params import int_param as _int_param
from vstui.fake.rest_params import json_object as _read_json
from vstui.fake.store import GerritStore

# Parameters every REST view accepts (RestApiServlet / ParameterParser globals).
_VERIFY_STATUS_CONFIG = {
    "show_jobs_panel": True,
    "show_jobs_drop_down_panel": True,
    "show_jobs_summary_panel": True,
    "sort_jobs_panel": "REPORTER",
    "sort_jobs_drop_down_panel": "REPORTER",
}
EVENTS_LOG_RETURN_LIMIT = 5000


def _pretty(req: HttpRequest) -> bool:
    v = req.param("pp", "prettyPrint")
    return v is not None and v.lower() in ("1", "true")


def _str_field(obj: dict[str, Any], name: str) -> str | None:
    v = obj.get(name)
    if v is None:
        return None
    if not isinstance(v, (str, int, float, bool)):
        raise RestError(400, "Invalid application/json in request")
    return v if isinstance(v, str) else json.dumps(v)


class RestApi:
    """`route(request) -> response` for the HTTP server."""

    def __init__(self, store: GerritStore, *, version: str) -> None:
        self.store = store
        self.version = version

    # -- entry --------------------------------------------------------------------------

    def route(self, req: HttpRequest) -> HttpResponse:
        raw_segments = req.path.split("/")[1:]
        if raw_segments and raw_segments[-1] == "" and len(raw_segments) > 1:
            trailing_slash = True
            raw_segments = raw_segments[:-1]
        else:
            trailing_slash = False
        seg = [unquote(s) for s in raw_segments]
        try:
            if git_serve.is_git_path(req.path):
                return git_serve.http(self.store, req)
            if seg == ["tools", "hooks", "commit-msg"] and req.method in ("GET", "HEAD"):
                return HttpResponse(200, hooks.COMMIT_MSG.encode(), "application/octet-stream")
            if seg[:3] == ["plugins", "events-log", "events"]:
                return self.events_log(req)
            if req.method not in ("GET", "HEAD") and req.account is None:
                raise RestError(403, "Authentication required")
            if not seg or seg == [""]:
                raise RestError(404, "Not Found")
            top = seg[0]
            if top == "config":
                return self._config(req, seg[1:])
            if top == "accounts":
                return self._accounts(req, seg[1:])
            if top == "projects":
                if len(seg) == 2 and req.method == "PUT":
                    return rest_admin.create_project(self.store, req, seg[1])
                return rest_projects.projects(self.store, req, seg[1:])
            if top == "changes":
                if len(seg) == 1 or (len(seg) == 2 and seg[1] == ""):
                    if req.method == "POST":
                        return rest_admin.create_change(self.store, req)
                    return self.query_changes(req)
                return self._change(req, seg[1], seg[2:], trailing_slash)
            raise RestError(404, "Not Found")
        except GerritError as exc:
            raise RestError(exc.status, exc.message) from None

    @staticmethod
    def _method(req: HttpRequest, *allowed: str) -> None:
        method = "GET" if req.method == "HEAD" else req.method
        if method not in allowed:
            raise RestError(405, "Method Not Allowed")

    # -- /config -----------------------------------------------------------------------

    def _config(self, req: HttpRequest, seg: list[str]) -> HttpResponse:
        if seg[:1] != ["server"] or len(seg) != 2:
            raise RestError(404, "Not Found")
        view = seg[1]
        self._method(req, "GET")
        _check_params(req, frozenset())
        if view == "version":
            return json_response(self.version, pretty=_pretty(req))
        if view == "info":
            return rest_projects.server_info(self.store, req)
        if view == "verify-status~config":
            return json_response(_VERIFY_STATUS_CONFIG, pretty=_pretty(req))
        raise RestError(404, f"Not found: {view}")

    # -- /accounts ---------------------------------------------------------------------

    def _accounts(self, req: HttpRequest, seg: list[str]) -> HttpResponse:
        if not seg or seg == [""]:
            self._method(req, "GET")
            return rest_projects.query_accounts(self.store, req)
        if len(seg) == 1 and req.method == "PUT":
            return rest_admin.create_account(self.store, req, seg[0])
        if len(seg) == 2 and seg[1] == "name":
            account = self.store.resolve_account(seg[0], req.account)
            return rest_projects.account_name(self.store, req, account)
        if len(seg) >= 2 and seg[0]:
            account = self.store.resolve_account(seg[0], req.account)
            answer = rest_review.account_view(req, self.store, account, seg[1:])
            if answer is not None:
                return answer
        if len(seg) != 1 or not seg[0]:
            raise RestError(404, "Not Found")
        self._method(req, "GET")
        _check_params(req, frozenset())
        account = self.store.resolve_account(seg[0], req.account)
        return json_response(rr.account_detail_info(account), pretty=_pretty(req))

    # -- /changes/ ---------------------------------------------------------------------

    def query_changes(self, req: HttpRequest) -> HttpResponse:
        self._method(req, "GET")
        _check_params(
            req,
            {"q", "n", "S", "start", "o", "O", "no-limit", "skip-visibility",
             "allow-incomplete-results"},
        )  # fmt: skip
        queries = req.params("q") or ["status:open"]
        limit = _int_param(req, "n")
        start = _int_param(req, "S", "start") or 0
        options = rr.parse_options(req.params("o"))
        no_limit = req.has_param("no-limit") and req.account is not None
        results = []
        for q in queries:
            result = self.store.query(q, req.account, limit=limit, start=start, no_limit=no_limit)
            rows = []
            last = len(result.changes) - 1
            for i, change in enumerate(result.changes):
                rows.append(
                    rr.change_info(
                        self.store,
                        change,
                        options,
                        req.account,
                        more_changes=result.more_changes and i == last,
                    )
                )
            results.append(rows)
        body: Any = results[0] if len(queries) == 1 else results
        return json_response(body, pretty=_pretty(req))

    # -- /changes/{id}/... -------------------------------------------------------------

    def _change(
        self, req: HttpRequest, ident: str, seg: list[str], trailing_slash: bool
    ) -> HttpResponse:
        change = self.store.resolve_change(ident, req.account)
        if not seg:
            self._method(req, "GET")
            _check_params(req, {"o", "O"})
            options = rr.parse_options(req.params("o"))
            return self._change_info(req, change, options)
        view = seg[0]
        if view == "detail" and len(seg) == 1:
            self._method(req, "GET")
            _check_params(req, {"o", "O"})
            options = rr.DETAIL_OPTIONS | rr.parse_options(req.params("o"))
            return self._change_info(req, change, options)
        if view == "messages":
            return self._messages(req, change, seg[1:])
        if view in ("comments", "robotcomments") and len(seg) == 1:
            _check_params(req, frozenset())
            return rest_review.comments(req, self.store, change, robot=view == "robotcomments")
        if view == "rebase" and len(seg) == 1:
            self._method(req, "POST")
            _read_json(req)
            self.store.rebase(change, req.account)
            return self._change_info(req, change, frozenset({"CURRENT_REVISION"}))
        if view in ("edit", "edit:publish"):
            return rest_admin.change_edit(self.store, req, change, view, seg[1:])
        if view == "revisions":
            if len(seg) == 1:
                raise RestError(404, "Not Found")
            return self._revision(req, change, seg[1], seg[2:])
        if view in ("abandon", "restore") and len(seg) == 1:
            self._method(req, "POST")
            body = _read_json(req)
            message = _str_field(body, "message") or ""
            if view == "abandon":
                self.store.abandon(change, req.account, message)
            else:
                self.store.restore(change, req.account, message)
            return self._change_info(req, change, frozenset())
        raise RestError(404, f"Not found: {view}")

    def _change_info(
        self, req: HttpRequest, change: Change, options: frozenset[str]
    ) -> HttpResponse:
        body = rr.change_info(self.store, change, options, req.account)
        return json_response(body, pretty=_pretty(req))

    def _messages(self, req: HttpRequest, change: Change, seg: list[str]) -> HttpResponse:
        self._method(req, "GET")
        _check_params(req, frozenset())
        if not seg:
            with self.store.lock:
                body: Any = [
                    rr.change_message_info(self.store, m, replace_templates=True)
                    for m in change.messages
                ]
            return json_response(body, pretty=_pretty(req))
        if len(seg) == 1:
            with self.store.lock:
                for m in change.messages:
                    if m.id == seg[0]:
                        body = rr.change_message_info(self.store, m, replace_templates=True)
                        return json_response(body, pretty=_pretty(req))
            raise RestError(404, f"Not found: {seg[0]}")
        raise RestError(404, f"Not found: {seg[1]}")

    # -- /changes/{id}/revisions/{rev}/... ---------------------------------------------

    def _revision(self, req: HttpRequest, change: Change, rev: str, seg: list[str]) -> HttpResponse:
        ps = self.store.resolve_revision(change, rev)
        if not seg:
            raise RestError(404, "Not Found")
        view = seg[0]
        if view == "files" and len(seg) == 3 and seg[2] == "content":
            _check_params(req, {"parent"})
            return rest_review.content(req, self.store, change, ps, seg[1])
        if len(seg) != 1:
            raise RestError(404, f"Not found: {seg[1]}")
        if view == "review":
            if req.method == "POST":
                return self._post_review(req, change, ps)
            self._method(req, "GET")
            _check_params(req, {"o", "O"})
            options = rr.DETAIL_OPTIONS | {"CURRENT_REVISION"}
            return self._change_info(req, change, frozenset(options))
        if view == "commit":
            self._method(req, "GET")
            _check_params(req, {"links"})
            body = rr.revision_info(change, ps, detailed=False, commit=True, files=False)
            commit = dict(body["commit"])
            return json_response({"commit": ps.revision, **commit}, pretty=_pretty(req))
        if view == "submit":
            self._method(req, "POST")
            _read_json(req)
            self.store.submit(change, req.account)
            return json_response({"status": "MERGED"}, pretty=_pretty(req))
        if view in ("verify-status~verifications", "verifications"):
            return self._verifications(req, change, ps)
        if view in ("comments", "drafts", "robotcomments"):
            # The emulator keeps no inline comments: an empty map, as for a change without.
            self._method(req, "GET")
            return json_response({}, pretty=_pretty(req))
        raise RestError(404, f"Not found: {view}")

    def _post_review(self, req: HttpRequest, change: Change, ps: PatchSet) -> HttpResponse:
        _check_params(req, frozenset())
        body = _read_json(req)
        labels_in = body.get("labels")
        labels: dict[str, int] = {}
        if labels_in is not None:
            if not isinstance(labels_in, dict):
                raise RestError(400, "Invalid application/json in request")
            for name, value in labels_in.items():
                if isinstance(value, bool) or not isinstance(value, (int, str)):
                    raise RestError(400, "Invalid application/json in request")
                if isinstance(value, str):
                    try:
                        value = java_parse_int(value.lstrip("+"), short=True)
                    except ValueError:
                        raise RestError(400, "Invalid application/json in request") from None
                labels[name] = value
        on_behalf_of = _str_field(body, "on_behalf_of")
        result = self.store.post_review(
            change,
            ps,
            req.account,
            message=_str_field(body, "message"),
            labels=labels,
            tag=_str_field(body, "tag"),
            on_behalf_of=on_behalf_of,
            ready=body.get("ready") is True,
            work_in_progress=body.get("work_in_progress") is True,
            comments=rest_review.review_comments(body),
        )
        return json_response(rr.review_result(result), pretty=_pretty(req))

    def _verifications(self, req: HttpRequest, change: Change, ps: PatchSet) -> HttpResponse:
        if req.method == "POST":
            _check_params(req, frozenset())
            if req.account is None:
                raise RestError(403, "Authentication required")
            body = _read_json(req)
            self.store.save_verifications(change, ps, req.account, body.get("verifications"))
            return no_content()
        self._method(req, "GET")
        _check_params(req, {"sort", "s", "filter", "f"})
        rows = self.store.verifications(
            change, ps, sort=req.param("sort", "s"), filter=req.param("filter", "f")
        )
        return json_response(rr.verifications_json(rows), pretty=_pretty(req))

    # -- events-log --------------------------------------------------------------------

    def events_log(self, req: HttpRequest) -> HttpResponse:
        """EventsRestApiServlet: identified users only, `&` or `;`, no XSSI prefix."""
        if req.account is None:
            return HttpResponse(401, b"Unauthorized", "text/plain; charset=ISO-8859-1")
        if req.method not in ("GET", "HEAD"):
            return HttpResponse(405, b"Method Not Allowed", "text/plain; charset=ISO-8859-1")
        t1 = t2 = None
        if req.query_string:
            params: dict[str, str] = {}
            for pair in req.query_string.replace(";", "&").split("&"):
                name, eq, value = pair.partition("=")
                if eq and name:
                    params[unquote(name.replace("+", " "))] = unquote(value.replace("+", " "))
            if "t1" not in params and "t2" not in params:
                return _bad_request()
            try:
                t1 = _parse_events_log_date(params["t1"]) if "t1" in params else None
                t2 = _parse_events_log_date(params["t2"]) if "t2" in params else None
            except ValueError:
                return _bad_request()
        rows = self.store.events_log(req.account, t1, t2, limit=EVENTS_LOG_RETURN_LIMIT)
        body = "".join(row + "\n" for row in rows).encode("utf-8")
        return HttpResponse(200, body, "text/html;charset=utf-8")


def _bad_request() -> HttpResponse:
    return HttpResponse(400, b"Bad Request", "text/plain; charset=ISO-8859-1")


def _parse_events_log_date(text: str) -> float:
    """`yyyy-MM-dd HH:mm:ss` or `yyyy-MM-dd` (start of day), in the server zone (UTC here)."""
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = time.strptime(text, fmt)
        except ValueError:
            continue
        return float(calendar.timegm(parsed))
    raise ValueError(text)
