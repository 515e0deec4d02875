"""The demo's exchange: a hub and three agency nodes trading signed documents, some good,
some with the faults audits find, the receivers acting on them.

Each agency sends a compliant letter and letters with a missing personal signature, a
scanned paper original signed only by the agency, and a change made after signing; Hà Nội
also sends one signed with a SHA-1 certificate and one with a revoked certificate. Every
receiving node verifies what arrives (the 01 goes back on its own), accepts (03) what is
compliant and returns (02) the rest with the reasons as check codes. Each agency is left with
a draft letter waiting for its leader's signature, for the inbox walkthrough.
"""

import datetime as dt
import secrets
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from edoc.accounts import add_user, hold_key
from edoc.agency import AgencyDirectory
from edoc.envelope.build import build
from edoc.envelope.metadata import document_from_metadata
from edoc.envelope.model import Attachment, Organization, StatusCode
from edoc.exchange.actions import act
from edoc.exchange.drafts import DraftFile, DraftHeader, create_draft
from edoc.exchange.node import Node
from edoc.exchange.send import send_envelope
from edoc.storage.models import Attachment as StoredAttachment
from edoc.storage.models import (
    Direction,
    Document,
    StatusEvent,
    User,
    UserRole,
    VerificationReport,
)
from fixtures.agencies import AGENCIES, Agency
from fixtures.documents import SampleDocument, cong_van
from fixtures.export import pkcs12_bytes
from fixtures.images import seal_image, signature_image
from fixtures.pki import TestPKI
from fixtures.signed_samples import CASES, Case, signed_document
from signing.validation.policy import DEFAULT_POLICY
from web.app import create_node_app
from web.compose import Stamp
from web.local import LocalNetwork
from web.text import LABELS


def _envelope(document: SampleDocument, to: Agency, case: Case) -> bytes:
    meta = {
        "from": document.agency.organ_id,
        "to": [to.organ_id],
        "code": {"number": document.number, "notation": document.notation},
        "promulgation_date": document.date.isoformat(),
        "subject": f"V/v {document.subject} ({case.name})",
        "signer": {"full_name": document.agency.deputy.full_name},
        "document_type": {"type": 2, "type_name": "Công văn"},
    }
    name = f"{document.number}-{document.notation.replace('/', '-')}.pdf"
    attachment = Attachment(f"{document.number}-main", name, "application/pdf", document.pdf)
    return build(document_from_metadata(meta, [attachment], AgencyDirectory.builtin()))


def _wait(check, seconds: float = 180) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


DEMO_PASSWORD = "edoc-demo"

#: Who logs in to each demo inbox: role, user-name prefix, title before the agency's name.
DEMO_ROLES = (
    (UserRole.CLERK, "vanthu", "Văn thư"),
    (UserRole.LEADER, "lanhdao", ""),  # the agency's deputy, by name
    (UserRole.AUDITOR, "kiemtoan", "Kiểm toán viên"),
    (UserRole.ADMIN, "quantri", "Quản trị"),
)


def add_accounts(
    network: LocalNetwork, pki: TestPKI, agencies: Sequence[Agency] = AGENCIES
) -> list[dict]:
    """A user of each role per agency (password DEMO_PASSWORD); the leader is the agency's
    deputy, whose personal key the server holds under DEMO_PASSWORD."""
    accounts = []
    for agency in agencies:
        node = network.nodes[agency.organ_id]
        for role, prefix, title in DEMO_ROLES:
            username = f"{prefix}-{agency.key}"
            person = f"{title} {agency.name}" if title else agency.deputy.full_name
            add_user(node.sessions, username, DEMO_PASSWORD, agency.organ_id, role, person)
            accounts.append(
                {"username": username, "password": DEMO_PASSWORD, "role": role.value,
                 "agency": agency.organ_id, "inbox": network.services[agency.organ_id].url}
            )  # fmt: skip
        p12 = pkcs12_bytes(pki[agency.deputy.key], DEMO_PASSWORD)
        image = signature_image(agency.deputy)
        hold_key(node.sessions, node.blobs, f"lanhdao-{agency.key}", p12, DEMO_PASSWORD, image)
    return accounts


def inboxes(pki: TestPKI, agencies: Sequence[Agency] = AGENCIES) -> Callable[[Node, str], Flask]:
    """What makes each demo node's web application: the inbox, with the agency's key and
    seal held by the server, and its own session key (the inboxes share a host, so a browser
    sends each the others' cookies: none may take them for its own)."""
    by_id = {a.organ_id: a for a in agencies}

    def inbox(node: Node, hub_token: str) -> Flask:
        agency = by_id[node.organ_id]
        stamp = Stamp(pki.signing_key(f"{agency.key}-org"), seal_image(agency))
        return create_node_app(node, hub_token, secrets.token_urlsafe(32), stamp)

    return inbox


def _prepare_drafts(network: LocalNetwork) -> None:
    """A letter per agency waiting for its leader's signature, to try the compose flow on."""
    for index, agency in enumerate(AGENCIES):
        node = network.nodes[agency.organ_id]
        to = AGENCIES[(index + 1) % len(AGENCIES)]
        letter = cong_van(agency, number="200")
        with node.sessions() as session:
            clerk = session.scalar(select(User).where(User.username == f"vanthu-{agency.key}"))
        header = DraftHeader(letter.number, letter.notation, f"V/v {letter.subject}", letter.date)
        name = f"{letter.number}-{letter.notation.replace('/', '-')}.pdf"
        create_draft(
            node, clerk.id, clerk.full_name, header, [to.organ_id], DraftFile(name, letter.pdf)
        )


def run_exchange(
    root: Path, pki: TestPKI, progress, serve: Callable[[], None] | None = None
) -> dict:
    """Run the exchange under ``root``; its figures, as ``edoc demo --json`` prints them.
    ``serve``, when given, is called with everything still running (``edoc demo --serve``)."""
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "soft")
    agencies = [Organization(a.organ_id, a.name) for a in AGENCIES]
    progress("Khởi động trục và ba nút cơ quan…", "Starting the hub and three agency nodes…")
    with LocalNetwork(root, agencies, policy, node_app=inboxes(pki)) as network:
        accounts = add_accounts(network, pki)
        progress("Ký và gửi văn bản…", "Signing and sending documents…")
        sent = 0
        for index, sender in enumerate(AGENCIES):
            to = AGENCIES[(index + 1) % len(AGENCIES)]
            for number, case in enumerate(CASES, start=100):
                if case.only_from not in (None, sender.key):
                    continue
                document = signed_document(pki, sender, case, number)
                sent += send_envelope(
                    network.nodes[sender.organ_id], _envelope(document, to, case)
                ).created
        progress("Chờ văn bản đến và trạng thái 01…", "Waiting for arrival and the 01 statuses…")
        _wait(
            lambda: _count(network, Direction.RECEIVED) >= sent and _statuses(network)["01"] >= sent
        )
        progress("Văn thư tiếp nhận hoặc trả lại…", "Clerks accept or return…")
        figures = _act(network)
        _wait(lambda: sum(_statuses(network)[c] for c in ("02", "03")) >= figures["received"])
        statuses = _statuses(network)
        _prepare_drafts(network)
        if serve is not None:
            serve_summary = {"hub": network.services["hub"].url, "accounts": accounts}
            progress_serve(progress, serve_summary)
            serve()
    return {
        "documents_sent": sent,
        "delivered": figures["received"],
        "verified": figures["verified"],
        "compliant": figures["compliant"],
        "non_compliant": figures["received"] - figures["compliant"],
        "statuses": dict(sorted(statuses.items())),
        "hub": network.services["hub"].url,
        "nodes": {organ_id: s.url for organ_id, s in network.services.items() if organ_id != "hub"},
        "accounts": accounts,
    }


def account_line(account: dict) -> tuple[str, str]:
    """How a demo account is shown (Vietnamese, English): inbox, user name, password, role."""
    line = f"{account['inbox']}  {account['username']} / {account['password']}"
    role = LABELS[f"user_role_{account['role']}"].vi.lower()
    return f"Hộp thư: {line} ({role})", f"Inbox: {line} ({account['role']})"


def progress_serve(progress, summary: dict) -> None:
    """Tell where the inboxes are while the demo keeps serving."""
    for account in summary["accounts"]:
        progress(*account_line(account))
    progress("Đang chạy; Ctrl+C để dừng.", "Serving; Ctrl+C to stop.")


def _count(network: LocalNetwork, direction: Direction) -> int:
    total = 0
    for node in network.nodes.values():
        with node.sessions() as session:
            total += session.scalar(
                select(func.count(Document.id)).where(Document.direction == direction)
            )
    return total


def _statuses(network: LocalNetwork) -> Counter:
    """The statuses the senders have received, by code."""
    counts: Counter = Counter()
    for node in network.nodes.values():
        with node.sessions() as session:
            query = select(StatusEvent.status_code).where(
                StatusEvent.direction == Direction.RECEIVED
            )
            counts.update(session.scalars(query).all())
    return counts


def _act(network: LocalNetwork) -> dict:
    figures = {"received": 0, "verified": 0, "compliant": 0}
    at = dt.datetime.now(dt.UTC)
    for node in network.nodes.values():
        with node.sessions() as session:
            received = session.scalars(
                select(Document).where(Document.direction == Direction.RECEIVED)
            ).all()
            reports = dict(
                session.execute(
                    select(StoredAttachment.document_pk, VerificationReport).join(
                        VerificationReport.attachment
                    )
                ).all()
            )
            plan = [(d.id, d.compliant, reports.get(d.id)) for d in received]
        for document_pk, compliant, report in plan:
            figures["received"] += 1
            figures["verified"] += report is not None
            if compliant:
                figures["compliant"] += 1
                act(node, document_pk, StatusCode.ACCEPTED, staff="Văn thư", at=at)
            else:
                codes = ", ".join(report.codes) if report else "không kiểm tra được"
                reason = f"Văn bản chưa đúng quy định về chữ ký số: {codes}"
                act(node, document_pk, StatusCode.RETURNED, staff="Văn thư", reason=reason, at=at)
    return figures
