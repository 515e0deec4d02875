"""The hub: which agency's node is where, and routing envelopes and statuses between them.

Like the national exchange hub, it keeps what it routes and delivers it to each recipient's
node through its own outbox, retrying until the node has taken it. A node proves who it is
with its token; an envelope whose sender is not that node's agency is refused.

An agency may instead be spoken for by a system of the national hub's SDK API (its document
management system, a province's platform, an edoc node using that API): the hub then holds
what it routes to that agency until the system fetches it (:mod:`edoc.exchange.vdxp_hub`).
"""

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select, update
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
    VdxpSystem,
)
from signing.validation.policy import Policy


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
        """Add or update an agency's node and the token it authenticates with: from now on
        the hub posts to that node what it holds for the agency."""
        with self.sessions() as session:
            agency = _agency(session, organ_id)
            agency.name, agency.node_url = name, node_url
            agency.token_sha256 = token_digest(token)
            agency.system_id = ""
            _hold(session, organ_id, held=False)
            session.commit()

    def register_system(
        self, system_id: str, name: str, secret: str, agencies: dict[str, str]
    ) -> list[str]:
        """Add or update a system of the SDK API, its secret, and the agencies (id: name) it
        speaks for, those only: from now on the hub holds what it routes to them until the
        system fetches it. The agencies it took from a node or another system, which lose
        their access."""
        with self.sessions() as session:
            system = session.scalar(select(VdxpSystem).where(VdxpSystem.system_id == system_id))
            if system is None:
                system = VdxpSystem(system_id=system_id)
                session.add(system)
            system.name, system.secret = name, secret
            dropped = session.scalars(
                select(Agency).where(
                    Agency.system_id == system_id, Agency.organ_id.not_in(list(agencies))
                )
            )
            for agency in dropped:
                agency.system_id = ""
            taken = [
                organ_id
                for organ_id, agency_name in agencies.items()
                if speak_for(session, system_id, organ_id, agency_name)
            ]
            session.commit()
            return taken

    def secret_of(self, system_id: str) -> str | None:
        """The shared secret of an SDK system, or None for a system the hub does not know."""
        with self.sessions() as session:
            return session.scalar(
                select(VdxpSystem.secret).where(VdxpSystem.system_id == system_id)
            )

    def agency_of(self, token: str) -> str | None:
        """The agency whose node holds ``token``, or None."""
        with self.sessions() as session:
            return session.scalar(
                select(Agency.organ_id).where(Agency.token_sha256 == token_digest(token))
            )

    def node_url(self, organ_id: str) -> str | None:
        with self.sessions() as session:
            return session.scalar(select(Agency.node_url).where(Agency.organ_id == organ_id))

    def held_for(self, organ_id: str) -> bool:
        """Whether the hub keeps what it has for ``organ_id`` until a system fetches it."""
        with self.sessions() as session:
            system = session.scalar(select(Agency.system_id).where(Agency.organ_id == organ_id))
            return bool(system)


def _agency(session: Session, organ_id: str) -> Agency:
    """The hub's row of ``organ_id``, added when it has none."""
    agency = session.scalar(select(Agency).where(Agency.organ_id == organ_id))
    if agency is None:
        agency = Agency(organ_id=organ_id, code_2020=AgencyId.parse(organ_id).decision20)
        session.add(agency)
    return agency


def speak_for(session: Session, system_id: str, organ_id: str, name: str) -> bool:
    """Make SDK system ``system_id`` the one that sends and fetches for agency ``organ_id``:
    a node it had, or another system, no longer may. Whether it was theirs."""
    agency = _agency(session, organ_id)
    theirs = bool(agency.token_sha256) or (agency.system_id or system_id) != system_id
    agency.name = name or agency.name
    agency.system_id = system_id
    agency.node_url = agency.token_sha256 = ""
    _hold(session, organ_id, held=True)
    return theirs


def _hold(session: Session, organ_id: str, held: bool) -> None:
    """Deliveries waiting for ``organ_id`` kept for fetching (``held``), or posted again."""
    before, after = (
        ((DeliveryState.QUEUED, DeliveryState.FAILED), DeliveryState.HELD)
        if held
        else ((DeliveryState.HELD,), DeliveryState.QUEUED)
    )
    session.execute(
        update(Delivery)
        .where(Delivery.recipient_organ_id == organ_id, Delivery.state.in_(before))
        .values(state=after),
        execution_options={"synchronize_session": False},
    )


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


def route(
    hub: Hub,
    data: bytes,
    senders: Collection[str],
    trace: list | None = None,
    only: list[str] | None = None,
) -> Received:
    """Take envelope ``data`` from a node or system speaking for the agencies ``senders``
    (the route it came by in ``trace``) and queue it for its recipients, or ``only`` those
    of them. The same document sent again is routed once, to the recipients it was not yet
    routed to."""
    message = parse(data).message
    if message.sender.organ_id not in senders:
        names = ", ".join(senders)
        raise EnvelopeError(
            f"Gói tin ghi gửi từ {message.sender.organ_id} nhưng đến từ nút của {names}.",
            f"The envelope says it is from {message.sender.organ_id} but came from {names}.",
        )
    if isinstance(message, DocumentMessage):
        return _route_document(hub, data, message, trace or [], only)
    return _route_status(hub, data, message)


def _route_document(
    hub: Hub, data: bytes, message: DocumentMessage, trace: list, only: list[str] | None
) -> Received:
    recipients = [r.organ_id for r in message.recipients]
    if strangers := [organ_id for organ_id in only or [] if organ_id not in recipients]:
        names = ", ".join(strangers)
        raise EnvelopeError(
            f"Không phải nơi nhận của gói tin: {names}.",
            f"Not recipients of the envelope: {names}.",
        )
    recipients = only or recipients
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

    received = store_once(hub.sessions, hub.blobs, HUB_ID, Direction.RECEIVED, message, write)
    if received.created:
        return received
    with hub.sessions() as session:  # routed before: to whom it has not reached yet
        document = session.get(Document, received.document_pk)
        queued = queue_to(session, document, recipients, document.envelope_sha256)
        session.commit()
        return Received(document.id, created=queued)


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
        by = message.sender.organ_id
        if not _routed_to(session, document, by):
            raise EnvelopeError(
                f"{by} gửi trạng thái cho văn bản không chuyển đến {by}: {answered.document_id}.",
                f"{by} sent a status about a document not routed to it: {answered.document_id}.",
            )
        message_sha256 = stage.put(data)
        values = {
            "document_pk": document.id, "recipient_organ_id": answered.organ_id,
            "message_sha256": message_sha256, "kind": "status",
        }  # fmt: skip
        insert_ignoring_duplicates(session, Delivery, values)
        status = status_row(document.id, message, message_sha256)
        insert_ignoring_duplicates(session, StatusEvent, status)
        apply_status(session, document.id, by, status["status_code"], status["at"])
        session.commit()
        return Received(document.id, created=True)


def _routed_to(session: Session, document: Document, organ_id: str) -> bool:
    """Whether ``organ_id`` may give a status about ``document``: it was routed to it (or
    it is the document's own sender, asking for it back)."""
    if organ_id == document.sender_organ_id:
        return True
    delivery = session.scalar(
        select(Delivery.id).where(
            Delivery.document_pk == document.id,
            Delivery.recipient_organ_id == organ_id,
            Delivery.kind == "document",
        )
    )
    return delivery is not None
