"""The cryptography floor of Thông tư 15/2025/TT-BKHCN, Appendix I (signature-format.md §3).

One place for the rule, used by envelope signatures, PAdES signing and verification alike.
"""

from cryptography.hazmat.primitives.asymmetric import ec

#: Hash algorithms that are not allowed, as their lower-case names.
WEAK_HASHES = ("md5", "sha1")

#: The smallest allowed keys, in bits.
MIN_RSA_BITS = 2048
MIN_EC_BITS = 256


def is_weak_hash(name: str) -> bool:
    """Whether an algorithm name (``sha1``, ``rsa-sha1``, ``sha1_rsa``…) uses a weak hash."""
    lowered = name.lower()
    return any(weak in lowered for weak in WEAK_HASHES)


def key_floor(public_key, rsa_bits: int = MIN_RSA_BITS, ec_bits: int = MIN_EC_BITS) -> int:
    """The smallest allowed size of a key of ``public_key``'s kind (EC or RSA), in bits."""
    return ec_bits if isinstance(public_key, ec.EllipticCurvePublicKey) else rsa_bits
