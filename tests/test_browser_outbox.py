"""A message given up, in a real browser: the clerk sees it in the outbox, with the reason
and when it stopped, and sends it again. A screenshot is kept in test-artefacts/."""

import re

from edoc.server import BackgroundServer, free_port
from tests.support.browser import ARTEFACTS, refusals
from tests.support.exchange import sent_and_given_up
from tests.support.nodes import PASSWORD


def test_the_clerk_sees_a_message_given_up_and_sends_it_again(inbox, envelope, browser):
    app, node, _ = inbox
    sent_and_given_up(node, envelope)
    ARTEFACTS.mkdir(exist_ok=True)
    port = free_port()
    with BackgroundServer(app, "127.0.0.1", port):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        refused = refusals(page)
        page.goto(f"http://127.0.0.1:{port}/login")
        page.fill("input[name=username]", "vanthu")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"http://127.0.0.1:{port}/outbox")
        delivery = page.locator("tr.sent td.delivery")
        assert "Ngừng gửi" in delivery.inner_text()
        assert "connection refused" in delivery.locator(".reason").inner_text()
        stopped = delivery.locator(".stopped").inner_text()
        assert re.fullmatch(r"từ \d\d/\d\d/\d{4} \d\d:\d\d", stopped)  # Vietnam time
        page.screenshot(path=ARTEFACTS / "outbox-given-up.png", full_page=True)
        delivery.locator("button").click()
        assert "Đã xếp hàng gửi lại." in page.locator(".flash").inner_text()
        assert "Đang chờ gửi" in page.locator("tr.sent td.delivery").inner_text()
        assert refused == []
