"""Signature images as PDF image XObjects, encoded once per batch rather than per signature.

pyHanko decodes the PNG and deflates its pixels and alpha mask again for every signature it
draws; in a batch the same signature or seal image goes into thousands of documents. The
encoded streams are kept, keyed by the PNG's bytes, and written as they are into each
document.
"""

import io
import zlib
from dataclasses import dataclass
from functools import cache

from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.writer import BasePdfFileWriter


@dataclass(frozen=True)
class EncodedImage:
    """An RGB image and its alpha mask, each already deflated, ready for any PDF."""

    image: Image.Image
    pixels: bytes
    mask: bytes


@cache
def encode_png(png: bytes) -> EncodedImage:
    """The PNG's pixels and alpha mask as deflated image streams (computed once per PNG)."""
    image = Image.open(io.BytesIO(png))
    image.load()
    rgba = image.convert("RGBA")
    pixels = zlib.compress(rgba.convert("RGB").tobytes())
    return EncodedImage(image, pixels, zlib.compress(rgba.split()[-1].tobytes()))


class CachedPdfImage(PdfImage):
    """A PdfImage whose XObjects come from :func:`encode_png` instead of being re-encoded."""

    def __init__(self, encoded: EncodedImage, writer: BasePdfFileWriter) -> None:
        super().__init__(encoded.image, writer=writer)
        self.encoded = encoded
        self._written: generic.IndirectObject | None = None

    @property
    def image_ref(self) -> generic.IndirectObject:
        if self._written is None or self._written.get_pdf_handler() is not self.writer:
            self._written = self._write()
        return self._written

    def _write(self) -> generic.IndirectObject:
        width, height = self.encoded.image.width, self.encoded.image.height

        def stream(colour_space: str, data: bytes) -> generic.StreamObject:
            return generic.StreamObject(
                {
                    pdf_name("/Type"): pdf_name("/XObject"),
                    pdf_name("/Subtype"): pdf_name("/Image"),
                    pdf_name("/Width"): generic.NumberObject(width),
                    pdf_name("/Height"): generic.NumberObject(height),
                    pdf_name("/ColorSpace"): pdf_name(colour_space),
                    pdf_name("/BitsPerComponent"): generic.NumberObject(8),
                    pdf_name("/Filter"): pdf_name("/FlateDecode"),
                },
                encoded_data=data,
            )

        main = stream("/DeviceRGB", self.encoded.pixels)
        main[pdf_name("/SMask")] = self.writer.add_object(stream("/DeviceGray", self.encoded.mask))
        return self.writer.add_object(main)
