"""Names from someone else's certificate reach the node's database and the inbox's pages as
text: a CN with a NUL and a line break is kept escaped, on SQLite as on PostgreSQL (which
refuses a NUL in text)."""

import pytest

from edoc.accounts import add_user
from edoc.envelope.model import Attachment
from edoc.exchange.receive import receive_envelope
from edoc.storage.models import UserRole
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from fixtures.images import seal_image
from signing.sign.pades import sign_organisation
from tests.support.keys import renamed
from tests.support.letters import letter_envelope
from tests.support.nodes import PASSWORD, agency_node
from tests.support.web import logged_in
from web.app import create_node_app


@pytest.mark.parametrize("new_database", ["sqlite", "postgresql"], indirect=True)
def test_a_signer_named_with_a_nul_is_received_and_shown_escaped(new_database, pki, tmp_path):
    hostile = "Văn\x00phòng\nGiả"
    key = renamed(pki, "h26-org", hostile, hostile)
    letter = sign_organisation(
        cong_van(HA_NOI).pdf, key, seal_image(HA_NOI), allow_missing_personal=True
    ).pdf
    envelope = letter_envelope([Attachment("main", "1234-UBND-KT.pdf", "application/pdf", letter)])
    with agency_node(new_database("node"), tmp_path, pki) as node:
        received = receive_envelope(node, envelope)
        add_user(node.sessions, "vanthu", PASSWORD, VPCP.organ_id, UserRole.CLERK, "Thư")
        clerk, _ = logged_in(create_node_app(node, "hub-token", "secret-for-tests"))
        page = clerk.get(f"/documents/{received.document_pk}")
    assert page.status_code == 200
    assert "Văn\\x00phòng\\x0aGiả" in page.get_data(as_text=True)
