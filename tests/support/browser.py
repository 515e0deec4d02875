"""The inbox in Chromium, driven by Playwright: the browser, logging in as a person does,
what the Content-Security-Policy refuses, and the agencies the browser tests run against."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.support.tools import require_tool

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts"


@pytest.fixture
def browser():
    """Debian's Chromium, launched by Playwright for one test."""
    chromium = require_tool("chromium", "chromium")

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


def refusals(page) -> list[str]:
    """What the page's Content-Security-Policy refuses, as the browser reports it: the
    inbox's own styles, frames and forms must all be allowed."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def log_in(page, url: str, username: str, password: str = "edoc-demo"):
    """``page`` logged in at the inbox ``url`` as a person does: the login form, filled in."""
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    return page


@pytest.fixture
def two_agencies(tmp_path, pki):
    """The Government Office and Hà Nội with their inboxes, a hub between them, and the
    demo's accounts (password edoc-demo; the leaders' keys held by the server)."""
    from demo.exchange import add_accounts, inboxes
    from edoc.envelope.model import Organization
    from fixtures.agencies import HA_NOI, VPCP
    from signing.validation.policy import DEFAULT_POLICY
    from web.local import LocalNetwork

    agencies = [VPCP, HA_NOI]
    organisations = [Organization(a.organ_id, a.name) for a in agencies]
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    app = inboxes(pki, agencies)
    with LocalNetwork(tmp_path, organisations, policy, node_app=app) as network:
        add_accounts(network, pki, agencies)
        yield network


@pytest.fixture
def audited_office(two_agencies, envelope, pki):
    """The Government Office with a compliant letter and an unsealed one received and a
    letter sent (stored before the browser starts: signing and verifying run their own event
    loop, which Playwright's would refuse)."""
    import dataclasses

    from edoc.envelope.build import build
    from edoc.envelope.model import Organization
    from edoc.envelope.parse import parse
    from edoc.exchange.receive import receive_envelope
    from edoc.exchange.send import send_envelope
    from fixtures.agencies import HA_NOI, VPCP
    from tests.support.letters import letter_envelope, signed_letter

    node = two_agencies.nodes[VPCP.organ_id]
    receive_envelope(node, envelope)
    personal, _ = signed_letter(pki)
    receive_envelope(node, letter_envelope(personal, "1240", "Thư chưa ký số của cơ quan"))
    own = dataclasses.replace(
        parse(envelope).message, sender=Organization(VPCP.organ_id, VPCP.name),
        recipients=[Organization(HA_NOI.organ_id, HA_NOI.name)], document_id="g22-sent-1",
    )  # fmt: skip
    send_envelope(node, build(own))
    return two_agencies.services[VPCP.organ_id].url
