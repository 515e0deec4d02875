"""What senders and users write is shown as text, never run as script; going back never
leaves the inbox."""

import dataclasses
import datetime as dt
import io
from dataclasses import dataclass

import lxml.html
import pytest

from edoc.accounts import add_user
from edoc.envelope.model import Organization
from edoc.storage.models import (
    Document,
)
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from tests.security_web.hostile import (
    BEARER,
    IMG,
    LINK,
    SCRIPT,
    hostile,
    hostile_file,
    pem,
)
from tests.security_web.matrix import (
    ADMIN,
    CLERK,
    post_form,
)
from tests.support.nodes import PASSWORD, agency_node
from tests.support.web import logged_in
from web.app import create_node_app


def _stranger():
    """A key and a self-made certificate whose names are script: (certificate, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, SCRIPT + IMG),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, IMG + LINK),
    ])  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return certificate, key


def _signed_by(certificate, key, pdf: bytes) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from signing.sign.keys import SigningKey
    from signing.sign.signer import signer_for

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(field_name="Stranger")
    signed = signers.sign_pdf(writer, metadata, signer=signer_for(SigningKey(certificate, key)))
    return signed.getvalue()


@dataclass
class Hostile:
    """The Office's inbox full of script: a letter, its files, a returned letter's reason,
    users, a draft, a trust anchor, each named in ``hostile``."""

    app: object
    document: int
    annex: int
    draft: int
    stranger: bytes  # a PDF signed with the script-named certificate
    admin: object  # a client logged in as the admin (whose name is script too)


@pytest.fixture(scope="module")
def scripted(tmp_path_factory, pki, envelope):
    from edoc.envelope.build import build
    from edoc.envelope.model import Attachment, DocumentCode, SignerInfo, StatusCode
    from edoc.envelope.parse import parse
    from edoc.exchange.records import answer
    from edoc.exchange.send import send_envelope

    root = tmp_path_factory.mktemp("scripted")
    with agency_node(f"sqlite:///{root / 'edoc.sqlite'}", root, pki) as node:
        add_user(node.sessions, "quantri", PASSWORD, VPCP.organ_id, ADMIN, hostile("admin"))
        add_user(node.sessions, IMG, PASSWORD, VPCP.organ_id, CLERK, hostile("clerk"))
        app = create_node_app(node, "hub-token", "secret-for-tests")
        certificate, key = _stranger()
        stranger = _signed_by(certificate, key, cong_van(HA_NOI).pdf)
        letter = dataclasses.replace(
            parse(envelope).message, document_id="scripted-1",
            sender=Organization(HA_NOI.organ_id, hostile("sender")),
            code=DocumentCode("1235", hostile("notation")), subject=hostile("subject"),
            signer=SignerInfo(full_name=hostile("signer")),
            attachments=[
                Attachment("main", hostile_file("main"), "application/pdf", stranger),
                Attachment("annex", hostile_file("annex", ".html"), "text/html", SCRIPT.encode(),
                           hostile("description")),
            ],
        )  # fmt: skip
        api = app.test_client()
        document = api.post("/api/v1/messages", data=build(letter), headers=BEARER).get_json()
        sent = dataclasses.replace(
            parse(envelope).message, sender=Organization(VPCP.organ_id, VPCP.name),
            recipients=[Organization(HA_NOI.organ_id, HA_NOI.name)], document_id="g22-sent-1",
            subject=hostile("sent subject"),
        )  # fmt: skip
        sent_pk = send_envelope(node, build(sent)).document_pk
        with node.sessions() as session:
            returned = answer(
                Organization(HA_NOI.organ_id, hostile("returner")),
                session.get(Document, sent_pk), StatusCode.RETURNED,
                dt.datetime.now(dt.UTC), hostile("reason"), hostile("staff"),
            )  # fmt: skip
        assert api.post("/api/v1/messages", data=returned, headers=BEARER).status_code == 200
        admin, _ = logged_in(app, "quantri")
        made = post_form(admin, "/compose", {
            "number": "55", "notation": "VPCP-KSTT", "date": "2026-11-23",
            "subject": hostile("draft subject"), "to": [HA_NOI.organ_id],
            "pdf": (io.BytesIO(cong_van(VPCP).pdf), hostile_file("draft main")),
            "attachments": [(io.BytesIO(b"annex"), hostile_file("draft annex"))],
        })  # fmt: skip
        anchor = post_form(
            admin, "/admin/trust", {"certificate": (io.BytesIO(pem(certificate)), "x.pem")}
        )
        assert made.status_code == 303 and anchor.status_code == 303
        with node.sessions() as session:
            annex = session.get(Document, document["document"]).attachments[1].id
        yield Hostile(
            app, document["document"], annex, int(made.headers["Location"].rsplit("/", 1)[1]),
            stranger, admin,
        )  # fmt: skip


def _harmless(answer) -> "lxml.html.HtmlElement":
    """The page of ``answer``, asserting it runs nothing: no image, no event handler, no
    javascript: link, no script and no style but the inbox's own (its CSP's nonce)."""
    html = answer.get_data(as_text=True)
    page = lxml.html.fromstring(html)
    assert SCRIPT not in html and "<img" not in html
    assert not page.xpath("//img | //object | //embed | //@style")
    assert not [a for a in page.xpath("//@*") if a.attrname.lower().startswith("on")]
    links = page.xpath("//@href | //@src | //@action | //@formaction")
    assert not [link for link in links if link.strip().lower().startswith("javascript")]
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "unsafe" not in policy
    assert "frame-ancestors 'self'" in policy and answer.headers["X-Frame-Options"] == "SAMEORIGIN"
    nonces = {element.get("nonce") for element in page.xpath("//style | //script")}
    assert nonces == {policy.split("'nonce-")[1].split("'")[0]}
    assert len(page.xpath("//script")) == 1  # the inbox's own: an upload's progress
    return page


#: Every page that shows what a sender or a user wrote, and which of it.
SHOWN = {
    "/": ("subject", "sender", "signer", "admin"),
    "/documents/{document}": ("subject", "sender", "signer", "main", "annex"),
    "/outbox": ("sent subject", "reason"),
    "/audit": ("admin",),
    "/audit/documents?figure=total": ("subject", "sender"),
    "/admin/users": ("admin", "clerk"),
    "/admin/trust": (),
    "/drafts": ("draft subject",),
    "/drafts/{draft}": ("draft subject", "draft main", "draft annex"),
    "/verify": ("admin",),
}
NAMES = {"main": ".pdf", "annex": ".html", "draft main": ".pdf", "draft annex": ".pdf"}


@pytest.mark.parametrize("path", SHOWN)
def test_what_senders_and_users_write_is_shown_as_text_never_run(scripted, path):
    answer = scripted.admin.get(path.format(document=scripted.document, draft=scripted.draft))
    assert answer.status_code == 200
    text = _harmless(answer).text_content()
    for what in SHOWN[path]:
        assert (hostile_file(what, NAMES[what]) if what in NAMES else hostile(what)) in text, what


def test_a_signers_certificate_and_an_uploaded_name_are_shown_as_text(scripted):
    page = _harmless(scripted.admin.get(f"/documents/{scripted.document}")).text_content()
    assert SCRIPT + IMG in page and IMG + LINK in page  # the certificate's CN and O
    checked = post_form(
        scripted.admin, "/verify", {"pdf": (io.BytesIO(scripted.stranger), hostile_file("checked"))}
    )
    page = _harmless(checked).text_content()
    assert hostile_file("checked") in page and SCRIPT + IMG in page
    trust = _harmless(scripted.admin.get("/admin/trust")).text_content()
    assert r"CN=\<script\>alert(1)\</script\>" in trust  # RFC 4514 escapes it too


def test_messages_that_repeat_what_was_typed_are_text(scripted):
    again = post_form(
        scripted.admin, "/admin/users", {"username": IMG, "password": PASSWORD, "role": "clerk"}
    )
    page = _harmless(scripted.admin.get(again.headers["Location"])).text_content()
    assert f"Tên đăng nhập đã có: {IMG}" in page


def test_a_file_a_sender_calls_html_is_downloaded_in_a_sandbox(scripted):
    answer = scripted.admin.get(f"/documents/{scripted.document}/files/{scripted.annex}")
    assert answer.data == SCRIPT.encode()
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["Content-Security-Policy"].startswith("sandbox")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("referrer", [LINK, "https://evil.example/inbox", "//evil.example/"])
def test_going_back_never_leaves_the_inbox(world, referrer):
    app = world.app
    answer = app.test_client().get("/lang/en", headers={"Referer": referrer})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    back = app.test_client().get("/lang/en", headers={"Referer": "http://localhost/verify"})
    assert back.headers["Location"] == "http://localhost/verify"
