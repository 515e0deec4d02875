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

import logging
import subprocess
import sys
import time

from cryptography.hazmat.primitives import serialization

from bench.sign import arguments, edoc_batch, workspace
from fixtures.services import PKIServer
from signing.geometry import Box
from signing.sign.pades import Options
from signing.validation.batch import verify_batch
from signing.validation.policy import DEFAULT_POLICY


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    logging.disable(logging.WARNING)
    with workspace() as work:
        root, pki, letter = work.root, work.pki, work.letter
        work.copies(root / "in", args.documents)
        area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
        edoc_batch(root, root / "pki" / "keys", work.images, area, args.jobs, Options())
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
