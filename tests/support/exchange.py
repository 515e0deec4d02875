"""Documents between nodes: a fast retry schedule, waiting for what another node does,
counting what arrived, business envelopes and deliveries given up."""

import dataclasses
import datetime as dt
import time
from collections.abc import Callable

from sqlalchemy import func, select, update

from edoc.envelope.build import build
from edoc.envelope.model import Business, BusinessType, Organization
from edoc.envelope.parse import parse
from edoc.exchange.node import Node
from edoc.exchange.outbox import Backoff, DeliveryError, Outgoing, deliver_due
from edoc.exchange.send import send_envelope
from edoc.storage.models import (
    Delivery,
    DeliveryState,
    Direction,
    Document,
    StatusEvent,
)
from fixtures.agencies import HA_NOI, VPCP

FAST = Backoff(first=0.05, most=0.4)


def eventually(check: Callable[[], bool], seconds: float = 20) -> None:
    """Wait until ``check`` holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.05)


def document_count(node, direction: Direction) -> int:
    """How many documents ``node`` holds in ``direction``."""
    with node.sessions() as session:
        return session.scalar(
            select(func.count()).select_from(Document).where(Document.direction == direction)
        )


def arrived_at_sender(node) -> bool:
    """Whether the sender holds the recipient's 01 and its delivery is acknowledged."""
    with node.sessions() as session:
        statuses = session.scalars(select(StatusEvent.status_code)).all()
        states = session.scalars(select(Delivery.state)).all()
    return statuses == ["01"] and states == [DeliveryState.ACKNOWLEDGED]


def with_business(envelope: bytes, kind: BusinessType, **changes) -> bytes:
    """``envelope`` as a recall, update or replacement (``kind``) of itself, ``changes``
    made to its message."""
    original = parse(envelope).message
    business = Business(kind, document_id=original.document_id, reason="Sai sót số liệu")
    return build(dataclasses.replace(original, business=business, **changes))


def unreachable(message: Outgoing) -> DeliveryState:
    """A hub that never answers: every delivery fails for now."""
    raise DeliveryError("Không gửi được.", "Cannot reach the hub: connection refused.")


def sent_and_given_up(node: Node, envelope: bytes) -> int:
    """A letter the Government Office sent to Hà Nội, given up: its document's key."""
    message = parse(envelope).message
    own = dataclasses.replace(
        message, sender=Organization(VPCP.organ_id, VPCP.name),
        recipients=[Organization(HA_NOI.organ_id, HA_NOI.name)], document_id="i18-given-up",
    )  # fmt: skip
    document = send_envelope(node, build(own)).document_pk
    with node.sessions() as session:  # queued five days ago, tried since
        days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=5)
        session.execute(update(Delivery).values(created_at=days_ago))
        session.commit()
    deliver_due(node.sessions, node.blobs, unreachable)
    return document
