"""What a batch verifies with, shared by every document a thread verifies.

A batch checks thousands of documents signed by the same few people under the same CA. The
OCSP and CRL fetchers (with the answers they cache) and a validation context at the
present time (with the chains and revocation answers it has already checked) are made once
and reused. They are renewed every ``RENEW_AFTER`` documents, so answers do not grow stale
over a long run and the per-fetcher request budget (pyHanko's guard against hostile files
that point at many URLs) is never exhausted by honest work.
"""

import threading
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers import Fetchers
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

from signing.certificates import asn1_certificate
from signing.validation.policy import Policy, Revocation

RENEW_AFTER = 200

_local = threading.local()


@dataclass
class Shared:
    """The trust anchors (as certvalidator wants them), the fetchers (None when revocation is
    off) and the present-time context of a thread."""

    key: tuple
    trust_roots: list
    fetchers: Fetchers | None
    context: ValidationContext
    uses: int = 0


def _key(policy: Policy) -> tuple:
    anchors = tuple(c.fingerprint(hashes.SHA256()) for c in policy.trust)
    return anchors, policy.revocation, policy.timeout_seconds


def shared_validation(policy: Policy) -> Shared:
    """What this thread verifies the next document with, under ``policy``."""
    shared = getattr(_local, "shared", None)
    key = _key(policy)
    if shared is None or shared.key != key or shared.uses >= RENEW_AFTER:
        fetchers = None
        if policy.revocation is not Revocation.OFF:
            backend = RequestsFetcherBackend(per_request_timeout=policy.timeout_seconds)
            fetchers = backend.get_fetchers()
        roots = [asn1_certificate(c) for c in policy.trust]
        context = ValidationContext(
            trust_roots=roots,
            allow_fetching=fetchers is not None,
            fetchers=fetchers,
            revocation_mode="hard-fail" if fetchers else "soft-fail",
        )
        shared = _local.shared = Shared(key, roots, fetchers, context)
    shared.uses += 1
    return shared


def renew_validation() -> None:
    """Make this thread's next document ask again: fresh fetchers and context. pyHanko keeps
    a failed fetch as the answer for the whole batch, which a later retry must not reuse."""
    _local.shared = None
