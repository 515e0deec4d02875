"""Sending a document from an agency's node: stored as sent, queued for every recipient.

Its PDFs are verified and the reports kept, as a receiver does, so that the agency's own
signing rate is audited from what it sent.

The document and one delivery per recipient are committed together; the outbox worker then
posts it to the hub. Sending the same envelope again queues nothing new.
"""

from sqlalchemy.orm import Session

from edoc.audit.entries import record
from edoc.envelope.build import build
from edoc.envelope.model import DocumentMessage
from edoc.envelope.parse import parse
from edoc.errors import EnvelopeError
from edoc.exchange.business import ACTS_ON_ORIGINAL, find_original, original_id, queue_to
from edoc.exchange.node import Node
from edoc.exchange.records import (
    Received,
    attachment_rows,
    document_row,
    store_once,
    verify_pdfs,
)
from edoc.exchange.trace import hop
from edoc.storage.blobs import Staging
from edoc.storage.models import Delivery, Direction, Document


def send_envelope(node: Node, data: bytes, only: list[str] | None = None) -> Received:
    """Queue envelope ``data`` (a document message from this node's agency) for its
    recipients, or ``only`` those of them."""
    message = parse(data).message
    if not isinstance(message, DocumentMessage):
        raise EnvelopeError(
            "Gói tin không phải văn bản.", "The envelope is not a document message."
        )
    return send_message(node, message, data, only)


def send_message(
    node: Node, message: DocumentMessage, data: bytes | None = None, only: list[str] | None = None
) -> Received:
    """Queue ``message`` (built here into an envelope unless ``data`` is that envelope)."""
    data = build(message) if data is None else data
    if message.sender.organ_id != node.organ_id:
        raise EnvelopeError(
            f"Gói tin gửi từ {message.sender.organ_id}, không phải từ {node.organ_id}.",
            f"The envelope is from {message.sender.organ_id}, not from {node.organ_id}.",
        )
    recipients = [r.organ_id for r in message.recipients]
    if strangers := [organ_id for organ_id in only or [] if organ_id not in recipients]:
        names = ", ".join(strangers)
        raise EnvelopeError(
            f"Không phải nơi nhận của gói tin: {names}.",
            f"Not recipients of the envelope: {names}.",
        )
    if message.business_type in ACTS_ON_ORIGINAL:  # a recall or update of a sent document
        with node.sessions() as session, node.blobs.staging(session) as stage:
            original = find_original(
                session, node.organ_id, Direction.SENT, node.organ_id, original_id(message)
            )
            queued = queue_to(session, original, only or recipients, stage.put(data))
            session.commit()
            return Received(original.id, created=queued)

    def write(session: Session, stage: Staging) -> Document:
        reports = verify_pdfs(message, node.policy, sending=True)  # before any query
        envelope = stage.put(data)
        document = document_row(node.organ_id, Direction.SENT, message, envelope)
        document.attachments = attachment_rows(message, reports, node.policy, stage)
        document.folder = "outbox"
        document.trace = [hop(node.organ_id)]
        document.deliveries = [
            Delivery(recipient_organ_id=r, message_sha256=envelope, kind="document")
            for r in only or recipients
        ]
        record(document)
        session.add(document)
        return document

    return store_once(node.sessions, node.blobs, node.organ_id, Direction.SENT, message, write)
