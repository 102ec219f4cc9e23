"""Turn client models and CI results into the view rows the screens render.

Pure functions over `vstui.gerrit.models` and `vstui.ci.model` objects (duck-typed, so tests
can pass small stand-ins); no I/O, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from vstui.core.views import CIJobItem, LabelVotes, MessageItem, Vote
from vstui.votes import PATCH_SET_LINE, parse_vote_words

# "Patch Set 3: Code-Review+2 Verified-1" (Gerrit's first line of a review message).


def label_vote(labels: Mapping[str, Any], name: str) -> str:
    """The most significant vote on a label as the list shows it: -2 > +2 > -1 > +1.

    Uses the approvals when the server sent them (DETAILED_LABELS), else the summary
    accounts (`rejected`/`approved`/`disliked`/`recommended`) that LABELS gives.
    """
    label = labels.get(name)
    if label is None:
        return ""
    values = [a.value for a in getattr(label, "approvals", ()) or () if a.value]
    if values:
        low, high = min(values), max(values)
        if low <= -2:
            best = low
        elif high >= 2:
            best = high
        elif low < 0:
            best = low
        else:
            best = high
        return f"{best:+d}"
    if getattr(label, "rejected", None) is not None:
        return "-2" if name == "Code-Review" else "-1"
    if getattr(label, "approved", None) is not None:
        return "+2" if name == "Code-Review" else "+1"
    if getattr(label, "disliked", None) is not None:
        return "-1"
    if getattr(label, "recommended", None) is not None:
        return "+1"
    value = getattr(label, "value", None)
    return f"{value:+d}" if value else ""


def label_votes(labels: Mapping[str, Any]) -> tuple[LabelVotes, ...]:
    """Every label's non-zero votes with their voters, labels by name, votes strongest first.

    From the approvals (DETAILED_LABELS) when the server sent them, else from the summary
    accounts LABELS gives (`rejected`, `approved`, `disliked`, `recommended`)."""
    out = []
    for name in sorted(labels):
        label = labels[name]
        votes = [
            Vote(a.value, _voter(getattr(a, "by", None)))
            for a in getattr(label, "approvals", ()) or ()
            if a.value
        ]
        if not votes:
            values = [v for v in (getattr(label, "values", None) or {}) if isinstance(v, int)]
            strong = 2 if name == "Code-Review" else 1  # as `label_vote` reads LABELS
            low, high = (min(values), max(values)) if values else (-strong, strong)
            for attr, value in (
                ("approved", high),
                ("recommended", 1),
                ("disliked", -1),
                ("rejected", low),
            ):
                account = getattr(label, attr, None)
                if account is not None and value:
                    votes.append(Vote(value, _voter(account)))
        if votes:
            votes.sort(key=lambda v: (-v.value, v.voter.casefold()))
            out.append(LabelVotes(name, tuple(votes)))
    return tuple(out)


def _voter(account: Any) -> str:
    label = getattr(account, "label", None) if account is not None else None
    return label if isinstance(label, str) and label else "someone"


def votes_line(labels: Mapping[str, Any]) -> str:
    """`Code-Review: +2 Sean McGinnis, -1 Gorka Eguileor · Verified: +1 Zuul`."""
    return " · ".join(lv.text for lv in label_votes(labels))


def split_review_message(text: str) -> tuple[int | None, str, str]:
    """("Patch Set 2: Code-Review+1\\n\\nLGTM") -> (2, "Code-Review+1", "LGTM")."""
    match = PATCH_SET_LINE.match(text or "")
    if not match:
        return None, "", text or ""
    words = match.group(2).split()
    # "Patch Set 1: (3 comments)" has no votes; keep what is not a vote in the body.
    parsed = parse_vote_words(words)
    vote_words = [w for w, vote in zip(words, parsed, strict=True) if vote is not None]
    rest_words = [w for w, vote in zip(words, parsed, strict=True) if vote is None]
    body = text[match.end() :].lstrip("\n")
    if rest_words:
        body = " ".join(rest_words) + ("\n\n" + body if body else "")
    return int(match.group(1)), " ".join(vote_words), body


def message_item(
    message: Any, is_bot: bool, ci_name: str | None = None, threads: tuple[Any, ...] = ()
) -> MessageItem:
    ps, votes, body = split_review_message(getattr(message, "message", "") or "")
    author = getattr(message, "author", None)
    name = author.label if author is not None and hasattr(author, "label") else "Gerrit"
    revision = getattr(message, "revision_number", None)
    return MessageItem(
        id=getattr(message, "id", "") or "",
        author=name,
        date=getattr(message, "date", None),
        patch_set=revision if revision is not None else ps,
        votes=votes,
        text=body,
        is_bot=is_bot,
        ci_name=ci_name,
        threads=threads,
    )


_FAILING = frozenset({"failure", "unstable", "canceled"})


def verification_text(job: Any) -> str:
    """The verify-status fields behind a row, one per line (what `v` shows)."""
    lines = [f"name: {job.name}", f"result: {job.result}"]
    for field in ("url", "reporter", "category", "comment", "duration_s", "granted"):
        value = getattr(job, field, None)
        if value not in (None, ""):
            lines.append(f"{field}: {value}")
    lines.append(f"voting: {'yes' if job.voting else 'no (abstain)'}")
    lines.append(f"rerun: {'yes' if getattr(job, 'rerun', False) else 'no'}")
    return "\n".join(lines)


def ci_job_items(results: Any, messages_by_id: Mapping[str, Any]) -> list[CIJobItem]:
    """One row per current job of every CI on a patch set, sorted by CI then job name.

    A CI is one group whatever pipelines it ran (each row says its pipeline); a job current
    in two pipelines shows once per pipeline (`docs (gate)`). A run that listed no jobs (a
    bare "Build failed.") becomes one `(overall)` row, so every CI that reported is visible;
    its link is the message's first link when the generic fallback kept some
    (`CIReport.links`). Keys are made unique within a CI (`name #2`).
    """
    items: list[CIJobItem] = []
    for run in results.runs:
        ci = run.label
        accounts = tuple(run.accounts) if len(run.accounts) > 1 else ()
        current: Sequence[Any] = run.current_jobs
        if not current:
            report = run.current
            message = messages_by_id.get(report.message_id or "")
            text = getattr(message, "message", "") if message is not None else ""
            items.append(_overall_item(run, report, ci, text, accounts))
            continue
        counts: dict[str, int] = {}
        for cj in current:
            name = cj.job.name or "(unnamed job)"
            counts[name] = counts.get(name, 0) + 1
        seen: dict[str, int] = {}
        for index, cj in enumerate(current):
            job, report = cj.job, cj.report
            name = job.name or "(unnamed job)"
            if counts[name] > 1 and report.pipeline:
                name = f"{name} ({report.pipeline})"
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name} #{seen[name]}"
            message = messages_by_id.get(report.message_id or "")
            message_text = getattr(message, "message", "") if message is not None else ""
            from_comment = job.source == "comment"
            items.append(
                CIJobItem(
                    ci_name=ci,
                    name=name,
                    result=job.result or "UNKNOWN",
                    failing=job.failing,
                    running=job.running,
                    voting=job.voting,
                    duration_s=job.duration_s,
                    when=job.granted or report.date,
                    url=job.url,
                    source=job.source,
                    raw_title=f"{ci} — {name}",
                    raw_text=message_text
                    if from_comment and message_text
                    else verification_text(job),
                    history=run.reruns_of(index),
                    status=job.status,
                    pending=run.job_pending(index),
                    pipeline=report.pipeline,
                    accounts=accounts,
                )
            )
    items.sort(key=lambda i: (i.ci_name.casefold(), i.name.casefold()))
    return items


def _overall_item(
    run: Any, report: Any, ci: str, message_text: str, accounts: tuple[str, ...]
) -> CIJobItem:
    status = report.status
    return CIJobItem(
        ci_name=ci,
        name="(overall)",
        result=report.overall or status.upper(),
        failing=status in _FAILING,
        running=status == "running",
        voting=True,
        duration_s=None,
        when=report.date,
        url=next(iter(getattr(report, "links", ())), None),  # the fallback's first link
        source=report.source,
        raw_title=f"{ci} — overall result",
        raw_text=message_text or f"{ci}: {report.overall}",
        history=run.reruns,
        status=status,
        pending=run.pending,
        pipeline=report.pipeline,
        accounts=accounts,
    )


def index_messages(messages: Iterable[Any]) -> dict[str, Any]:
    return {m.id: m for m in messages if getattr(m, "id", None)}
