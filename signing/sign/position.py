"""Where a personal signature goes: explicit coordinates, a named field, or a text anchor.

Documents rarely carry signature fields; what they always carry is the signer block, with the
signer's full name printed under an empty space. A text anchor finds that name (on the last
page first, where the block usually is) and takes the free space above it, up to the title
line, as the area for the signature image.
"""

import io
import unicodedata
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer, LTTextLine
from pdfminer.pdfparser import PDFSyntaxError

from edoc.errors import SigningError
from signing.geometry import POINTS_PER_MM, Box

#: Width of the area given to a signature found by anchor, when the name is narrower.
ANCHOR_WIDTH = 70 * POINTS_PER_MM
#: Height of that area when nothing is printed above the name.
ANCHOR_HEIGHT = 30 * POINTS_PER_MM
GAP = 2.0


@dataclass(frozen=True)
class Field:
    """Sign into the document's own empty signature field ``name``."""

    name: str


@dataclass(frozen=True)
class Anchor:
    """Sign above the printed text ``text`` (usually the signer's full name)."""

    text: str


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _lines(pdf: bytes, page_index: int) -> list[LTTextLine]:
    lines: list[LTTextLine] = []
    for page in extract_pages(io.BytesIO(pdf), page_numbers=[page_index]):
        for element in page:
            if isinstance(element, LTTextContainer):
                lines.extend(line for line in element if isinstance(line, LTTextLine))
    return lines


def find_anchor(pdf: bytes, anchor: Anchor, page_count: int) -> Box:
    """The free area above the anchor text, searched from the last page to the first."""
    wanted = _normalised(anchor.text)
    try:
        for index in reversed(range(page_count)):
            lines = _lines(pdf, index)
            for line in lines:
                if wanted and wanted in _normalised(line.get_text()):
                    return _area_above(line, lines, index + 1)
    except PDFSyntaxError as error:
        raise SigningError(
            f"Không đọc được chữ trong tệp PDF: {error}.",
            f"Cannot read the text of the PDF: {error}.",
        ) from error
    raise SigningError(
        f"Không tìm thấy «{anchor.text}» trong văn bản để đặt chữ ký.",
        f"'{anchor.text}' is not printed in the document: nowhere to put the signature.",
    )


def _area_above(line: LTTextLine, lines: list[LTTextLine], page: int) -> Box:
    x1, _, x2, top = line.bbox
    centre = (x1 + x2) / 2
    half = max(x2 - x1, ANCHOR_WIDTH) / 2
    above = [
        other.bbox[1]
        for other in lines
        if other.bbox[1] > top and other.bbox[0] < centre + half and other.bbox[2] > centre - half
    ]
    ceiling = min(above) - GAP if above else top + GAP + ANCHOR_HEIGHT
    return Box(page, centre - half, top + GAP, centre + half, max(ceiling, top + GAP + 1))
