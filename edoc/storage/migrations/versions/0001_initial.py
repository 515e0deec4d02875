"""documents, files, signatures, statuses, deliveries, users

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.String(length=32), nullable=False),
        sa.Column("code_2020", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("node_url", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("organ_id", name=op.f("uq_agencies_organ_id")),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("organ_id", sa.String(length=32), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "clerk", "leader", "auditor", "admin", name="userrole", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    if not sa.inspect(op.get_bind()).has_table("workspace_settings"):  # workspaces before 0001
        op.create_table(
            "workspace_settings",
            sa.Column("key", sa.String(length=64), nullable=False),
            sa.Column("value", sa.String(length=1024), nullable=False),
            sa.PrimaryKeyConstraint("key", name=op.f("pk_workspace_settings")),
        )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_organ_id", sa.String(length=32), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("received", "sent", name="direction", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("document_id", sa.String(length=200), nullable=False),
        sa.Column("sender_organ_id", sa.String(length=32), nullable=False),
        sa.Column("sender_name", sa.String(length=400), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("notation", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("type_name", sa.String(length=200), nullable=False),
        sa.Column("promulgation_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("business_type", sa.Integer(), nullable=False),
        sa.Column("envelope_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("folder", sa.String(length=40), nullable=False),
        sa.Column("status_code", sa.String(length=2), nullable=False),
        sa.Column("compliant", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["envelope_sha256"], ["blobs.sha256"], name=op.f("fk_documents_envelope_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint(
            "owner_organ_id",
            "direction",
            "sender_organ_id",
            "document_id",
            name=op.f("uq_documents_owner_organ_id"),
        ),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_owner_received",
            ["owner_organ_id", "direction", "received_at"],
            unique=False,
        )

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_pk", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=400), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_pk"],
            ["documents.id"],
            name=op.f("fk_attachments_document_pk_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["blobs.sha256"], name=op.f("fk_attachments_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("document_pk", "content_id", name=op.f("uq_attachments_document_pk")),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_pk", sa.Integer(), nullable=False),
        sa.Column("recipient_organ_id", sa.String(length=32), nullable=False),
        sa.Column("message_sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "sent",
                "failed",
                "acknowledged",
                name="deliverystate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_pk"],
            ["documents.id"],
            name=op.f("fk_deliveries_document_pk_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_sha256"], ["blobs.sha256"], name=op.f("fk_deliveries_message_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint(
            "document_pk",
            "recipient_organ_id",
            "message_sha256",
            name=op.f("uq_deliveries_document_pk"),
        ),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_deliveries_due", ["state", "next_attempt_at"], unique=False)

    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_pk", sa.Integer(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("received", "sent", name="direction", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("organ_id", sa.String(length=32), nullable=False),
        sa.Column("status_code", sa.String(length=2), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("message_sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_pk"],
            ["documents.id"],
            name=op.f("fk_status_events_document_pk_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_sha256"], ["blobs.sha256"], name=op.f("fk_status_events_message_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_events")),
        sa.UniqueConstraint(
            "document_pk",
            "organ_id",
            "status_code",
            "at",
            name=op.f("uq_status_events_document_pk"),
        ),
    )
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment_pk", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("signer", sa.String(length=400), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("indication", sa.String(length=20), nullable=False),
        sa.Column("sub_indication", sa.String(length=60), nullable=True),
        sa.Column("intact", sa.Boolean(), nullable=False),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("signing_time", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attachment_pk"],
            ["attachments.id"],
            name=op.f("fk_signatures_attachment_pk_attachments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
    )
    op.create_table(
        "verification_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment_pk", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("policy", sa.String(length=100), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_pk"],
            ["attachments.id"],
            name=op.f("fk_verification_reports_attachment_pk_attachments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_reports")),
        sa.UniqueConstraint("attachment_pk", name=op.f("uq_verification_reports_attachment_pk")),
    )


def downgrade() -> None:
    op.drop_table("verification_reports")
    op.drop_table("signatures")
    op.drop_table("status_events")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_deliveries_due")

    op.drop_table("deliveries")
    op.drop_table("attachments")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_owner_received")

    op.drop_table("documents")
    op.drop_table("workspace_settings")
    op.drop_table("users")
    op.drop_table("blobs")
    op.drop_table("agencies")
