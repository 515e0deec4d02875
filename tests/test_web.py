"""The clerks' inbox over HTTP: logging in, only one's own agency, CSRF, acting on a
document, composing (the office and inbox fixtures are in conftest)."""

import dataclasses
import datetime as dt
import io
import re

from sqlalchemy import select

from edoc.envelope.build import build
from edoc.envelope.model import Organization
from edoc.storage.models import Delivery, Direction, Document
from edoc.timezone import to_vietnam
from fixtures.agencies import HA_NOI, VPCP
from signing.validation.verify import verify_document
from tests.support.drafts import KEY_PASSWORD, draft_page, make_draft, step
from tests.support.nodes import PASSWORD
from tests.support.web import copy_of, csrf_of, logged_in
from web.lockout import LoginRules


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
    foreign, _ = copy_of(node, document)
    client, _ = logged_in(app)
    assert client.get(f"/documents/{document}").status_code == 200
    assert client.get(f"/documents/{foreign}").status_code == 404
    assert "Thư riêng của Hà Nội" not in client.get("/").get_data(as_text=True)


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
    from tests.support.letters import signed_letter

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


def test_whatever_checking_a_pdf_raises_is_said_in_words_not_a_500(inbox, monkeypatch):
    def failing(data, policy):
        raise RecursionError("maximum recursion depth exceeded")  # a reader's deep structure

    monkeypatch.setattr("web.inbox.verify_document", failing)
    app, _, _ = inbox
    client, _ = logged_in(app)
    token = csrf_of(client.get("/verify").get_data(as_text=True))
    answer = client.post(
        "/verify", data={"csrf_token": token, "pdf": (io.BytesIO(b"%PDF-1.7 x"), "x.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Không đọc được tệp PDF «x.pdf»" in page
    assert "recursion" not in page


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
    assert "1234/UBND-KT" in page and HA_NOI.organ_id in page and "Đang chờ gửi" in page


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
    app, node, document = inbox
    client, _ = logged_in(app)
    page = client.get(f"/documents/{document}").get_data(as_text=True)
    link = re.search(r'<iframe class="preview"[^>]+src="([^"]+)"', page).group(1)
    answer = client.get(link)
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("inline")
    assert app.test_client().get(link).status_code == 302  # not logged in: to the login page
    foreign, attachment = copy_of(node, document)
    assert client.get(f"/documents/{foreign}/files/{attachment}").status_code == 404
    mine = link.rsplit("/", 1)[1]  # this agency's file under another agency's document
    assert client.get(f"/documents/{foreign}/files/{mine}").status_code == 404


def test_the_leader_signs_the_clerk_seals_and_sends_with_the_attachments(composing):
    from fixtures.documents import cong_van

    app, node = composing
    clerk, _ = logged_in(app)
    annex = ("phu-luc.docx", b"PK\x03\x04 a table of figures")
    draft = make_draft(clerk, cong_van(VPCP).pdf, attachments=[annex])
    page = draft_page(clerk, draft)
    assert "Không hợp lệ" in page and "VN_NO_SIGNATURE" in page and "phu-luc.docx" in page
    assert step(clerk, draft, "personal", key_password=KEY_PASSWORD).status_code == 403

    leader, _ = logged_in(app, "lanhdao")
    assert leader.get("/drafts").status_code == 200 and "77/VPCP-KSTT" in draft_page(leader, draft)
    assert step(leader, draft, "organisation").status_code == 403
    assert step(leader, draft, "personal", key_password=KEY_PASSWORD).status_code == 303
    assert "Lãnh đạo đã ký" in draft_page(leader, draft)

    assert step(clerk, draft, "organisation").status_code == 303
    page = draft_page(clerk, draft)
    assert "Đã ký số cơ quan" in page and '<strong class="ok">Hợp lệ</strong>' in page
    sent = step(clerk, draft, "send")
    assert sent.status_code == 303 and sent.headers["Location"] == "/outbox"
    assert step(clerk, draft, "send").status_code == 303  # a second click: nothing more
    with node.sessions() as session:
        (document,) = session.scalars(select(Document)).all()
        assert (document.direction, document.number, document.priority) == (Direction.SENT, "77", 1)
        (delivery,) = document.deliveries
        assert delivery.recipient_organ_id == HA_NOI.organ_id
        envelope = node.blobs.read(delivery.message_sha256)
    from edoc.envelope.parse import parse

    message = parse(envelope).message
    assert [a.name for a in message.attachments] == ["77-VPCP.pdf", "phu-luc.docx"]
    assert message.attachments[1].data == annex[1]
    assert message.signer.full_name == VPCP.deputy.full_name
    report = verify_document(message.attachments[0].data, node.policy)
    assert [s.role for s in report.signatures] == ["personal", "organisation"]
    assert report.verdict.value == "compliant"


def test_a_wrong_key_password_or_a_stale_page_changes_nothing(composing):
    from fixtures.documents import cong_van

    app, node = composing
    clerk, _ = logged_in(app)
    leader, _ = logged_in(app, "lanhdao")
    draft = make_draft(clerk, cong_van(VPCP).pdf)
    before = draft_page(leader, draft)
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', before).group(1)
    step(leader, draft, "personal", key_password="sai-mat-khau")
    assert "Sai mật khẩu" in draft_page(leader, draft)
    step(leader, draft, "personal", key_password=KEY_PASSWORD)
    stale = {"csrf_token": csrf_of(before), "seen": seen, "key_password": KEY_PASSWORD}
    leader.post(f"/drafts/{draft}/personal", data=stale)  # signed again from the old page
    assert "đã ký số văn bản này" in draft_page(leader, draft)
    from edoc.exchange.drafts import find_draft

    signed = node.blobs.read(find_draft(node, draft).main_sha256)
    assert len(verify_document(signed, node.policy).signatures) == 1


def test_a_non_compliant_document_needs_a_confirmation_and_auditors_only_read(
    composing, inbox, pki
):
    from fixtures.signed_samples import Case, signed_document

    app, node = composing
    client, _ = logged_in(app)
    sha1 = signed_document(pki, VPCP, Case("sha1", "bad-sha1"), 77).pdf  # signed, not compliant
    draft = make_draft(client, sha1)
    refused = step(client, draft, "send")
    assert "cần xác nhận" in draft_page(client, draft) and refused.status_code == 303
    assert step(client, draft, "send", confirm="1").headers["Location"] == "/outbox"
    with node.sessions() as session:
        sent = session.scalars(select(Document).where(Document.direction == Direction.SENT))
        assert len(sent.all()) == 1
    auditor, _ = logged_in(app, "kiemtoan")
    assert auditor.get("/compose").status_code == 403
    assert auditor.get(f"/drafts/{draft}").status_code == 403
    _, _, received = inbox
    page = auditor.get(f"/documents/{received}").get_data(as_text=True)
    assert "Tiếp nhận (03)" not in page
    token = csrf_of(page)
    act = auditor.post(f"/documents/{received}/status", data={"csrf_token": token, "code": "03"})
    assert act.status_code == 403


def test_another_agencys_draft_is_not_found(composing):
    from fixtures.documents import cong_van

    app, node = composing
    client, _ = logged_in(app)
    draft = make_draft(client, cong_van(VPCP).pdf)
    other = dataclasses.replace(node, organization=Organization(HA_NOI.organ_id, HA_NOI.name))
    from edoc.exchange.drafts import DraftFile, DraftHeader, create_draft

    header = DraftHeader("5", "UBND-VP", "Thư của Hà Nội", dt.date(2026, 11, 23))
    foreign = create_draft(
        other, 1, "x", header, [VPCP.organ_id], DraftFile("a.pdf", cong_van(HA_NOI).pdf)
    )
    assert client.get(f"/drafts/{foreign.id}").status_code == 404
    assert client.get(f"/drafts/{foreign.id}/files/0").status_code == 404
    assert client.get(f"/drafts/{draft}/files/0").data.startswith(b"%PDF")
    assert client.get(f"/drafts/{draft}/files/5").status_code == 404
    assert "Thư của Hà Nội" not in client.get("/drafts").get_data(as_text=True)


def test_password_guessing_locks_the_account(inbox):
    app, _, _ = inbox
    app.config["LOGIN_RULES"] = LoginRules(pause=lambda seconds: None)  # nobody waits here
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))

    def attempt(password: str) -> int:
        form = {"username": "vanthu", "password": password, "csrf_token": token}
        return client.post("/login", data=form).status_code

    assert [attempt(f"sai-{n}") for n in range(4)] == [401] * 4
    assert attempt("sai-5") == 429  # the fifth in a row locks the account
    assert attempt(PASSWORD) == 429  # even the right password waits out the lock


def test_guesses_at_a_held_key_password_are_slowed_down(composing):
    from fixtures.documents import cong_van

    app, node = composing
    clerk, _ = logged_in(app)
    leader, _ = logged_in(app, "lanhdao")
    draft = make_draft(clerk, cong_van(VPCP).pdf)
    for n in range(5):
        step(leader, draft, "personal", key_password=f"sai-{n}")
    step(leader, draft, "personal", key_password=KEY_PASSWORD)  # even the right one waits
    assert "quá nhiều lần" in draft_page(leader, draft)
    from edoc.exchange.drafts import find_draft

    assert find_draft(node, draft).verdict == "non_compliant"  # still unsigned


def test_what_was_not_seen_is_not_sent_and_a_sent_draft_stays(composing):
    from fixtures.documents import cong_van

    app, node = composing
    clerk, _ = logged_in(app)
    leader, _ = logged_in(app, "lanhdao")
    draft = make_draft(clerk, cong_van(VPCP).pdf)
    before = draft_page(clerk, draft)  # the clerk's page, before the leader signs
    step(leader, draft, "personal", key_password=KEY_PASSWORD)
    stale = {"csrf_token": csrf_of(before), "confirm": "1",
             "seen": re.search(r'name="seen" value="([0-9a-f]+)"', before).group(1)}  # fmt: skip
    clerk.post(f"/drafts/{draft}/send", data=stale)
    assert "đã thay đổi hoặc đã gửi" in draft_page(clerk, draft)
    with node.sessions() as session:
        assert session.scalars(select(Document)).all() == []
    step(clerk, draft, "organisation")
    step(clerk, draft, "send", confirm="1")
    assert step(clerk, draft, "delete").status_code == 303
    assert "không xóa được" in draft_page(clerk, draft)


def test_a_number_already_sent_or_too_long_is_refused_clearly(composing):
    from edoc.exchange.send import send_envelope
    from fixtures.documents import cong_van

    app, node = composing
    client, _ = logged_in(app)
    from edoc.agency import AgencyDirectory
    from edoc.envelope.metadata import document_from_metadata
    from edoc.envelope.model import Attachment

    meta = {"from": VPCP.organ_id, "to": [HA_NOI.organ_id], "promulgation_date": "2026-11-23",
            "code": {"number": "77", "notation": "VPCP-KSTT"},
            "subject": "Gửi từ dòng lệnh"}  # fmt: skip
    files = [Attachment("main", "77.pdf", "application/pdf", cong_van(VPCP).pdf)]
    earlier = document_from_metadata(meta, files, AgencyDirectory.builtin())
    send_envelope(node, build(earlier))  # sent from the command line before
    token = csrf_of(client.get("/compose").get_data(as_text=True))
    form = {"csrf_token": token, "number": "77", "notation": "VPCP-KSTT", "date": "2026-11-23",
            "subject": "Lần nữa", "to": [HA_NOI.organ_id]}  # fmt: skip
    made = client.post("/compose", content_type="multipart/form-data", follow_redirects=True,
                       data={**form, "pdf": (io.BytesIO(cong_van(VPCP).pdf), "a.pdf")})  # fmt: skip
    assert "Đã có văn bản số 77/VPCP-KSTT" in made.get_data(as_text=True)
    form["notation"] = "VPCP-" + "X" * 120
    made = client.post("/compose", content_type="multipart/form-data", follow_redirects=True,
                       data={**form, "pdf": (io.BytesIO(cong_van(VPCP).pdf), "a.pdf")})  # fmt: skip
    assert made.status_code == 200 and "quá dài" in made.get_data(as_text=True)


def test_an_upload_over_the_limit_is_told_on_the_page_and_to_api_clients(composing):
    app, _ = composing
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    client, _ = logged_in(app)
    token = csrf_of(client.get("/verify").get_data(as_text=True))
    big = {"csrf_token": token, "pdf": (io.BytesIO(b"%PDF" + b"0" * 20_000), "big.pdf")}
    answer = client.post("/verify", data=big, content_type="multipart/form-data",
                         headers={"Referer": "http://localhost/verify"})  # fmt: skip
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/verify")
    assert "Tệp tải lên quá" in client.get("/verify").get_data(as_text=True)
    bearer = {"Authorization": "Bearer hub-token"}
    api = app.test_client().post("/api/v1/messages", data=b"x" * 20_000, headers=bearer)
    assert api.status_code == 413 and "over" in api.get_json()["error"]["message_en"]
