"""File names stay names: kept and served as plain names, or refused clearly."""

import dataclasses
import io

from sqlalchemy import select

from edoc.storage.models import (
    Document,
    Draft,
)
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from tests.security_web.hostile import (
    BEARER,
    files_in,
    only_blobs_added,
    served_name,
)
from tests.security_web.matrix import (
    post_form,
)
from tests.support.web import logged_in

#: File names as given, and as kept and served: the last part of a path, no control or
#: direction-changing characters, something left.
GIVEN_NAMES = {
    "../../etc/passwd": "passwd",
    "..\\..\\boot.ini": "boot.ini",
    "/etc/cron.d/job": "job",
    "C:\\Windows\\win.ini": "win.ini",
    "\u202egpj.exe": "gpj.exe",  # reads as exe.jpg
    "thư\u200b mời\t.txt": "thư mời.txt",
    "..": "file",
}
#: Those a browser can send (a multipart header reads \ as an escape: it never arrives).
UPLOADED_NAMES = {given: kept for given, kept in GIVEN_NAMES.items() if "\\" not in given}


def test_uploaded_names_are_kept_and_served_as_plain_names(inbox, tmp_path):
    from edoc.exchange.drafts import find_draft

    app, node, _ = inbox
    before = files_in(tmp_path)
    clerk, _ = logged_in(app)
    made = post_form(clerk, "/compose", {
        "number": "88", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Tên tệp",
        "to": [HA_NOI.organ_id], "pdf": (io.BytesIO(cong_van(VPCP).pdf), "../../x.pdf"),
        "attachments": [(io.BytesIO(given.encode()), given) for given in UPLOADED_NAMES],
    })  # fmt: skip
    assert made.status_code == 303, made.get_data(as_text=True)
    draft = find_draft(node, int(made.headers["Location"].rsplit("/", 1)[1]))
    assert draft.main_name == "x.pdf"
    assert [a["name"] for a in draft.attachments] == list(UPLOADED_NAMES.values())
    for index, name in enumerate(["x.pdf", *UPLOADED_NAMES.values()]):
        assert served_name(clerk.get(f"/drafts/{draft.id}/files/{index}")) == name
    checked = post_form(clerk, "/verify", {"pdf": (io.BytesIO(cong_van(VPCP).pdf), "../../a.pdf")})
    assert "<h2>a.pdf</h2>" in checked.get_data(as_text=True)
    only_blobs_added(tmp_path, before)


def test_names_a_sender_gives_are_served_as_plain_names(inbox, envelope, tmp_path):
    from edoc.envelope.build import build
    from edoc.envelope.model import Attachment
    from edoc.envelope.parse import parse

    app, node, _ = inbox
    before = files_in(tmp_path)
    letter = dataclasses.replace(
        parse(envelope).message, document_id="names-1",
        attachments=[Attachment(f"a{n}", given, "text/plain", given.encode())
                     for n, given in enumerate(GIVEN_NAMES)],
    )  # fmt: skip
    answer = app.test_client().post("/api/v1/messages", data=build(letter), headers=BEARER)
    assert answer.status_code == 200, answer.get_json()
    document = answer.get_json()["document"]
    clerk, _ = logged_in(app)
    with node.sessions() as session:
        stored = session.get(Document, document).attachments
        files = [(a.id, a.name) for a in stored]
    assert [name for _, name in files] == [name.strip() for name in GIVEN_NAMES]  # as sent
    served = [served_name(clerk.get(f"/documents/{document}/files/{pk}")) for pk, _ in files]
    assert served == list(GIVEN_NAMES.values())
    only_blobs_added(tmp_path, before)


def test_a_name_too_long_or_with_a_nul_is_refused_clearly(inbox):
    app, node, _ = inbox
    clerk, _ = logged_in(app)
    letter = {"number": "89", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Dài",
              "to": [HA_NOI.organ_id]}  # fmt: skip
    pdf = cong_van(VPCP).pdf
    long = post_form(clerk, "/compose", {**letter, "pdf": (io.BytesIO(pdf), "x" * 500 + ".pdf")})
    assert "Tên tệp dài quá" in clerk.get(long.headers["Location"]).get_data(as_text=True)
    nul = post_form(clerk, "/compose", {**letter, "pdf": (io.BytesIO(pdf), "a\x00.pdf")})
    assert nul.status_code == 400 and "NUL" in nul.get_data(as_text=True)
    with node.sessions() as session:
        assert session.scalars(select(Draft)).all() == []
