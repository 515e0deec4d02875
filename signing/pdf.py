"""Opening a PDF for signing or verification, with one clear error when it cannot be read."""

import io
from collections.abc import Callable

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from edoc.errors import EdocError
from edoc.untrusted import untrusted_text


class _Reader(PdfFileReader):
    """pyHanko's reader, reading ``/Encrypt null`` in a trailer as no encryption: a null
    value is the same as an absent key (ISO 32000-1 §7.3.7), and the spoofing attacks of the
    DSS test suite use it to make readers give up before they see the forged revision.

    It also remembers in which revision each object first appears: pyHanko's difference
    analysis asks again for every object, every signature and every later revision, and each
    answer searches the revisions one by one (a file with 24 signatures over 48 revisions
    asked 150,000 times, a third of its verification)."""

    def __init__(self, stream, strict: bool = True) -> None:
        super().__init__(stream, strict=strict)
        self.xrefs.get_introducing_revision = _remembered(self.xrefs.get_introducing_revision)

    @property
    def encrypt_dict(self):
        try:
            value = self.trailer.raw_get("/Encrypt")
        except KeyError:
            return None
        if isinstance(value, generic.IndirectObject):
            value = self.get_object(value.reference, never_decrypt=True)
        if isinstance(value, generic.NullObject):
            return None
        return super().encrypt_dict


def _remembered(introducing: Callable[[generic.Reference], int]):
    """``introducing(ref)``, each object's answer kept by its number (not by the reference,
    which holds the reader)."""
    known: dict[tuple[int, int], int] = {}

    def remembered(ref: generic.Reference) -> int:
        key = (ref.idnum, ref.generation)
        if key not in known:
            known[key] = introducing(ref)
        return known[key]

    return remembered


#: What is said of a file no reader can make sense of, where the reader's own words help no one.
DAMAGED_PDF = (
    "Không đọc được tệp PDF: tệp bị hỏng hoặc không đầy đủ.",
    "Cannot read the PDF: it is damaged or incomplete.",
)


#: Why a file could not be verified or signed when what failed says nothing a reader could use.
DAMAGED = EdocError(*DAMAGED_PDF)


def open_pdf(
    data: bytes, error: type[EdocError] = EdocError, path: str | None = None
) -> PdfFileReader:
    """A lenient pyHanko reader over ``data``, opened with the empty password if the file is
    encrypted (as viewers do); ``error`` naming the problem when it fails: with what the
    reader said for a file at ``path`` (the command line's, for whoever looks into it), in
    words only for bytes without one (an upload, an envelope's file), read on a page."""
    try:
        reader = _Reader(io.BytesIO(data), strict=False)
    except Exception as problem:  # pyHanko raises many kinds on broken files
        if path is None:
            raise error(*DAMAGED_PDF) from problem
        said = untrusted_text(problem)
        raise error(
            f"Không đọc được tệp PDF: {said}.", f"Cannot read the PDF: {said}.", path=path
        ) from problem
    if reader.encrypted and reader.decrypt(b"").status.name == "FAILED":
        raise error(
            "Tệp PDF được mã hóa bằng mật khẩu: không đọc được.",
            "The PDF is encrypted with a password: it cannot be read.",
            path=path,
        )
    return reader
