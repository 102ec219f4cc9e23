"""CI results: classify messages as human or bot, parse CI reports, merge verify-status. No I/O.

Public API (what the UI and the `vstui parse` command use):

* `build_change_results(messages, verifications=..., rules=...)` → `ChangeResults`: every
  message classified (`MessageResult`) and, per patch set, `PatchSetResults` with one `CIRun`
  per CI (current `CIReport`, history, pending) and a `Summary`.
* `parse_message(msg, rules)` / `parse_record(dict, rules)` → `MessageResult`;
  `parse_text(text)` → `ParsedText` (overall, votes, jobs) for a bot's text.
* `classify(author, tag, text, rules)` → `Classification`; `BotRules.from_config(...)`.
* `job_from_verification(v)` → `Job` for a verify-status row.
* `detect_recheck(text)` → `RecheckRequest | None`.

Never imports Textual, httpx, paramiko or `vstui.gerrit`.
"""

from vstui.ci.classify import BotRules, Classification, classify
from vstui.ci.model import CIReport, CIRun, Job, PatchSetResults, RecheckRequest, Summary
from vstui.ci.parse import MessageResult, ParsedText, parse_message, parse_record, parse_text
from vstui.ci.recheck import detect_recheck
from vstui.ci.results import ChangeResults, build_change_results, classify_messages, summarize
from vstui.ci.verify_status import job_from_verification, result_for_value

__all__ = [
    "BotRules",
    "CIReport",
    "CIRun",
    "ChangeResults",
    "Classification",
    "Job",
    "MessageResult",
    "ParsedText",
    "PatchSetResults",
    "RecheckRequest",
    "Summary",
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
