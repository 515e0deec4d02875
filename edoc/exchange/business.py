"""Recall (business type 1), update (2) and replace (3) of a document already sent.

A recall or an update travels as a document message that names the original document; it
is not a new document. Sender, hub and receiver attach it to the original they keep: the
sender and the hub queue it to the recipients, the receiver applies it (recalled, or the
header updated) with an event recording what changed, and answers 15 (agreed) or 16
(refused: a completed document is not taken back). A replacement is a new document; the
receiver marks the one it replaces and answers 15 about it. Each message acts once, however
often it is delivered.
"""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from edoc.audit.entries import record
from edoc.envelope.model import BusinessType, DocumentMessage, StatusCode
from edoc.errors import EnvelopeError
from edoc.exchange.records import find_document, respond
from edoc.storage.blobs import Staging, insert_ignoring_duplicates
from edoc.storage.models import Delivery, Direction, Document, DocumentEvent

ACTS_ON_ORIGINAL = (BusinessType.RECALL, BusinessType.UPDATE)

#: The header fields an update may change, and where the message holds them.
UPDATED_FIELDS = {
    "subject": lambda m: m.subject,
    "number": lambda m: m.code.number,
    "notation": lambda m: m.code.notation,
    "type_name": lambda m: m.document_type.type_name,
    "promulgation_date": lambda m: m.promulgation_date,
    "due_date": lambda m: m.due_date,
    "priority": lambda m: int(m.other_info.priority),
    "signer_name": lambda m: m.signer.full_name,
}


def original_id(message: DocumentMessage) -> str:
    """The DocumentId of the document a recall, update or replacement is about."""
    business = message.business
    return (business.document_id if business else "") or message.document_id


def find_original(
    session: Session, owner: str, direction: Direction, sender: str, document_id: str
) -> Document:
    """The document a business message is about, or EnvelopeError when there is none."""
    document = find_document(session, owner, direction, sender, document_id)
    if document is None:
        raise EnvelopeError(
            f"Không có văn bản gốc {document_id} để thu hồi, cập nhật hay thay thế.",
            f"No original document {document_id} to recall, update or replace.",
        )
    return document


def queue_to(session: Session, document: Document, recipients: list[str], message: str) -> bool:
    """Queue ``message`` about ``document`` to each recipient once; whether any was new."""
    before = len(document.deliveries)
    for recipient in recipients:
        values = {
            "document_pk": document.id,
            "recipient_organ_id": recipient,
            "message_sha256": message,
            "kind": "document",
        }
        insert_ignoring_duplicates(session, Delivery, values)
    session.flush()
    session.refresh(document, ["deliveries"])
    return len(document.deliveries) > before


def _already(session: Session, document: Document, kind: str, message: str) -> bool:
    return (
        session.scalar(
            select(DocumentEvent.id).where(
                DocumentEvent.document_pk == document.id,
                DocumentEvent.kind == kind,
                DocumentEvent.message_sha256 == message,
            )
        )
        is not None
    )


def apply_to_original(
    node, session: Session, stage: Staging, message: DocumentMessage, envelope: str
) -> tuple[Document, bool]:
    """Apply a received recall or update to its original; (original, whether it acted)."""
    original = find_original(
        session, node.organ_id, Direction.RECEIVED, message.sender.organ_id, original_id(message)
    )
    kind = "recalled" if message.business_type is BusinessType.RECALL else "updated"
    if _already(session, original, kind, envelope):
        return original, False
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    reason = message.business.reason if message.business else ""
    detail: dict = {"reason": reason}
    if message.business_type is BusinessType.RECALL and original.status_code == "06":
        code = StatusCode.REFUSED
        reason = "Văn bản đã xử lý xong, không thu hồi được / already completed"
        kind = "recall_refused"
    elif message.business_type is BusinessType.RECALL:
        code, original.folder = StatusCode.AGREED, "recalled"
    else:
        code = StatusCode.AGREED
        changes = {}
        for name, read in UPDATED_FIELDS.items():
            new = read(message)
            if new not in ("", None) and new != getattr(original, name):
                changes[name] = {"before": _plain(getattr(original, name)), "after": _plain(new)}
                setattr(original, name, new)
        detail["changes"] = changes
        record(original)  # a new due date, say, changes what the audit counts
    original.events.append(DocumentEvent(kind=kind, at=now, detail=detail, message_sha256=envelope))
    respond(node.organization, original, code, now, stage, reason)
    return original, True


def mark_replaced(
    node, session: Session, stage: Staging, replacement: Document, replaced: str, envelope: str
) -> None:
    """A received replacement: the document it replaces is marked and 15 is answered."""
    original = find_original(
        session, node.organ_id, Direction.RECEIVED, replacement.sender_organ_id, replaced
    )
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    original.folder = "replaced"
    detail = {"replaced_by": replacement.document_id}
    original.events.append(
        DocumentEvent(kind="replaced", at=now, detail=detail, message_sha256=envelope)
    )
    respond(node.organization, original, StatusCode.AGREED, now, stage)


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value
