"""Reviews and votes: Set Review, submit requirements and submit, vote deletion,
reviewers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vstui.fake.errors import AuthError, BadRequest, Conflict, NotFound
from vstui.fake.model import (
    ZERO_SHA,
    Account,
    Approval,
    Change,
    PatchSet,
    ReviewerUpdate,
    account_template,
)
from vstui.fake.render_ssh import account_attr, approval_event_attr
from vstui.fake.store_changes import ChangesMixin


class ReviewsMixin(ChangesMixin):
    """Votes, messages posted with them, submit, reviewers."""

    def post_review(
        self,
        change: Change | int,
        revision: PatchSet | int | str,
        account: Account | str,
        *,
        message: str | None = None,
        labels: Mapping[str, int] | None = None,
        tag: str | None = None,
        on_behalf_of: Account | str | None = None,
        ready: bool = False,
        work_in_progress: bool = False,
    ) -> dict[str, Any]:
        """Set Review: message and votes by `account` (or on behalf of someone)."""
        with self._mutation():
            change = self._change_arg(change)
            ps = self.resolve_revision(change, revision)
            caller = self._account_arg(account)
            proj = self._projects[change.project]
            labels = dict(labels or {})
            author = caller
            if on_behalf_of is not None:
                author = self._account_arg(on_behalf_of)
                if not labels:
                    raise AuthError(f'label required to post review on behalf of "{on_behalf_of}"')
                if not (caller.is_admin or caller.is_service_user):
                    name = next(iter(labels))
                    raise AuthError(
                        f'not permitted to modify label "{name}" on behalf of "{on_behalf_of}"'
                    )
            # validate everything before touching state
            normalized: dict[str, int] = {}
            for name, value in labels.items():
                lt = proj.labels.get(name) or next(
                    (t for t in proj.labels.values() if t.name.lower() == name.lower()), None
                )
                if lt is None:
                    raise BadRequest(f'label "{name}" is not a configured label')
                try:
                    ivalue = int(value)
                except (TypeError, ValueError):
                    raise BadRequest(f'label "{name}": {value} is not a valid value') from None
                if ivalue not in lt.values:
                    raise BadRequest(f'label "{lt.name}": {ivalue} is not a valid value')
                normalized[lt.name] = ivalue
            ps_approvals = change.approvals.setdefault(ps.number, {})
            changed: dict[str, tuple[int, int]] = {}
            for name, value in normalized.items():
                old = ps_approvals.get((name, author.account_id))
                old_value = old.value if old is not None else 0
                if old_value != value:
                    changed[name] = (old_value, value)
            if changed and change.status == "ABANDONED":
                raise Conflict("change is closed")
            if changed and change.status == "MERGED":
                lowered = [n for n, (o, v) in changed.items() if v < o]
                if lowered:
                    raise Conflict(
                        "Cannot reduce vote on labels for closed change: " + ", ".join(lowered)
                    )
            text = (message or "").strip()  # PostReviewOp trims the message
            if not changed and not text and not ready and not work_in_progress:
                return {"labels": normalized} if normalized else {}
            now = self.now()
            for name, (_old, value) in changed.items():
                key = (name, author.account_id)
                if value == 0:
                    ps_approvals.pop(key, None)
                else:
                    ps_approvals[key] = Approval(
                        name,
                        value,
                        author,
                        now,
                        tag,
                        ps.number,
                        post_submit=change.status == "MERGED",
                    )
            if author is not change.owner and author.account_id not in change.reviewers:
                state = "REVIEWER" if normalized else "CC"
                change.reviewers[author.account_id] = (author, state)
                change.reviewer_updates.append(ReviewerUpdate(state, author, caller, now))
            elif (
                normalized
                and author.account_id in change.reviewers
                and change.reviewers[author.account_id][1] == "CC"
            ):
                change.reviewers[author.account_id] = (author, "REVIEWER")
                change.reviewer_updates.append(ReviewerUpdate("REVIEWER", author, caller, now))
            votes = " ".join(
                (f"-{n}" if v == 0 else f"{n}{v:+d}") for n, (_o, v) in changed.items()
            )
            first = f"Patch Set {ps.number}:" + (f" {votes}" if votes else "")
            text_out = first + (f"\n\n{text}" if text else "")
            self._add_message(
                change, author, text_out, now, tag=tag, ps=ps.number, real_author=caller
            )
            # comment-added approvals: every label posted or still held by the author,
            # in the project's label order; oldValue only where this review changed it.
            approvals = []
            for lt in proj.labels.values():
                held = ps_approvals.get((lt.name, author.account_id))
                if lt.name in changed:
                    old_value, value = changed[lt.name]
                    approvals.append(approval_event_attr(lt.name, value, old_value))
                elif lt.name in normalized or held is not None:
                    approvals.append(approval_event_attr(lt.name, held.value if held else 0))
            fields: dict[str, Any] = {"author": account_attr(author)}
            if approvals:
                fields["approvals"] = approvals
            fields["comment"] = text_out
            flipped = (ready and change.wip) or (work_in_progress and not change.wip)
            if flipped:
                change.wip = not change.wip
            self._change_event("comment-added", fields, change, ps, now)
            if flipped:
                self._change_event(
                    "wip-state-changed",
                    {"changer": account_attr(caller)},
                    change,
                    change.current,
                    now,
                )
            self._touch_meta(change, author, now)
            result: dict[str, Any] = {"labels": normalized} if normalized else {}
            if ready:
                result["ready"] = True
            return result

    def submit(
        self, change: Change | int, account: Account | str, *, force: bool = False
    ) -> Change:
        with self._mutation():
            change = self._change_arg(change)
            who = self._account_arg(account)
            if change.status != "NEW":
                raise Conflict(f"change is {change.status.lower()}")
            if change.wip and not force:
                raise Conflict(f"Change {change.number} is work in progress")
            problems = [] if force else self.submit_problems(change)
            if problems:
                raise Conflict(
                    "Failed to submit 1 change due to the following problems:\n"
                    + "\n".join(problems)
                )
            now = self.now()
            proj = self._projects[change.project]
            old_tip = proj.branches.get(change.ref_name, ZERO_SHA)
            ps = change.current
            new_tip = (
                ps.revision
                if old_tip in ps.parents
                else self._git_merge(change, ps, old_tip, who, now)
            )
            proj.branches[change.ref_name] = new_tip
            change.status = "MERGED"
            change.submitted = now
            change.submitter = who
            change.merged_rev = new_tip
            self._add_message(
                change,
                who,
                "Change has been successfully merged",
                now,
                tag="autogenerated:gerrit:merged",
            )
            self._change_event(
                "change-merged",
                {"submitter": account_attr(who), "newRev": new_tip},
                change,
                ps,
                now,
            )
            self._ref_updated(who, change.project, change.ref_name, old_tip, new_tip, now)
            self._touch_meta(change, who, now)
            return change

    def delete_vote(
        self,
        change: Change | int,
        reviewer: Account | str,
        label: str,
        remover: Account | str,
        message: str | None = None,
    ) -> None:
        with self._mutation():
            change = self._change_arg(change)
            reviewer = self._account_arg(reviewer)
            remover = self._account_arg(remover)
            ps = change.current
            approvals = change.approvals.setdefault(ps.number, {})
            ap = approvals.get((label, reviewer.account_id))
            if ap is None:
                raise NotFound(f"Not found: {label}")
            now = self.now()
            del approvals[(label, reviewer.account_id)]
            text = f"Removed {label}{ap.value:+d} by {account_template(reviewer)}\n"
            if message:
                text += f"\n{message}\n"
            self._add_message(change, remover, text, now, tag="autogenerated:gerrit:deleteVote")
            proj = self._projects[change.project]
            attrs = []
            for lt in proj.labels.values():
                if lt.name == label:
                    attrs.append(approval_event_attr(label, 0, ap.value))
                else:
                    held = approvals.get((lt.name, reviewer.account_id))
                    if held is not None:
                        attrs.append(approval_event_attr(lt.name, held.value))
            self._change_event(
                "vote-deleted",
                {
                    "reviewer": account_attr(reviewer),
                    "remover": account_attr(remover),
                    "approvals": attrs,
                    "comment": text,
                },
                change,
                ps,
                now,
            )
            self._touch_meta(change, remover, now)

    def add_reviewer(
        self,
        change: Change | int,
        reviewer: Account | str,
        adder: Account | str,
        state: str = "REVIEWER",
    ) -> None:
        with self._mutation():
            change = self._change_arg(change)
            reviewer = self._account_arg(reviewer)
            adder = self._account_arg(adder)
            if state not in ("REVIEWER", "CC"):
                raise BadRequest(f"invalid reviewer state {state}")
            current = change.reviewers.get(reviewer.account_id)
            if current is not None and current[1] == state:
                return
            now = self.now()
            change.reviewers[reviewer.account_id] = (reviewer, state)
            change.reviewer_updates.append(ReviewerUpdate(state, reviewer, adder, now))
            self._change_event(
                "reviewer-added",
                {"reviewer": account_attr(reviewer), "adder": account_attr(adder)},
                change,
                change.current,
                now,
            )
            self._touch_meta(change, adder, now)

    def remove_reviewer(
        self, change: Change | int, reviewer: Account | str, remover: Account | str
    ) -> None:
        with self._mutation():
            change = self._change_arg(change)
            reviewer = self._account_arg(reviewer)
            remover = self._account_arg(remover)
            if reviewer.account_id not in change.reviewers:
                raise NotFound(f"Not found: {reviewer.account_id}")
            now = self.now()
            ps = change.current
            approvals = change.approvals.setdefault(ps.number, {})
            removed = [
                approvals.pop(key) for key in list(approvals) if key[1] == reviewer.account_id
            ]
            # Viewers are captured before the reviewer goes, so the removed reviewer of a
            # private change still sees their own removal.
            del change.reviewers[reviewer.account_id]
            change.reviewer_updates.append(ReviewerUpdate("REMOVED", reviewer, remover, now))
            text = f"Removed reviewer {account_template(reviewer)}"
            if removed:
                text += " with the following votes:\n\n" + "".join(
                    f"* {a.label}{a.value:+d} by {account_template(reviewer)}\n" for a in removed
                )
            else:
                text += "."
            self._add_message(change, remover, text, now, tag="autogenerated:gerrit:deleteReviewer")
            self._change_event(
                "reviewer-deleted",
                {
                    "reviewer": account_attr(reviewer),
                    "remover": account_attr(remover),
                    "approvals": [approval_event_attr(a.label, 0, a.value) for a in removed],
                    "comment": text,
                },
                change,
                ps,
                now,
            )
            self._touch_meta(change, remover, now)
