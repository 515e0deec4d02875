"""What a node keeps: agencies, documents with their files and signatures, every status,
every delivery, and the people who use the inbox.

Times are stored in UTC. Files are content-addressed (SHA-256): an attachment sent to ten
agencies, or received twice, is stored once. A received document is unique per node by its
edXML DocumentId and sender, which is what makes a retried delivery harmless.
"""

import datetime as dt
import enum
from typing import ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from edoc.search import search_text

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The owner of the documents the hub routes (a node's documents are owned by its agency).
HUB_ID = "hub"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict] = {dt.datetime: DateTime(timezone=True)}


class Direction(enum.StrEnum):
    RECEIVED = "received"
    SENT = "sent"


class DeliveryState(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    ACKNOWLEDGED = "acknowledged"
    HELD = "held"  # at the hub: kept until the recipient's system fetches it
    UNDELIVERABLE = "undeliverable"  # retried no more (refused, or too long): by hand only


class UserRole(enum.StrEnum):
    CLERK = "clerk"
    LEADER = "leader"
    AUDITOR = "auditor"
    ADMIN = "admin"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, values_callable=lambda k: [m.value for m in k], length=16)


class Agency(Base):
    """An agency of the exchange: its id in both forms, its name, and how the hub reaches it:
    its node (posted to) or the system of the hub's SDK API that fetches for it."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[str] = mapped_column(String(32), unique=True)  # QCVN 102: 000.00.00.G22
    code_2020: Mapped[str] = mapped_column(String(32), default="")  # Decision 20/2020: G22
    name: Mapped[str] = mapped_column(String(400), default="")
    node_url: Mapped[str] = mapped_column(String(400), default="")
    token_sha256: Mapped[str] = mapped_column(String(64), default="")  # the node's, at the hub
    system_id: Mapped[str] = mapped_column(String(100), default="", server_default="")


class VdxpSystem(Base):
    """A system that speaks the national hub's SDK API to this hub (an agency's document
    management system, a province's platform, an edoc node), known by its system id.

    The hub keeps the secret itself: it checks each request's HMAC with it, and the secret
    never travels.
    """

    __tablename__ = "vdxp_systems"

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(400), default="")
    secret: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Blob(Base):
    """The bytes of a file, once, named by their SHA-256; on disk unless ``data`` holds them."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    stored_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Document(Base):
    """An official document as this node received or sent it, with its envelope's header."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("owner_organ_id", "direction", "sender_organ_id", "document_id"),
        Index("ix_documents_owner_received", "owner_organ_id", "direction", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_organ_id: Mapped[str] = mapped_column(String(32))
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    document_id: Mapped[str] = mapped_column(String(200))
    sender_organ_id: Mapped[str] = mapped_column(String(32))
    sender_name: Mapped[str] = mapped_column(String(400), default="")
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    number: Mapped[str] = mapped_column(String(40), default="")
    notation: Mapped[str] = mapped_column(String(100), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    type_name: Mapped[str] = mapped_column(String(200), default="")
    promulgation_date: Mapped[dt.date | None] = mapped_column(default=None)
    due_date: Mapped[dt.date | None] = mapped_column(default=None)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    business_type: Mapped[int] = mapped_column(Integer, default=0)
    envelope_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    received_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)  # sender's TraceHeader
    folder: Mapped[str] = mapped_column(String(40), default="inbox")
    status_code: Mapped[str] = mapped_column(String(2), default="")
    compliant: Mapped[bool | None] = mapped_column(Boolean, default=None)
    trace: Mapped[list] = mapped_column(JSON, default=list)  # hops: {"organ_id", "at"}, in order
    # what the SDK's senders add: task_codes, application_type, sent_by (StaffInfo)
    extensions: Mapped[dict] = mapped_column(JSON, default=dict)
    # number/notation and subject folded (edoc.search), kept by _fold_search_text below
    search_text: Mapped[str] = mapped_column(Text, default="")

    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Attachment.id"
    )
    statuses: Mapped[list["StatusEvent"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="StatusEvent.id"
    )
    deliveries: Mapped[list["Delivery"]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    events: Mapped[list["DocumentEvent"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentEvent.at"
    )
    audit_entries: Mapped[list["AuditEntry"]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


@event.listens_for(Document, "before_insert")
@event.listens_for(Document, "before_update")
def _fold_search_text(mapper, connection, document: Document) -> None:
    """Every way a document is stored keeps what it is found by up to date."""
    document.search_text = search_text(
        document.number or "", document.notation or "", document.subject or ""
    )


class Attachment(Base):
    """A file of a document (the main PDF, appendixes), its bytes in a blob."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("document_pk", "content_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    content_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(400))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    description: Mapped[str] = mapped_column(Text, default="")

    document: Mapped[Document] = relationship(back_populates="attachments")
    report: Mapped["VerificationReport | None"] = relationship(
        back_populates="attachment", cascade="all, delete-orphan"
    )
    signatures: Mapped[list["SignatureRecord"]] = relationship(
        back_populates="attachment", cascade="all, delete-orphan", order_by="SignatureRecord.id"
    )


class VerificationReport(Base):
    """The verification of a PDF attachment, kept so that audits never verify again.

    A PDF whose revocation status could not be established (the CA's OCSP and CRL servers
    unreachable) is verified again later, at ``recheck_at``, waiting longer after each of
    its ``rechecks``, until the status is known (:mod:`edoc.exchange.recheck`).
    """

    __tablename__ = "verification_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_pk: Mapped[int] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), unique=True
    )
    verdict: Mapped[str] = mapped_column(String(20))
    policy: Mapped[str] = mapped_column(String(100))
    verified_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    codes: Mapped[list] = mapped_column(JSON, default=list)
    report: Mapped[dict] = mapped_column(JSON)
    recheck_at: Mapped[dt.datetime | None] = mapped_column(default=None, index=True)
    rechecks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    attachment: Mapped[Attachment] = relationship(back_populates="report")


class SignatureRecord(Base):
    """One signature found in a PDF attachment, as its verification saw it."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    attachment_pk: Mapped[int] = mapped_column(ForeignKey("attachments.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(200))
    signer: Mapped[str] = mapped_column(String(400), default="")
    role: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(12))
    indication: Mapped[str] = mapped_column(String(20))
    sub_indication: Mapped[str | None] = mapped_column(String(60), default=None)
    intact: Mapped[bool] = mapped_column(Boolean)
    trusted: Mapped[bool] = mapped_column(Boolean)
    signing_time: Mapped[dt.datetime | None] = mapped_column(default=None)

    attachment: Mapped[Attachment] = relationship(back_populates="signatures")


class StatusEvent(Base):
    """An edXML status sent or received for a document: when, who, why; for one this node
    sent, whom it assigned the document to (04) and whether its clerk accepted it (03)
    confirming a failed signature check. ``id`` is the order they happened in."""

    __tablename__ = "status_events"
    __table_args__ = (UniqueConstraint("document_pk", "organ_id", "status_code", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    organ_id: Mapped[str] = mapped_column(String(32))  # the agency whose status it is
    status_code: Mapped[str] = mapped_column(String(2))
    at: Mapped[dt.datetime] = mapped_column()
    staff: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    message_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), default=None)
    assignee: Mapped[str] = mapped_column(String(200), default="", server_default="")
    despite_failed_check: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    document: Mapped[Document] = relationship(back_populates="statuses")


class DocumentEvent(Base):
    """Something that happened to a stored document besides statuses: recalled, updated,
    replaced, with what changed; once per message that caused it."""

    __tablename__ = "document_events"
    __table_args__ = (UniqueConstraint("document_pk", "kind", "message_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    message_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))

    document: Mapped[Document] = relationship(back_populates="events")


class Delivery(Base):
    """A message on its way to one agency: queued, sent, failed (to be retried),
    acknowledged, undeliverable (given up: ``last_error`` says why, ``updated_at`` when)."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("document_pk", "recipient_organ_id", "message_sha256"),
        Index("ix_deliveries_due", "state", "next_attempt_at"),
        Index("ix_deliveries_waiting", "recipient_organ_id", "state"),  # what a system fetches
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    recipient_organ_id: Mapped[str] = mapped_column(String(32))
    message_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    kind: Mapped[str] = mapped_column(String(10))  # document | status
    state: Mapped[DeliveryState] = mapped_column(_enum(DeliveryState), default=DeliveryState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)

    document: Mapped[Document] = relationship(back_populates="deliveries")


class AuditEntry(Base):
    """A document as the signing-rate audit counts it for one agency (the node's own, or at
    the hub its sender and each recipient): kept up to date as the document and its statuses
    are stored, so that an audit is one aggregate query and never verifies again.

    ``month`` (YYYYMM) and ``at`` place it in time: when its sender sent it, in Vietnam time.
    The scope index also holds every column the figures read, so that the aggregate reads
    the index alone, in its order (month first), and never the table.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        UniqueConstraint("document_pk", "organ_id", "direction"),
        Index("ix_audit_entries_scope", "month", "organ_id", "direction", "at", "verdict",
              "signed", "personal", "organisation", "delivered", "accepted", "returned",
              "completed", "due_at", "acted_at"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    document_pk: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    organ_id: Mapped[str] = mapped_column(String(32))
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    at: Mapped[dt.datetime] = mapped_column()
    month: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(20))  # a Verdict, or "unverified"
    signed: Mapped[bool] = mapped_column(Boolean)
    personal: Mapped[bool] = mapped_column(Boolean)  # a valid personal signature
    organisation: Mapped[bool] = mapped_column(Boolean)  # a valid organisation signature
    delivered: Mapped[bool] = mapped_column(Boolean)
    accepted: Mapped[bool] = mapped_column(Boolean)
    returned: Mapped[bool] = mapped_column(Boolean)
    completed: Mapped[bool] = mapped_column(Boolean)
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None)  # end of the due date
    acted_at: Mapped[dt.datetime | None] = mapped_column(default=None)  # first status 02-06

    document: Mapped[Document] = relationship(back_populates="audit_entries")
    codes: Mapped[list["AuditCode"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan"
    )


class AuditCode(Base):
    """An error check code of an audited document, beside its entry's scope so that the
    breakdown by code is one aggregate over one table."""

    __tablename__ = "audit_codes"
    __table_args__ = (Index("ix_audit_codes_scope", "month", "organ_id", "direction", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_pk: Mapped[int] = mapped_column(
        ForeignKey("audit_entries.id", ondelete="CASCADE"), index=True
    )
    organ_id: Mapped[str] = mapped_column(String(32))
    direction: Mapped[Direction] = mapped_column(_enum(Direction))
    at: Mapped[dt.datetime] = mapped_column()
    month: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(40))

    entry: Mapped[AuditEntry] = relationship(back_populates="codes")


class User(Base):
    """Someone who uses an agency's inbox, in one role; a leader may have a personal key
    (PKCS#12, still under its own password) and signature image held by the server."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    organ_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[UserRole] = mapped_column(_enum(UserRole))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    key_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), default=None)
    image_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), default=None)
    #: Wrong passwords in a row since the last login or lock (:mod:`web.lockout`).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: Until when (UTC) no password opens the account, after too many wrong ones.
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)


class Draft(Base):
    """A document being prepared to send (văn bản đi): its header, recipients and files,
    signed in turn by the leader and the clerk, checked after every change.

    ``document_id`` is chosen when the draft is made, so that sending it twice (a double
    click, a retry after an error) queues one document.
    """

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[str] = mapped_column(String(32), index=True)
    document_id: Mapped[str] = mapped_column(String(100), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    header: Mapped[dict] = mapped_column(JSON, default=dict)
    recipients: Mapped[list] = mapped_column(JSON, default=list)
    main_name: Mapped[str] = mapped_column(String(400))
    main_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    attachments: Mapped[list] = mapped_column(JSON, default=list)  # [{name, mime, sha256}]
    verdict: Mapped[str] = mapped_column(String(20), default="")
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    history: Mapped[list] = mapped_column(JSON, default=list)  # [{at, user, action}]
    sent_document_pk: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="SET NULL"), default=None
    )


class TrustAnchor(Base):
    """A root certificate the node's admin trusts, on top of the policy's own."""

    __tablename__ = "trust_anchors"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(1000))
    der: Mapped[bytes] = mapped_column(LargeBinary)
    added_by: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[dt.datetime] = mapped_column(default=utc_now)


class Setting(Base):
    """Facts about the workspace itself (when it was created, which test PKI seed it uses,
    the verification policy its admin chose)."""

    __tablename__ = "workspace_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
