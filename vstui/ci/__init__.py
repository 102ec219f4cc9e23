"""CI results: classify messages as human or bot, parse CI reports, merge verify-status. No I/O.

Public API (what the UI and the `vstui parse` command use):

* `build_change_results(messages, verifications=..., rules=...)` → `ChangeResults`: every
  message classified (`MessageResult`) and, per patch set, `PatchSetResults` with one `CIRun`
  per CI and a `Summary` (the one count of a patch set's results, in jobs).
  A CI is its reporting account (`CIRun.ci`: `#<account id>`, `@<username>`, `alias:<name>`,
  `vs:<reporter>`); `CIRun.current_jobs` gives each current job as a `CurrentJob` keyed by
  (CI, pipeline, job) with the report it came in; `CIRun.history` holds the earlier runs,
  `reruns_of(i)` a job's replaced results; `pending` / `pending_pipeline` / `job_pending(i)`
  the recheck state.
* `parse_message(msg, rules)` / `parse_record(dict, rules)` → `MessageResult`;
  `parse_text(text)` → `ParsedText` (overall, votes, jobs) for a bot's text.
* `classify(author, tag, text, rules)` → `Classification`; `BotRules.from_config(...)`.
* `job_from_verification(v)` → `Job` for a verify-status row.
* `detect_recheck(text)` → `RecheckRequest | None`.

Never imports Textual, httpx, paramiko or `vstui.gerrit`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vstui.ci.classify import BotRules, Classification, classify
    from vstui.ci.model import (
        CIReport,
        CIRun,
        CurrentJob,
        Job,
        PatchSetResults,
        RecheckRequest,
        Summary,
        account_key,
    )
    from vstui.ci.parse import MessageResult, ParsedText, parse_message, parse_record, parse_text
    from vstui.ci.recheck import detect_recheck
    from vstui.ci.results import ChangeResults, build_change_results, classify_messages, summarize
    from vstui.ci.verify_status import job_from_verification, result_for_value

# Loaded on first use (PEP 562): the list screen imports `vstui.ci.model` for the counts'
# type, and must not pay for compiling the parser's patterns before its first paint.
_WHERE = {
    "BotRules": "classify",
    "Classification": "classify",
    "classify": "classify",
    "CIReport": "model",
    "CIRun": "model",
    "CurrentJob": "model",
    "Job": "model",
    "PatchSetResults": "model",
    "RecheckRequest": "model",
    "Summary": "model",
    "account_key": "model",
    "MessageResult": "parse",
    "ParsedText": "parse",
    "parse_message": "parse",
    "parse_record": "parse",
    "parse_text": "parse",
    "detect_recheck": "recheck",
    "ChangeResults": "results",
    "build_change_results": "results",
    "classify_messages": "results",
    "summarize": "results",
    "job_from_verification": "verify_status",
    "result_for_value": "verify_status",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'vstui.ci' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"vstui.ci.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "BotRules",
    "CIReport",
    "CIRun",
    "ChangeResults",
    "Classification",
    "CurrentJob",
    "Job",
    "MessageResult",
    "ParsedText",
    "PatchSetResults",
    "RecheckRequest",
    "Summary",
    "account_key",
    "build_change_results",
    "classify",
    "classify_messages",
    "detect_recheck",
    "job_from_verification",
    "parse_message",
    "parse_record",
    "parse_text",
    "result_for_value",
    "summarize",
]
