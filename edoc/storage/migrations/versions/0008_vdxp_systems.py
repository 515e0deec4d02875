"""the national hub's SDK API at the hub: the systems it authenticates, the agencies each one
speaks for, when each delivery was queued, and an index of what waits for each agency

Deliveries stored before this revision are taken to have been queued when they last changed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vdxp_systems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("secret", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vdxp_systems")),
        sa.UniqueConstraint("system_id", name=op.f("uq_vdxp_systems_system_id")),
    )
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("system_id", sa.String(100), nullable=False, server_default=""))
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
    deliveries = sa.table(
        "deliveries",
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    op.execute(deliveries.update().values(created_at=deliveries.c.updated_at))
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("created_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_index("ix_deliveries_waiting", "deliveries", ["recipient_organ_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_waiting", "deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("created_at")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("system_id")
    op.drop_table("vdxp_systems")
