"""Receiving documents at a node, on SQLite and on PostgreSQL: stored once whatever the
retries, verified, answered with 01, and nothing half-written when the database fails."""

import dataclasses
import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from edoc.agency import AgencyDirectory
from edoc.envelope.build import build
from edoc.envelope.metadata import document_from_metadata
from edoc.envelope.model import Attachment as EnvelopeAttachment
from edoc.envelope.model import (
    Business,
    BusinessType,
    Organization,
    ResponseFor,
    StatusCode,
    StatusMessage,
)
from edoc.envelope.parse import parse
from edoc.errors import EnvelopeError
from edoc.exchange.actions import act
from edoc.exchange.node import Node
from edoc.exchange.outbox import Outgoing, deliver_due
from edoc.exchange.receive import receive_envelope, receive_message
from edoc.exchange.records import verify_pdfs
from edoc.storage.blobs import BlobStore
from edoc.storage.database import connect, sessions, upgrade
from edoc.storage.models import Blob, Delivery, DeliveryState, Document, StatusEvent
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from signing.validation.policy import DEFAULT_POLICY


@pytest.fixture(params=["disk", "database"])
def node(request, database_url, tmp_path, pki) -> Node:
    """A node of the Government Office, keeping files on disk or in its database."""
    engine = connect(database_url)
    upgrade(engine)
    factory = sessions(engine)
    root = tmp_path / "blobs" if request.param == "disk" else None
    yield Node(
        Organization(VPCP.organ_id, VPCP.name),
        factory,
        BlobStore(root, factory),
        DEFAULT_POLICY.with_options(pki.trust_anchors, "off"),
    )
    engine.dispose()


def count(node: Node, model) -> int:
    with node.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_document_is_stored_once_with_its_files_report_and_answer(node, envelope):
    first = receive_envelope(node, envelope)
    again = receive_envelope(node, envelope)
    assert first.created and not again.created and again.document_pk == first.document_pk
    with node.sessions() as session:
        document = session.get(Document, first.document_pk)
        assert (document.number, document.notation) == ("1234", "UBND-KT")
        assert document.sender_organ_id == HA_NOI.organ_id and document.compliant is True
        (attachment,) = document.attachments
        assert node.blobs.read(attachment.sha256).startswith(b"%PDF")
        assert attachment.report.verdict == "compliant"
        assert [s.role for s in attachment.signatures] == ["personal", "organisation"]
        (delivery,) = document.deliveries
        assert (delivery.recipient_organ_id, delivery.state) == (
            HA_NOI.organ_id,
            DeliveryState.QUEUED,
        )
        answer = parse(node.blobs.read(delivery.message_sha256)).message
        assert isinstance(answer, StatusMessage) and answer.status_code is StatusCode.ARRIVED
        assert answer.response_for.document_id == document.document_id
        assert [s.status_code for s in document.statuses] == ["01"]
    assert count(node, Document) == 1 and count(node, Delivery) == 1


def test_a_document_whose_pdfs_were_verified_already_keeps_that_verification(node, envelope):
    """An import of many envelopes carrying one file verifies the file once."""
    reports = verify_pdfs(parse(envelope).message, node.policy)
    (report,) = reports.values()
    received = receive_envelope(node, envelope, verified=reports)
    with node.sessions() as session:
        (attachment,) = session.get(Document, received.document_pk).attachments
        assert attachment.report.report == report.to_json()
        assert len(attachment.signatures) == len(report.signatures) == 2


def test_fifty_concurrent_deliveries_store_one_document(node, envelope):
    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(lambda _: receive_envelope(node, envelope), range(50)))
    assert sum(r.created for r in results) == 1
    assert len({r.document_pk for r in results}) == 1
    assert count(node, Document) == 1 and count(node, Delivery) == 1


def test_a_failed_transaction_leaves_no_files_behind(node, envelope):
    with node.sessions() as session:  # the database loses a table: every insert fails
        session.execute(text("ALTER TABLE deliveries RENAME TO deliveries_gone"))
        session.commit()
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises
        receive_envelope(node, envelope)
    assert count(node, Document) == 0 and count(node, Blob) == 0
    if node.blobs.root is not None:
        assert not any(p.is_file() for p in node.blobs.root.rglob("*"))
    with node.sessions() as session:
        session.execute(text("ALTER TABLE deliveries_gone RENAME TO deliveries"))
        session.commit()
    assert receive_envelope(node, envelope).created  # and the retry then stores it


def accepted(code: str) -> bytes:
    """Hà Nội's 03 about the Government Office's letter ``code``."""
    status = StatusMessage(
        sender=Organization(HA_NOI.organ_id, HA_NOI.name),
        response_for=ResponseFor(VPCP.organ_id, code, dt.date(2026, 11, 1)),
        status_code=StatusCode.ACCEPTED,
        timestamp=dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC),
    )
    return build(status)


def test_a_status_message_is_not_taken_for_a_document(node):
    with pytest.raises(EnvelopeError) as caught:
        receive_envelope(node, accepted("1/VPCP"))
    assert "status" in caught.value.message_en
    assert count(node, Document) == 0


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda m: {"code": dataclasses.replace(m.code, notation="X" * 101)}, "notation"),
        (lambda m: {"sender": dataclasses.replace(m.sender, organ_name="X" * 401)}, "sender_name"),
        (lambda m: {"signer": dataclasses.replace(m.signer, full_name="X" * 201)}, "signer_name"),
        (lambda m: {"document_id": m.document_id + "X" * 200}, "document_id"),
        (
            lambda m: {"attachments": [dataclasses.replace(m.attachments[0], name="X" * 401)]},
            "name",
        ),
    ],
    ids=["notation", "sender", "signer", "document-id", "file-name"],
)
def test_values_too_long_to_store_are_refused_by_name_and_nothing_is_kept(
    node, envelope, change, field
):
    message = parse(envelope).message
    data = build(dataclasses.replace(message, **change(message)))
    with pytest.raises(EnvelopeError) as caught:
        receive_message(node, data)
    assert f"'{field}'" in caught.value.message_en and "over the limit" in caught.value.message_en
    assert count(node, Document) == 0 and count(node, Blob) == 0


def test_a_status_about_a_document_never_sent_from_here_is_refused(node):
    with pytest.raises(EnvelopeError) as caught:
        receive_message(node, accepted("999/VPCP"))
    assert "did not send" in caught.value.message_en and "999/VPCP" in caught.value.message_en
    assert count(node, StatusEvent) == 0 and count(node, Blob) == 0


def test_outbox_workers_sharing_a_queue_post_each_message_once(node, envelope):
    """Each gunicorn worker runs an outbox worker on the node's one queue."""
    document = receive_envelope(node, envelope).document_pk  # its 01, then three statuses more
    for code in (StatusCode.ACCEPTED, StatusCode.ASSIGNED, StatusCode.IN_PROGRESS):
        act(node, document, code, assignee="Vụ Tổng hợp")
    posted: list[int] = []
    lock = threading.Lock()

    def hub(message: Outgoing) -> DeliveryState:  # a hub that takes a while to answer
        time.sleep(0.05)
        with lock:
            posted.append(message.delivery_pk)
        return DeliveryState.ACKNOWLEDGED

    start = threading.Barrier(4)

    def worker(_) -> int:
        start.wait()
        return deliver_due(node.sessions, node.blobs, hub)

    with ThreadPoolExecutor(4) as pool:
        taken = sum(pool.map(worker, range(4)))
    assert taken == len(posted) == len(set(posted)) == count(node, Delivery) == 4
    assert deliver_due(node.sessions, node.blobs, hub) == 0  # and nothing is left due


def test_an_update_of_a_non_compliant_document_is_applied_and_audited_once(node):
    """Recording a document again (here: an update changing its subject) when its stored
    verification has error codes: the entry and its codes are replaced, not added twice."""
    meta = {
        "from": HA_NOI.organ_id, "to": [VPCP.organ_id],
        "code": {"number": "88", "notation": "UBND-KT"}, "promulgation_date": "2026-11-20",
        "subject": "Thư chưa ký", "signer": {"full_name": HA_NOI.deputy.full_name},
    }  # fmt: skip
    unsigned = [EnvelopeAttachment("main", "88.pdf", "application/pdf", cong_van(HA_NOI).pdf)]
    original = document_from_metadata(meta, unsigned, AgencyDirectory.builtin())
    stored = receive_envelope(node, build(original))
    business = Business(BusinessType.UPDATE, document_id=original.document_id, reason="Sửa")
    update = dataclasses.replace(original, business=business, subject="Thư chưa ký (sửa)")
    assert receive_message(node, build(update)).document_pk == stored.document_pk
    with node.sessions() as session:
        document = session.get(Document, stored.document_pk)
        assert document.subject == "Thư chưa ký (sửa)" and document.compliant is False
        (entry,) = document.audit_entries
        assert entry.verdict == "non_compliant" and "VN_NO_SIGNATURE" in {
            c.code for c in entry.codes
        }
        assert len(entry.codes) == len({c.code for c in entry.codes})
