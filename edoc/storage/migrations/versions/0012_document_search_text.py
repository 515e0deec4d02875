"""documents: the text a clerk's search is matched against (number/notation and subject,
folded by edoc.search: no diacritics, no case), stored so that search works the same on
SQLite and PostgreSQL; filled in for the documents stored before this revision

The column is added and dropped in place: on SQLite, rebuilding the documents table would
delete, through their foreign keys, every row that points at a document.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from edoc.search import search_text

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    documents = sa.table(
        "documents",
        sa.column("id", sa.Integer),
        sa.column("number", sa.String),
        sa.column("notation", sa.String),
        sa.column("subject", sa.Text),
        sa.column("search_text", sa.Text),
    )
    rows = connection.execute(
        sa.select(documents.c.id, documents.c.number, documents.c.notation, documents.c.subject)
    ).all()
    for row in rows:
        connection.execute(
            documents.update()
            .where(documents.c.id == row.id)
            .values(search_text=search_text(row.number, row.notation, row.subject))
        )


def downgrade() -> None:
    op.execute("ALTER TABLE documents DROP COLUMN search_text")  # in place on SQLite too
