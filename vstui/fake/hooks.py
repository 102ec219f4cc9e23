"""The commit-msg hook the emulator hands out (`GET /tools/hooks/commit-msg`, and
`scp -O -P PORT USER@HOST:hooks/commit-msg`), as Gerrit does so that commits carry a
Change-Id. Written for the emulator: it adds a `Change-Id: I<40 hex>` trailer (computed from
the idents, the tree and the message, like Gerrit's) with `git interpret-trailers`, and
leaves messages that already have one, or are empty, alone."""

COMMIT_MSG = r"""#!/bin/sh
# commit-msg hook (vstui Gerrit emulator): add a Change-Id trailer when there is none.
msg="$1"
if grep -q '^Change-Id: I[0-9a-f]\{40\}[[:space:]]*$' "$msg"; then
  exit 0
fi
if ! grep -v -e '^#' -e '^[[:space:]]*$' "$msg" | grep -q .; then
  exit 0  # empty message: let git abort the commit
fi
id=$({ git var GIT_AUTHOR_IDENT; git var GIT_COMMITTER_IDENT; git write-tree; cat "$msg"; } \
  2>/dev/null | git hash-object --stdin)
git interpret-trailers --in-place --trailer "Change-Id: I$id" "$msg"
"""
