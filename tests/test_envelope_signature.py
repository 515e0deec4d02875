"""The envelope's XML-DSig: our RSA-SHA256 signature verifies, tampering and SHA-1 are caught."""

import datetime as dt

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
from edoc.envelope.model import Organization, ResponseFor, StatusCode, StatusMessage
from edoc.envelope.names import DSIG
from edoc.envelope.parse import parse
from edoc.envelope.validate import validate
from edoc.timezone import VIETNAM
from tests.test_envelope import CORPUS


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


def test_rsa_sha1_signature_verifies_but_is_not_compliant(organisation):
    legacy = _LegacySigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA1,
        digest_algorithm=DigestAlgorithm.SHA1,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signed = sign_envelope(
        build(_status()), organisation.key, organisation.certificate, signer=legacy
    )
    result = verify_envelope(signed)
    assert result.valid is True
    assert result.algorithm == "rsa-sha1"
    assert result.compliant is False
    assert "SHA-1" in result.problem_en


def test_unsigned_envelope_says_so():
    result = verify_envelope(build(_status()))
    assert result.present is False
    assert result.valid is None
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
