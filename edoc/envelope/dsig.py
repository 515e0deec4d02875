"""The envelope's XML-DSig: an enveloped RSA-SHA256 signature by the sending agency.

The signature sits in ``edXMLHeader`` and covers the whole envelope (``Reference URI=""``,
enveloped-signature transform, exclusive c14n); ``KeyInfo/X509Data`` carries the signer's
subject name and certificate. The 2018 samples of the standard signed with rsa-sha1: such a
signature still verifies, but it is below today's floor, so it is reported as non-compliant
(check code ENV_SIGNATURE), never as broken.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
    methods,
)
from signxml.exceptions import InvalidInput, InvalidSignature

from edoc.envelope.build import XML_DECLARATION
from edoc.envelope.names import DSIG, NS
from edoc.envelope.parse import DEFAULT_LIMITS, Limits, read_tree
from edoc.errors import EnvelopeError
from edoc.floor import is_weak_hash

_ANY_ALGORITHM = SignatureConfiguration(
    signature_methods=frozenset(SignatureMethod),
    digest_algorithms=frozenset(DigestAlgorithm),
)


@dataclass(frozen=True)
class EnvelopeSignature:
    """What the envelope's signature is and whether it holds."""

    present: bool
    valid: bool | None = None
    algorithm: str = ""
    digest_algorithm: str = ""
    signer_subject: str = ""
    certificate: x509.Certificate | None = None
    problem_vi: str = ""
    problem_en: str = ""

    @property
    def compliant(self) -> bool:
        """Present, intact, and with algorithms at or above the floor."""
        weak = is_weak_hash(f"{self.algorithm} {self.digest_algorithm}")
        return self.present and bool(self.valid) and not weak


def _key_info(certificate: x509.Certificate) -> etree._Element:
    key_info = etree.Element(f"{{{DSIG}}}KeyInfo", nsmap={"ds": DSIG})
    data = etree.SubElement(key_info, f"{{{DSIG}}}X509Data")
    etree.SubElement(data, f"{{{DSIG}}}X509SubjectName").text = certificate.subject.rfc4514_string()
    der = certificate.public_bytes(serialization.Encoding.DER)
    etree.SubElement(data, f"{{{DSIG}}}X509Certificate").text = base64.b64encode(der).decode()
    return key_info


def sign_envelope(
    data: bytes,
    key: rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
    signer: XMLSigner | None = None,
) -> bytes:
    """Sign an edXML file as the sending agency; an earlier envelope signature is replaced.

    ``signer`` lets tests make legacy signatures; edoc itself always signs with RSA-SHA256.
    """
    tree, _ = read_tree(data)
    root = tree.getroot()
    header = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader")
    if header is None:
        raise EnvelopeError("Thiếu edXMLHeader để đặt chữ ký.", "No edXMLHeader to sign in.")
    for old in header.findall(f"{{{DSIG}}}Signature"):
        header.remove(old)
    placeholder = etree.SubElement(header, f"{{{DSIG}}}Signature", nsmap={None: DSIG})
    placeholder.set("Id", "placeholder")
    placeholder.tail = "\n"
    signer = signer or XMLSigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    )
    signer.namespaces = {None: DSIG}
    signed = signer.sign(root, key=key, cert=[certificate, *chain], key_info=_key_info(certificate))
    return XML_DECLARATION + etree.tostring(signed, encoding="UTF-8")


def _algorithm(signature: etree._Element, path: str) -> str:
    element = signature.find(path)
    uri = element.get("Algorithm", "") if element is not None else ""
    return uri.rsplit("#", 1)[-1]


def verify_envelope(data: bytes, limits: Limits = DEFAULT_LIMITS) -> EnvelopeSignature:
    """Check the envelope's signature: intact, over the whole envelope, by its own certificate.

    Whether the certificate is trusted is the business of signature verification with the
    configured trust anchors; this says who signed and whether the bytes are unchanged.
    """
    tree, _ = read_tree(data, limits)
    root = tree.getroot()
    signatures = root.findall(f".//{{{DSIG}}}Signature")
    if not signatures:
        return EnvelopeSignature(
            present=False,
            problem_vi="Gói tin không có chữ ký số XML.",
            problem_en="The envelope carries no XML signature.",
        )
    signature = signatures[0]
    algorithm = _algorithm(signature, f"{{{DSIG}}}SignedInfo/{{{DSIG}}}SignatureMethod")
    digest = _algorithm(signature, f".//{{{DSIG}}}Reference/{{{DSIG}}}DigestMethod")
    certificate_text = signature.findtext(f".//{{{DSIG}}}X509Certificate")
    found = {"present": True, "algorithm": algorithm, "digest_algorithm": digest}
    if len(signatures) > 1:
        return EnvelopeSignature(
            **found,
            valid=False,
            problem_vi="Gói tin có nhiều chữ ký XML: nghi bị bọc chữ ký.",
            problem_en="The envelope holds several XML signatures: possible signature wrapping.",
        )
    references = signature.findall(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}Reference")
    if [r.get("URI") for r in references] != [""]:
        return EnvelopeSignature(
            **found,
            valid=False,
            problem_vi="Chữ ký không bao trùm toàn bộ gói tin (Reference URI phải rỗng).",
            problem_en=(
                "The signature does not cover the whole envelope (Reference URI must be empty)."
            ),
        )
    try:
        certificate = x509.load_der_x509_certificate(
            base64.b64decode("".join((certificate_text or "").split()))
        )
    except ValueError:
        return EnvelopeSignature(
            **found,
            valid=False,
            problem_vi="Chữ ký không kèm chứng thư số đọc được.",
            problem_en="The signature carries no readable certificate.",
        )
    found["signer_subject"] = certificate.subject.rfc4514_string()
    found["certificate"] = certificate
    try:
        XMLVerifier().verify(root, x509_cert=certificate, expect_config=_ANY_ALGORITHM)
    except (InvalidSignature, InvalidInput) as error:
        return EnvelopeSignature(
            **found,
            valid=False,
            problem_vi=f"Chữ ký XML không khớp nội dung gói tin: {error}",
            problem_en=f"The XML signature does not match the envelope: {error}",
        )
    if is_weak_hash(f"{algorithm} {digest}"):
        return EnvelopeSignature(
            **found,
            valid=True,
            problem_vi=f"Chữ ký dùng thuật toán {algorithm}/{digest} dưới mức tối thiểu (SHA-1).",
            problem_en=f"The signature uses {algorithm}/{digest}, below the floor (SHA-1).",
        )
    return EnvelopeSignature(**found, valid=True)
