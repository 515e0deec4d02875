"""OCSP and CRL answers over HTTP, asked once per certificate for a whole batch.

A batch verifies thousands of documents signed by the same few people under the same CA:
the fetchers (and the answers they cache) are shared by every document a process verifies.
They are renewed every ``RENEW_AFTER`` documents, so answers do not grow stale over a long
run and the per-fetcher request budget (pyHanko's guard against hostile files that point
at many URLs) is never exhausted by honest work.
"""

import threading

from pyhanko_certvalidator.fetchers import Fetchers
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend

RENEW_AFTER = 200

_local = threading.local()


def shared_fetchers(timeout_seconds: float) -> Fetchers:
    """The fetchers this thread uses for the next document."""
    state = getattr(_local, "state", None)
    if state is None or state[0] != timeout_seconds or state[2] >= RENEW_AFTER:
        fetchers = RequestsFetcherBackend(per_request_timeout=timeout_seconds).get_fetchers()
        state = [timeout_seconds, fetchers, 0]
        _local.state = state
    state[2] += 1
    return state[1]
