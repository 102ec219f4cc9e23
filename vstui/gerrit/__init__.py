"""Talking to Gerrit: typed models, async REST client, SSH event stream. No Textual here."""
