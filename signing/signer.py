"""A pyHanko signer over a :class:`~signing.keys.SigningKey`, loaded once, whatever holds the key.

pyHanko's SimpleSigner parses and re-validates its private key for every signature; in a batch
that is most of the cost of an RSA signature. This signer keeps the key object it is given (a
cryptography key from a PKCS#12 file, or a key on a PKCS#11 token) and the certificates
already in pyHanko's form, so each signature costs one private-key operation.
"""

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.keys import SigningKey

_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """A cryptography certificate in asn1crypto's form, which pyHanko speaks."""
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class KeySigner(Signer):
    """Signs CMS for pyHanko with a key that is loaded once (RSA, PKCS#1 v1.5)."""

    def __init__(self, key: SigningKey) -> None:
        super().__init__(
            signing_cert=asn1_certificate(key.certificate),
            cert_registry=SimpleCertificateStore.from_certs(
                [asn1_certificate(c) for c in key.chain]
            ),
        )
        self.key = key
        self._signature_size = key.certificate.public_key().key_size // 8

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(self._signature_size)
        algorithm = _HASHES[digest_algorithm.lower()]()
        return self.key.private_key.sign(data, PKCS1v15(), algorithm)
