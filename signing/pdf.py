"""Opening a PDF for signing or verification, with one clear error when it cannot be read."""

import io

from pyhanko.pdf_utils.reader import PdfFileReader

from edoc.errors import EdocError


def open_pdf(
    data: bytes, error: type[EdocError] = EdocError, path: str | None = None
) -> PdfFileReader:
    """A lenient pyHanko reader over ``data``; ``error`` naming the problem when it fails."""
    try:
        return PdfFileReader(io.BytesIO(data), strict=False)
    except Exception as problem:  # pyHanko raises many kinds on broken files
        raise error(
            f"Không đọc được tệp PDF: {problem}.", f"Cannot read the PDF: {problem}.", path=path
        ) from problem
