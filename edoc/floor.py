"""The cryptography floor of Thông tư 15/2025/TT-BKHCN, Appendix I (signature-format.md §3).

One place for the rule, used by envelope signatures, PAdES signing and verification alike.
"""

#: Hash algorithms that are not allowed, as their lower-case names.
WEAK_HASHES = ("md5", "sha1")

#: The smallest allowed keys, in bits.
MIN_RSA_BITS = 2048
MIN_EC_BITS = 256


def is_weak_hash(name: str) -> bool:
    """Whether an algorithm name (``sha1``, ``rsa-sha1``, ``sha1_rsa``…) uses a weak hash."""
    lowered = name.lower()
    return any(weak in lowered for weak in WEAK_HASHES)
