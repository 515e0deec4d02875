"""Opening a PDF for signing or verification, with one clear error when it cannot be read.

Importing this module also installs two fast paths in the libraries under pyHanko, found
by profiling verification (together they took half of its time):

- hex strings: pyHanko reads them one byte at a time, and every signature's /Contents is
  a hex string of several kilobytes, read again for each revision analysed. The fast path
  handles plain hex digits and whitespace and leaves anything else (comments, bad tokens,
  a truncated file) to pyHanko's own reader, so results and errors stay pyHanko's;
- X.509 names: asn1crypto compares names by normalising every value (RFC 5280 §7.1), many
  times per signature while matching certificates, for the same few CAs in every document.
  The normalised form (asn1crypto's ``hashable``, which equality compares) is kept per
  encoding.
"""

import binascii
import io
import re
from collections.abc import Callable

from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE
from pyhanko.pdf_utils.reader import PdfFileReader

from edoc.errors import EdocError
from edoc.untrusted import untrusted_text

_HEX_DIGITS = re.compile(rb"[0-9a-fA-F]*")
_CHUNK = 1 << 16
_pyhanko_read_hex_string = generic.read_hex_string_from_stream


def read_hex_string(stream):
    """A PDF hex string ``<...>`` from ``stream``, as pyHanko's reader returns it."""
    start = stream.tell()
    stream.read(1)
    chunks = []
    while True:
        chunk = stream.read(_CHUNK)
        end = chunk.find(b">")
        if not chunk or end >= 0:
            break
        chunks.append(chunk)
    if end < 0:
        stream.seek(start)
        return _pyhanko_read_hex_string(stream)
    chunks.append(chunk[:end])
    digits = b"".join(chunks).translate(None, PDF_WHITESPACE)
    if not _HEX_DIGITS.fullmatch(digits):
        stream.seek(start)
        return _pyhanko_read_hex_string(stream)
    stream.seek(start + 1 + sum(len(c) for c in chunks) + 1)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


_normalised_names: dict[bytes, str] = {}
_asn1crypto_hashable = x509.Name.hashable


def _hashable(self: x509.Name) -> str:
    key = self.chosen.contents  # the RDNs, whatever tag the name carries where it is used
    value = _normalised_names.get(key)
    if value is None:
        if len(_normalised_names) > 4096:
            _normalised_names.clear()
        value = _normalised_names[key] = _asn1crypto_hashable.fget(self)
    return value


def _name_equal(self: x509.Name, other) -> bool:
    if not isinstance(other, x509.Name):
        return False
    return self.chosen.contents == other.chosen.contents or self.hashable == other.hashable


generic.read_hex_string_from_stream = read_hex_string
x509.Name.__eq__ = _name_equal
x509.Name.hashable = property(_hashable)


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
