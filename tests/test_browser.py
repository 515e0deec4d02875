"""The inbox in a real browser (Debian's Chromium, driven by Playwright): a clerk logs in,
sees the letter with its signature badge, opens it and accepts it; a letter is composed,
signed by the leader and the clerk, sent to another agency's node and its status comes
back; an auditor reads the audit and opens the documents behind a count. Screenshots of the
pages are kept in test-artefacts/."""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from edoc.server import BackgroundServer, free_port
from edoc.storage.models import Direction
from tests.support.browser import ARTEFACTS, log_in, refusals
from tests.support.nodes import PASSWORD


def test_a_clerk_logs_in_opens_the_letter_and_accepts_it(inbox, browser):
    app, _, document = inbox
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        refused = refusals(page)
        page.goto(f"http://127.0.0.1:{port}/")
        page.fill("input[name=username]", "vanthu")
        page.fill("input[name=password]", PASSWORD)
        page.screenshot(path=ARTEFACTS / "login.png")
        page.click("button[type=submit]")
        row = page.locator(f"tr.document[data-id='{document}']")
        assert "1234/UBND-KT" in row.inner_text()
        assert "Cá nhân ✓" in row.locator(".badge").inner_text()
        page.screenshot(path=ARTEFACTS / "inbox.png", full_page=True)
        row.locator("a").click()
        assert "Hợp lệ" in page.locator(".verdict").first.inner_text()
        page.screenshot(path=ARTEFACTS / "document.png", full_page=True)
        page.locator("button[value='03']").click()
        assert "Đã ghi trạng thái 03" in page.locator(".flash").inner_text()
        assert page.locator("td.status").inner_text() == "Đã tiếp nhận (03)"
        page.locator("details.preview summary").first.click()  # the browser's own PDF viewer
        assert page.locator("iframe.preview").first.is_visible()
        assert page.locator("iframe.preview").first.bounding_box()["height"] > 300  # its style
        assert refused == []
        narrow = browser.new_page(viewport={"width": 390, "height": 800})  # a phone
        narrow.context.add_cookies(page.context.cookies())
        narrow.goto(f"http://127.0.0.1:{port}/")
        page.close()
        narrow.screenshot(path=ARTEFACTS / "inbox-narrow.png", full_page=True)
        assert narrow.locator("tr.document").count() == 1
    assert os.path.getsize(ARTEFACTS / "inbox.png") > 10_000


def _log_in(browser, url: str, username: str):
    return log_in(browser.new_context(viewport={"width": 1280, "height": 900}).new_page(), url,
                  username)  # fmt: skip


def _until(page, selector: str, text: str, seconds: float = 60) -> None:
    """Reload ``page`` until ``selector`` shows ``text`` (another node takes a moment)."""
    deadline = time.monotonic() + seconds
    while text not in " ".join(page.locator(selector).all_inner_texts()):
        assert time.monotonic() < deadline, f"{text!r} never appeared in {selector}"
        time.sleep(0.5)
        page.reload()


def test_a_letter_is_composed_signed_sent_and_its_status_comes_back(two_agencies, browser):
    from fixtures.agencies import HA_NOI, VPCP
    from fixtures.documents import cong_van

    office, hanoi = (two_agencies.services[a.organ_id].url for a in (VPCP, HA_NOI))
    ARTEFACTS.mkdir(exist_ok=True)
    clerk = _log_in(browser, office, "vanthu-g22")
    clerk.click("text=Dự thảo văn bản đi")
    clerk.click("text=+ Soạn văn bản đi")
    letter = cong_van(VPCP, number="88")
    clerk.set_input_files(
        "input[name=pdf]", {"name": "88.pdf", "mimeType": "application/pdf", "buffer": letter.pdf}
    )
    clerk.set_input_files(
        "input[name=attachments]",
        {"name": "phu-luc.txt", "mimeType": "text/plain", "buffer": "Phụ lục".encode()},
    )
    clerk.fill("input[name=number]", "88")
    clerk.fill("input[name=notation]", letter.notation)
    clerk.fill("textarea[name=subject]", "Về việc thử gửi văn bản qua trục")
    clerk.check(f"input[name=to][value='{HA_NOI.organ_id}']")
    clerk.screenshot(path=ARTEFACTS / "compose.png", full_page=True)
    clerk.click("main button[type=submit]")
    expect(clerk.locator(".verdict")).to_be_visible()  # the upload is done: the draft's page
    clerk.screenshot(path=ARTEFACTS / "draft.png", full_page=True)
    assert "Không hợp lệ" in clerk.locator(".verdict").inner_text()  # nobody signed yet
    draft_url = clerk.url

    leader = _log_in(browser, office, "lanhdao-g22")
    leader.goto(draft_url)
    leader.fill("input[name=key_password]", "edoc-demo")
    leader.click("#sign-personal button")
    assert "Đã ký số cá nhân" in leader.locator(".flash").inner_text()

    clerk.reload()
    clerk.click("#sign-organisation button")
    assert clerk.locator(".verdict strong").inner_text() == "Hợp lệ"
    clerk.screenshot(path=ARTEFACTS / "draft-signed.png", full_page=True)
    clerk.click("#send button")
    assert "Đã xếp hàng gửi" in clerk.locator(".flash").inner_text()

    receiver = _log_in(browser, hanoi, "vanthu-h26")
    _until(receiver, "tr.document", "88/")
    row = receiver.locator("tr.document", has_text="88/")
    assert "Cá nhân ✓" in row.locator(".badge").inner_text()
    row.locator("a").click()
    expect(receiver.locator("a", has_text="phu-luc.txt")).to_be_visible()
    receiver.locator("button[value='02']").click()  # returning needs a reason
    assert "lý do" in receiver.locator(".flash").inner_text().lower()
    receiver.fill("textarea[name=reason]", "Thiếu phụ lục số liệu")
    receiver.locator("button[value='02']").click()
    assert "Đã ghi trạng thái 02" in receiver.locator(".flash").inner_text()

    clerk.goto(f"{office}/outbox")
    answer = f"tr.sent[data-recipient='{HA_NOI.organ_id}'] td.answer"
    _until(clerk, answer, "Thiếu phụ lục số liệu")
    assert clerk.locator(answer).inner_text().startswith("Từ chối tiếp nhận (02) · ")
    clerk.screenshot(path=ARTEFACTS / "outbox.png", full_page=True)


def test_another_agencys_clerk_and_a_form_without_its_token_are_refused(
    two_agencies, browser, envelope
):
    from edoc.storage.models import Document
    from fixtures.agencies import HA_NOI, VPCP

    office, hanoi = (two_agencies.services[a.organ_id].url for a in (VPCP, HA_NOI))
    node = two_agencies.nodes[VPCP.organ_id]
    with node.sessions() as session, node.blobs.staging(session) as stage:
        foreign = Document(  # kept for Hà Nội in the Office's database
            owner_organ_id=HA_NOI.organ_id, direction=Direction.RECEIVED,
            document_id="foreign", sender_organ_id=VPCP.organ_id,
            envelope_sha256=stage.put(envelope), subject="Thư riêng của Hà Nội",
        )  # fmt: skip
        session.add(foreign)
        session.commit()
    stranger = _log_in(browser, office, "vanthu-h26")  # Hà Nội's clerk at the Office's inbox
    assert "Sai tên đăng nhập" in stranger.locator(".flash").inner_text()
    clerk = _log_in(browser, office, "vanthu-g22")
    assert clerk.goto(f"{office}/documents/{foreign.id}").status == 404
    assert "Thư riêng của Hà Nội" not in clerk.content()
    clerk.goto(f"{office}/")
    expect(clerk.locator("main")).not_to_contain_text("Thư riêng của Hà Nội")
    receiver = _log_in(browser, hanoi, "vanthu-h26")
    receiver.goto(f"{hanoi}/drafts")
    receiver.click("text=+ Soạn văn bản đi")
    receiver.evaluate("document.querySelector('main form input[name=csrf_token]').remove()")
    receiver.fill("input[name=number]", "1")
    receiver.fill("input[name=notation]", "UBND-VP")
    receiver.fill("textarea[name=subject]", "Không có mã CSRF")
    with receiver.expect_response(lambda r: r.request.method == "POST") as posted:
        receiver.evaluate("document.querySelector('main form').submit()")
    assert posted.value.status == 400
    expect(receiver.locator("body")).to_contain_text("CSRF")


def test_an_admin_locks_a_clerk_whose_open_session_then_ends(two_agencies, browser):
    from fixtures.agencies import VPCP

    office = two_agencies.services[VPCP.organ_id].url
    clerk = _log_in(browser, office, "vanthu-g22")
    admin = _log_in(browser, office, "quantri-g22")
    admin.click("text=Quản trị")
    row = admin.locator("tr.user[data-username='vanthu-g22']")
    row.locator("summary").click()
    admin.screenshot(path=ARTEFACTS / "admin-users.png", full_page=True)
    row.locator("form", has=admin.locator("input[name=active]")).locator("button").click()
    expect(admin.locator("tr.user[data-username='vanthu-g22']")).to_have_attribute(
        "data-active", "no"
    )
    clerk.goto(f"{office}/")
    assert "/login" in clerk.url
    again = _log_in(browser, office, "vanthu-g22")
    assert "Sai tên đăng nhập" in again.locator(".flash").inner_text()
    admin.goto(f"{office}/admin/policy")
    admin.screenshot(path=ARTEFACTS / "admin-policy.png", full_page=True)
    leader = _log_in(browser, office, "lanhdao-g22")  # logged in, but no admin
    assert leader.goto(f"{office}/admin/users").status == 403


def test_an_auditor_reads_the_audit_and_opens_the_documents_behind_a_count(audited_office, browser):
    ARTEFACTS.mkdir(exist_ok=True)
    auditor = _log_in(browser, audited_office, "kiemtoan-g22")
    refused = refusals(auditor)
    auditor.click("header >> text=Báo cáo ký số")
    expect(auditor.locator("svg.chart.trend circle")).to_have_count(1)  # this month's sent
    expect(
        auditor.locator("svg.chart.codes g.bar[data-code='VN_MISSING_ORGANISATION']")
    ).to_be_visible()
    received = auditor.locator("table.overall tr[data-direction='received']")
    expect(received.locator("td.count.total")).to_have_text("2")
    expect(received.locator("td.count.compliant")).to_have_text("1")
    expect(received.locator("td.rate.compliant")).to_have_text("50,0 %")
    auditor.screenshot(path=ARTEFACTS / "audit.png", full_page=True)
    auditor.locator("table.codes tr[data-code='VN_MISSING_ORGANISATION'] a").click()
    listed = auditor.locator("main tr.listed")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("1240/UBND-KT")
    expect(listed).to_contain_text("Không hợp lệ")
    auditor.screenshot(path=ARTEFACTS / "audit-documents.png", full_page=True)
    listed.locator("a").click()
    expect(auditor.locator("main")).to_contain_text("Thư chưa ký số của cơ quan")
    expect(auditor.locator(".verdict").first).to_contain_text("Không hợp lệ")
    expect(auditor.locator("button[value='03']")).to_have_count(0)  # auditors only read
    assert refused == []


def test_a_clerk_finds_a_letter_without_diacritics_and_clears_a_search_in_the_browser(
    inbox, browser
):
    app, _, document = inbox
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        page = log_in(browser.new_page(viewport={"width": 1280, "height": 900}),
                      f"http://127.0.0.1:{port}", "vanthu", PASSWORD)  # fmt: skip
        page.fill("input[name=q]", "TANG CUONG chu ky so")
        page.locator("form.filters button[type=submit]").click()
        assert page.locator(f"tr.document[data-id='{document}']").count() == 1
        page.fill("input[name=q]", "không có văn bản này")
        page.locator("form.filters button[type=submit]").click()
        expect(page.locator(".no-match")).to_contain_text("Không có văn bản nào khớp")
        page.screenshot(path=ARTEFACTS / "inbox-no-match.png", full_page=True)
        page.locator(".no-match a").click()
        expect(page.locator("tr.document")).to_have_count(1)
        assert page.input_value("input[name=q]") == ""


def test_an_auditor_downloads_the_audit_and_opens_a_sent_document(audited_office, browser):
    ARTEFACTS.mkdir(exist_ok=True)
    auditor = _log_in(browser, audited_office, "kiemtoan-g22")
    refused = refusals(auditor)
    auditor.click("header >> text=Báo cáo ký số")
    expect(auditor.locator("main h1")).to_have_text("Báo cáo ký số")  # the header's name
    with auditor.expect_download() as download:
        auditor.locator("p.exports a", has_text="CSV").click()
    saved = Path(download.value.path()).read_bytes()
    assert saved.startswith("\ufeff".encode()) and "Văn phòng Chính phủ" in saved.decode()
    with auditor.expect_download() as download:
        auditor.locator("p.exports a", has_text="XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    auditor.locator("table.overall tr[data-direction='sent'] td.count.total a").click()
    sent = auditor.locator("main tr.listed")
    expect(sent).to_have_count(1)
    sent.locator("a").click()
    expect(auditor.locator("main h1")).to_have_text("1234/UBND-KT")
    delivery = auditor.locator("main td.delivery")
    expect(delivery).not_to_have_text("queued")
    assert delivery.inner_text() in ("Đang chờ gửi", "Đã chuyển đi", "Nơi nhận đã nhận")
    auditor.screenshot(path=ARTEFACTS / "sent-document.png", full_page=True)
    assert refused == []


@pytest.fixture
def told_inbox(inbox, pki):
    """The inbox with, besides the usual letter, one whose envelope names a signer its
    certificate does not, and one received by a node that trusts no root (stored before the
    browser starts)."""
    from edoc.envelope.model import Attachment as EnvelopeAttachment
    from edoc.exchange.node import Node
    from edoc.exchange.receive import receive_envelope
    from signing.validation.policy import DEFAULT_POLICY
    from tests.support.letters import letter_envelope, signed_letter

    app, node, document = inbox
    files = [EnvelopeAttachment("main", "l.pdf", "application/pdf", signed_letter(pki)[1])]
    other = {"full_name": "Nguyễn Văn Khác", "position": "Chủ tịch"}
    mismatch = receive_envelope(node, letter_envelope(files, document_id="m", signer=other))
    untrusting = Node(node.organization, node.sessions, node.blobs, DEFAULT_POLICY)
    untrusted = receive_envelope(untrusting, letter_envelope(files, document_id="u"))
    return app, document, mismatch.document_pk, untrusted.document_pk


def test_a_clerk_reads_results_and_levels_in_words(told_inbox, browser):
    app, document, mismatch, untrusted = told_inbox
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        page = log_in(browser.new_page(viewport={"width": 1280, "height": 900}),
                      f"http://127.0.0.1:{port}", "vanthu", PASSWORD)  # fmt: skip
        expect(page.locator(f"tr[data-id='{document}'] .trust")).to_have_text("Tin cậy ✓")
        distrust = page.locator(f"tr[data-id='{untrusted}'] .badge")
        expect(distrust.locator(".trust")).to_have_text("Tin cậy ✗")
        expect(distrust.locator(".trust-finding")).to_contain_text("CERT_UNTRUSTED")
        expect(page.locator(f"tr[data-id='{mismatch}'] .sender")).to_contain_text(
            "Ủy ban nhân dân thành phố Hà Nội (000.00.00.H26)"
        )
        page.screenshot(path=ARTEFACTS / "inbox-badges.png", full_page=True)
        page.goto(f"http://127.0.0.1:{port}/documents/{mismatch}")
        expect(page.locator(".verdict")).to_contain_text("Không hợp lệ")
        passed = page.locator("td.indication").first
        expect(passed).to_have_text("Chữ ký đúng")
        expect(passed).to_have_attribute("title", "TOTAL_PASSED")
        finding = page.locator("li.finding", has_text="VN_SIGNER_MISMATCH")
        expect(finding.locator(".level")).to_have_text("Lỗi")
        expect(finding).to_contain_text("Nguyễn Văn Khác")
        page.screenshot(path=ARTEFACTS / "document-words.png", full_page=True)
