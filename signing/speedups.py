"""Two fast paths in the libraries under pyHanko, found by profiling verification (together
they took half of its time), installed process-wide by :func:`install`:

- hex strings: pyHanko reads them one byte at a time, and every signature's /Contents is
  a hex string of several kilobytes, read again for each revision analysed. The fast path
  handles plain hex digits and whitespace and leaves anything else (comments, bad tokens,
  a truncated file) to pyHanko's own reader, so results and errors stay pyHanko's;
- X.509 names: asn1crypto compares names by normalising every value (RFC 5280 §7.1), many
  times per signature while matching certificates, for the same few CAs in every document.
  The normalised form (asn1crypto's ``hashable``, which equality compares) is kept per
  encoding.

Both return what the libraries' own code returns, only sooner. They replace functions of
pyHanko and asn1crypto for the whole process, so they are installed explicitly, once:
``signing.sign`` and ``signing.validation`` call :func:`install` when they are imported,
which covers every entry point (the CLI, the web server, batch workers, tests); calling it
again does nothing.
"""

import binascii
import re

from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE

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


def install() -> None:
    """Replace pyHanko's hex-string reader and asn1crypto's name comparison by the fast
    paths above, for the whole process (idempotent)."""
    if generic.read_hex_string_from_stream is read_hex_string:
        return
    generic.read_hex_string_from_stream = read_hex_string
    x509.Name.__eq__ = _name_equal
    x509.Name.hashable = property(_hashable)
