"""Signing keys: a PKCS#12 file, or a key on a PKCS#11 token (the USB tokens agencies use).

Either way the result is a :class:`SigningKey`: the certificate, its chain, and a private key
object with cryptography's ``sign(data, padding, algorithm)`` so that any signer (XML-DSig,
CMS) can use it. Mistakes users make get a clear message: a wrong password, a legacy PKCS#12
that OpenSSL 3 no longer reads, a token or key that is not there.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pkcs11
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import AsymmetricPadding, PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from pkcs11 import Attribute, ObjectClass
from pkcs11.exceptions import NoSuchKey, NoSuchToken, PinIncorrect, PKCS11Error

from edoc.errors import SigningKeyError
from edoc.files import read_input


@dataclass(frozen=True, eq=False)
class SigningKey:
    """A private key with the certificate that names its holder and the chain above it.

    Two SigningKey objects are the same only if they are one object: whatever is cached for
    a key (its pyHanko signer, its CMS template) belongs to that opened key.
    """

    certificate: x509.Certificate
    private_key: Any
    chain: tuple[x509.Certificate, ...] = ()
    source: str = ""


def load_pkcs12(path: Path, password: str | None) -> SigningKey:
    """The key and certificates of a PKCS#12 file; ``password`` may be empty or None."""
    return pkcs12_key(read_input(path, SigningKeyError), password, path)


def pkcs12_key(data: bytes, password: str | None, source: Path | str) -> SigningKey:
    """The key and certificates of PKCS#12 ``data`` read from ``source`` (a file, or a key
    the server holds for a user), named in errors."""
    secret = password.encode() if password else None
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, secret)
    except ValueError as error:
        legacy = _legacy_algorithms(data)
        if legacy:
            raise _legacy(source, legacy) from error
        raise SigningKeyError(
            "Sai mật khẩu, hoặc tệp không phải PKCS#12.",
            "Wrong password, or not a PKCS#12 file.",
            path=source,
        ) from error
    if key is None or certificate is None:
        raise SigningKeyError(
            "Tệp PKCS#12 không chứa cả khóa bí mật lẫn chứng thư số.",
            "The PKCS#12 file does not hold both a private key and a certificate.",
            path=source,
        )
    return SigningKey(certificate, key, tuple(chain), str(source))


_LEGACY_MARKERS = ("rc2", "rc4", "_des", "des_")


def _legacy_algorithms(data: bytes) -> list[str]:
    """The legacy ciphers (RC2, RC4, single DES) a PKCS#12 file is encrypted with, if any."""
    try:
        pfx = asn1_pkcs12.Pfx.load(data)
        safe = asn1_pkcs12.AuthenticatedSafe.load(pfx["auth_safe"]["content"].native)
        found = [
            info["content"]["encrypted_content_info"]["content_encryption_algorithm"][
                "algorithm"
            ].native
            for info in safe
            if info["content_type"].native == "encrypted_data"
        ]
    except (ValueError, TypeError, KeyError):
        return []
    return [name for name in found if any(m in name for m in _LEGACY_MARKERS)]


def _legacy(path: Path | str, algorithms: list[str]) -> SigningKeyError:
    command = f"openssl pkcs12 -legacy -in {path} -nodes | openssl pkcs12 -export -out new.p12"
    names = ", ".join(algorithms)
    return SigningKeyError(
        f"Sai mật khẩu, hoặc tệp PKCS#12 dùng mã hóa cũ ({names}) mà OpenSSL 3 trên máy này "
        f"không đọc. Nếu mật khẩu đúng, hãy chuyển đổi: {command}",
        f"Wrong password, or the PKCS#12 file uses legacy encryption ({names}) that this "
        f"machine's OpenSSL 3 does not read. If the password is right, convert it: {command}",
        path=path,
    )


_HASH_MECHANISMS = {
    "sha256": pkcs11.Mechanism.SHA256_RSA_PKCS,
    "sha384": pkcs11.Mechanism.SHA384_RSA_PKCS,
    "sha512": pkcs11.Mechanism.SHA512_RSA_PKCS,
}


@dataclass
class TokenPrivateKey:
    """An RSA key on a PKCS#11 token, signing through the token: the key never leaves it."""

    session: Any
    key: Any
    certificate: x509.Certificate
    _closed: bool = field(default=False, repr=False)

    def sign(
        self, data: bytes, padding: AsymmetricPadding, algorithm: hashes.HashAlgorithm
    ) -> bytes:
        if not isinstance(padding, PKCS1v15):
            raise SigningKeyError(
                "Token chỉ ký được theo PKCS#1 v1.5 ở đây.",
                "The token signs with PKCS#1 v1.5 only here.",
            )
        mechanism = _HASH_MECHANISMS.get(algorithm.name)
        if mechanism is None:
            raise SigningKeyError(
                f"Token không ký được với hàm băm {algorithm.name}.",
                f"The token cannot sign with hash {algorithm.name}.",
            )
        return self.key.sign(data, mechanism=mechanism)

    def public_key(self) -> rsa.RSAPublicKey:
        return self.certificate.public_key()

    @property
    def key_size(self) -> int:
        return self.certificate.public_key().key_size

    def close(self) -> None:
        if not self._closed:
            self.session.close()
            self._closed = True


def open_token_key(
    module: Path,
    token_label: str,
    key_label: str | None,
    pin: str | None,
    certificate_sha256: str | None = None,
) -> SigningKey:
    """A key on the PKCS#11 token ``token_label``, with its certificate.

    The key is chosen by its label, or by the SHA-256 fingerprint of its certificate (the key
    is then the private key with the certificate's CKA_ID), as tokens holding several
    certificates need. The session stays open for signing; close it with
    ``signing_key.private_key.close()``.
    """
    try:
        library = pkcs11.lib(str(module))
    except (OSError, RuntimeError, PKCS11Error) as error:
        raise SigningKeyError(
            f"Không nạp được thư viện PKCS#11: {error}.",
            f"Cannot load the PKCS#11 library: {error}.",
            path=module,
        ) from error
    library.reinitialize()
    try:
        token = library.get_token(token_label=token_label)
    except NoSuchToken as error:
        labels = ", ".join(t.label for t in library.get_tokens() if t.label) or "-"
        raise SigningKeyError(
            f"Không thấy token «{token_label}» (các token đang cắm: {labels}).",
            f"No token labelled '{token_label}' (tokens present: {labels}).",
        ) from error
    try:
        session = token.open(user_pin=pin)
    except PinIncorrect as error:
        raise SigningKeyError("Sai mã PIN của token.", "Wrong token PIN.") from error
    wanted = f"sha256 {certificate_sha256}" if certificate_sha256 else f"'{key_label}'"
    try:
        if certificate_sha256:
            certificates = [
                c
                for c in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})
                if hashlib.sha256(c[Attribute.VALUE]).hexdigest()
                == certificate_sha256.lower().replace(":", "")
            ]
            if not certificates:
                raise NoSuchKey()
            key = session.get_key(
                object_class=ObjectClass.PRIVATE_KEY, id=certificates[0][Attribute.ID]
            )
        else:
            key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=key_label)
            certificates = list(
                session.get_objects(
                    {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: key_label}
                )
            )
    except NoSuchKey as error:
        session.close()
        raise SigningKeyError(
            f"Token «{token_label}» không có khóa {wanted}.",
            f"Token '{token_label}' has no key {wanted}.",
        ) from error
    if not certificates:
        session.close()
        raise SigningKeyError(
            f"Token «{token_label}» không có chứng thư số {wanted}.",
            f"Token '{token_label}' has no certificate {wanted}.",
        )
    certificate = x509.load_der_x509_certificate(certificates[0][Attribute.VALUE])
    private_key = TokenPrivateKey(session, key, certificate)
    return SigningKey(certificate, private_key, (), f"pkcs11:{token_label}/{wanted}")
