"""The inbox on a 390 px phone (Playwright's phone viewport in Debian's Chromium): every page
each role opens fits the screen's width, so nobody scrolls the whole page sideways to find a
button; wide tables scroll inside their own box; the header spans the width; the audit's
chart text stays readable. Screenshots of each page are kept in test-artefacts/."""

import pytest
from sqlalchemy import select

from edoc.exchange.drafts import DraftFile, DraftHeader, create_draft
from edoc.storage.models import Document, User
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from tests.support.browser import ARTEFACTS, log_in
from tests.support.letters import signed_letter

PHONE = {"width": 390, "height": 844}
ROLES = ("vanthu", "lanhdao", "kiemtoan", "quantri")  # clerk, leader, auditor, admin


@pytest.fixture
def office_pages(audited_office, two_agencies, pki) -> tuple[str, list[str], bytes]:
    """The Government Office's inbox, the path of every page a person opens in it (the
    lists, a received document, a draft, the audit and its documents, the admin's pages, a
    page that is not there) and a signed letter to check (signed before the browser starts:
    Playwright's event loop would refuse signing's own)."""
    node = two_agencies.nodes[VPCP.organ_id]
    with node.sessions() as session:
        received = session.scalars(select(Document.id).order_by(Document.id)).first()
        clerk = session.scalar(select(User).where(User.username == "vanthu-g22"))
    letter = cong_van(VPCP, number="300")
    header = DraftHeader(letter.number, letter.notation, f"V/v {letter.subject}", letter.date)
    draft = create_draft(
        node, clerk.id, clerk.full_name, header, [HA_NOI.organ_id],
        DraftFile("300-VPCP.pdf", letter.pdf),
    )  # fmt: skip
    pages = [
        "/", f"/documents/{received}", "/outbox", "/drafts", "/compose", f"/drafts/{draft.id}",
        "/verify", "/audit", "/audit/documents?figure=received&direction=received",
        "/admin/users", "/admin/agencies", "/admin/trust", "/admin/policy", "/documents/999999",
    ]  # fmt: skip
    return audited_office, pages, signed_letter(pki)[1]


def _overflow(page) -> int:
    """How many pixels the page is wider than the screen (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_every_page_fits_a_phone_for_every_role(office_pages, browser):
    office, pages, signed = office_pages
    ARTEFACTS.mkdir(exist_ok=True)
    too_wide: list[str] = []
    for role in ROLES:
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(f"{office}/login")
        assert _overflow(page) <= 0, "login"
        page.screenshot(path=ARTEFACTS / "phone-login.png", full_page=True)
        log_in(page, office, f"{role}-g22")
        header = page.locator("header").bounding_box()
        assert header["x"] == 0 and header["width"] == PHONE["width"]
        for path in pages:
            page.goto(f"{office}{path}")
            name = path.strip("/").split("?")[0].replace("/", "-") or "inbox"
            page.screenshot(path=ARTEFACTS / f"phone-{role}-{name}.png", full_page=True)
            if _overflow(page) > 0:
                too_wide.append(f"{role} {path}: {_overflow(page)} px")
        page.goto(f"{office}/verify")
        page.set_input_files(
            "input[name=pdf]", {"name": "1234.pdf", "mimeType": "application/pdf", "buffer": signed}
        )
        page.click("main button[type=submit]")
        page.locator(".verdict").first.wait_for()
        page.screenshot(path=ARTEFACTS / f"phone-{role}-verify-report.png", full_page=True)
        if _overflow(page) > 0:
            too_wide.append(f"{role} verify report: {_overflow(page)} px")
        page.context.close()
    assert too_wide == [], "\n".join(too_wide)


def test_the_audit_chart_text_is_readable_on_a_phone(audited_office, browser):
    page = log_in(browser.new_context(viewport=PHONE).new_page(), audited_office, "kiemtoan-g22")
    page.goto(f"{audited_office}/audit")
    sizes = page.evaluate(
        "[...document.querySelectorAll('svg.chart text')].map(t => t.getBoundingClientRect()"
        ".height)"
    )
    assert sizes and min(sizes) >= 12


def test_a_clerk_sees_each_documents_sender_status_and_signatures_on_a_phone(
    audited_office,
    browser,
):
    page = log_in(browser.new_context(viewport=PHONE).new_page(), audited_office, "vanthu-g22")
    row = page.locator("tr.document").first
    for cell in (".sender", ".status", ".badge"):
        box = row.locator(cell).bounding_box()
        assert box and box["width"] > 0 and box["x"] + box["width"] <= PHONE["width"], cell
    page.screenshot(path=ARTEFACTS / "phone-inbox-cards.png", full_page=True)


@pytest.mark.parametrize("language", ["Tiếng Việt", "English"])
def test_an_agencys_long_name_stays_on_one_line_in_the_header(two_agencies, browser, language):
    hanoi = two_agencies.services[HA_NOI.organ_id].url
    page = log_in(browser.new_page(viewport={"width": 1280, "height": 900}), hanoi, "vanthu-h26")
    if language == "English":
        page.click("header >> text=English")
    name = page.locator("header .agency")
    line = float(name.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20"))
    assert name.bounding_box()["height"] < 1.5 * line, page.locator("header").inner_text()
    page.screenshot(path=ARTEFACTS / f"header-{language}.png")
