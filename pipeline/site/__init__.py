"""Site: Datasette serving the database read-only, with the project's plugin and metadata."""
