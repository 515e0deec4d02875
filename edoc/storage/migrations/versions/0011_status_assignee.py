"""status events: who a document is assigned to (04), and an acceptance (03) confirmed
despite a failed signature check

Statuses stored before this revision name no assignee and were not confirmed. The columns
are added and dropped in place, as in revision 0009.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_events") as batch:
        batch.add_column(
            sa.Column("assignee", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("despite_failed_check", sa.Boolean(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    op.execute("ALTER TABLE status_events DROP COLUMN despite_failed_check")
    op.execute("ALTER TABLE status_events DROP COLUMN assignee")
