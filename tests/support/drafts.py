"""Composing in the inbox: a node whose server holds the keys, drafts made through the
compose form and the steps taken on them."""

import io
import re

import pytest

from edoc.accounts import add_user
from edoc.storage.models import UserRole
from fixtures.agencies import HA_NOI, VPCP
from tests.support.nodes import PASSWORD
from tests.support.web import csrf_of
from web.app import create_node_app

#: The password of the keys the server holds.
KEY_PASSWORD = "mat-khau-khoa"


@pytest.fixture
def composing(office, pki):
    """The Government Office's node whose server holds the agency's key and seal, and the
    deputy's personal key (under KEY_PASSWORD); with a leader and an auditor."""
    from edoc.accounts import hold_key
    from fixtures.export import pkcs12_bytes
    from fixtures.images import seal_image, signature_image
    from tests.support.keys import key_of
    from web.compose import Stamp

    deputy = VPCP.deputy
    add_user(office.sessions, "lanhdao", PASSWORD, VPCP.organ_id, UserRole.LEADER, deputy.full_name)
    add_user(office.sessions, "kiemtoan", PASSWORD, VPCP.organ_id, UserRole.AUDITOR, "Kiểm toán")
    p12 = pkcs12_bytes(pki[deputy.key], KEY_PASSWORD)
    hold_key(office.sessions, office.blobs, "lanhdao", p12, KEY_PASSWORD, signature_image(deputy))
    stamp = Stamp(key_of(pki, "g22-org"), seal_image(VPCP))
    return create_node_app(office, "hub-token", "secret", stamp), office


def make_draft(client, pdf: bytes, number: str = "77", attachments=()) -> int:
    """Make a draft through the compose form; its key."""
    token = csrf_of(client.get("/compose").get_data(as_text=True))
    form = {
        "csrf_token": token, "number": number, "notation": "VPCP-KSTT", "date": "2026-11-23",
        "subject": "Về việc ký số văn bản", "to": [HA_NOI.organ_id], "priority": "1",
        "pdf": (io.BytesIO(pdf), "77-VPCP.pdf"),
        "attachments": [(io.BytesIO(data), name) for name, data in attachments],
    }  # fmt: skip
    made = client.post("/compose", data=form, content_type="multipart/form-data")
    assert made.status_code == 303, made.get_data(as_text=True)
    return int(made.headers["Location"].rsplit("/", 1)[1])


def step(client, draft: int, step: str, **form):
    """Take ``step`` (personal, organisation, send …) on ``draft`` from its page, with the
    page's CSRF token and what it has seen; the answer."""
    page = client.get(f"/drafts/{draft}").get_data(as_text=True)
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', page)
    data = {"csrf_token": csrf_of(page), "seen": seen.group(1) if seen else "", **form}
    return client.post(f"/drafts/{draft}/{step}", data=data)


def draft_page(client, draft: int) -> str:
    """The draft's page as ``client`` sees it (with what was flashed)."""
    return client.get(f"/drafts/{draft}").get_data(as_text=True)
