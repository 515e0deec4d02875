"""The hub: which agency's node is where, and routing envelopes and statuses between them.

Like the national exchange hub, it keeps what it routes and delivers it to each recipient's
node through its own outbox, retrying until the node has taken it. A node proves who it is
with its token; an envelope whose sender is not that node's agency is refused.
"""

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from edoc.agency import AgencyId
from edoc.audit.entries import apply_status, record
from edoc.envelope.model import DocumentMessage, StatusMessage
from edoc.envelope.parse import parse
from edoc.errors import EnvelopeError
from edoc.exchange.business import ACTS_ON_ORIGINAL, find_original, original_id, queue_to
from edoc.exchange.records import (
    Received,
    attachment_rows,
    document_row,
    find_document,
    status_row,
    store_once,
    verify_pdfs,
)
from edoc.exchange.trace import hop
from edoc.storage.blobs import BlobStore, Staging, insert_ignoring_duplicates
from edoc.storage.models import (
    HUB_ID,
    Agency,
    Delivery,
    DeliveryState,
    Direction,
    Document,
    StatusEvent,
)
from signing.policy import Policy


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Hub:
    """The hub's database and files, and how it verifies the documents it routes (for the
    audits of every agency's signing)."""

    sessions: sessionmaker[Session]
    blobs: BlobStore
    policy: Policy

    def register(self, organ_id: str, name: str, node_url: str, token: str) -> None:
        """Add or update an agency's node and the token it authenticates with."""
        with self.sessions() as session:
            agency = session.scalar(select(Agency).where(Agency.organ_id == organ_id))
            if agency is None:
                agency = Agency(organ_id=organ_id)
                session.add(agency)
            agency.code_2020 = AgencyId.parse(organ_id).decision20
            agency.name, agency.node_url = name, node_url
            agency.token_sha256 = token_digest(token)
            session.commit()

    def agency_of(self, token: str) -> str | None:
        """The agency whose node holds ``token``, or None."""
        with self.sessions() as session:
            return session.scalar(
                select(Agency.organ_id).where(Agency.token_sha256 == token_digest(token))
            )

    def node_url(self, organ_id: str) -> str | None:
        with self.sessions() as session:
            return session.scalar(select(Agency.node_url).where(Agency.organ_id == organ_id))


def _unknown(hub: Hub, organ_ids: list[str]) -> list[str]:
    with hub.sessions() as session:
        known = set(session.scalars(select(Agency.organ_id).where(Agency.organ_id.in_(organ_ids))))
    return [organ_id for organ_id in organ_ids if organ_id not in known]


def pending(hub: Hub, organ_id: str) -> list[dict]:
    """What waits at the hub for agency ``organ_id``, for a node that fetches instead of
    being posted to (behind a firewall, or catching up after a long outage)."""
    with hub.sessions() as session:
        waiting = session.scalars(
            select(Delivery)
            .where(
                Delivery.recipient_organ_id == organ_id,
                Delivery.state.in_([DeliveryState.QUEUED, DeliveryState.FAILED]),
            )
            .order_by(Delivery.id)
        ).all()
        return [{"id": d.id, "kind": d.kind, "sha256": d.message_sha256} for d in waiting]


def _delivery_for(session: Session, organ_id: str, delivery_id: int) -> Delivery | None:
    delivery = session.get(Delivery, delivery_id)
    return delivery if delivery is not None and delivery.recipient_organ_id == organ_id else None


def pending_message(hub: Hub, organ_id: str, delivery_id: int) -> bytes | None:
    """The envelope of one of ``organ_id``'s deliveries, or None (not theirs, or none)."""
    with hub.sessions() as session:
        delivery = _delivery_for(session, organ_id, delivery_id)
        return hub.blobs.read(delivery.message_sha256) if delivery else None


def acknowledge(hub: Hub, organ_id: str, delivery_id: int) -> bool:
    """The node of ``organ_id`` has stored what it fetched: the delivery is done."""
    with hub.sessions() as session:
        delivery = _delivery_for(session, organ_id, delivery_id)
        if delivery is None:
            return False
        delivery.state = DeliveryState.ACKNOWLEDGED
        session.commit()
        return True


def route(hub: Hub, data: bytes, sender: str, trace: list | None = None) -> Received:
    """Take envelope ``data`` from the node of agency ``sender`` (the route it came by in
    ``trace``) and queue it for delivery."""
    message = parse(data).message
    if message.sender.organ_id != sender:
        raise EnvelopeError(
            f"Gói tin ghi gửi từ {message.sender.organ_id} nhưng đến từ nút của {sender}.",
            f"The envelope says it is from {message.sender.organ_id} but came from {sender}.",
        )
    if isinstance(message, DocumentMessage):
        return _route_document(hub, data, message, trace or [])
    return _route_status(hub, data, message)


def _route_document(hub: Hub, data: bytes, message: DocumentMessage, trace: list) -> Received:
    recipients = [r.organ_id for r in message.recipients]
    if missing := _unknown(hub, recipients):
        names = ", ".join(missing)
        raise EnvelopeError(
            f"Không có nút của cơ quan nhận: {names}.", f"No node for the recipients: {names}."
        )
    if message.business_type in ACTS_ON_ORIGINAL:  # a recall or update of a routed document
        with hub.sessions() as session, hub.blobs.staging(session) as stage:
            original = find_original(
                session, HUB_ID, Direction.RECEIVED, message.sender.organ_id, original_id(message)
            )
            queued = queue_to(session, original, recipients, stage.put(data))
            session.commit()
            return Received(original.id, created=queued)

    def write(session: Session, stage: Staging) -> Document:
        reports = verify_pdfs(message, hub.policy)  # before any query
        envelope = stage.put(data)
        document = document_row(HUB_ID, Direction.RECEIVED, message, envelope)
        document.attachments = attachment_rows(message, reports, hub.policy, stage)
        document.folder = "routed"
        document.trace = [*trace, hop(HUB_ID)]
        document.deliveries = [
            Delivery(recipient_organ_id=r, message_sha256=envelope, kind="document")
            for r in recipients
        ]
        record(document)
        session.add(document)
        return document

    return store_once(hub.sessions, hub.blobs, HUB_ID, Direction.RECEIVED, message, write)


def _route_status(hub: Hub, data: bytes, message: StatusMessage) -> Received:
    answered = message.response_for
    with hub.sessions() as session, hub.blobs.staging(session) as stage:
        document = find_document(
            session, HUB_ID, Direction.RECEIVED, answered.organ_id, answered.document_id
        )
        if document is None:
            raise EnvelopeError(
                f"Trạng thái cho văn bản trục chưa chuyển: {answered.document_id}.",
                f"A status for a document the hub never routed: {answered.document_id}.",
            )
        message_sha256 = stage.put(data)
        values = {
            "document_pk": document.id, "recipient_organ_id": answered.organ_id,
            "message_sha256": message_sha256, "kind": "status",
        }  # fmt: skip
        insert_ignoring_duplicates(session, Delivery, values)
        status = status_row(document.id, message, message_sha256)
        insert_ignoring_duplicates(session, StatusEvent, status)
        by = status["organ_id"]
        apply_status(session, document.id, by, status["status_code"], status["at"])
        session.commit()
        return Received(document.id, created=True)
