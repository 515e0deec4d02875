"""Alembic's entry point: migrations run on the connection edoc hands over.

On SQLite, with its foreign keys on, a batch operation that rebuilds a table (an altered or
dropped column) deletes through ON DELETE CASCADE every row pointing at it: add columns in
place (with a server default where they are NOT NULL), and rebuild only tables nothing
points at.
"""

from alembic import context

from edoc.storage.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
