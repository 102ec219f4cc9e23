"""Talking to Gerrit: typed models, async REST client, SSH event stream. No Textual here.

Modules:
- `models`: frozen msgspec Structs (Account, Change, ChangeMessage, Verification, Approval,
  PatchSet, LabelSummary, EventChange, and one class per stream event type plus
  DroppedOutput, ChangeUpdated (synthesized) and UnknownEvent).
- `decode`: `decode_event(line)` (raises only EventDecodeError); REST bodies as received:
  `decode_changes` / `decode_change` / `decode_messages` / `decode_verifications` (pure,
  thread-safe, raise only GerritProtocolError), `page_has_more`, and the `*_from_json`
  converters of parsed JSON (the tolerant path).
- `rest_wire`: the typed msgspec shapes behind those decoders (internal).
- `connect`: `ServerConnection.from_profile(profile)` / `.from_info(info, state_dir=...)` ->
  `.rest_client()`, `.sync_client()`, `.event_stream(on_event=..., on_state=...)`.
- `rest`: `GerritRestClient` (async; `fetch_query_page` returns one undecoded page for callers
  that pipeline and decode off their loop) and `GerritSyncClient` (the stream's backfill).
- `stream`: `EventStream` (thread; exactly-once delivery across reconnects, in order unless
  a slow or failing backfill lets live events go ahead of a gap, which then comes late),
  `ConnectionState`/`StreamState`, `Backoff`.
- `ssh`: `resolve_target` (~/.ssh/config like ssh) and `connect_transport` (strict host keys).
- `dedupe`: the content-multiset matching behind exactly-once delivery.
- `errors`: typed errors, each one readable line naming the server and what to do.
"""
