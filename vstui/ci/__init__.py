"""CI results: classify messages as human or bot, parse CI reports, merge verify-status. No I/O."""
