"""vstui: a terminal review companion for Gerrit Code Review."""

__version__ = "0.1.0"
