"""The envelope's XML-DSig: an enveloped RSA-SHA256 signature by the sending agency.

The signature sits in ``edXMLHeader`` and covers the whole envelope (``Reference URI=""``,
enveloped-signature transform, exclusive c14n); ``KeyInfo/X509Data`` carries the signer's
subject name and certificate. The 2018 samples of the standard signed with rsa-sha1: such a
signature still verifies, but it is below today's floor, so it is reported as non-compliant
(check code ENV_SIGNATURE), never as broken. The hub's SDK writes its Signature without
``xmlns``, so that it falls in edXML's namespace: it is read as the XML-DSig its signer made,
verified, and reported as non-compliant, since XML-DSig software will not find it.
"""

import base64
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass, replace

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
from edoc.envelope.names import DSIG, NS, q
from edoc.envelope.safe_xml import DEFAULT_LIMITS, Limits, read_tree, xml_parser
from edoc.errors import EnvelopeError
from edoc.floor import is_weak_hash
from edoc.untrusted import untrusted_text

_ANY_ALGORITHM = SignatureConfiguration(
    signature_methods=frozenset(SignatureMethod),
    digest_algorithms=frozenset(DigestAlgorithm),
)


@dataclass(frozen=True)
class EnvelopeSignature:
    """What the envelope's signature is and whether it holds; ``xmldsig_namespace`` says
    whether it is in XML-DSig's namespace (None when there is no signature)."""

    present: bool
    valid: bool | None = None
    algorithm: str = ""
    digest_algorithm: str = ""
    signer_subject: str = ""
    certificate: x509.Certificate | None = None
    problem_vi: str = ""
    problem_en: str = ""
    xmldsig_namespace: bool | None = None

    @property
    def compliant(self) -> bool:
        """Present, intact, in XML-DSig's namespace, and with algorithms at or above the
        floor."""
        weak = is_weak_hash(f"{self.algorithm} {self.digest_algorithm}")
        return self.present and bool(self.valid) and self.xmldsig_namespace and not weak


class _Signer(XMLSigner):
    """signxml's signer, reading the envelope again with edoc's parser: with its own, a file
    over 10 MB in an attachment (one text node) would be an error."""

    @property
    def parser(self) -> etree.XMLParser:
        return xml_parser()


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
    for old in [*header.iterchildren(f"{{{DSIG}}}Signature", q("Signature"))]:
        header.remove(old)
    placeholder = etree.SubElement(header, f"{{{DSIG}}}Signature", nsmap={None: DSIG})
    placeholder.set("Id", "placeholder")
    placeholder.tail = "\n"
    signer = signer or _Signer(
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


_OUTSIDE_XMLDSIG = (
    f"Chữ ký nằm trong không gian tên của edXML chứ không phải của XML-DSig ({DSIG}): "
    "phần mềm XML-DSig sẽ không tìm thấy.",
    f"The signature is in edXML's namespace, not in XML-DSig's ({DSIG}): XML-DSig software "
    "will not find it.",
)


def _signatures(root: etree._Element) -> list[etree._Element]:
    """Every Signature below the root: XML-DSig's, and the SDK's in edXML's namespace."""
    return list(root.iterdescendants(f"{{{DSIG}}}Signature", q("Signature")))


def _in_xmldsig(tag: str) -> str:
    return f"{{{DSIG}}}{tag.removeprefix(f'{{{NS}}}')}" if tag.startswith(f"{{{NS}}}") else tag


def _moved_to_xmldsig(signature: etree._Element) -> etree._Element:
    """The Signature written in edXML's namespace, put in place into XML-DSig's as its
    signer made it (a default namespace, no prefix): what signxml checks. Only the signature
    is written anew, in the verifier's own tree: the rest, attachments and all, stays as it
    is."""
    moved = etree.Element(_in_xmldsig(signature.tag), signature.attrib, nsmap={None: DSIG})
    moved.text, moved.tail = signature.text, signature.tail
    pending = [(signature, moved)]
    while pending:  # not recursive: a hostile signature may nest deeper than Python's stack
        source, target = pending.pop()
        for child in source:
            if isinstance(child.tag, str):
                made = etree.SubElement(target, _in_xmldsig(child.tag), child.attrib)
                made.text = child.text
                pending.append((child, made))
            else:  # a comment or a processing instruction
                made = deepcopy(child)
                target.append(made)
            made.tail = child.tail
    signature.getparent().replace(signature, moved)
    return moved


def _verdict(found: dict, valid: bool, problems: list[tuple[str, str]]) -> EnvelopeSignature:
    return EnvelopeSignature(
        **found,
        valid=valid,
        problem_vi=" ".join(vi for vi, _ in problems),
        problem_en=" ".join(en for _, en in problems),
    )


def verify_envelope(data: bytes, limits: Limits = DEFAULT_LIMITS) -> EnvelopeSignature:
    """Check the envelope's signature: intact, over the whole envelope, by its own certificate.

    Whether the certificate is trusted, or was valid when it signed, is the business of
    signature verification with the configured trust anchors; this says who signed and
    whether the bytes are unchanged.
    """
    tree, _ = read_tree(data, limits)
    root = tree.getroot()
    signatures = _signatures(root)
    if not signatures:
        return EnvelopeSignature(
            present=False,
            problem_vi="Gói tin không có chữ ký số XML.",
            problem_en="The envelope carries no XML signature.",
        )
    signature = signatures[0]
    xmldsig = signature.tag == f"{{{DSIG}}}Signature"
    if not xmldsig:
        try:
            signature = _moved_to_xmldsig(signature)
        except ValueError:  # a name lxml read but will not write (a namespace with a '}')
            return _verdict(
                {"present": True, "xmldsig_namespace": False},
                False,
                [
                    _OUTSIDE_XMLDSIG,
                    (
                        "Chữ ký có tên phần tử hay thuộc tính không hợp lệ.",
                        "The signature holds an invalid element or attribute name.",
                    ),
                ],
            )
    algorithm = _algorithm(signature, f"{{{DSIG}}}SignedInfo/{{{DSIG}}}SignatureMethod")
    digest = _algorithm(signature, f".//{{{DSIG}}}Reference/{{{DSIG}}}DigestMethod")
    certificate_text = signature.findtext(f".//{{{DSIG}}}X509Certificate")
    found = {
        "present": True,
        "algorithm": algorithm,
        "digest_algorithm": digest,
        "xmldsig_namespace": xmldsig,
    }
    problems = [] if xmldsig else [_OUTSIDE_XMLDSIG]
    if len(signatures) > 1:
        problems.append(
            (
                "Gói tin có nhiều chữ ký XML: nghi bị bọc chữ ký.",
                "The envelope holds several XML signatures: possible signature wrapping.",
            )
        )
        return _verdict(found, False, problems)
    references = signature.findall(f"{{{DSIG}}}SignedInfo/{{{DSIG}}}Reference")
    if [r.get("URI") for r in references] != [""]:
        problems.append(
            (
                "Chữ ký không bao trùm toàn bộ gói tin (Reference URI phải rỗng).",
                "The signature does not cover the whole envelope (Reference URI must be empty).",
            )
        )
        return _verdict(found, False, problems)
    try:
        certificate = x509.load_der_x509_certificate(
            base64.b64decode("".join((certificate_text or "").split()))
        )
    except ValueError:
        problems.append(
            (
                "Chữ ký không kèm chứng thư số đọc được.",
                "The signature carries no readable certificate.",
            )
        )
        return _verdict(found, False, problems)
    found["signer_subject"] = untrusted_text(certificate.subject.rfc4514_string())
    found["certificate"] = certificate
    config = replace(_ANY_ALGORITHM, verification_time=certificate.not_valid_before_utc)
    try:  # signxml reads the tree again: with edoc's parser, so that a large file is no error
        XMLVerifier().verify(root, x509_cert=certificate, expect_config=config, parser=xml_parser())
    except (InvalidSignature, InvalidInput) as error:
        detail = str(error).rstrip(": ")  # signxml ends some reasons with an empty one
        problems.append(
            (
                f"Chữ ký XML không khớp nội dung gói tin: {detail}.",
                f"The XML signature does not match the envelope: {detail}.",
            )
        )
        return _verdict(found, False, problems)
    if is_weak_hash(f"{algorithm} {digest}"):
        problems.append(
            (
                f"Chữ ký dùng thuật toán {algorithm}/{digest} dưới mức tối thiểu (SHA-1).",
                f"The signature uses {algorithm}/{digest}, below the floor (SHA-1).",
            )
        )
    return _verdict(found, True, problems)
