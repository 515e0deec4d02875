"""The inbox's search finds what clerks type: the number/notation as the inbox shows it, any
case, with or without Vietnamese diacritics, on SQLite and PostgreSQL; an empty result under
a filter says that nothing matches and how to clear the filter."""

import datetime as dt

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from edoc.accounts import add_user
from edoc.envelope.model import Attachment as EnvelopeAttachment
from edoc.exchange.receive import receive_envelope
from edoc.storage.database import MIGRATIONS, connect, sessions, upgrade
from edoc.storage.models import Document, UserRole
from fixtures.agencies import VPCP
from tests.support.letters import letter_envelope, signed_letter
from tests.support.nodes import PASSWORD, agency_node
from tests.support.web import logged_in
from web.app import create_node_app

SUBJECT = "TĂNG CƯỜNG ĐẢM BẢO an toàn thông tin"


@pytest.fixture
def searched(database_url, tmp_path, pki, envelope):
    """A node on SQLite and on PostgreSQL holding the usual letter and 101/UBND-KT."""
    with agency_node(database_url, tmp_path, pki) as node:
        add_user(node.sessions, "vanthu", PASSWORD, VPCP.organ_id, UserRole.CLERK, "Văn Thư")
        receive_envelope(node, envelope)
        _, letter = signed_letter(pki)
        files = [EnvelopeAttachment("main", "101-UBND-KT.pdf", "application/pdf", letter)]
        other = letter_envelope(
            files, code={"number": "101", "notation": "UBND-KT"}, subject=SUBJECT
        )
        found = receive_envelope(node, other).document_pk
        yield create_node_app(node, "hub-token", "secret-for-tests"), found


def test_search_finds_the_number_as_shown_in_any_case_without_diacritics(searched):
    app, document = searched
    client, _ = logged_in(app)

    def found(query: str) -> list[str]:
        page = client.get("/", query_string={"q": query}).get_data(as_text=True)
        return [f'data-id="{document}"' in page, page.count('class="document"')]

    assert found("101/UBND-KT") == [True, 1]
    assert found("101/ubnd-kt") == [True, 1]
    assert found("tang cuong dam bao") == [True, 1]
    assert found("Tăng   Cường  Đảm") == [True, 1]
    assert found("TANG CUONG")[1] == 2  # the usual letter's subject says "tăng cường" too
    assert found("1234/UBND-KT") == [False, 1]
    assert found("100%") == [False, 0]  # % is no wildcard


def test_an_empty_result_under_a_filter_says_nothing_matches_and_clears(searched):
    app, _ = searched
    client, _ = logged_in(app)
    page = client.get("/", query_string={"q": "không có"}).get_data(as_text=True)
    assert "Không có văn bản nào khớp" in page and "Chưa có văn bản đến" not in page
    assert 'href="/">Bỏ điều kiện tìm</a>' in page
    client.get("/lang/en")
    page = client.get("/?status=06").get_data(as_text=True)
    assert "No document matches" in page and "No documents received yet" not in page


def test_documents_stored_before_the_search_column_are_found(database_url):
    """Upgrading across revision 0012 fills in what the documents already stored are found by."""
    engine = connect(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
        connection.execute(text(BLOB), {"at": dt.datetime.now(dt.UTC)})
        connection.execute(text(OLD_DOCUMENT), {"subject": SUBJECT, "at": dt.datetime.now(dt.UTC)})
    upgrade(engine)
    with sessions(engine)() as session:
        stored = session.scalar(select(Document))
    assert stored.search_text == "101/ubnd-kt tang cuong dam bao an toan thong tin"
    engine.dispose()


BLOB = "INSERT INTO blobs (sha256, size, stored_at) VALUES ('e1', 1, :at)"
OLD_DOCUMENT = (
    "INSERT INTO documents (owner_organ_id, direction, document_id, sender_organ_id, sender_name,"
    " recipients, number, notation, subject, type_name, priority, signer_name, business_type,"
    " envelope_sha256, received_at, folder, status_code, trace, extensions) VALUES ('g22',"
    " 'received', 'd1', '000.00.00.H26', '', '[]', '101', 'UBND-KT', :subject, '', 0, '', 0,"
    " 'e1', :at, 'inbox', '', '[]', '{}')"
)
