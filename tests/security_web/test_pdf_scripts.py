"""PDFs that carry scripts are kept, flagged, and never opened in the browser."""

import dataclasses
import io

import lxml.html
import pytest

from edoc.exchange.transport import PATH
from edoc.storage.models import (
    Document,
)
from fixtures.agencies import HA_NOI
from tests.security_web.hostile import (
    BEARER,
    SCRIPT,
    files_in,
    only_blobs_added,
    served_name,
)
from tests.security_web.matrix import (
    post_form,
)
from tests.support.web import logged_in


@pytest.fixture(scope="module")
def scripted_pdf(pki) -> bytes:
    from tests.support.scripted_pdfs import signed_with_script

    return signed_with_script(pki)


def _flagged(page: str) -> str:
    """The text of the page's flag on a file carrying scripts (one), asserting the page
    shows no file in a frame."""
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//iframe")
    (flag,) = tree.xpath("//*[contains(@class, 'active_content')]")
    return flag.text_content()


def _downloaded(answer, pdf: bytes) -> None:
    assert answer.data == pdf and answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["Content-Security-Policy"].startswith("sandbox")


def test_a_letter_carrying_scripts_is_kept_flagged_and_never_opened_in_the_browser(
    inbox, scripted_pdf
):
    from tests.support.letters import letter_envelope

    app, node, letter = inbox
    envelope = letter_envelope(scripted_pdf, "1236", "Thư có mã chạy")
    answer = app.test_client().post(PATH, data=envelope, headers=BEARER)
    assert answer.status_code == 200, answer.get_json()
    document = answer.get_json()["document"]
    with node.sessions() as session:
        (attachment,) = session.get(Document, document).attachments
        report, file = attachment.report.report, f"/documents/{document}/files/{attachment.id}"
    assert report["verdict"] == "compliant"  # accepted as the document it is
    (note,) = report["notes"]
    assert note["kind"] == "active_content" and "/OpenAction /JavaScript" in note["found"]
    clerk, _ = logged_in(app)
    page = clerk.get(f"/documents/{document}").get_data(as_text=True)
    assert "trình đọc PDF sẽ tự chạy" in _flagged(page) and f'href="{file}"' in page
    _downloaded(clerk.get(file), scripted_pdf)
    clerk.get("/lang/en")
    assert "a PDF viewer would run" in _flagged(
        clerk.get(f"/documents/{document}").get_data(as_text=True)
    )
    plain = lxml.html.fromstring(clerk.get(f"/documents/{letter}").get_data(as_text=True))
    (frame,) = plain.xpath("//iframe/@src")  # a letter without scripts is shown
    assert clerk.get(frame).headers["Content-Disposition"].startswith("inline;")
    assert clerk.get(frame).headers["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_a_draft_or_a_checked_pdf_carrying_scripts_is_flagged_too(inbox, scripted_pdf):
    app, _, _ = inbox
    clerk, _ = logged_in(app)
    made = post_form(clerk, "/compose", {
        "number": "92", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Có mã",
        "to": [HA_NOI.organ_id], "pdf": (io.BytesIO(scripted_pdf), "co-ma.pdf"),
    })  # fmt: skip
    assert "JavaScript" in _flagged(clerk.get(made.headers["Location"]).get_data(as_text=True))
    _downloaded(clerk.get(made.headers["Location"] + "/files/0"), scripted_pdf)
    checked = post_form(clerk, "/verify", {"pdf": (io.BytesIO(scripted_pdf), "co-ma.pdf")})
    assert "JavaScript" in _flagged(checked.get_data(as_text=True))


def test_a_media_type_that_would_split_the_header_is_served_as_bytes(inbox, envelope):
    from edoc.envelope.build import build
    from edoc.envelope.model import Attachment
    from edoc.envelope.parse import parse

    app, node, _ = inbox
    split = "text/html\nSet-Cookie: session=stolen"
    letter = dataclasses.replace(
        parse(envelope).message, document_id="split-1",
        attachments=[Attachment("a", "a.html", split, SCRIPT.encode())],
    )  # fmt: skip
    document = app.test_client().post(PATH, data=build(letter), headers=BEARER).get_json()
    with node.sessions() as session:
        (attachment,) = session.get(Document, document["document"]).attachments
    clerk, _ = logged_in(app)
    answer = clerk.get(f"/documents/{document['document']}/files/{attachment.id}")
    assert answer.status_code == 200 and "stolen" not in str(answer.headers)
    assert answer.headers["Content-Type"] == "application/octet-stream"


def test_a_sender_s_file_name_with_a_line_break_sets_no_header(inbox, envelope, tmp_path):
    """A name an envelope may carry (``&#13;&#10;`` is legal XML), made to add a header to
    the download: the file downloads under its name without the break, with no such
    header, and its page shows it; nothing is written outside the store."""
    from edoc.envelope.build import build
    from edoc.envelope.model import Attachment
    from edoc.envelope.parse import parse

    app, node, _ = inbox
    before = files_in(tmp_path)
    given = "báo cáo.txt\r\nSet-Cookie: session=x\r\n\r\n../../evil"
    letter = dataclasses.replace(
        parse(envelope).message, document_id="names-2",
        attachments=[Attachment("a0", given, "text/plain", b"data")],
    )  # fmt: skip
    answer = app.test_client().post("/api/v1/messages", data=build(letter), headers=BEARER)
    assert answer.status_code == 200, answer.get_json()
    document = answer.get_json()["document"]
    clerk, _ = logged_in(app)
    with node.sessions() as session:
        (attachment,) = session.get(Document, document).attachments
        number = attachment.id
    download = clerk.get(f"/documents/{document}/files/{number}")
    assert download.status_code == 200 and download.data == b"data"
    assert "Set-Cookie" not in download.headers
    assert served_name(download) == "evil"
    assert clerk.get(f"/documents/{document}").status_code == 200
    only_blobs_added(tmp_path, before)
