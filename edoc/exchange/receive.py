"""Receiving a document at an agency's node: stored once, verified, answered with 01.

A hub retries until it is acknowledged, and may deliver the same envelope many times, even
at once: a document is stored once per node by its DocumentId and sender, whatever the
retries. Its PDFs are verified before the transaction (verification is slow and reads no
database), and the report is stored with it so that audits never verify again. The status
01 (arrived) back to the sender is queued in the same transaction (the outbox), so it is
sent exactly when the document is stored.
"""

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from edoc.audit.entries import apply_status, record
from edoc.envelope.model import (
    BusinessType,
    DocumentMessage,
    StatusCode,
    StatusMessage,
)
from edoc.envelope.parse import parse
from edoc.errors import EnvelopeError
from edoc.exchange.business import (
    ACTS_ON_ORIGINAL,
    apply_to_original,
    find_original,
    mark_replaced,
    original_id,
)
from edoc.exchange.node import Node
from edoc.exchange.records import (
    Received,
    attachment_rows,
    compliant,
    document_row,
    find_document,
    respond,
    status_row,
    store_once,
    verify_pdfs,
)
from edoc.exchange.trace import hop
from edoc.storage.blobs import Staging, insert_ignoring_duplicates
from edoc.storage.models import DeliveryState, Direction, Document, StatusEvent
from signing.validation.report import DocumentReport


def receive_message(node: Node, data: bytes, trace: list | None = None) -> Received:
    """Take envelope ``data`` as the hub delivers it: a document or a status, read once."""
    message = parse(data).message
    if isinstance(message, StatusMessage):
        return _receive_status(node, data, message)
    return _receive_document(node, data, message, trace)


def receive_envelope(
    node: Node,
    data: bytes,
    trace: list | None = None,
    verified: dict[str, DocumentReport] | None = None,
) -> Received:
    """Store the document of envelope ``data`` once, with its verification, the route it
    came by (``trace``, this node's hop added) and the 01 back. ``verified``, the reports on
    its PDFs by ContentId when they were verified already with the node's policy (an import
    of many envelopes carrying the same file), spares verifying them again.

    Raises EnvelopeError for an envelope that cannot be read or is not a document message.
    """
    return _receive_document(node, data, parse(data).message, trace, verified)


def _receive_document(
    node: Node,
    data: bytes,
    message,
    trace: list | None,
    verified: dict[str, DocumentReport] | None = None,
) -> Received:
    if not isinstance(message, DocumentMessage):
        raise EnvelopeError(
            "Gói tin không phải văn bản (gói tin trạng thái đi đường khác).",
            "The envelope is not a document message (status messages go another way).",
        )
    if message.business_type in ACTS_ON_ORIGINAL:
        return _apply(node, data, message)
    now = dt.datetime.now(dt.UTC)

    def write(session: Session, stage: Staging) -> Document:
        # verified before any query, so that no database lock is held while verifying
        reports = verified if verified is not None else verify_pdfs(message, node.policy)
        pdf_verdicts = [r.verdict.value for r in reports.values()]
        document = document_row(node.organ_id, Direction.RECEIVED, message, stage.put(data))
        document.trace = [*(trace or []), hop(node.organ_id)]
        document.status_code = StatusCode.ARRIVED.value
        document.compliant = compliant(pdf_verdicts)
        document.attachments = attachment_rows(message, reports, node.policy, stage)
        respond(node.organization, document, StatusCode.ARRIVED, now, stage)
        record(document)
        session.add(document)
        if message.business_type is BusinessType.REPLACE:
            session.flush()
            replaced = original_id(message)
            mark_replaced(node, session, stage, document, replaced, document.envelope_sha256)
        return document

    return store_once(node.sessions, node.blobs, node.organ_id, Direction.RECEIVED, message, write)


def _apply(node: Node, data: bytes, message: DocumentMessage) -> Received:
    """A recall or an update: applied once to the original, answered 15 or 16."""
    try:
        with node.sessions() as session, node.blobs.staging(session) as stage:
            original, acted = apply_to_original(node, session, stage, message, stage.put(data))
            session.commit()
            return Received(original.id, created=acted)
    except IntegrityError:  # applied meanwhile by a concurrent delivery of the same message
        with node.sessions() as session:
            original = find_original(
                session, node.organ_id, Direction.RECEIVED, message.sender.organ_id,
                original_id(message),
            )  # fmt: skip
            return Received(original.id, created=False)


def receive_status(node: Node, data: bytes) -> Received:
    """Record a status that an agency sent about a document this node sent.

    The same status delivered twice is recorded once; an arrived (01) status acknowledges
    the delivery of the document to that agency. A status about a document this node never
    sent is refused (EnvelopeError), so nothing is recorded against the wrong document.
    """
    return _receive_status(node, data, parse(data).message)


def _receive_status(node: Node, data: bytes, message) -> Received:
    if not isinstance(message, StatusMessage):
        raise EnvelopeError(
            "Gói tin không phải trạng thái.", "The envelope is not a status message."
        )
    answered = message.response_for
    with node.sessions() as session, node.blobs.staging(session) as stage:
        document = find_document(
            session, node.organ_id, Direction.SENT, node.organ_id, answered.document_id
        )
        if document is None:
            which = answered.document_id or answered.code
            raise EnvelopeError(
                f"Trạng thái cho văn bản không gửi từ đây: {which}.",
                f"A status for a document this node did not send: {which}.",
            )
        status = status_row(document.id, message, stage.put(data))
        insert_ignoring_duplicates(session, StatusEvent, status)
        sender = message.sender.organ_id
        if message.status_code is StatusCode.ARRIVED:  # the document itself, not a recall
            for delivery in document.deliveries:
                if (
                    delivery.recipient_organ_id == sender
                    and delivery.message_sha256 == document.envelope_sha256
                ):
                    delivery.state = DeliveryState.ACKNOWLEDGED
        apply_status(session, document.id, sender, status["status_code"], status["at"])
        session.commit()
        return Received(document.id, created=True)
