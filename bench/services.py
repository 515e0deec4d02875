"""How fast the test PKI's services answer over loopback: OCSP and TSA requests per second.

Signing at B-T asks the TSA once per signature and verifying asks OCSP once per certificate
(before caching), so these rates bound the batch benchmarks that use the local services.

    .venv/bin/python bench/services.py [--requests 400] [--clients 4]
"""

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from edoc.server import free_port
from fixtures.pki import build_pki
from fixtures.selfcheck import ocsp_status, timestamp_status
from fixtures.services import PKIServer


def _rate(call, requests: int, clients: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda _: call(), range(requests)))
    elapsed = time.perf_counter() - start
    assert len(results) == requests
    return requests / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        pki = build_pki(base_url=f"http://127.0.0.1:{free_port()}", key_cache=Path(cache))
        cold = time.perf_counter() - start
        start = time.perf_counter()
        build_pki(base_url=pki.base_url, key_cache=Path(cache))
        warm = time.perf_counter() - start
    print(f"PKI build: {cold:.1f} s with key derivation, {warm:.2f} s from the key cache")
    with PKIServer(pki):
        ocsp = _rate(lambda: ocsp_status(pki, "h26-leader"), args.requests, args.clients)
        tsa = _rate(lambda: timestamp_status(pki), args.requests, args.clients)
    print(f"OCSP: {ocsp:.0f} responses/s ({args.requests} requests, {args.clients} clients)")
    print(f"TSA:  {tsa:.0f} tokens/s ({args.requests} requests, {args.clients} clients)")


if __name__ == "__main__":
    main()
