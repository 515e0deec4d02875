"""Badges and words that tell the truth: a signature is said untrusted only when a trust
finding says so (and with it), ETSI results and finding levels in words, a signer the
envelope names but the certificate does not is said, one wording for a verdict, states and
dates in words and dd/mm/yyyy, senders by name and id, no exception text on a page."""

import dataclasses
import io
import re

import pytest
from click.testing import CliRunner

from cli import main
from edoc.accounts import add_user
from edoc.envelope.build import build
from edoc.envelope.model import Attachment as EnvelopeAttachment
from edoc.envelope.model import Business, BusinessType, Organization
from edoc.envelope.parse import parse
from edoc.exchange.node import Node
from edoc.exchange.receive import receive_envelope
from edoc.exchange.send import send_envelope
from edoc.storage.models import Document, UserRole
from fixtures.agencies import HA_NOI, VPCP
from signing.validation.policy import DEFAULT_POLICY
from tests.support.letters import letter_envelope, signed_letter
from tests.support.nodes import PASSWORD
from tests.support.web import csrf_of, logged_in


def _row(page: str, document: int) -> str:
    return re.search(rf'<tr class="document" data-id="{document}">(.*?)</tr>', page, re.S)[1]


@pytest.fixture(scope="module")
def letter(pki) -> bytes:
    return signed_letter(pki)[1]


def _envelope(letter: bytes, **metadata) -> bytes:
    files = [EnvelopeAttachment("main", "letter.pdf", "application/pdf", letter)]
    return letter_envelope(files, **metadata)


def test_trusted_is_crossed_only_by_a_trust_finding_which_is_shown(inbox, letter):
    app, node, document = inbox
    tampered = letter.replace(b"/Producer", b"/Pr0ducer", 1)
    assert tampered != letter  # a changed file: its signatures fail, trust is not the reason
    changed = receive_envelope(node, _envelope(tampered, document_id="tampered-1")).document_pk
    untrusting = Node(node.organization, node.sessions, node.blobs, DEFAULT_POLICY)  # no roots
    untrusted = receive_envelope(untrusting, _envelope(letter, document_id="untrusted-1"))
    client, _ = logged_in(app)
    page = client.get("/").get_data(as_text=True)
    assert "Tin cậy ✓" in _row(page, document)
    assert "Tin cậy ✗" not in _row(page, changed) and "Không hợp lệ" in client.get(
        f"/documents/{changed}"
    ).get_data(as_text=True)
    row = _row(page, untrusted.document_pk)
    assert "Tin cậy ✗" in row and "CERT_UNTRUSTED" in row
    assert "không dẫn tới một neo tin cậy" in row  # the finding, in words
    assert "NO_CERTIFICATE_CHAIN_FOUND" not in row  # not in its ETSI code either


def test_results_and_levels_are_words_with_the_code_as_a_tooltip(inbox, letter):
    app, node, _ = inbox
    client, _ = logged_in(app)
    changed = receive_envelope(
        node, _envelope(letter.replace(b"/Producer", b"/Pr0ducer", 1), document_id="t-2")
    ).document_pk
    page = client.get(f"/documents/{changed}").get_data(as_text=True)
    assert re.search(r'title="TOTAL_FAILED / HASH_FAILURE">Chữ ký sai: nội dung', page)
    assert re.search(r'<strong class="level">Lỗi</strong> <code>SIG_INTEGRITY</code>', page)
    assert ">TOTAL_FAILED<" not in page
    client.get("/lang/en")
    page = client.get(f"/documents/{changed}").get_data(as_text=True)
    assert "Signature fails: the content was changed after signing" in page
    assert '<strong class="level">Error</strong>' in page


def test_a_signer_the_certificate_does_not_name_is_said(inbox, letter):
    app, node, _ = inbox
    other = {"full_name": "Nguyễn Văn Khác", "position": "Chủ tịch"}
    mismatch = receive_envelope(node, _envelope(letter, document_id="m-1", signer=other))
    capitals = {"full_name": "PHAM THU HUONG", "position": "Phó Chủ tịch"}
    same = receive_envelope(node, _envelope(letter, document_id="m-2", signer=capitals))
    client, _ = logged_in(app)
    page = client.get(f"/documents/{mismatch.document_pk}").get_data(as_text=True)
    assert "<code>VN_SIGNER_MISMATCH</code>" in page and "Nguyễn Văn Khác" in page
    assert "Người ký trong gói tin không khớp chứng thư số" in page
    assert 'class="no">Không hợp lệ</strong>' in page
    row = _row(client.get("/").get_data(as_text=True), mismatch.document_pk)
    assert "Không hợp lệ" in row  # the badge says it, not only the document's page
    with node.sessions() as session:
        assert session.get(Document, mismatch.document_pk).compliant is False
        assert session.get(Document, same.document_pk).compliant is True  # no case, no marks
    assert "VN_SIGNER_MISMATCH" not in client.get(f"/documents/{same.document_pk}").get_data(
        as_text=True
    )


def test_one_wording_for_a_verdict_in_the_inbox_the_report_and_the_audit(inbox, letter, tmp_path):
    app, node, _ = inbox
    other = {"full_name": "Nguyễn Văn Khác", "position": "Chủ tịch"}
    wrong = receive_envelope(node, _envelope(letter, document_id="w-1", signer=other))
    add_user(node.sessions, "kiemtoan", PASSWORD, VPCP.organ_id, UserRole.AUDITOR, "Kiểm toán")
    clerk, _ = logged_in(app)
    inbox_page = clerk.get(f"/documents/{wrong.document_pk}").get_data(as_text=True)
    auditor, _ = logged_in(app, "kiemtoan")
    listed = auditor.get("/audit/documents?figure=non_compliant").get_data(as_text=True)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(letter.replace(b"/Producer", b"/Pr0ducer", 1))
    report = CliRunner().invoke(main, ["verify", str(pdf)])
    for shown in (inbox_page, listed):
        assert ">Không hợp lệ<" in shown
    assert "KHÔNG HỢP LỆ" in report.output and "KHÔNG ĐẠT" not in report.output


def test_states_dates_and_senders_are_in_words(inbox, envelope, letter):
    app, node, _ = inbox
    due = receive_envelope(node, _envelope(letter, document_id="d-1", due_date="2026-12-31"))
    own = dataclasses.replace(
        parse(envelope).message, sender=Organization(VPCP.organ_id, VPCP.name),
        recipients=[Organization(HA_NOI.organ_id, HA_NOI.name)], document_id="g22-sent-9",
    )  # fmt: skip
    send_envelope(node, build(own))
    client, _ = logged_in(app)
    page = client.get("/").get_data(as_text=True)
    row = _row(page, due.document_pk)
    assert "31/12/2026" in row and "2026-12-31" not in row
    assert f"{HA_NOI.name} ({HA_NOI.organ_id})" in row
    assert f'<option value="{HA_NOI.organ_id}" >{HA_NOI.name} ({HA_NOI.organ_id})</option>' in page
    outbox = client.get("/outbox").get_data(as_text=True)
    assert f"{HA_NOI.name} ({HA_NOI.organ_id})" in outbox
    assert "Đang chờ gửi" in outbox and not re.search(r">\s*(queued|sent|acknowledged)\b", outbox)


def test_no_exception_text_reaches_a_page(inbox):
    app, _, document = inbox
    client, _ = logged_in(app)
    page = client.get("/verify").get_data(as_text=True)
    broken = client.post(
        "/verify",
        data={"csrf_token": csrf_of(page), "pdf": (io.BytesIO(b"%PDF-1.7\n1 0 obj <<"), "x.pdf")},
        content_type="multipart/form-data",
    )
    text = broken.get_data(as_text=True)
    assert broken.status_code == 422 and "Không đọc được tệp PDF «x.pdf»" in text
    assert "&lt;bytes&gt;" not in text and "<bytes>" not in text and "Error" not in text
    detail = client.get(f"/documents/{document}").get_data(as_text=True)
    answer = client.post(
        f"/documents/{document}/status",
        data={"csrf_token": csrf_of(detail), "code": "99"},
        follow_redirects=True,
    )
    text = answer.get_data(as_text=True)
    assert "Hãy chọn một trạng thái xử lý" in text and "is not a valid" not in text


def test_the_timeline_says_what_happened_in_words(inbox, envelope):
    app, node, document = inbox
    original = parse(envelope).message
    business = Business(BusinessType.RECALL, document_id=original.document_id, reason="Sai số")
    receive_envelope(node, build(dataclasses.replace(original, business=business)))
    client, _ = logged_in(app)
    page = client.get(f"/documents/{document}").get_data(as_text=True)
    assert "Nơi gửi đã thu hồi văn bản" in page and "— recalled<" not in page


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_etsi_result_a_validation_can_give_is_said_in_words(lang):
    from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate

    from signing.validation.wording import sub_indication_word

    said = {
        m.name: sub_indication_word(m.name, lang)
        for e in (AdESFailure, AdESIndeterminate)
        for m in e
    }
    assert [code for code, words in said.items() if words == code] == []
