"""Structural faults of a signature that pyHanko tolerates and a strict validator must not.

- Signed attributes not in DER: RFC 5652 §5.4 computes the signature over their DER
  encoding. pyHanko (like Adobe) verifies over the bytes as found; a signature that only
  verifies over a non-DER encoding is not valid (the EU DSS validator, through BouncyCastle,
  rejects it: HASH_FAILURE in its test suite).
- An issuer that is not a CA: every certificate that issues another in a path must be a CA
  (RFC 5280 §4.2.1.9, §6.1.4). The chain the document carries shows it without any trust
  anchor, so the fault is reported even where trust itself stays unknown.
"""

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from pyhanko.sign.validation import EmbeddedPdfSignature
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator, SignatureValidationContext

from edoc.untrusted import untrusted_text


def signed_attributes_not_der(embedded: EmbeddedPdfSignature) -> bool:
    """Whether the signature holds only over a non-DER encoding of its signed attributes."""
    try:
        signer = embedded.signer_info
        attributes = signer["signed_attrs"]
        if not attributes.contents:
            return False
        encodings = [attribute.dump() for attribute in attributes]
        if encodings == sorted(encodings):  # DER's order of a SET OF: the usual case, cheaply
            return False
        found = b"\x31" + attributes.dump()[1:]  # [0] IMPLICIT, signed as a universal SET OF
        der = cms.CMSAttributes.load(found).dump(force=True)
    except Exception:  # undecodable: the other checks report it
        return False
    if der == found:
        return False
    try:
        DefaultSignatureValidator().validate_signature(
            signer["signature"].native,
            der,
            embedded.signer_cert.public_key,
            signer["signature_algorithm"],
            SignatureValidationContext(
                contextual_md_algorithm=signer["digest_algorithm"]["algorithm"].native
            ),
        )
    except Exception:  # does not verify over DER
        return True
    return False


def _issued_by(child: asn1_x509.Certificate, issuer: asn1_x509.Certificate) -> bool:
    if child.issuer != issuer.subject:
        return False
    try:
        DefaultSignatureValidator().validate_signature(
            child["signature_value"].native,
            child["tbs_certificate"].dump(),
            issuer.public_key,
            child["signature_algorithm"],
        )
    except Exception:  # not this issuer's signature
        return False
    return True


def _not_a_ca(certificate: asn1_x509.Certificate) -> str | None:
    if certificate["tbs_certificate"]["version"].native == "v1":
        return None  # legacy v1 roots carry no extensions at all
    constraints, usage = certificate.basic_constraints_value, certificate.key_usage_value
    if certificate.self_issued and _issued_by(certificate, certificate):
        # a self-signed root's properties come from outside (RFC 5280 §6.1): only an
        # explicit denial counts, as old roots without basicConstraints exist
        if constraints is not None and not constraints["ca"].native:
            return "basicConstraints cA=false"
        return None
    if constraints is None or not constraints["ca"].native:
        return "basicConstraints cA " + ("absent" if constraints is None else "false")
    if usage is not None and "key_cert_sign" not in usage.native:
        return "keyUsage without keyCertSign"
    return None


def issuer_not_ca(embedded: EmbeddedPdfSignature) -> str | None:
    """Which certificate of the chain the signature carries issues another without being a
    CA, or None. Issuers are only taken as such when the child's signature verifies."""
    pool = list(embedded.other_embedded_certs)
    certificate, seen = embedded.signer_cert, set()
    while certificate.self_signed == "no" and certificate.sha256 not in seen:
        seen.add(certificate.sha256)
        issuer = next(
            (c for c in pool if c.sha256 != certificate.sha256 and _issued_by(certificate, c)),
            None,
        )
        if issuer is None:
            return None
        problem = _not_a_ca(issuer)
        if problem:
            return f"{untrusted_text(issuer.subject.human_friendly)} ({problem})"
        certificate = issuer
    return None
