"""Subcommand modules: light to import; heavy imports happen inside each `run`."""
