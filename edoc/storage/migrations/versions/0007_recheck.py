"""verification reports: when to verify again a PDF whose revocation status was unknown

Reports stored before this revision with a signature whose revocation status could not be
established (sub-indication TRY_LATER) are due at once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("verification_reports") as batch:
        batch.add_column(sa.Column("recheck_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("rechecks", sa.Integer(), nullable=False, server_default="0"))
    op.create_index(
        op.f("ix_verification_reports_recheck_at"), "verification_reports", ["recheck_at"]
    )
    reports = sa.table(
        "verification_reports",
        sa.column("attachment_pk", sa.Integer()),
        sa.column("recheck_at", sa.DateTime(timezone=True)),
    )
    signatures = sa.table(
        "signatures", sa.column("attachment_pk", sa.Integer()), sa.column("sub_indication")
    )
    unknown = sa.select(signatures.c.attachment_pk).where(
        signatures.c.sub_indication == "TRY_LATER"
    )
    op.execute(
        reports.update()
        .where(reports.c.attachment_pk.in_(unknown))
        .values(recheck_at=dt.datetime.now(dt.UTC))
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_verification_reports_recheck_at"), "verification_reports")
    with op.batch_alter_table("verification_reports") as batch:
        batch.drop_column("rechecks")
        batch.drop_column("recheck_at")
