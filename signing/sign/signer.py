"""A pyHanko signer over a :class:`~signing.sign.keys.SigningKey`, built for batches.

pyHanko's SimpleSigner parses and re-validates its private key for every signature and
rebuilds the whole CMS structure with asn1crypto each time; in a batch that is most of the
cost. This signer keeps the key object it is given (a cryptography key from a PKCS#12 file,
or a key on a PKCS#11 token) and, for PAdES B-B signatures, makes the CMS from a template:
pyHanko builds the first signature's structure with marker values, and every later one
splices in its own message digest and signature value (both of fixed length), so that each
signature costs one hash and one private-key operation.
"""

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from asn1crypto import cms
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing.certificates import asn1_certificate
from signing.sign.keys import SigningKey

#: Room for a timestamp token in a signature's /Contents (the TSA's chain included).
TIMESTAMP_ROOM = 12_000

_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


@dataclass(frozen=True)
class _Template:
    """A CMS SignedData with two holes: the message digest and the signature value."""

    attributes: tuple[bytes, bytes]
    content_info: tuple[bytes, bytes, bytes]

    def fill(self, digest: bytes, sign) -> cms.ContentInfo:
        head, tail = self.attributes
        signature = sign(head + digest + tail)
        before, between, after = self.content_info
        return cms.ContentInfo.load(before + digest + between + signature + after)


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
        self._certificates_size = sum(
            len(c.public_bytes(serialization.Encoding.DER)) for c in (key.certificate, *key.chain)
        )
        self._templates: dict[str, _Template] = {}
        self._marker_signature: bytes | None = None

    def reserved_bytes(self, timestamped: bool) -> int:
        """Room for this key's CMS in /Contents, so pyHanko need not build a dummy to measure.

        The CMS holds the certificates, the signed attributes and the signature value; a
        timestamp token adds its own. The slack is generous: unused room is zero padding.
        """
        size = self._certificates_size + self._signature_size + 3_000
        size += TIMESTAMP_ROOM if timestamped else 0
        return 2 * size  # pyHanko counts the hexadecimal digits of /Contents

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if self._marker_signature is not None:
            return self._marker_signature
        if dry_run:
            return bytes(self._signature_size)
        return self._raw(data, digest_algorithm)

    def _raw(self, data: bytes, digest_algorithm: str) -> bytes:
        algorithm = _HASHES[digest_algorithm.lower()]()
        return self.key.private_key.sign(data, PKCS1v15(), algorithm)

    async def async_sign(
        self,
        data_digest: bytes,
        digest_algorithm: str,
        dry_run=False,
        use_pades=False,
        timestamper=None,
        signed_attr_settings: PdfCMSSignedAttributes | None = None,
        is_pdf_sig=True,
        encap_content_info=None,
    ) -> cms.ContentInfo:
        plain = (
            use_pades
            and is_pdf_sig
            and not dry_run
            and timestamper is None
            and encap_content_info is None
            and (
                signed_attr_settings is None
                or (
                    signed_attr_settings.adobe_revinfo_attr is None
                    and signed_attr_settings.cades_signed_attrs is None
                )
            )
        )
        if not plain:
            return await super().async_sign(
                data_digest,
                digest_algorithm,
                dry_run=dry_run,
                use_pades=use_pades,
                timestamper=timestamper,
                signed_attr_settings=signed_attr_settings,
                is_pdf_sig=is_pdf_sig,
                encap_content_info=encap_content_info,
            )
        template = self._templates.get(digest_algorithm)
        if template is None:
            template = await self._template(digest_algorithm, len(data_digest))
            self._templates[digest_algorithm] = template
        return template.fill(data_digest, lambda data: self._raw(data, digest_algorithm))

    async def _template(self, digest_algorithm: str, digest_size: int) -> _Template:
        """Let pyHanko build a PAdES CMS with marker values, and cut it around them."""
        marker_digest = b"\xa5" * digest_size
        self._marker_signature = b"\x5a" * self._signature_size
        try:
            attributes = await self.signed_attrs(
                marker_digest, digest_algorithm, use_pades=True, is_pdf_sig=True
            )
            content_info = await self.async_sign_prescribed_attributes(digest_algorithm, attributes)
        finally:
            marker_signature, self._marker_signature = self._marker_signature, None
        signed = attributes.dump()
        whole = content_info.dump()
        at = signed.index(marker_digest)
        digest_at = whole.index(marker_digest)
        signature_at = whole.index(marker_signature)
        if signed.count(marker_digest) != 1 or whole.count(marker_signature) != 1:
            raise ValueError("CMS template markers are not unique")
        return _Template(
            attributes=(signed[:at], signed[at + digest_size :]),
            content_info=(
                whole[:digest_at],
                whole[digest_at + digest_size : signature_at],
                whole[signature_at + self._signature_size :],
            ),
        )


_signers: "WeakKeyDictionary[SigningKey, KeySigner]" = WeakKeyDictionary()


def signer_for(key: SigningKey) -> KeySigner:
    """The one KeySigner of an opened key, so its CMS template is built once per batch."""
    signer = _signers.get(key)
    if signer is None:
        signer = _signers[key] = KeySigner(key)
    return signer
