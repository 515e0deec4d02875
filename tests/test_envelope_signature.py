"""The envelope's XML-DSig: our RSA-SHA256 signature verifies, tampering and SHA-1 are caught."""

import base64
import datetime as dt
from pathlib import Path

import pytest
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureMethod,
    XMLSigner,
    methods,
)

from edoc.envelope.build import build
from edoc.envelope.dsig import sign_envelope, verify_envelope
from edoc.envelope.model import Attachment, Organization, ResponseFor, StatusCode, StatusMessage
from edoc.envelope.names import DSIG, NS
from edoc.envelope.parse import parse
from edoc.envelope.validate import validate
from edoc.timezone import VIETNAM
from tests.support.envelopes import CORPUS, sample_document


class _LegacySigner(XMLSigner):
    """Signs with rsa-sha1 like the 2018 samples; signxml refuses unless told otherwise."""

    def check_deprecated_methods(self) -> None:
        pass


def _status() -> StatusMessage:
    return StatusMessage(
        sender=Organization("000.00.00.H26", "Ủy ban nhân dân thành phố Hà Nội"),
        response_for=ResponseFor(
            "000.00.00.G22", "7816/VPCP-TTĐT", dt.date(2015, 9, 30), "id-7816"
        ),
        status_code=StatusCode.ACCEPTED,
        timestamp=dt.datetime(2026, 11, 23, 10, 15, 30, tzinfo=VIETNAM),
    )


@pytest.fixture
def organisation(pki):
    return pki["h26-org"]


def test_signed_envelope_verifies_and_still_parses_and_validates(organisation):
    signed = sign_envelope(
        build(_status()), organisation.key, organisation.certificate, organisation.chain
    )
    result = verify_envelope(signed)
    assert result.present and result.valid and result.compliant
    assert result.algorithm == "rsa-sha256"
    assert result.digest_algorithm == "sha256"
    assert result.certificate == organisation.certificate
    assert "Ủy ban nhân dân thành phố Hà Nội" in result.signer_subject
    assert parse(signed).message == _status()
    assert validate(signed) == []


def test_signature_sits_in_the_header_and_covers_the_whole_envelope(organisation):
    signed = sign_envelope(
        (CORPUS / "sdk-document-zipped.edxml").read_bytes(),
        organisation.key,
        organisation.certificate,
    )
    root = etree.fromstring(signed)
    signature = root.find(f".//{{{DSIG}}}Signature")
    assert etree.QName(signature.getparent()).localname == "edXMLHeader"
    (reference,) = signature.findall(f".//{{{DSIG}}}Reference")
    assert reference.get("URI") == ""
    transforms = [t.get("Algorithm") for t in reference.iter(f"{{{DSIG}}}Transform")]
    assert "http://www.w3.org/2000/09/xmldsig#enveloped-signature" in transforms
    assert signature.findtext(f".//{{{DSIG}}}X509SubjectName")
    assert verify_envelope(signed).valid


@pytest.mark.parametrize(
    ("original", "forged"),
    [
        (b">03<", b">02<"),
        (b"7816/VPCP", b"7817/VPCP"),
        ("thành phố Hà Nội".encode(), "thành phố Hà Tây".encode()),
    ],
)
def test_any_change_after_signing_breaks_the_signature(organisation, original, forged):
    signed = sign_envelope(build(_status()), organisation.key, organisation.certificate)
    assert original in signed
    result = verify_envelope(signed.replace(original, forged, 1))
    assert result.present
    assert result.valid is False
    assert not result.compliant
    assert "does not match" in result.problem_en


@pytest.mark.parametrize("style", ["xmldsig", "sdk"])
def test_an_envelope_with_a_large_attachment_is_verified_not_crashed_on(organisation, style):
    message = sample_document(attachments=[Attachment("vb", "a.pdf", "application/pdf", b"1")])
    signed = sign_envelope(build(message), organisation.key, organisation.certificate)
    signed = _in_edxml_namespace(signed) if style == "sdk" else signed
    large = base64.b64encode(b"%PDF-1.7" + bytes(12 * 2**20))  # one text node over 10 MB
    result = verify_envelope(signed.replace(base64.b64encode(b"1"), large))
    assert (result.present, result.valid) == (True, False)
    assert "does not match the envelope" in result.problem_en


def test_an_envelope_with_a_large_attachment_is_signed(organisation):
    """A file over 10 MB is one text node: more than lxml's own parser takes."""
    large = Attachment("vb", "a.pdf", "application/pdf", b"%PDF-1.7" + bytes(12 * 2**20))
    data = build(sample_document(attachments=[large]))
    result = verify_envelope(sign_envelope(data, organisation.key, organisation.certificate))
    assert (result.present, result.valid, result.compliant) == (True, True, True)


def _legacy_signed(organisation) -> bytes:
    """A status signed with rsa-sha1, as the 2018 samples are."""
    legacy = _LegacySigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA1,
        digest_algorithm=DigestAlgorithm.SHA1,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    return sign_envelope(
        build(_status()), organisation.key, organisation.certificate, signer=legacy
    )


def test_rsa_sha1_signature_verifies_but_is_not_compliant(organisation):
    signed = _legacy_signed(organisation)
    result = verify_envelope(signed)
    assert result.valid is True
    assert result.algorithm == "rsa-sha1"
    assert result.compliant is False
    assert "SHA-1" in result.problem_en


def test_unsigned_envelope_says_so():
    result = verify_envelope(build(_status()))
    assert result.present is False
    assert result.valid is None
    assert result.xmldsig_namespace is None  # no signature, in no namespace
    assert not result.compliant


def test_a_second_signature_is_treated_as_wrapping(organisation):
    signed = sign_envelope(build(_status()), organisation.key, organisation.certificate)
    root = etree.fromstring(signed)
    signature = root.find(f".//{{{DSIG}}}Signature")
    root.append(etree.fromstring(etree.tostring(signature)))
    result = verify_envelope(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert result.valid is False
    assert "wrapping" in result.problem_en


def test_signing_again_replaces_the_old_signature(pki, organisation):
    once = sign_envelope(build(_status()), organisation.key, organisation.certificate)
    other = pki["g22-org"]
    twice = sign_envelope(once, other.key, other.certificate)
    assert twice.count(b"SignatureValue>") == 2  # one element: an opening and a closing tag
    assert verify_envelope(twice).certificate == other.certificate


def _in_edxml_namespace(signed: bytes) -> bytes:
    """``signed`` with its Signature as the hub's SDK writes it: no xmlns, so that it and its
    children fall in the root's default namespace, edXML's."""
    assert signed.count(f'<Signature xmlns="{DSIG}"'.encode()) == 1
    return signed.replace(f'<Signature xmlns="{DSIG}"'.encode(), b"<Signature")


def test_a_signature_in_edxml_namespace_is_verified_but_not_compliant(organisation):
    signed = sign_envelope(
        (CORPUS / "vnpt-order-new.edxml").read_bytes(),
        organisation.key,
        organisation.certificate,
    )
    sdk_style = _in_edxml_namespace(signed)
    root = etree.fromstring(sdk_style)
    assert root.find(f".//{{{NS}}}Signature/{{{NS}}}SignedInfo") is not None
    result = verify_envelope(sdk_style)
    assert (result.present, result.valid, result.compliant) == (True, True, False)
    assert result.xmldsig_namespace is False
    assert (result.algorithm, result.digest_algorithm) == ("rsa-sha256", "sha256")
    assert result.certificate == organisation.certificate
    assert result.problem_en.startswith("The signature is in edXML's namespace, not in XML-DSig's")
    assert "không gian tên của edXML" in result.problem_vi
    assert validate(sdk_style) == []
    assert parse(sdk_style).warnings == []


def test_a_changed_envelope_breaks_a_signature_in_edxml_namespace(organisation):
    signed = sign_envelope(build(_status()), organisation.key, organisation.certificate)
    result = verify_envelope(_in_edxml_namespace(signed).replace(b">03<", b">02<"))
    assert (result.present, result.valid, result.xmldsig_namespace) == (True, False, False)
    assert "not in XML-DSig's" in result.problem_en
    assert "does not match the envelope" in result.problem_en


def test_an_sha1_signature_in_edxml_namespace_has_both_problems(organisation):
    signed = _legacy_signed(organisation)
    result = verify_envelope(_in_edxml_namespace(signed))
    assert (result.valid, result.algorithm, result.compliant) == (True, "rsa-sha1", False)
    assert "not in XML-DSig's" in result.problem_en
    assert "below the floor (SHA-1)" in result.problem_en


SDK_PLACEHOLDER_SIGNATURE = b"""<Signature>
  <SignedInfo>
    <CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>
    <SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/>
    <Reference URI="">
      <Transforms>
        <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
      </Transforms>
      <DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>
      <DigestValue>AAAA</DigestValue>
    </Reference>
  </SignedInfo>
  <SignatureValue>AAAA</SignatureValue>
  <KeyInfo><X509Data><X509SubjectName>CN=test</X509SubjectName>
    <X509Certificate>MIIBroken</X509Certificate></X509Data></KeyInfo>
</Signature>
"""


def test_a_placeholder_signature_in_edxml_namespace_is_reported_for_what_it_is():
    data = (CORPUS / "vnpt-order-recall.edxml").read_bytes()
    data = data.replace(
        b"</edXML:edXMLHeader>", SDK_PLACEHOLDER_SIGNATURE + b"</edXML:edXMLHeader>"
    )
    result = verify_envelope(data)
    assert (result.present, result.valid, result.algorithm) == (True, False, "rsa-sha1")
    assert result.problem_en == (
        f"The signature is in edXML's namespace, not in XML-DSig's ({DSIG}): XML-DSig software "
        "will not find it. The signature carries no readable certificate."
    )
    assert validate(data) == []


def test_signing_replaces_a_signature_in_edxml_namespace(organisation):
    data = (CORPUS / "vnpt-order-recall.edxml").read_bytes()
    data = data.replace(
        b"</edXML:edXMLHeader>", SDK_PLACEHOLDER_SIGNATURE + b"</edXML:edXMLHeader>"
    )
    signed = sign_envelope(data, organisation.key, organisation.certificate)
    assert etree.fromstring(signed).find(f".//{{{NS}}}Signature") is None
    result = verify_envelope(signed)
    assert result.compliant and result.xmldsig_namespace


CRASHES = Path(__file__).resolve().parent / "fuzz" / "crashes" / "envelope"


def test_a_signature_in_edxml_namespace_with_names_lxml_cannot_write_is_reported():
    data = (CRASHES / "odd-namespace-signature.edxml").read_bytes()
    result = verify_envelope(data)
    assert (result.present, result.valid, result.xmldsig_namespace) == (True, False, False)
    assert result.problem_en.endswith("holds an invalid element or attribute name.")
