"""REST views beyond changes: `/projects/` (list, get, branches, HEAD, description),
`/config/server/info`, `/accounts/?q=` (query) and `/accounts/self/name`.

Shapes follow Gerrit's Documentation/rest-api-projects.txt, rest-api-config.txt and
rest-api-accounts.txt examples; errors carry Gerrit's texts.
"""

from __future__ import annotations

import json
import re
from typing import Any

from vstui.fake import render_rest as rr
from vstui.fake.http_server import HttpRequest, HttpResponse, RestError, json_response, no_content
from vstui.fake.model import Account, Project
from vstui.fake.rest_params import check_params as _check
from vstui.fake.rest_params import int_param as _int
from vstui.fake.store import GerritStore

ALL_PROJECTS = "All-Projects"
ALL_USERS = "All-Users"
_PROJECT_LIST_PARAMS = frozenset(
    {"b", "branch", "d", "description", "n", "limit", "S", "start", "p", "prefix", "r",
     "regex", "m", "match", "t", "tree", "type", "all", "state", "s"}
)  # fmt: skip
_REGEX_MAX = 200  # project/branch regexes: short patterns only (no user-controlled backtracking)


def _method(req: HttpRequest, *allowed: str) -> None:
    method = "GET" if req.method == "HEAD" else req.method
    if method not in allowed:
        raise RestError(405, "Method Not Allowed")


def _pretty(req: HttpRequest) -> bool:
    v = req.param("pp", "prettyPrint")
    return v is not None and v.lower() in ("1", "true")


def _regex(pattern: str) -> re.Pattern[str]:
    """A user regex, anchored as Gerrit's (`^`/`$` implicit), bounded in size."""
    if len(pattern) > _REGEX_MAX:
        raise RestError(400, "Regex too long")
    try:
        return re.compile(pattern.removeprefix("^").removesuffix("$"))
    except re.error:
        raise RestError(400, f"Invalid regular expression: {pattern}") from None


def _match_filters(req: HttpRequest, names: list[str]) -> list[str]:
    """Apply `p` (prefix), `m` (substring, case-insensitive), `r` (regex): one at most."""
    prefix, match, regex = (
        req.param("p", "prefix"),
        req.param("m", "match"),
        req.param("r", "regex"),
    )
    if sum(x is not None for x in (prefix, match, regex)) > 1:
        raise RestError(400, "specify exactly one of p/m/r")
    if prefix is not None:
        return [n for n in names if n.startswith(prefix)]
    if match is not None:
        return [n for n in names if match.lower() in n.lower()]
    if regex is not None:
        pat = _regex(regex)
        return [n for n in names if pat.fullmatch(n)]
    return names


def _page(req: HttpRequest, items: list[Any]) -> list[Any]:
    start = max(0, _int(req, "S", "start", "s") or 0)
    limit = _int(req, "n", "limit")
    items = items[start:]
    return items[:limit] if limit is not None and limit > 0 else items


# ---------------------------------------------------------------------------- projects


def project_info(store: GerritStore, project: Project) -> dict[str, Any]:
    """ProjectInfo of `GET /projects/{name}` (id, name, parent, description, state, labels)."""
    d: dict[str, Any] = {"id": rr.url_encode(project.name), "name": project.name}
    d["parent"] = ALL_PROJECTS
    if project.description:
        d["description"] = project.description
    d["state"] = "ACTIVE"
    d["labels"] = {
        lt.name: {"values": rr.label_values(lt), "default_value": lt.default_value}
        for lt in project.labels.values()
    }
    return d


def projects(store: GerritStore, req: HttpRequest, seg: list[str]) -> HttpResponse:
    """`/projects/...` (seg excludes the leading "projects")."""
    if not seg or seg == [""]:
        return _list_projects(store, req)
    project = store.project(seg[0])
    if project is None:
        raise RestError(404, f"Not found: {seg[0]}")
    if len(seg) == 1:
        _method(req, "GET")
        _check(req, frozenset())
        return json_response(project_info(store, project), pretty=_pretty(req))
    view = seg[1]
    if view == "branches":
        return _branches(store, req, project, seg[2:])
    if len(seg) == 2 and view in ("HEAD", "description", "parent"):
        _method(req, "GET")
        _check(req, frozenset())
        value = {"HEAD": project.head, "description": project.description, "parent": ALL_PROJECTS}
        return json_response(value[view], pretty=_pretty(req))
    raise RestError(404, f"Not found: {view}")


def _list_projects(store: GerritStore, req: HttpRequest) -> HttpResponse:
    _method(req, "GET")
    _check(req, _PROJECT_LIST_PARAMS)
    if req.has_param("all") and req.has_param("state", "s"):
        raise RestError(400, "'all' and 'state' may not be used together")
    branch = req.param("b", "branch")
    describe = req.has_param("d", "description")
    state = req.param("state", "s")
    if state is not None and state.upper() not in ("ACTIVE", "READ_ONLY", "HIDDEN"):
        raise RestError(400, f'"{state}" is not a valid value for "--state"')
    with store.lock:
        by_name = {p.name: p for p in store.projects()}
    names = sorted(by_name)
    if state is not None and state.upper() != "ACTIVE":
        names = []
    names = _match_filters(req, names)
    out: dict[str, Any] = {}
    rows: list[tuple[str, dict[str, Any]]] = []
    for name in names:
        project = by_name[name]
        info: dict[str, Any] = {"id": rr.url_encode(name)}
        if req.has_param("t", "tree"):
            info["parent"] = ALL_PROJECTS
        if describe and project.description:
            info["description"] = project.description
        if req.has_param("all") or state is not None:
            info["state"] = "ACTIVE"
        if branch is not None:
            ref = branch if branch.startswith("refs/") else f"refs/heads/{branch}"
            sha = project.branches.get(ref)
            if sha is None:
                continue
            info["branches"] = {branch: sha}
        rows.append((name, info))
    for name, info in _page(req, rows):
        out[name] = info
    return json_response(out, pretty=_pretty(req))


def _branches(
    store: GerritStore, req: HttpRequest, project: Project, seg: list[str]
) -> HttpResponse:
    _method(req, "GET")
    with store.lock:
        heads = sorted(project.branches.items())
    if seg and seg != [""]:
        _check(req, frozenset())
        name = seg[0]
        ref = name if name.startswith("refs/") else f"refs/heads/{name}"
        sha = dict(heads).get(ref)
        if sha is None or len(seg) > 1:
            raise RestError(404, f"Not found: {name}")
        return json_response({"ref": ref, "revision": sha}, pretty=_pretty(req))
    _check(req, frozenset({"n", "limit", "S", "start", "s", "m", "match", "r", "regex"}))
    rows: list[dict[str, Any]] = [
        {"ref": "HEAD", "revision": project.head.removeprefix("refs/heads/")}
    ]
    rows += [{"ref": ref, "revision": sha} for ref, sha in heads]
    match, regex = req.param("m", "match"), req.param("r", "regex")
    if match is not None:
        rows = [r for r in rows if match.lower() in r["ref"].lower()]
    elif regex is not None:
        pat = _regex(regex)
        rows = [r for r in rows if pat.fullmatch(r["ref"].removeprefix("refs/heads/"))]
    return json_response(_page(req, rows), pretty=_pretty(req))


# ---------------------------------------------------------------------------- server info


def server_info(store: GerritStore, req: HttpRequest) -> HttpResponse:
    """ServerInfo: what clients read first (auth type, download schemes, limits)."""
    _check(req, frozenset())
    schemes: dict[str, Any] = {}
    project = "${project}"
    templates = {"anonymous http": f"{store.canonical_url}{project}"}
    scheme, _, rest = store.canonical_url.partition("://")
    user = req.account.username if req.account is not None else None
    templates["http"] = f"{scheme}://{user + '@' if user else ''}{rest}{project}"
    if store.ssh_url:
        scheme, _, rest = store.ssh_url.partition("://")
        templates["ssh"] = f"{scheme}://{user + '@' if user else ''}{rest}{project}"
    for name, url in templates.items():
        entry: dict[str, Any] = {"url": url}
        if name != "anonymous http":
            entry["is_auth_required"] = True
            entry["is_auth_supported"] = True
        entry["commands"] = {
            "Checkout": f"git fetch {url} ${{ref}} && git checkout FETCH_HEAD",
            "Format Patch": f"git fetch {url} ${{ref}} && git format-patch -1 --stdout FETCH_HEAD",
            "Pull": f"git pull {url} ${{ref}}",
            "Cherry Pick": f"git fetch {url} ${{ref}} && git cherry-pick FETCH_HEAD",
        }
        entry["clone_commands"] = {"Clone": f"git clone {url}"}
        schemes[name] = entry
    body = {
        "accounts": {"visibility": "ALL", "default_display_name": "FULL_NAME"},
        "auth": {
            "auth_type": "HTTP",
            "use_contributor_agreements": False,
            "editable_account_fields": ["FULL_NAME", "REGISTER_NEW_EMAIL"],
            "git_basic_auth_policy": "HTTP",
        },
        "change": {
            "allow_blame": True,
            "update_delay": 300,
            "submit_whole_topic": False,
            "disable_private_changes": False,
            "mergeability_computation_behavior": "NEVER",
            "enable_attention_set": True,
            "enable_assignee": False,
        },
        "download": {"schemes": schemes, "archives": ["tgz", "tar", "tbz2", "txz"]},
        "gerrit": {
            "all_projects": ALL_PROJECTS,
            "all_users": ALL_USERS,
            "doc_search": True,
            "primary_weblink_name": "",
        },
        "note_db_enabled": True,
        "sshd": {},
        "suggest": {"from": 0},
        "user": {"anonymous_coward_name": "Name of user not set"},
        "receive": {"enable_signed_push": False},
        "submit_requirement_dashboard_columns": [],
    }
    return json_response(body, pretty=_pretty(req))


# ---------------------------------------------------------------------------- accounts


def query_accounts(store: GerritStore, req: HttpRequest) -> HttpResponse:
    """`GET /accounts/?q=` (or `suggest`): AccountInfo list, `_more_accounts` on the last."""
    _check(req, frozenset({"q", "query", "n", "limit", "S", "start", "o", "suggest"}))
    q = req.param("q", "query")
    if q is None:
        raise RestError(400, "missing query field")
    options = {o.upper() for o in req.params("o")}
    detailed = bool(options & {"DETAILS", "ALL_EMAILS"}) or req.has_param("suggest")
    try:
        pred = _account_predicate(q)
    except ValueError as exc:
        raise RestError(400, str(exc)) from None
    with store.lock:
        hits = sorted((a for a in store.accounts() if pred(a)), key=lambda a: a.account_id)
    start = max(0, _int(req, "S", "start") or 0)
    limit = _int(req, "n", "limit")
    page = hits[start:]
    more = limit is not None and 0 < limit < len(page)
    if limit is not None and limit > 0:
        page = page[:limit]
    rows = [rr.account_info(a, detailed) for a in page]
    if more and rows:
        rows[-1]["_more_accounts"] = True
    return json_response(rows, pretty=_pretty(req))


def _account_predicate(q: str) -> Any:
    """Gerrit's account query, as far as the emulator needs it: AND of terms; operators
    name:, username:, email:, is:active, is:inactive, and bare words (name/email/username
    prefix, case-insensitive)."""
    tests: list[Any] = []
    for raw in re.findall(r'(?:[^\s"]+:"[^"]*"|"[^"]*"|\S+)', q):
        if raw.upper() == "AND":
            continue
        op, sep, value = raw.partition(":")
        value = value.strip('"').lower()
        if not sep:
            word = op.strip('"').lower()
            tests.append(
                lambda a, w=word: any(
                    part.startswith(w)
                    for f in (a.name, a.email, a.username)
                    for part in [f.lower(), *f.lower().split()]
                )
            )
        elif op == "name":
            tests.append(lambda a, v=value: v in a.name.lower())
        elif op == "username":
            tests.append(lambda a, v=value: a.username.lower() == v)
        elif op == "email":
            tests.append(lambda a, v=value: v in a.email.lower())
        elif op == "is" and value in ("active", "inactive"):
            want = value == "inactive"
            tests.append(lambda a, w=want: bool(a.inactive) == w)
        else:
            raise ValueError(f"Unsupported query:{raw}")
    return lambda a: all(t(a) for t in tests)


def account_name(store: GerritStore, req: HttpRequest, account: Account) -> HttpResponse:
    """`GET|PUT|DELETE /accounts/{id}/name`."""
    if req.method in ("GET", "HEAD"):
        return json_response(account.name, pretty=_pretty(req))
    if req.method not in ("PUT", "DELETE"):
        raise RestError(405, "Method Not Allowed")
    if req.account is None or (req.account is not account and not req.account.is_admin):
        raise RestError(403, "modify account not permitted")
    name = ""
    if req.method == "PUT":
        body = _json_body(req)
        value = body.get("name")
        if value is not None and not isinstance(value, str):
            raise RestError(400, "Invalid application/json in request")
        name = (value or "").strip()
    store.set_account_name(account, name)
    if not name:
        return no_content()
    return json_response(name, pretty=_pretty(req))


def _json_body(req: HttpRequest) -> dict[str, Any]:
    if not req.body.strip():
        return {}
    try:
        obj = json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RestError(400, "Invalid application/json in request") from None
    if not isinstance(obj, dict):
        raise RestError(400, "Invalid application/json in request")
    return obj
