"""The database row of a document message (the same for what a node sends and receives),
storing it once, and the status envelopes a node sends about the documents it received."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from edoc.envelope.build import build
from edoc.envelope.model import (
    DocumentMessage,
    Organization,
    ResponseFor,
    StaffInfo,
    StatusCode,
    StatusMessage,
)
from edoc.storage.blobs import BlobStore, Staging
from edoc.storage.models import Direction, Document


@dataclass(frozen=True)
class Received:
    """What became of a delivered envelope: the stored document, and whether it is new."""

    document_pk: int
    created: bool


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


def store_once(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    owner: str,
    direction: Direction,
    message: DocumentMessage,
    write: Callable[[Session, Staging], Document],
) -> Received:
    """The document ``owner`` keeps for ``message``: the one stored already, or the one
    ``write`` adds in a transaction of its own. Retries and concurrent deliveries of the same
    document end with one row (the database's unique key decides the race)."""
    with sessions() as session:
        if (found := stored(session, owner, direction, message)) is not None:
            return Received(found, created=False)
    try:
        with sessions() as session, blobs.staging(session) as stage:
            document = write(session, stage)
            session.commit()
            return Received(document.id, created=True)
    except IntegrityError:  # stored meanwhile by a concurrent delivery of the same document
        with sessions() as session:
            found = stored(session, owner, direction, message)
        if found is None:
            raise
        return Received(found, created=False)
