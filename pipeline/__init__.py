"""Youth justice inspection reports → a linked, traceable SQLite database."""

__version__ = "0.1.0"
