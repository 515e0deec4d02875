"""The inbox every test of this folder may run against (``world``): the Government Office's
node with a user per role, and of each kind of thing a route is about one of its own and one
of another agency, in the same database. Built once for the folder, as the matrix's cases
are written to change nothing another case needs."""

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy import select

from edoc.accounts import add_user, hold_key
from edoc.envelope.model import Organization
from edoc.exchange.configuration import add_anchor
from edoc.exchange.drafts import DraftFile, DraftHeader, create_draft, send_draft
from edoc.exchange.node import Node
from edoc.exchange.receive import receive_envelope
from edoc.storage.models import (
    Delivery,
    DeliveryState,
    Direction,
    Document,
    User,
    UserRole,
)
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from fixtures.export import pkcs12_bytes
from fixtures.images import seal_image, signature_image
from signing.sign.pades import sign_organisation, sign_personal
from signing.sign.position import Anchor
from tests.security_web.hostile import (
    pem,
)
from tests.security_web.matrix import (
    CLERK,
    LEADER,
    USERNAMES,
)
from tests.support.drafts import KEY_PASSWORD
from tests.support.keys import key_of
from tests.support.nodes import PASSWORD, agency_node
from tests.support.web import copy_of, logged_in
from web.app import create_node_app
from web.compose import Stamp


def _header(number: str, subject: str) -> DraftHeader:
    return DraftHeader(number, "VPCP-KSTT", subject, dt.date(2026, 11, 23))


@dataclass
class World:
    """The Government Office's inbox with a user per role, and of each kind of thing a route
    is about one of its own and one kept for Hà Nội in the same database (the own draft is
    sent, so nothing can change it; ``open_draft``, signed by the leader, is not)."""

    app: Flask
    node: Node
    own: dict[str, int]
    other: dict[str, int]
    open_draft: int
    seen: str  # the open draft's main PDF, as its page shows it
    leader: int
    p12: bytes  # the leader's key, under KEY_PASSWORD
    spare_ca: bytes  # a CA certificate not yet trusted, PEM
    kept_anchor: int  # trusted, and removed by no case
    clients: dict = field(default_factory=dict)

    def client(self, role: UserRole | None):
        """A client logged in as ``role`` (kept for the module), or a new anonymous one."""
        if role is None:
            return self.app.test_client()
        if role not in self.clients:
            self.clients[role] = logged_in(self.app, USERNAMES[role])[0]
        return self.clients[role]


@pytest.fixture(scope="package")
def world(tmp_path_factory, pki, envelope):
    root = tmp_path_factory.mktemp("world")
    with agency_node(f"sqlite:///{root / 'edoc.sqlite'}", root, pki) as node:
        for role, username in USERNAMES.items():
            name = VPCP.deputy.full_name if role is LEADER else username.title()  # signs as
            add_user(node.sessions, username, PASSWORD, VPCP.organ_id, role, name)
        add_user(node.sessions, "muctieu", PASSWORD, VPCP.organ_id, CLERK, "Mục Tiêu")
        hanoi = add_user(node.sessions, "hanoi", PASSWORD, HA_NOI.organ_id, CLERK, "Hà Nội")
        p12 = pkcs12_bytes(pki[VPCP.deputy.key], KEY_PASSWORD)
        image = signature_image(VPCP.deputy)
        hold_key(node.sessions, node.blobs, "lanhdao", p12, KEY_PASSWORD, image)
        with node.sessions() as session:
            clerk, leader, target = (
                session.scalar(select(User.id).where(User.username == name))
                for name in ("vanthu", "lanhdao", "muctieu")
            )
        document = receive_envelope(node, envelope).document_pk
        with node.sessions() as session:
            attachment = session.get(Document, document).attachments[0].id
        foreign, foreign_attachment = copy_of(node, document)
        signed = sign_personal(cong_van(VPCP).pdf, key_of(pki, VPCP.deputy.key), image,
                               Anchor(VPCP.deputy.full_name)).pdf  # fmt: skip
        sealed = sign_organisation(signed, key_of(pki, "g22-org"), seal_image(VPCP)).pdf
        letter = DraftFile("77.pdf", sealed)  # sent: the agency signed it
        sent = create_draft(node, clerk, "x", _header("77", "Đã gửi"), [HA_NOI.organ_id], letter)
        sent_pk = send_draft(node, sent.id, seen=sent.main_sha256, who="x", confirmed=True)
        foreign_sent, foreign_sent_attachment = copy_of(
            node, sent_pk, direction=Direction.SENT, sender_organ_id=HA_NOI.organ_id
        )
        with node.sessions() as session:
            sent_attachment = session.get(Document, sent_pk).attachments[0].id
            delivery = session.get(Document, sent_pk).deliveries[0]
            delivery.state = DeliveryState.UNDELIVERABLE  # given up: to be sent again by hand
            theirs_out = Delivery(
                document_pk=foreign_sent, recipient_organ_id=VPCP.organ_id, kind="document",
                message_sha256=delivery.message_sha256, state=DeliveryState.UNDELIVERABLE,
            )  # fmt: skip
            session.add(theirs_out)
            session.commit()
            delivery, foreign_delivery = delivery.id, theirs_out.id
        opened = create_draft(
            node, clerk, "x", _header("78", "Chưa gửi"), [HA_NOI.organ_id],
            DraftFile("78.pdf", signed),
        )  # fmt: skip
        theirs = dataclasses.replace(node, organization=Organization(HA_NOI.organ_id, HA_NOI.name))
        foreign_draft = create_draft(
            theirs, hanoi.id, "x", _header("5", "Của Hà Nội"), [VPCP.organ_id],
            DraftFile("5.pdf", cong_van(HA_NOI).pdf),
        )  # fmt: skip
        issuer, kept, spare = (c.certificate for c in list(pki.issuers())[:3])
        anchor = add_anchor(node.sessions, pem(issuer), "ca.pem", "quantri")
        kept_anchor = add_anchor(node.sessions, pem(kept), "kept.pem", "quantri")
        stamp = Stamp(key_of(pki, "g22-org"), seal_image(VPCP))
        yield World(
            create_node_app(node, "hub-token", "secret-for-tests", stamp), node,
            own={"document": document, "attachment": attachment, "draft": sent.id,
                 "user": target, "anchor": anchor.id, "sent": sent_pk,
                 "sent_attachment": sent_attachment, "delivery": delivery},
            other={"document": foreign, "attachment": foreign_attachment,
                   "draft": foreign_draft.id, "user": hanoi.id, "sent": foreign_sent,
                   "sent_attachment": foreign_sent_attachment, "delivery": foreign_delivery},
            open_draft=opened.id, seen=opened.main_sha256, leader=leader, p12=p12,
            spare_ca=pem(spare), kept_anchor=kept_anchor.id,
        )  # fmt: skip
