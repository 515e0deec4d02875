"""The clerks' inbox over HTTP: logging in, only one's own agency, CSRF, acting on a
document, composing (the office and inbox fixtures are in conftest)."""

import dataclasses
import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from edoc.envelope.build import build
from edoc.envelope.model import Organization
from edoc.storage.models import Delivery, Direction, Document, UserRole
from edoc.timezone import to_vietnam
from fixtures.agencies import HA_NOI, VPCP
from signing.verify import verify_document
from tests.conftest import PASSWORD
from web.app import create_node_app
from web.users import add_user


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def logged_in(app, username: str = "vanthu"):
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    answer = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    return client, answer


def test_pages_need_a_login_and_a_right_password(inbox):
    app, _, document = inbox
    client = app.test_client()
    assert client.get("/").status_code == 302
    assert client.get(f"/documents/{document}").headers["Location"].startswith("/login")
    token = csrf_of(client.get("/login").get_data(as_text=True))
    wrong = client.post("/login", data={"username": "vanthu", "password": "x", "csrf_token": token})
    assert wrong.status_code == 401 and "Sai tên đăng nhập" in wrong.get_data(as_text=True)


def test_the_inbox_lists_the_letter_with_its_signature_badge(inbox):
    app, _, document = inbox
    client, answer = logged_in(app)
    assert answer.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "1234/UBND-KT" in page and "Khẩn" in page
    assert "Cá nhân ✓" in page and "Cơ quan ✓" in page and "Tin cậy ✓" in page
    detail = client.get(f"/documents/{document}").get_data(as_text=True)
    assert "Hợp lệ" in detail and "Phạm Thu Hương" in detail
    client.get("/lang/en")
    assert "Personal ✓" in client.get("/").get_data(as_text=True)


def test_another_agencys_clerk_cannot_log_in_here_nor_open_its_documents(inbox):
    app, node, document = inbox
    _, refused = logged_in(app, "hanoi")
    assert refused.status_code == 401
    with node.sessions() as session:  # a document kept for another agency in the same database
        other = session.get(Document, document)
        foreign = Document(
            owner_organ_id=HA_NOI.organ_id, direction=Direction.RECEIVED,
            document_id="foreign", sender_organ_id=VPCP.organ_id,
            envelope_sha256=other.envelope_sha256,
        )  # fmt: skip
        session.add(foreign)
        session.commit()
        foreign_pk = foreign.id
    client, _ = logged_in(app)
    assert client.get(f"/documents/{foreign_pk}").status_code == 404
    assert client.get(f"/documents/{foreign_pk + 1000}").status_code == 404


def test_a_form_without_its_csrf_token_is_refused(inbox):
    app, node, document = inbox
    client, _ = logged_in(app)
    answer = client.post(f"/documents/{document}/status", data={"code": "03"})
    assert answer.status_code == 400
    with node.sessions() as session:
        assert session.get(Document, document).status_code == "01"


def test_accepting_records_03_and_tells_the_sender(inbox):
    app, node, document = inbox
    client, _ = logged_in(app)
    token = csrf_of(client.get(f"/documents/{document}").get_data(as_text=True))
    answer = client.post(
        f"/documents/{document}/status", data={"code": "03", "csrf_token": token},
        follow_redirects=True,
    )  # fmt: skip
    assert "Đã ghi trạng thái 03" in answer.get_data(as_text=True)
    with node.sessions() as session:
        assert session.get(Document, document).status_code == "03"
        kinds = session.scalars(select(Delivery.kind).where(Delivery.document_pk == document))
        assert sorted(kinds) == ["status", "status"]  # the 01, then the 03
    refused = client.post(
        f"/documents/{document}/status", data={"code": "02", "csrf_token": token},
        follow_redirects=True,
    )  # fmt: skip
    assert "lý do" in refused.get_data(as_text=True)  # returning needs a reason


def test_the_node_api_on_the_same_app_needs_its_token_not_a_csrf_token(inbox, envelope):
    app, _, _ = inbox
    client = app.test_client()
    assert client.post("/api/v1/messages", data=envelope).status_code == 401
    answer = client.post(
        "/api/v1/messages", data=envelope, headers={"Authorization": "Bearer hub-token"}
    )
    assert answer.status_code == 200 and answer.get_json()["created"] is False


def test_anyone_logged_in_can_check_a_pdf(inbox, pki):
    from tests.test_signing import signed_letter

    app, _, _ = inbox
    client, _ = logged_in(app)
    token = csrf_of(client.get("/verify").get_data(as_text=True))
    personal, _ = signed_letter(pki)
    answer = client.post(
        "/verify", data={"csrf_token": token, "pdf": (io.BytesIO(personal), "thu.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "thu.pdf" in page
    assert "Không hợp lệ" in page and "VN_MISSING_ORGANISATION" in page
    junk = client.post(
        "/verify", data={"csrf_token": token, "pdf": (io.BytesIO(b"<html>"), "x.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert junk.status_code == 422 and "không phải PDF" in junk.get_data(as_text=True)


def test_the_outbox_shows_each_recipients_delivery_and_answer(inbox, envelope):
    from edoc.envelope.parse import parse
    from edoc.exchange.send import send_envelope

    app, node, _ = inbox
    message = parse(envelope).message  # the same letter, as if the Government Office sent it
    own = dataclasses.replace(
        message, sender=Organization(VPCP.organ_id, VPCP.name),
        recipients=[Organization(HA_NOI.organ_id, HA_NOI.name)], document_id="g22-sent-1",
    )  # fmt: skip
    send_envelope(node, build(own))
    client, _ = logged_in(app)
    page = client.get("/outbox").get_data(as_text=True)
    assert "1234/UBND-KT" in page and HA_NOI.organ_id in page and "queued" in page


def test_filters_narrow_the_inbox(inbox):
    app, node, document = inbox
    client, _ = logged_in(app)

    def rows(query: str) -> int:
        return client.get(f"/?{query}").get_data(as_text=True).count('class="document"')

    assert rows("") == 1
    assert rows("status=01") == 1 and rows("status=03") == 0
    assert rows(f"sender={HA_NOI.organ_id}") == 1 and rows(f"sender={VPCP.organ_id}") == 0
    assert rows("urgent=1") == 1
    assert rows("compliant=yes") == 1 and rows("compliant=no") == 0
    with node.sessions() as session:
        received = session.get(Document, document).received_at
    day = to_vietnam(received).date()
    assert rows(f"since={day}&until={day}") == 1  # the whole day, in Vietnam time
    assert rows(f"since={day + dt.timedelta(days=1)}") == 0
    assert rows("q=UBND-KT&sort=due") == 1 and rows("q=không-có") == 0


def test_the_pdf_is_shown_inline_and_only_to_its_agency(inbox):
    app, _, document = inbox
    client, _ = logged_in(app)
    page = client.get(f"/documents/{document}").get_data(as_text=True)
    link = re.search(r'<iframe class="preview"[^>]+src="([^"]+)"', page).group(1)
    answer = client.get(link)
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("inline")
    assert app.test_client().get(link).status_code == 302  # not logged in: to the login page
    assert client.get(link.replace(f"/documents/{document}/", "/documents/999/")).status_code == 404


@pytest.fixture
def composing(office, pki):
    """The Government Office's node whose server holds the agency's key and seal."""
    from fixtures.images import seal_image
    from tests.test_signing import key_of
    from web.compose import Stamp

    add_user(office.sessions, "kiemtoan", PASSWORD, VPCP.organ_id, UserRole.AUDITOR, "Kiểm toán")
    stamp = Stamp(key_of(pki, "g22-org"), seal_image(VPCP))
    return create_node_app(office, "hub-token", "secret", stamp), office


def _letter_signed_by_the_leader(pki) -> bytes:
    from fixtures.documents import cong_van
    from fixtures.images import signature_image
    from signing.geometry import Box
    from signing.pades import sign_personal
    from tests.test_signing import key_of

    letter = cong_van(VPCP)
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    image = signature_image(VPCP.deputy)
    return sign_personal(letter.pdf, key_of(pki, "g22-deputy"), image, area).pdf


def _compose(client, pdf: bytes, sign: bool):
    token = csrf_of(client.get("/compose").get_data(as_text=True))
    form = {
        "csrf_token": token, "number": "77", "notation": "VPCP-KSTT", "date": "2026-11-23",
        "subject": "Về việc ký số văn bản", "to": [HA_NOI.organ_id], "priority": "0",
        "pdf": (io.BytesIO(pdf), "77-VPCP.pdf"),
    }  # fmt: skip
    if sign:
        form["sign"] = "1"
    return client.post("/compose", data=form, content_type="multipart/form-data"), token


def test_a_clerk_signs_for_the_agency_checks_and_sends(composing, pki):
    app, node = composing
    client, _ = logged_in(app)
    review, token = _compose(client, _letter_signed_by_the_leader(pki), sign=True)
    assert review.status_code == 200 and "Hợp lệ" in review.get_data(as_text=True)
    sent = client.post("/compose/send", data={"csrf_token": token}, follow_redirects=True)
    assert "Đã xếp hàng gửi" in sent.get_data(as_text=True)
    with node.sessions() as session:
        (document,) = session.scalars(select(Document)).all()
        assert (document.direction, document.number) == (Direction.SENT, "77")
        (delivery,) = document.deliveries
        assert delivery.recipient_organ_id == HA_NOI.organ_id
        envelope = node.blobs.read(delivery.message_sha256)
    from edoc.envelope.parse import parse

    signed = parse(envelope).message.attachments[0].data
    roles = [s.role for s in verify_document(signed, node.policy).signatures]
    assert roles == ["personal", "organisation"]


def test_a_non_compliant_document_needs_a_confirmation_and_auditors_do_not_compose(composing, pki):
    app, node = composing
    client, _ = logged_in(app)
    from fixtures.documents import cong_van

    review, token = _compose(client, cong_van(VPCP).pdf, sign=False)  # no signature at all
    assert "Không hợp lệ" in review.get_data(as_text=True)
    refused = client.post("/compose/send", data={"csrf_token": token})
    assert refused.status_code == 400
    confirmed = client.post("/compose/send", data={"csrf_token": token, "confirm": "1"})
    assert confirmed.status_code == 303
    with node.sessions() as session:
        assert len(session.scalars(select(Document)).all()) == 1
    auditor, _ = logged_in(app, "kiemtoan")
    assert auditor.get("/compose").status_code == 403


def test_password_guessing_is_slowed_down(inbox):
    app, _, _ = inbox
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))

    def attempt(password: str) -> int:
        form = {"username": "vanthu", "password": password, "csrf_token": token}
        return client.post("/login", data=form).status_code

    assert [attempt(f"sai-{n}") for n in range(5)] == [401] * 5
    assert attempt("sai-6") == 429
    assert attempt(PASSWORD) == 429  # even the right password waits out the window
