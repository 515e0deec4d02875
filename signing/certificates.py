"""Certificates in the form pyHanko speaks, for signing (the signer's chain) and validation
(the trust roots) alike."""

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization


def asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """A cryptography certificate in asn1crypto's form, which pyHanko speaks."""
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
