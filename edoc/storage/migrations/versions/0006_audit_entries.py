"""audits: one entry per document and agency, its error codes beside it, the sending time

Documents stored before this revision get their entries on the first audit: the revision
notes the first document id that the exchange itself will index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BACKFILL = "audit.backfill_below"
_DIRECTION = sa.Enum("received", "sent", name="direction", native_enum=False, length=16)


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_pk", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.String(length=32), nullable=False),
        sa.Column("direction", _DIRECTION, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("personal", sa.Boolean(), nullable=False),
        sa.Column("organisation", sa.Boolean(), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("returned", sa.Boolean(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_pk"],
            ["documents.id"],
            name=op.f("fk_audit_entries_document_pk_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
        sa.UniqueConstraint(
            "document_pk", "organ_id", "direction", name=op.f("uq_audit_entries_document_pk")
        ),
    )
    op.create_index(
        "ix_audit_entries_scope",
        "audit_entries",
        ["month", "organ_id", "direction", "at", "verdict", "signed", "personal", "organisation",
         "delivered", "accepted", "returned", "completed", "due_at", "acted_at"],
    )  # fmt: skip
    op.create_table(
        "audit_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_pk", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.String(length=32), nullable=False),
        sa.Column("direction", _DIRECTION, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_pk"],
            ["audit_entries.id"],
            name=op.f("fk_audit_codes_entry_pk_audit_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_codes")),
    )
    op.create_index(op.f("ix_audit_codes_entry_pk"), "audit_codes", ["entry_pk"], unique=False)
    op.create_index(
        "ix_audit_codes_scope", "audit_codes", ["month", "organ_id", "direction", "code"]
    )
    bind = op.get_bind()
    below = bind.scalar(sa.text("SELECT MAX(id) FROM documents"))
    if below is not None:
        bind.execute(
            sa.text("INSERT INTO workspace_settings (key, value) VALUES (:key, :value)"),
            {"key": BACKFILL, "value": str(below + 1)},
        )


def downgrade() -> None:
    op.drop_table("audit_codes")
    op.drop_table("audit_entries")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("sent_at")
