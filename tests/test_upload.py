"""Uploading in a real browser (Debian's Chromium, driven by Playwright): a file over the
server's limit is refused on the page before a byte is sent, in the server's own words; a
file within it is sent with a progress bar, and the server's answer replaces the page as a
form post would. Screenshots are kept in test-artefacts/."""

import time

import pytest
from playwright.sync_api import expect

from edoc.server import BackgroundServer, free_port
from tests.support.browser import ARTEFACTS, log_in, refusals
from tests.support.letters import signed_letter
from tests.support.nodes import PASSWORD

LIMIT = 2**20  # the test server's limit: 1 MB


@pytest.fixture
def letter(pki) -> bytes:
    """A compliant signed letter (signed before the browser starts: Playwright's event loop
    would refuse signing's own)."""
    return signed_letter(pki)[1]


def test_a_big_upload_is_refused_before_sending_and_a_smaller_one_shows_its_progress(
    inbox,
    letter,
    browser,
):
    app, _, _ = inbox
    app.config["MAX_CONTENT_LENGTH"] = LIMIT
    ARTEFACTS.mkdir(exist_ok=True)
    with BackgroundServer(app, "127.0.0.1", free_port()) as server:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        refused = refusals(page)
        log_in(page, server.url, "vanthu", PASSWORD)
        posted: list[str] = []
        page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
        page.goto(f"{server.url}/verify")

        big = {"name": "lon.pdf", "mimeType": "application/pdf", "buffer": b"%PDF" + bytes(LIMIT)}
        page.set_input_files("input[name=pdf]", big)
        page.click("main button[type=submit]")
        note = page.locator("main .upload-note")
        expect(note).to_have_text("Tệp tải lên quá 1 MB.")
        page.screenshot(path=ARTEFACTS / "upload-too-large.png", full_page=True)
        assert posted == []  # refused before sending

        held = []
        page.route(
            "**/verify", lambda route: held.append(route)
        )  # the server's answer waits: the bar stays
        small = {"name": "1234.pdf", "mimeType": "application/pdf", "buffer": letter}
        page.set_input_files("input[name=pdf]", small)
        page.click("main button[type=submit]")
        expect(note.locator("progress")).to_be_visible()
        expect(note).to_contain_text("Đang tải lên")
        page.screenshot(path=ARTEFACTS / "upload-progress.png", full_page=True)
        deadline = time.monotonic() + 10
        while not held:
            assert time.monotonic() < deadline, "the upload never reached the server"
            page.wait_for_timeout(20)
        held[0].continue_()
        expect(page.locator(".verdict strong")).to_have_text("Hợp lệ")
        expect(page.locator("main h2").first).to_have_text("1234.pdf")
        assert page.url == f"{server.url}/verify" and posted == [f"{server.url}/verify"]
        page.screenshot(path=ARTEFACTS / "upload-checked.png", full_page=True)
        assert refused == []
