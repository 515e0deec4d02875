"""What a signed document shows: scanned pages, and where and how each signature appears.

Nghị định 30 (Appendix I) fixes the look of a signed document: the personal signature is a
visible image in the signer block, the seal covers about its left third, an attachment's
organisation signature is a text stamp at the top right of page 1. These checks read the
page objects and the signature widgets only; nothing is rendered.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from edoc.bilingual import Text
from signing.geometry import Box, media_box

_TEXT_OPERATORS = re.compile(rb"(?:^|[\s\]\)>])(?:Tj|TJ|'|\")(?:$|\s)")
_MAX_DEPTH = 4


@dataclass(frozen=True)
class Widget:
    """Where a signature shows: its page (1-based), rectangle, the page's size, and whether its
    appearance draws an image."""

    box: Box
    page_width: float
    page_height: float
    has_image: bool
    text: str | None = None

    @property
    def visible(self) -> bool:
        return self.box.width > 1 and self.box.height > 1

    @property
    def on_page(self) -> bool:
        return (
            self.box.x1 >= -1
            and self.box.y1 >= -1
            and self.box.x2 <= self.page_width + 1
            and self.box.y2 <= self.page_height + 1
        )


def _pages(reader: PdfFileReader) -> list[generic.DictionaryObject]:
    pages: list[generic.DictionaryObject] = []

    def walk(node, depth: int) -> None:
        if depth > 32 or len(pages) > 10_000:
            return
        node = node.get_object()
        if node.get("/Type") == "/Pages" or "/Kids" in node:
            for kid in node.get("/Kids", []):
                walk(kid, depth + 1)
        else:
            pages.append(node)

    walk(reader.root["/Pages"], 0)
    return pages


def _xobjects(owner: generic.DictionaryObject) -> dict:
    """The XObjects a page or form can draw, by name."""
    resources = owner.get("/Resources")
    if not isinstance(resources, generic.DictionaryObject):
        return {}
    objects = resources.get("/XObject")
    return objects if isinstance(objects, generic.DictionaryObject) else {}


def _draws_image(stream, depth: int = 0) -> bool:
    if depth > _MAX_DEPTH or not isinstance(stream, generic.StreamObject):
        return False
    objects = _xobjects(stream)
    for value in objects.values():
        child = value.get_object()
        if child.get("/Subtype") == "/Image" or _draws_image(child, depth + 1):
            return True
    return False


def _literal(raw: bytes) -> str:
    """A PDF literal string's text: escapes resolved, UTF-16 with a BOM or PDFDocEncoding."""
    return _decoded(re.sub(rb"\\([0-7]{1,3}|.)", _unescape, raw, flags=re.S))


def _unescape(match: re.Match) -> bytes:
    code = match.group(1)
    if code[:1].isdigit():
        return bytes([int(code, 8) & 0xFF])
    return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(code, code)


def _decoded(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    return raw.decode("latin-1")


# bounded, so that a hostile stream full of "(" costs linear time, not quadratic
_ACTUAL_TEXT = re.compile(rb"/ActualText\s*\(((?:\\.|[^\\()]){0,1000})\)", re.S)
_LITERALS = re.compile(rb"\(((?:\\.|[^\\()]){0,1000})\)", re.S)


def _shown_text(stream, depth: int = 0) -> str | None:
    """The text an appearance shows: its /ActualText where the writer recorded it (pyHanko
    and most signing tools do, as their fonts are subsets without a readable encoding),
    else its literal strings (simple fonts, whose codes are the characters)."""
    if depth > _MAX_DEPTH or not isinstance(stream, generic.StreamObject):
        return None
    if stream.get("/Subtype") == "/Image":
        return None
    recorded = _ACTUAL_TEXT.findall(stream.data) or _LITERALS.findall(stream.data)
    parts = [_literal(raw) for raw in recorded]
    objects = _xobjects(stream)
    for value in objects.values():
        inner = _shown_text(value.get_object(), depth + 1)
        if inner:
            parts.append(inner)
    return "\n".join(parts) if parts else None


def _has_text(page: generic.DictionaryObject) -> bool:
    contents = page.get("/Contents")
    if contents is None:
        return False
    contents = contents.get_object()
    streams = contents if isinstance(contents, generic.ArrayObject) else [contents]
    for stream in streams:
        stream = stream.get_object()
        if isinstance(stream, generic.StreamObject) and _TEXT_OPERATORS.search(stream.data):
            return True
    objects = _xobjects(page)
    for value in objects.values():
        child = value.get_object()
        if child.get("/Subtype") == "/Form" and _TEXT_OPERATORS.search(child.data):
            return True
    return False


def _page_has_image(page: generic.DictionaryObject) -> bool:
    objects = _xobjects(page)
    return any(value.get_object().get("/Subtype") == "/Image" for value in objects.values())


class PageTree:
    """A document's pages, walked once however many signatures ask, and where each
    annotation is (page number, page, annotation, document order)."""

    def __init__(self, reader: PdfFileReader) -> None:
        self.reader = reader

    @cached_property
    def pages(self) -> list[generic.DictionaryObject]:
        return _pages(self.reader)

    @cached_property
    def annotations(self) -> dict:
        found: dict = {}
        for number, page in enumerate(self.pages, 1):
            annotations = page.get("/Annots")
            for annotation in annotations.get_object() if annotations is not None else ():
                found.setdefault(_reference(annotation), (number, page, annotation, len(found)))
        return found


def is_scanned(tree: PageTree) -> bool:
    """Whether every page is an image with no text on it: a paper document run through a
    scanner (a text-bearing page, even one with pictures, is not scanned)."""
    pages = tree.pages
    return bool(pages) and all(_page_has_image(p) and not _has_text(p) for p in pages)


def _reference(value):
    return value.reference if isinstance(value, generic.IndirectObject) else None


def signature_widget(tree: PageTree, field_ref: generic.IndirectObject) -> Widget | None:
    """The widget of a signature field as placed on its page, or None when it is on no page."""
    field = field_ref.get_object()
    kids = field.get("/Kids", []) if "/Rect" not in field else []
    widgets = {_reference(k) for k in kids} if kids else {field_ref.reference}
    placed = [tree.annotations[w] for w in widgets if w in tree.annotations]
    if not placed:
        return None
    number, page, annotation, _ = min(placed, key=lambda found: found[3])  # first in the file
    widget = annotation.get_object()
    x1, y1, x2, y2 = (float(v) for v in widget.get("/Rect", [0, 0, 0, 0]))
    box = Box(number, min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    left, bottom, right, top = media_box(page)
    appearance = widget.get("/AP")
    normal = appearance.get("/N") if isinstance(appearance, generic.DictionaryObject) else None
    stream = normal.get_object() if normal is not None else None
    return Widget(
        box, abs(right - left), abs(top - bottom), _draws_image(stream), _shown_text(stream)
    )


def covers_left_third(seal: Box, personal: Box) -> bool:
    """Whether the seal lies over about the left third of the personal signature image."""
    if seal.page != personal.page or personal.width <= 0:
        return False
    overlap_x = min(seal.x2, personal.x2) - max(seal.x1, personal.x1)
    overlap_y = min(seal.y2, personal.y2) - max(seal.y1, personal.y1)
    if overlap_x <= 0 or overlap_y <= 0:
        return False
    from_left = seal.x1 <= personal.x1 + 0.05 * personal.width
    return from_left and 0.15 <= overlap_x / personal.width <= 0.6


def at_top_right(widget: Widget) -> bool:
    """Whether a stamp sits at the top right of page 1."""
    box = widget.box
    return (
        box.page == 1
        and (box.x1 + box.x2) / 2 > widget.page_width / 2
        and (box.y1 + box.y2) / 2 > widget.page_height * 0.75
    )


_VIETNAM_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00")
_NUMBER_NOTATION = re.compile(r"\b\d+/[^\s/]+")
_COPY_FORM = re.compile(r"SAO Y|SAO LỤC|TRÍCH SAO", re.IGNORECASE)


def stamp_text_problem(text: str | None) -> Text | None:
    """What an attachment's or copy's text stamp lacks, or None. A stamp
    whose text cannot be read is not judged."""
    if text is None:
        return None
    if not _VIETNAM_TIME.search(text):
        return Text(
            "thiếu thời gian ký theo ISO 8601 giờ Việt Nam (+07:00)",
            "no signing time in ISO 8601 Vietnam time (+07:00)",
        )
    if not (_NUMBER_NOTATION.search(text) or _COPY_FORM.search(text)):
        return Text(
            "thiếu số, ký hiệu văn bản (hoặc hình thức sao)",
            "no document number and notation (or copy form)",
        )
    return None
