"""Storage of a node: the database (SQLite by default, PostgreSQL by URL) and the files."""
