"""SSH payloads: the attribute objects of Documentation/json.txt, in Gson field order.

Stream events and `gerrit query` share these builders. Key order follows the Java classes
(ChangeAttribute, PatchSetAttribute, ApprovalAttribute, ...): Gson writes fields in
declaration order, and `null` fields are left out. Approval values are strings ("2",
"-1"); times are integer seconds.
"""

from __future__ import annotations

import time as _time
from typing import TYPE_CHECKING, Any

from vstui.fake import gson, render_rest
from vstui.fake.model import Account, Approval, Change, PatchSet

if TYPE_CHECKING:
    from vstui.fake.view import StoreView


def account_attr(account: Account, *, with_id: bool = False) -> dict[str, Any]:
    """AccountAttribute: name, email, username (plus accountId in `gerrit query`)."""
    d: dict[str, Any] = {"name": account.name, "email": account.email, "username": account.username}
    if with_id:
        d["accountId"] = account.account_id
    return d


def approval_event_attr(label: str, value: int, old_value: int | None = None) -> dict[str, Any]:
    """An approval inside comment-added / vote-deleted: type, description, value[, oldValue]."""
    d: dict[str, Any] = {"type": label, "description": label, "value": str(value)}
    if old_value is not None:
        d["oldValue"] = str(old_value)
    return d


def approval_query_attr(ap: Approval) -> dict[str, Any]:
    """An approval in `gerrit query` output: type, description, value, grantedOn, by."""
    return {
        "type": ap.label,
        "description": ap.label,
        "value": str(ap.value),
        "grantedOn": int(ap.granted),
        "by": account_attr(ap.account, with_id=True),
    }


def change_url(change: Change, canonical_url: str) -> str:
    return f"{canonical_url}c/{change.project}/+/{change.number}"


def patchset_attr(
    change: Change,
    ps: PatchSet,
    *,
    with_id: bool = False,
    approvals: list[Approval] | None = None,
    files: bool = False,
) -> dict[str, Any]:
    d: dict[str, Any] = {
        "number": ps.number,
        "revision": ps.revision,
        "parents": list(ps.parents),
        "ref": ps.ref,
        "uploader": account_attr(ps.uploader, with_id=with_id),
        "createdOn": int(ps.created_on),
        "author": account_attr(ps.author, with_id=with_id),
        "kind": ps.kind,
    }
    if approvals is not None and approvals:
        d["approvals"] = [approval_query_attr(a) for a in approvals]
    if files:
        lines = ps.commit_message.count("\n") + 6  # Gerrit counts the commit header lines too
        rows = [{"file": "/COMMIT_MSG", "type": "ADDED", "insertions": lines, "deletions": 0}]
        for path, kind, ins, dels in ps.files:
            rows.append({"file": path, "type": kind, "insertions": ins, "deletions": -dels})
        d["files"] = rows
    d["sizeInsertions"] = ps.size_insertions
    d["sizeDeletions"] = ps.size_deletions
    return d


def change_attr(change: Change, canonical_url: str) -> dict[str, Any]:
    """The slim ChangeAttribute carried by stream events."""
    d: dict[str, Any] = {"project": change.project, "branch": change.branch}
    if change.topic:
        d["topic"] = change.topic
    d["id"] = change.change_id
    d["number"] = change.number
    d["subject"] = change.subject
    d["owner"] = account_attr(change.owner)
    d["url"] = change_url(change, canonical_url)
    d["commitMessage"] = change.current.commit_message
    if change.hashtags:
        d["hashtags"] = list(change.hashtags)
    d["createdOn"] = int(change.created_on)
    d["status"] = change.status
    if change.wip:
        d["wip"] = True
    if change.private:
        d["private"] = True
    return d


# ---------------------------------------------------------------------------- gerrit query

QUERY_OPTIONS = (
    "current_patch_set",
    "patch_sets",
    "all_approvals",
    "files",
    "comments",
    "commit_message",
    "all_reviewers",
    "submit_records",
)


def query_row(
    store: StoreView,
    change: Change,
    *,
    current_patch_set: bool = False,
    patch_sets: bool = False,
    all_approvals: bool = False,
    files: bool = False,
    comments: bool = False,
    commit_message: bool = False,
    all_reviewers: bool = False,
    submit_records: bool = False,
) -> dict[str, Any]:
    """One `gerrit query --format=JSON` change row (EventFactory + OutputStreamQuery)."""
    with store.lock:
        d: dict[str, Any] = {"project": change.project, "branch": change.branch}
        if change.topic:
            d["topic"] = change.topic
        d["id"] = change.change_id
        d["number"] = change.number
        d["subject"] = change.subject
        d["owner"] = account_attr(change.owner, with_id=True)
        d["url"] = change_url(change, store.canonical_url)
        if commit_message:
            d["commitMessage"] = change.current.commit_message
        if change.hashtags:
            d["hashtags"] = list(change.hashtags)
        d["createdOn"] = int(change.created_on)
        d["lastUpdated"] = int(change.last_updated)
        d["open"] = change.status == "NEW"
        d["status"] = change.status
        if comments:
            d["comments"] = [
                {
                    "timestamp": int(m.date),
                    "reviewer": account_attr(m.author, with_id=True)
                    if m.author is not None
                    else {"name": "Gerrit Code Review"},
                    # EventFactory.asMessageAttribute replaces account templates.
                    "message": render_template(store, m.message),
                }
                for m in change.messages
            ]
        if change.wip:
            d["wip"] = True
        if change.private:
            d["private"] = True
        if current_patch_set:
            ps = change.current
            d["currentPatchSet"] = patchset_attr(
                change,
                ps,
                with_id=True,
                approvals=_approvals_of(change, ps.number),
                files=files,
            )
        if patch_sets or all_approvals:
            d["patchSets"] = [
                patchset_attr(
                    change,
                    ps,
                    with_id=True,
                    approvals=_approvals_of(change, ps.number) if all_approvals else None,
                    files=files,
                )
                for ps in change.patch_sets
            ]
        if submit_records:
            d["submitRecords"] = [_submit_record(store, change)]
        if all_reviewers:
            d["allReviewers"] = [
                account_attr(a, with_id=True) for a, _s in change.reviewers.values()
            ]
        return d


def render_template(store: StoreView, text: str) -> str:
    return render_rest.render_template(store, text)


def _approvals_of(change: Change, ps_number: int) -> list[Approval]:
    return sorted(change.approvals.get(ps_number, {}).values(), key=lambda a: a.granted)


def _submit_record(store: StoreView, change: Change) -> dict[str, Any]:
    project = store.project(change.project)
    if change.status != "NEW":
        status = "CLOSED"
    else:
        status = "OK" if not store.submit_problems(change) else "NOT_READY"
    labels = []
    current = change.current_approvals()
    for lt in project.labels.values() if project else []:
        votes = [a for (name, _), a in current.items() if name == lt.name]
        rejected = [a for a in votes if a.value == lt.min and lt.min < 0]
        approved = [a for a in votes if a.value == lt.max]
        entry: dict[str, Any] = {"label": lt.name}
        if lt.function in ("NoBlock", "NoOp"):
            entry["status"] = "MAY"
        elif rejected and lt.function in ("MaxWithBlock", "AnyWithBlock"):
            entry["status"] = "REJECT"
            entry["by"] = account_attr(rejected[0].account, with_id=True)
        elif approved:
            entry["status"] = "OK"
            entry["by"] = account_attr(approved[0].account, with_id=True)
        elif lt.function == "AnyWithBlock":
            entry["status"] = "MAY"
        else:
            entry["status"] = "NEED"
        labels.append(entry)
    return {"status": status, "labels": labels}


def stats_row(row_count: int, run_time_ms: int, more_changes: bool) -> dict[str, Any]:
    """The final line of `gerrit query` (the real keys, not the docs' broken example)."""
    return {
        "type": "stats",
        "rowCount": row_count,
        "runTimeMilliseconds": run_time_ms,
        "moreChanges": more_changes,
    }


def error_row(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}


def json_line(obj: dict[str, Any]) -> str:
    """One compact Gson line, newline-terminated, as written to the SSH channel."""
    return gson.dumps(obj) + "\n"


# ---------------------------------------------------------------------------- TEXT format

_DATE_FIELDS = {"createdOn", "lastUpdated", "grantedOn", "timestamp"}


def _fmt_date(seconds: int) -> str:
    return _time.strftime("%Y-%m-%d %H:%M:%S UTC", _time.gmtime(seconds))


def _text_value(name: str, value: Any, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    if isinstance(value, dict):
        out.append(f"{pad}{name}:\n")
        _text_obj(value, depth + 1, out)
    elif isinstance(value, list):
        out.append(f"{pad}{name}:")
        first = True
        for item in value:
            if not first:
                out.append(f"\n{pad}{name}:")
            first = False
            if isinstance(item, dict):
                out.append("\n")
                _text_obj(item, depth + 1, out)
            else:
                out.append(f" {item}\n")
        if not value:
            out.append("\n")
    else:
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, int) and name in _DATE_FIELDS:
            text = _fmt_date(value)
        else:
            text = str(value)
        if "\n" in text:
            inner = "  " * (depth + 1)
            text = text.rstrip("\n").replace("\n", "\n" + inner)
            out.append(f"{pad}{name}: {text}\n")
        else:
            out.append(f"{pad}{name}: {text}\n")


def _text_obj(obj: dict[str, Any], depth: int, out: list[str]) -> None:
    for key, value in obj.items():
        if value is None:
            continue
        _text_value(key, value, depth, out)


def text_block(row: dict[str, Any]) -> str:
    """`gerrit query --format=TEXT` rendering of one row (a change or the stats row)."""
    out: list[str] = []
    if row.get("type") in ("stats", "error"):
        _text_obj(row, 0, out)
    else:
        out.append(f"change {row.get('id')}\n")
        _text_obj(row, 1, out)
    out.append("\n")
    return "".join(out)
