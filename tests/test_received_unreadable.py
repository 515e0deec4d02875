"""A received envelope whose PDF no reader can open is that file's problem, not the
envelope's: the node and the hub store it and answer 200 (so the sender's outbox does not
retry it for ever), the inbox shows in words that the file cannot be read, the audit counts
it as non-compliant and unsigned. What this node sends stays strict: no unreadable PDF."""

import dataclasses
import os

import lxml.html
import pytest

from edoc.audit.report import Scope, Source, build_report
from edoc.envelope.build import build
from edoc.envelope.model import Attachment as EnvelopeAttachment
from edoc.envelope.model import Organization
from edoc.envelope.parse import parse
from edoc.errors import EdocError
from edoc.exchange.hub import Hub
from edoc.exchange.send import send_envelope
from edoc.exchange.transport import PATH
from edoc.server import BackgroundServer, free_port
from edoc.storage.blobs import BlobStore
from edoc.storage.database import connect, sessions, upgrade
from edoc.storage.models import DeliveryState, Direction, Document
from fixtures.agencies import HA_NOI, VPCP
from signing.validation.policy import DEFAULT_POLICY
from tests.support.browser import ARTEFACTS
from tests.support.letters import letter_envelope
from tests.support.nodes import PASSWORD
from tests.support.web import logged_in
from web.app import create_hub_app

#: Files no PDF reader opens, each as a sender's node may pass them on.
HOSTILE = {
    "random": os.urandom(4096),
    "empty": b"",
    "header_only": b"%PDF-1.7\n" + os.urandom(2048),
}

POSTED = {"Authorization": "Bearer hub-token", "Content-Type": "application/xml"}


def _carrying(pdf: bytes, number: str = "4321") -> bytes:
    """A Hà Nội letter to the Government Office whose one PDF is ``pdf``."""
    files = [EnvelopeAttachment("main", f"{number}-UBND-KT.pdf", "application/pdf", pdf)]
    return letter_envelope(files, code={"number": number, "notation": "UBND-KT"})


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_node_stores_answers_and_shows_an_envelope_whose_pdf_cannot_be_read(inbox, kind):
    app, node, _ = inbox
    answer = app.test_client().post(PATH, data=_carrying(HOSTILE[kind]), headers=POSTED)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    document_pk = answer.get_json()["document"]
    with node.sessions() as session:
        document = session.get(Document, document_pk)
        (attachment,) = document.attachments
        assert document.compliant is False and document.status_code == "01"
        assert attachment.report.verdict == "non_compliant"
        assert attachment.report.codes == ["VN_NO_SIGNATURE"]
        (delivery,) = document.deliveries  # the 01 goes back to Hà Nội
        assert delivery.state is DeliveryState.QUEUED
    client, _ = logged_in(app)
    assert "4321/UBND-KT" in client.get("/").get_data(as_text=True)
    page = lxml.html.fromstring(client.get(f"/documents/{document_pk}").get_data(as_text=True))
    (note,) = page.xpath("//div[contains(@class, 'unreadable')]")
    assert "Không đọc được tệp PDF" in note.text_content()
    assert not page.xpath("//iframe")  # a file no reader opens is not put in the browser
    assert "không đọc được tệp PDF" in page.xpath("string(//ul[@class='findings'])")
    client.get("/lang/en")
    english = client.get(f"/documents/{document_pk}").get_data(as_text=True)
    assert "Cannot read the PDF" in english and "the PDF cannot be read" in english


def test_the_audit_counts_an_unreadable_pdf_received_as_non_compliant_and_unsigned(inbox):
    app, node, _ = inbox
    answer = app.test_client().post(PATH, data=_carrying(HOSTILE["random"]), headers=POSTED)
    assert answer.status_code == 200
    report = build_report([Source(node.organ_id, node.sessions)], Scope((VPCP.organ_id,)))
    received = report.overall["received"]
    assert (received.total, received.compliant, received.non_compliant) == (2, 1, 1)
    assert received.signed == 1


def test_the_hub_routes_an_envelope_whose_pdf_cannot_be_read(tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'hub.sqlite'}")
    upgrade(engine)
    factory = sessions(engine)
    hub = Hub(factory, BlobStore(tmp_path / "blobs", factory), DEFAULT_POLICY)
    hub.register(HA_NOI.organ_id, HA_NOI.name, "http://127.0.0.1:9/", "ha-noi-token")
    hub.register(VPCP.organ_id, VPCP.name, "http://127.0.0.1:9/", "vpcp-token")
    headers = {"Authorization": "Bearer ha-noi-token", "Content-Type": "application/xml"}
    answer = (
        create_hub_app(hub)
        .test_client()
        .post(PATH, data=_carrying(HOSTILE["random"]), headers=headers)
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    with factory() as session:
        document = session.get(Document, answer.get_json()["document"])
        assert [d.recipient_organ_id for d in document.deliveries] == [VPCP.organ_id]
        assert document.attachments[0].report.verdict == "non_compliant"
    engine.dispose()


def test_this_node_sends_no_pdf_its_recipients_could_not_read(inbox):
    _, node, _ = inbox
    message = parse(_carrying(HOSTILE["random"], "88")).message
    own = dataclasses.replace(
        message, sender=Organization(VPCP.organ_id, VPCP.name),
        recipients=[Organization(HA_NOI.organ_id, HA_NOI.name)], document_id="g22-garbage",
    )  # fmt: skip
    with pytest.raises(EdocError) as refused:
        send_envelope(node, build(own))
    assert "Không đọc được tệp PDF" in refused.value.message("vi")
    with node.sessions() as session:
        sent = session.query(Document).filter_by(direction=Direction.SENT).count()
    assert sent == 0


def test_whatever_fails_while_verifying_a_received_pdf_is_that_files_report(inbox, monkeypatch):
    def failing(data, policy):
        raise RecursionError("maximum recursion depth exceeded")  # a reader's deep structure

    monkeypatch.setattr("signing.validation.verify.verify_document", failing)
    app, node, _ = inbox
    answer = app.test_client().post(PATH, data=_carrying(HOSTILE["random"]), headers=POSTED)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    with node.sessions() as session:
        (attachment,) = session.get(Document, answer.get_json()["document"]).attachments
        (note,) = attachment.report.report["notes"]
    assert note["message_en"].startswith("Cannot read the PDF: it is damaged or incomplete.")
    assert "recursion" not in note["message_vi"] + note["message_en"]


def test_a_clerk_sees_that_a_received_file_cannot_be_read(inbox, browser):
    app, _, _ = inbox
    answer = app.test_client().post(PATH, data=_carrying(HOSTILE["random"]), headers=POSTED)
    document_pk = answer.get_json()["document"]
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"http://127.0.0.1:{port}/")
        page.fill("input[name=username]", "vanthu")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.locator(f"tr.document[data-id='{document_pk}'] a").click()
        note = page.get_by_role("alert").filter(has_text="Không đọc được tệp PDF")
        assert note.is_visible()
        assert "Không hợp lệ" in page.locator(".verdict").inner_text()
        assert page.locator("details.preview").count() == 0
        page.screenshot(path=ARTEFACTS / "document-unreadable-pdf.png", full_page=True)
