"""documents: what the hub SDK's senders add to QCVN 102's header (task codes, application
type, the clerk who sent it), kept for the inbox

Documents stored before this revision have none recorded. The column is added and dropped in
place: on SQLite, rebuilding the documents table would delete, through their foreign keys,
every row that points at a document.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("extensions", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    op.execute("ALTER TABLE documents DROP COLUMN extensions")  # in place on SQLite too
