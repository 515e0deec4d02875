"""The inbox in a real browser (Debian's Chromium, driven by Playwright): a clerk logs in,
sees the letter with its signature badge, opens it and accepts it. Screenshots of the pages
are kept in test-artefacts/."""

import os
from pathlib import Path

import pytest

from edoc.server import BackgroundServer, free_port
from tests.conftest import PASSWORD, require_tool

ARTEFACTS = Path(__file__).resolve().parents[1] / "test-artefacts"


@pytest.fixture
def browser():
    chromium = require_tool("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


def test_a_clerk_logs_in_opens_the_letter_and_accepts_it(inbox, browser):
    app, _, document = inbox
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
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
        assert page.locator("td.status").inner_text() == "03"
        page.locator("details.preview summary").first.click()  # the browser's own PDF viewer
        assert page.locator("iframe.preview").first.is_visible()
        narrow = browser.new_page(viewport={"width": 390, "height": 800})  # a phone
        narrow.context.add_cookies(page.context.cookies())
        narrow.goto(f"http://127.0.0.1:{port}/")
        page.close()
        narrow.screenshot(path=ARTEFACTS / "inbox-narrow.png", full_page=True)
        assert narrow.locator("tr.document").count() == 1
    assert os.path.getsize(ARTEFACTS / "inbox.png") > 10_000
