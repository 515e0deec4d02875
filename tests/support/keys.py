"""Signing keys of the test PKI, and a key whose certificate names its holder as a hostile
CA may."""

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from signing.sign.keys import SigningKey


def key_of(pki, name: str) -> SigningKey:
    """The test PKI's signing key ``name``."""
    return pki.signing_key(name)


def renamed(pki, name: str, common_name: str, organisation: str) -> SigningKey:
    """Credential ``name`` with a certificate of the same key, issuer and extensions whose
    subject says ``common_name`` and ``organisation`` (what a hostile CA may write)."""
    credential = pki[name]
    issuer = next(c for c in pki.credentials.values() if c.certificate == credential.chain[0])
    old = credential.certificate
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(old.issuer)
        .public_key(old.public_key())
        .serial_number(old.serial_number + 1)
        .not_valid_before(old.not_valid_before_utc)
        .not_valid_after(old.not_valid_after_utc)
    )
    for extension in old.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    certificate = builder.sign(issuer.key, hashes.SHA256())
    return SigningKey(certificate, credential.key, credential.chain, name)
