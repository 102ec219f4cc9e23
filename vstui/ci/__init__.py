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
