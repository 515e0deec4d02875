"""drafts of documents to send, leaders' server-held keys, admin trust anchors, long settings

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("key_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("image_sha256", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            op.f("fk_users_key_sha256_blobs"), "blobs", ["key_sha256"], ["sha256"]
        )
        batch.create_foreign_key(
            op.f("fk_users_image_sha256_blobs"), "blobs", ["image_sha256"], ["sha256"]
        )
    with op.batch_alter_table("workspace_settings") as batch:
        batch.alter_column("value", type_=sa.Text(), existing_type=sa.String(length=1024))
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.String(length=32), nullable=False),
        sa.Column("document_id", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("main_name", sa.String(length=400), nullable=False),
        sa.Column("main_sha256", sa.String(length=64), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("sent_document_pk", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_drafts_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["main_sha256"], ["blobs.sha256"], name=op.f("fk_drafts_main_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["sent_document_pk"],
            ["documents.id"],
            name=op.f("fk_drafts_sent_document_pk_documents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint("document_id", name=op.f("uq_drafts_document_id")),
    )
    op.create_index(op.f("ix_drafts_organ_id"), "drafts", ["organ_id"])
    op.create_table(
        "trust_anchors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=1000), nullable=False),
        sa.Column("der", sa.LargeBinary(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_anchors")),
        sa.UniqueConstraint("sha256", name=op.f("uq_trust_anchors_sha256")),
    )


def downgrade() -> None:
    op.drop_table("trust_anchors")
    op.drop_index(op.f("ix_drafts_organ_id"), table_name="drafts")
    op.drop_table("drafts")
    with op.batch_alter_table("workspace_settings") as batch:
        batch.alter_column("value", type_=sa.String(length=1024), existing_type=sa.Text())
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("fk_users_image_sha256_blobs"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_users_key_sha256_blobs"), type_="foreignkey")
        batch.drop_column("image_sha256")
        batch.drop_column("key_sha256")
        batch.drop_column("active")
