"""The statuses of a received document as a clerk sees them in Chromium: only the statuses
that may follow are offered, a double click on one records it once, an assignment names
whom it assigns, and the timeline says who did what. Screenshots in test-artefacts/."""

from playwright.sync_api import expect

from edoc.envelope.model import Attachment as EnvelopeAttachment
from edoc.exchange.receive import receive_envelope
from edoc.server import BackgroundServer, free_port
from fixtures.agencies import HA_NOI
from fixtures.documents import cong_van
from tests.support.browser import ARTEFACTS, log_in
from tests.support.letters import letter_envelope
from tests.support.nodes import PASSWORD
from web.app import create_node_app


def offered(page) -> list[str]:
    """The values of the status buttons the page offers."""
    return [b.get_attribute("value") for b in page.locator("button[name=code]").all()]


def logged_in_page(browser, url: str):
    """A clerk's page, logged in at ``url``."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    return log_in(page, url, "vanthu", PASSWORD)


def test_a_clerk_double_clicks_accept_then_assigns_and_completes(inbox, browser):
    app, _, document = inbox
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        page = logged_in_page(browser, f"http://127.0.0.1:{port}")
        page.goto(f"http://127.0.0.1:{port}/documents/{document}")
        assert offered(page) == ["03", "02"]
        page.locator("button[value='03']").dblclick()
        expect(page.locator("td.status")).to_have_text("Đã tiếp nhận (03)")
        expect(page.locator(".timeline li[data-code='03']")).to_have_count(1)
        expect(page.locator(".flash.error")).to_have_count(0)
        assert offered(page) == ["04", "05", "06"]
        page.fill("input[name=assignee]", "Phòng Tổng hợp")
        page.locator("button[value='04']").click()
        assigned = page.locator(".timeline li[data-code='04']")
        expect(assigned).to_contain_text("Nguyễn Văn Thư: Phân công (04) — giao cho Phòng Tổng hợp")
        page.screenshot(path=ARTEFACTS / "document-assigned.png", full_page=True)
        page.locator("button[value='06']").click()
        expect(page.locator("td.status")).to_have_text("Hoàn thành (06)")
        assert offered(page) == []
        expect(page.locator("p.rule")).to_have_text(
            "Văn bản đã hoàn thành (06): không còn bước xử lý nào sau đó."
        )
        codes = [li.get_attribute("data-code") for li in page.locator(".timeline li").all()]
        assert codes == ["01", "03", "04", "06"]
        page.screenshot(path=ARTEFACTS / "document-completed.png", full_page=True)


def test_accepting_a_letter_whose_check_failed_asks_for_a_confirmation(office, browser):
    unsigned = [EnvelopeAttachment("main", "88.pdf", "application/pdf", cong_van(HA_NOI).pdf)]
    document = receive_envelope(office, letter_envelope(unsigned)).document_pk
    app = create_node_app(office, "hub-token", "secret-for-tests")
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        page = logged_in_page(browser, f"http://127.0.0.1:{port}")
        page.goto(f"http://127.0.0.1:{port}/documents/{document}")
        page.locator("button[value='03']").click()
        expect(page.locator(".flash.error")).to_contain_text("chỉ tiếp nhận khi đã đánh dấu")
        expect(page.locator("td.status")).to_have_text("Đã đến (01)")
        page.screenshot(path=ARTEFACTS / "document-confirm-failed-check.png", full_page=True)
        page.check("input[name=despite_failed_check]")
        page.locator("button[value='03']").click()
        expect(page.locator("td.status")).to_have_text("Đã tiếp nhận (03)")
        expect(page.locator(".timeline li[data-code='03'] .confirmed")).to_have_text(
            "tiếp nhận dù kiểm tra chữ ký số không đạt"
        )
