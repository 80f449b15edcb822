"""Storage: the SQLite schema declared once, its views and canned queries, and exports."""
