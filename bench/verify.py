"""Verification throughput: edoc's batch against plain pyHanko, in the same run, same documents.

Each document is a 2-page Công văn with the personal and the organisation signature (B-B,
signed by edoc beforehand). Both verifiers trust the test PKI's root and check revocation
against its OCSP server on loopback (hard fail). Plain pyHanko (``bench/plain_verify.py``, in
its own process) is what a script would write from its documentation: one reader and one
ValidationContext per document, ``validate_pdf_signature`` per signature, one process. edoc
runs ``verify_batch`` with the full report (Nghị định 30 rules, appearance, modification
analysis) on every core.

    .venv/bin/python -m bench.verify [--documents 1000] [--baseline 20] [--jobs N]
"""

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from bench.sign import edoc_batch
from fixtures.agencies import HA_NOI
from fixtures.documents import cong_van
from fixtures.export import write_pki
from fixtures.images import seal_image, signature_image
from fixtures.pki import build_pki
from fixtures.services import PKIServer, free_port
from signing.geometry import Box
from signing.pades import Options
from signing.policy import DEFAULT_POLICY
from signing.verify_batch import verify_batch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=20, help="documents for plain pyHanko")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    letter = cong_van(HA_NOI)
    images = (signature_image(HA_NOI.deputy), seal_image(HA_NOI))
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        pki = build_pki(base_url=f"http://127.0.0.1:{free_port()}", key_cache=root / "cache")
        write_pki(pki, root / "pki")
        (root / "in").mkdir()
        for number in range(args.documents):
            (root / "in" / f"{number:05d}.pdf").write_bytes(letter.pdf)
        area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
        edoc_batch(root, root / "pki" / "keys", images, area, args.jobs, Options())
        paths = sorted((root / "both").glob("*.pdf"))
        (root / "root.pem").write_bytes(
            b"".join(c.public_bytes(serialization.Encoding.PEM) for c in pki.trust_anchors)
        )
        policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "hard")
        with PKIServer(pki):
            baseline = [sys.executable, "-m", "bench.plain_verify", str(root / "root.pem")]
            baseline += [str(p) for p in paths[: args.baseline]]
            plain = float(subprocess.run(baseline, check=True, capture_output=True).stdout)

            start = time.perf_counter()
            verdicts = [o.report.verdict.value for o in verify_batch(paths, policy, args.jobs)]
            rate = len(paths) / (time.perf_counter() - start)
            if set(verdicts) != {"compliant"}:
                raise SystemExit(f"edoc verdicts: {sorted(set(verdicts))}")

    print(f"plain pyHanko, 1 process:       {plain:7.1f} documents/s ({args.baseline} documents, "
          "2 signatures each, OCSP on loopback)")  # fmt: skip
    print(f"edoc verify_batch, {args.jobs} processes: {rate:7.1f} documents/s "
          f"({len(paths)} documents, full report)")  # fmt: skip
    print(f"ratio: {rate / plain:.1f}x plain pyHanko (target: 5x)")


if __name__ == "__main__":
    main()
