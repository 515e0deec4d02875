"""Plain pyHanko verification, as a script would write it from pyHanko's documentation.

Run in its own process by ``bench/verify.py``, so that none of edoc's speed-ups (installed
when edoc's modules are imported) reach it:

    python -m bench.plain_verify ROOT.pem FILE.pdf...   → prints documents/s
"""

import io
import logging
import sys
import time
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def verify(pdf: bytes, roots: list) -> bool:
    """Every signature of ``pdf``: one reader and one validation context per document."""
    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="hard-fail")
    return all(validate_pdf_signature(s, context).bottom_line for s in reader.embedded_signatures)


def main() -> None:
    logging.disable(logging.WARNING)
    root_file, *files = sys.argv[1:]
    with open(root_file, "rb") as handle:
        roots = [x509.Certificate.load(der) for _, _, der in pem.unarmor(handle.read(), True)]
    start = time.perf_counter()
    passed = sum(verify(Path(f).read_bytes(), roots) for f in files)
    rate = len(files) / (time.perf_counter() - start)
    if passed != len(files):
        raise SystemExit(f"plain pyHanko rejected {len(files) - passed} of {len(files)} documents")
    print(f"{rate:.3f}")


if __name__ == "__main__":
    main()
