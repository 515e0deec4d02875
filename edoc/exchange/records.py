"""The database row of a document message (the same for what a node sends and receives),
and the status envelopes a node sends about the documents it received."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from edoc.envelope.build import build
from edoc.envelope.model import (
    DocumentMessage,
    Organization,
    ResponseFor,
    StaffInfo,
    StatusCode,
    StatusMessage,
)
from edoc.storage.models import Direction, Document


def document_row(
    owner: str, direction: Direction, message: DocumentMessage, envelope: str
) -> Document:
    """A new Document for ``message``, kept by ``owner``, its envelope stored as ``envelope``."""
    return Document(
        owner_organ_id=owner,
        direction=direction,
        document_id=message.document_id,
        sender_organ_id=message.sender.organ_id,
        sender_name=message.sender.organ_name,
        recipients=[r.organ_id for r in message.recipients],
        number=message.code.number,
        notation=message.code.notation,
        subject=message.subject,
        type_name=message.document_type.type_name,
        promulgation_date=message.promulgation_date,
        due_date=message.due_date,
        priority=int(message.other_info.priority),
        signer_name=message.signer.full_name,
        business_type=int(message.business_type),
        envelope_sha256=envelope,
    )


def find_document(
    session: Session, owner: str, direction: Direction, sender: str, document_id: str
) -> Document | None:
    """The document ``owner`` keeps by its DocumentId and sender: the same DocumentId from the
    same sender is the same document, however often it comes."""
    return session.scalar(
        select(Document).where(
            Document.owner_organ_id == owner,
            Document.direction == direction,
            Document.sender_organ_id == sender,
            Document.document_id == document_id,
        )
    )


def stored(
    session: Session, owner: str, direction: Direction, message: DocumentMessage
) -> int | None:
    """The key of the document ``owner`` already keeps for ``message``, if any."""
    found = find_document(session, owner, direction, message.sender.organ_id, message.document_id)
    return found.id if found else None


def answer(
    sender: Organization,
    document: Document,
    code: StatusCode,
    at: dt.datetime,
    description: str = "",
    staff: str = "",
) -> bytes:
    """The status envelope ``sender`` sends about a received ``document``."""
    status = StatusMessage(
        sender=sender,
        response_for=ResponseFor(
            organ_id=document.sender_organ_id,
            code=f"{document.number}/{document.notation}",
            promulgation_date=document.promulgation_date,
            document_id=document.document_id,
        ),
        status_code=code,
        timestamp=at,
        description=description,
        staff=StaffInfo(staff=staff) if staff else None,
    )
    return build(status)
