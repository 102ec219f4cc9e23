"""The headless review session: one server's client, stream and change store. No Textual here."""
