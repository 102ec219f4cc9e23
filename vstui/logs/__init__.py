"""CI job logs, headless: fetch (streaming, capped), line index, search and anomalies.

`vstui/logs` sits beside `vstui/gerrit`: it talks to CI log hosts, never to Gerrit, so it
carries no Gerrit credentials at all. Nothing here imports Textual.

- `fetch`: httpx streaming download with a size cap, a total deadline, progress, gzip, Range
  (follow a growing log) and redirects limited to http/https.
- `source`: a job URL (Zuul build directory, Jenkins job, plain file) to the log file URL.
- `index`: a line index (byte offsets) over a file or bytes; lines decoded on demand.
- `anomalies`: the lines of a failed run absent from a passing baseline, ranked (pure).
"""
