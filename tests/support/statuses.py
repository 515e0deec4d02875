"""pyHanko's own validation of the signatures in a PDF, against the test PKI's roots: a
second opinion beside edoc's verifier."""

import io

from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from signing.certificates import asn1_certificate


def pyhanko_statuses(pki, pdf: bytes):
    """pyHanko's validation status of each signature in ``pdf``."""
    context = ValidationContext(trust_roots=[asn1_certificate(c) for c in pki.trust_anchors])
    reader = PdfFileReader(io.BytesIO(pdf))
    return [validate_pdf_signature(s, context) for s in reader.embedded_signatures]
