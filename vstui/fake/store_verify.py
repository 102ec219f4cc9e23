"""The verify-status plugin's rows (PostVerification / GetVerifications semantics)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from vstui.fake.errors import AuthError, BadRequest, GerritError
from vstui.fake.model import CAP_SAVE_VERIFICATION, Account, Change, PatchSet, Verification
from vstui.fake.store_reviews import ReviewsMixin

VERIFY_STATUS_MAX = 255  # PATCH_SET_VERIFICATIONS varchar(255) columns


class VerifyStatusMixin(ReviewsMixin):
    """Per-patch-set verification rows."""

    def save_verifications(
        self,
        change: Change | int,
        revision: PatchSet | int | str,
        account: Account | str | None,
        verifications: Mapping[str, Mapping[str, Any]] | None,
    ) -> list[Verification]:
        """The verify-status POST (PostVerification.java). Emits no stream event."""
        with self._mutation():
            change = self._change_arg(change)
            ps = self.resolve_revision(change, revision)
            who = self._account_arg(account) if account is not None else None
            if not self.has_capability(who, CAP_SAVE_VERIFICATION):
                raise AuthError("saveVerificationReport for plugin verify-status not permitted")
            if verifications is None:
                raise BadRequest("Missing verifications field")
            if not isinstance(verifications, Mapping):
                raise BadRequest("Invalid verifications field")
            for key, info in verifications.items():
                if not isinstance(info, Mapping) or info.get("value") is None:
                    raise BadRequest("Missing value field")
                try:
                    value = int(info["value"])
                except (TypeError, ValueError):
                    raise BadRequest("Missing value field") from None
                if not -32768 <= value <= 32767:
                    raise BadRequest(f"Invalid value {value}")
                for f in ("url", "reporter", "comment", "category", "duration"):
                    v = info.get(f)
                    if v is not None and len(str(v)) > VERIFY_STATUS_MAX:
                        # The plugin's varchar(255) columns reject it in the database.
                        raise GerritError("Internal server error", 500)
                if len(key) > VERIFY_STATUS_MAX:
                    raise GerritError("Internal server error", 500)
            rows = change.verifications.setdefault(ps.number, [])
            by_id = {r.job_id: r for r in rows}
            now = self.now()
            saved = []
            for key, info in verifications.items():
                value = int(info["value"])
                row = by_id.get(key)
                if row is not None:
                    row.granted = now
                    row.value = value
                    if info.get("abstain") is True:
                        row.abstain = True
                    if info.get("rerun") is True:
                        row.rerun = True
                    for f in ("url", "reporter", "comment", "category", "duration"):
                        if info.get(f) is not None:
                            setattr(row, f, str(info[f]))
                else:
                    row = Verification(
                        job_id=self._fresh_uuid(),
                        name=key,
                        value=value,
                        granted=now,
                        url=_opt_str(info.get("url")),
                        abstain=info.get("abstain") is True,
                        rerun=info.get("rerun") is True,
                        reporter=_opt_str(info.get("reporter")),
                        comment=_opt_str(info.get("comment")),
                        category=_opt_str(info.get("category")),
                        duration=_opt_str(info.get("duration")),
                    )
                    rows.append(row)
                    by_id[row.job_id] = row
                saved.append(row)
            return saved

    def verifications(
        self,
        change: Change | int,
        revision: PatchSet | int | str,
        *,
        sort: str | None = None,
        filter: str | None = None,
    ) -> list[Verification]:
        """GetVerifications: database order unless sorted; CURRENT/FAILED filters."""
        with self.lock:
            change = self._change_arg(change)
            ps = self.resolve_revision(change, revision)
            rows = list(change.verifications.get(ps.number, []))
        return sort_and_filter_verifications(rows, sort, filter)


def sort_and_filter_verifications(
    rows: list[Verification], sort: str | None, filter: str | None
) -> list[Verification]:
    flt = (filter or "").upper()
    if flt == "CURRENT":
        newest: dict[tuple[str, str], Verification] = {}
        for r in rows:
            key = (r.reporter or "(unknown)", r.name)
            seen = newest.get(key)
            if seen is None or r.granted >= seen.granted:
                newest[key] = r
        keep = {id(r) for r in newest.values()}
        rows = [r for r in rows if id(r) in keep]
    elif flt == "FAILED":
        rows = [r for r in rows if r.value < 0]
    srt = (sort or "").upper()
    if srt == "REPORTER":
        rows.sort(key=lambda r: -r.granted)
        rows.sort(key=lambda r: ((r.reporter or ""), r.name))
    elif srt == "NAME":
        rows.sort(key=lambda r: -r.granted)
        rows.sort(key=lambda r: r.name)
    elif srt == "DATE":
        rows.sort(key=lambda r: -r.granted)
    return rows


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
