"""users: wrong passwords in a row, the last one's time, and until when the account is locked

An account is locked for a while after too many wrong passwords in a row (web.lockout); kept
in the database, a lock holds across restarts and across the server's processes. Users
stored before this revision start with no failure and no lock. The columns are added and
dropped in place: on SQLite, rebuilding the users table would go through the rows that point
at a user.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

COLUMNS = ("failed_logins", "last_failed_at", "locked_until")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for column in COLUMNS:
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")  # in place on SQLite too
