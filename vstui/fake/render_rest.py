"""REST payloads: ChangeInfo, ChangeMessageInfo, AccountInfo, LabelInfo, VerificationInfo.

Field names are snake_case as Gerrit's REST Gson writes them, in the Java classes' field
order; absent/`null` fields are left out. Timestamps are UTC `yyyy-MM-dd HH:mm:ss.fffffffff`
with millisecond precision (`...36.775000000`). Serialise with `vstui.fake.gson.dumps` and
prefix `)]}'\\n` (the servers do the framing).
"""

from __future__ import annotations

import time as _time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

from vstui.fake.errors import BadRequest
from vstui.fake.model import (
    ACCOUNT_TEMPLATE_RE,
    Account,
    Change,
    ChangeMessage,
    LabelType,
    PatchSet,
    Verification,
)

if TYPE_CHECKING:
    from vstui.fake.view import StoreView

# ListChangesOption names Gerrit accepts; the emulator renders the ones marked in
# RENDERED_OPTIONS and accepts (ignores) the rest, as a server without that data would.
KNOWN_OPTIONS = frozenset(
    {
        "LABELS", "DETAILED_LABELS", "CURRENT_REVISION", "ALL_REVISIONS", "CURRENT_COMMIT",
        "ALL_COMMITS", "CURRENT_FILES", "ALL_FILES", "DETAILED_ACCOUNTS", "MESSAGES",
        "CURRENT_ACTIONS", "CHANGE_ACTIONS", "REVIEWED", "DRAFT_COMMENTS", "DOWNLOAD_COMMANDS",
        "WEB_LINKS", "CHECK", "COMMIT_FOOTERS", "PUSH_CERTIFICATES", "REVIEWER_UPDATES",
        "SUBMITTABLE", "TRACKING_IDS", "SKIP_MERGEABLE", "SKIP_DIFFSTAT", "SUBMIT_REQUIREMENTS",
        "STAR", "PARENTS", "CUSTOM_KEYED_VALUES",
    }
)  # fmt: skip
RENDERED_OPTIONS = frozenset(
    {
        "LABELS", "DETAILED_LABELS", "CURRENT_REVISION", "ALL_REVISIONS", "CURRENT_COMMIT",
        "ALL_COMMITS", "CURRENT_FILES", "ALL_FILES", "DETAILED_ACCOUNTS", "MESSAGES",
        "REVIEWER_UPDATES", "SUBMITTABLE", "SKIP_DIFFSTAT",
    }
)  # fmt: skip
DETAIL_OPTIONS = frozenset(
    {"LABELS", "DETAILED_LABELS", "DETAILED_ACCOUNTS", "REVIEWER_UPDATES", "MESSAGES"}
)


def parse_options(values: Iterable[str]) -> frozenset[str]:
    """`o=` values -> option set; unknown names get Gerrit's 400 wording."""
    out = set()
    for raw in values:
        for v in raw.split(","):
            name = v.strip().upper()
            if not name:
                continue
            if name not in KNOWN_OPTIONS:
                raise BadRequest(f'"{v.strip()}" is not a valid value for "-o"')
            out.add(name)
    return frozenset(out)


def url_encode(text: str) -> str:
    """Java's URLEncoder (Gerrit's Url.encode): `/` -> %2F, space -> +, `~` -> %7E."""
    return quote_plus(text, safe="*").replace("~", "%7E")


def download_urls(store: StoreView, project: str, viewer: Account | None) -> dict[str, str]:
    """The download-commands plugin's schemes for `project`, name -> fetch URL.

    `anonymous http` for everyone; `http` and `ssh` (auth required) only for a signed-in
    viewer, with the viewer's username in the URL as the plugin writes it.
    """
    base = store.canonical_url
    out = {"anonymous http": f"{base}{project}"}
    if viewer is not None:
        scheme, _, rest = base.partition("://")
        user = quote(viewer.username, safe="")
        out["http"] = f"{scheme}://{user}@{rest}{project}"
        if store.ssh_url:
            scheme, _, rest = store.ssh_url.partition("://")
            out["ssh"] = f"{scheme}://{user}@{rest}{project}"
    return out


def fetch_info(urls: dict[str, str], ref: str, commands: bool) -> dict[str, Any]:
    """RevisionInfo.fetch: scheme -> FetchInfo (url, ref[, commands])."""
    out: dict[str, Any] = {}
    for name, url in urls.items():
        info: dict[str, Any] = {"url": url, "ref": ref}
        if commands:
            info["commands"] = {
                "Checkout": f"git fetch {url} {ref} && git checkout FETCH_HEAD",
                "Cherry Pick": f"git fetch {url} {ref} && git cherry-pick FETCH_HEAD",
                "Format Patch": f"git fetch {url} {ref} && git format-patch -1 --stdout FETCH_HEAD",
                "Pull": f"git pull {url} {ref}",
            }
        out[name] = info
    return out


def timestamp(t: float) -> str:
    """Gerrit's REST timestamp: `2013-02-21 11:16:36.775000000` (UTC, millis + 000000)."""
    secs = int(t)
    millis = round((t - secs) * 1000)
    if millis >= 1000:
        secs, millis = secs + 1, millis - 1000
    return _time.strftime("%Y-%m-%d %H:%M:%S", _time.gmtime(secs)) + f".{millis:03d}000000"


def account_info(account: Account, detailed: bool = True) -> dict[str, Any]:
    """AccountInfo: `_account_id` always; the rest with DETAILED_ACCOUNTS (and on /accounts)."""
    d: dict[str, Any] = {"_account_id": account.account_id}
    if not detailed:
        return d
    d["name"] = account.name
    if account.display_name:
        d["display_name"] = account.display_name
    d["email"] = account.email
    d["username"] = account.username
    if account.inactive:
        d["inactive"] = True
    if account.tags:
        d["tags"] = list(account.tags)
    return d


def account_detail_info(account: Account) -> dict[str, Any]:
    """`GET /accounts/{id}` (AccountInfo with registered_on, as AccountDetailInfo adds)."""
    d = account_info(account, True)
    d["registered_on"] = timestamp(account.registered_on)
    return d


def label_values(lt: LabelType) -> dict[str, str]:
    """LabelInfo.values: keys "-2", "-1", " 0" (leading space), "+1", "+2"."""
    return {_value_key(v): desc for v, desc in sorted(lt.values.items())}


def _value_key(v: int) -> str:
    return " 0" if v == 0 else f"{v:+d}"


def render_template(store: StoreView, text: str) -> str:
    """Replace `<GERRIT_ACCOUNT_n>` with `Name <email>` as AccountTemplateUtil does."""

    def sub(m: Any) -> str:
        acct = store.account(int(m.group(1)))
        if acct is None:
            return f"Unrecognized Gerrit Account {m.group(1)}"
        return f"{acct.name} <{acct.email}>" if acct.email else acct.name

    return ACCOUNT_TEMPLATE_RE.sub(sub, text)


def change_message_info(
    store: StoreView,
    msg: ChangeMessage,
    *,
    replace_templates: bool,
    detailed: bool = True,
) -> dict[str, Any]:
    """ChangeMessageInfo. `/messages` replaces templates; ChangeInfo.messages keeps them."""
    d: dict[str, Any] = {"id": msg.id}
    if msg.tag:
        d["tag"] = msg.tag
    if msg.author is not None:
        d["author"] = account_info(msg.author, detailed)
    if msg.real_author is not None:
        d["real_author"] = account_info(msg.real_author, detailed)
    d["date"] = timestamp(msg.date)
    d["message"] = render_template(store, msg.message) if replace_templates else msg.message
    ids = dict.fromkeys(int(i) for i in ACCOUNT_TEMPLATE_RE.findall(msg.message))
    if ids:
        accts = [store.account(i) for i in ids]
        d["accounts_in_message"] = [account_info(a, detailed) for a in accts if a is not None]
    if msg.revision_number is not None:
        d["_revision_number"] = msg.revision_number
    return d


def verification_info(row: Verification) -> dict[str, Any]:
    """VerificationInfo: exactly the plugin's ten fields; abstain/rerun always present."""
    d: dict[str, Any] = {"name": row.name}
    if row.url is not None:
        d["url"] = row.url
    d["value"] = row.value
    d["abstain"] = row.abstain
    d["rerun"] = row.rerun
    for f in ("reporter", "comment", "category", "duration"):
        v = getattr(row, f)
        if v is not None:
            d[f] = v
    d["granted"] = timestamp(row.granted)
    return d


def verifications_json(rows: Iterable[Verification]) -> dict[str, Any]:
    """GET verify-status~verifications body: an object keyed by job UUID, in row order."""
    return {r.job_id: verification_info(r) for r in rows}


def _commit_info(change: Change, ps: PatchSet) -> dict[str, Any]:
    ident = {
        "name": ps.author.name,
        "email": ps.author.email,
        "date": timestamp(ps.created_on),
        "tz": 0,
    }
    subject = ps.commit_message.split("\n", 1)[0]
    return {
        "parents": [{"commit": p, "subject": "Parent commit"} for p in ps.parents],
        "author": ident,
        "committer": dict(ident),
        "subject": subject,
        "message": ps.commit_message,
    }


def _files_info(ps: PatchSet) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, kind, ins, dels in ps.files:
        f: dict[str, Any] = {}
        if kind == "ADDED":
            f["status"] = "A"
        elif kind == "DELETED":
            f["status"] = "D"
        if ins:
            f["lines_inserted"] = ins
        if dels:
            f["lines_deleted"] = dels
        f["size_delta"] = (ins - dels) * 40
        f["size"] = 4000 + ins * 40
        out[path] = f
    return out


def revision_info(
    change: Change,
    ps: PatchSet,
    *,
    detailed: bool,
    commit: bool,
    files: bool,
    fetch: dict[str, Any] | None = None,
) -> dict[str, Any]:
    d: dict[str, Any] = {
        "kind": ps.kind,
        "_number": ps.number,
        "created": timestamp(ps.created_on),
        "uploader": account_info(ps.uploader, detailed),
        "ref": ps.ref,
        "fetch": fetch or {},
    }
    if commit:
        d["commit"] = _commit_info(change, ps)
    if files:
        d["files"] = _files_info(ps)
    return d


def _labels(
    store: StoreView,
    change: Change,
    *,
    detailed_labels: bool,
    detailed_accounts: bool,
) -> dict[str, Any]:
    project = store.project(change.project)
    if project is None:
        return {}
    current = change.current_approvals()
    out: dict[str, Any] = {}
    reviewers = [a for a, state in change.reviewers.values() if state == "REVIEWER"]
    for lt in project.labels.values():
        votes = sorted(
            (a for (name, _), a in current.items() if name == lt.name), key=lambda a: a.granted
        )
        info: dict[str, Any] = {}
        maxes = [a for a in votes if a.value == lt.max]
        mins = [a for a in votes if a.value == lt.min and lt.min < 0]
        if maxes:
            info["approved"] = account_info(maxes[0].account, detailed_accounts)
        if mins:
            info["rejected"] = account_info(mins[0].account, detailed_accounts)
        if not maxes and not mins:
            pos = [a for a in votes if a.value > 0]
            neg = [a for a in votes if a.value < 0]
            if neg:
                info["disliked"] = account_info(neg[0].account, detailed_accounts)
                info["value"] = neg[0].value
            elif pos:
                info["recommended"] = account_info(pos[0].account, detailed_accounts)
                info["value"] = pos[0].value
        if mins and lt.function in ("MaxWithBlock", "AnyWithBlock"):
            info["blocking"] = True
        if detailed_labels:
            all_: list[dict[str, Any]] = []
            voted = set()
            for a in votes:
                voted.add(a.account.account_id)
                entry: dict[str, Any] = {}
                if a.tag:
                    entry["tag"] = a.tag
                entry["value"] = a.value
                entry["date"] = timestamp(a.granted)
                if a.post_submit:
                    entry["post_submit"] = True
                if change.status == "NEW":
                    entry["permitted_voting_range"] = {"min": lt.min, "max": lt.max}
                entry.update(account_info(a.account, detailed_accounts))
                all_.append(entry)
            for r in reviewers:
                if r.account_id not in voted:
                    entry = {"value": 0}
                    if change.status == "NEW":
                        entry["permitted_voting_range"] = {"min": lt.min, "max": lt.max}
                    entry.update(account_info(r, detailed_accounts))
                    all_.append(entry)
            if all_:
                info["all"] = all_
            info["values"] = label_values(lt)
            info["default_value"] = lt.default_value
        out[lt.name] = info
    return out


def change_info(
    store: StoreView,
    change: Change,
    options: Iterable[str] = (),
    viewer: Account | None = None,
    *,
    more_changes: bool = False,
) -> dict[str, Any]:
    """ChangeInfo for `GET /changes/` (per row), `/changes/{id}` and `/detail`."""
    opts = frozenset(options)
    detailed = "DETAILED_ACCOUNTS" in opts
    with store.lock:
        d: dict[str, Any] = {
            "id": f"{url_encode(change.project)}~{change.number}",
            "triplet_id": (
                f"{url_encode(change.project)}~{url_encode(change.branch)}~{change.change_id}"
            ),
            "project": change.project,
            "branch": change.branch,
        }
        if change.topic:
            d["topic"] = change.topic
        d["attention_set"] = {}
        d["removed_from_attention_set"] = {}
        d["hashtags"] = list(change.hashtags)
        d["change_id"] = change.change_id
        d["subject"] = change.subject
        d["status"] = change.status
        d["created"] = timestamp(change.created_on)
        d["updated"] = timestamp(change.last_updated)
        if change.submitted is not None:
            d["submitted"] = timestamp(change.submitted)
        if change.submitter is not None:
            d["submitter"] = account_info(change.submitter, detailed)
        d["submit_type"] = "MERGE_IF_NECESSARY"
        if "SUBMITTABLE" in opts:
            d["submittable"] = change.status == "NEW" and not store.submit_problems(change)
        if "SKIP_DIFFSTAT" not in opts:
            d["insertions"] = change.current.size_insertions
            d["deletions"] = abs(change.current.size_deletions)
        d["total_comment_count"] = 0
        d["unresolved_comment_count"] = 0
        d["has_review_started"] = not change.wip or len(change.messages) > 1
        d["meta_rev_id"] = change.meta_rev
        d["_number"] = change.number
        d["virtual_id_number"] = change.number
        d["owner"] = account_info(change.owner, detailed)
        d["requirements"] = []
        if "LABELS" in opts or "DETAILED_LABELS" in opts:
            d["labels"] = _labels(
                store,
                change,
                detailed_labels="DETAILED_LABELS" in opts,
                detailed_accounts=detailed,
            )
        if "DETAILED_LABELS" in opts:
            project = store.project(change.project)
            if change.status == "NEW" and project is not None and viewer is not None:
                d["permitted_labels"] = {
                    lt.name: [_value_key(v) for v in sorted(lt.values)]
                    for lt in project.labels.values()
                }
            else:
                d["permitted_labels"] = {}
            d["removable_reviewers"] = []
            reviewers: dict[str, list[dict[str, Any]]] = {}
            for acct, state in change.reviewers.values():
                reviewers.setdefault(state, []).append(account_info(acct, detailed))
            d["reviewers"] = reviewers
        if "REVIEWER_UPDATES" in opts:
            d["reviewer_updates"] = [
                {
                    "updated": timestamp(u.updated),
                    "updated_by": account_info(u.updated_by, detailed),
                    "reviewer": account_info(u.reviewer, detailed),
                    "state": u.state,
                }
                for u in change.reviewer_updates
            ]
        if "MESSAGES" in opts:
            d["messages"] = [
                change_message_info(store, m, replace_templates=False, detailed=detailed)
                for m in change.messages
            ]
        d["current_revision_number"] = change.current.number
        all_revs = "ALL_REVISIONS" in opts
        if all_revs or "CURRENT_REVISION" in opts:
            current = change.current
            d["current_revision"] = current.revision
            shown = change.patch_sets if all_revs else [current]
            urls = download_urls(store, change.project, viewer)
            commands = "DOWNLOAD_COMMANDS" in opts
            d["revisions"] = {
                ps.revision: revision_info(
                    change,
                    ps,
                    detailed=detailed,
                    commit="ALL_COMMITS" in opts or ("CURRENT_COMMIT" in opts and ps is current),
                    files="ALL_FILES" in opts or ("CURRENT_FILES" in opts and ps is current),
                    fetch=fetch_info(urls, ps.ref, commands),
                )
                for ps in shown
            }
        if more_changes:
            d["_more_changes"] = True
        if change.private:
            d["is_private"] = True
        if change.wip:
            d["work_in_progress"] = True
        return d


def review_result(result: dict[str, Any]) -> dict[str, Any]:
    """ReviewResult body for `POST .../review` (labels applied, `ready` when set)."""
    return dict(result)
