"""The font of text stamps, in the form pyHanko's text layout needs.

pyHanko lays glyphs out as if every font had 1000 units per em; Liberation Serif has 2048,
so its text comes out spread over twice its width. The bundled font is rescaled to 1000
units per em (fontTools), once per machine, into a cache file that is then reused. What every
stamp needs of that file is then kept once per process (see :class:`StampFontFactory`).
"""

import hashlib
import io
import logging
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from edoc import fonts
from edoc.files import write_atomic

UNITS_PER_EM = 1000

# fontTools' subsetter warns about tables it drops (FFTM): noise on a user's terminal.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


@cache
def stamp_font(source: Path = fonts.SERIF_REGULAR) -> Path:
    """``source`` rescaled to 1000 units per em, as a file pyHanko can embed."""
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "edoc-fonts" / f"{source.stem}-{digest}-1000.ttf"
    if not target.exists():
        font = TTFont(io.BytesIO(data))
        if font["head"].unitsPerEm != UNITS_PER_EM:
            scale_upem(font, UNITS_PER_EM)
        buffer = io.BytesIO()
        font.save(buffer)
        write_atomic(target, buffer.getvalue())
    return target


#: The layout tables the font subset pyHanko embeds goes without (a PDF places each glyph
#: where its content stream says): pyHanko drops GDEF, GSUB and GPOS, and fontTools the legacy
#: kern table beside GPOS. fontTools still decompiled them while subsetting, most of the time
#: of signing a text stamp.
_LAYOUT_TABLES = ("GDEF", "GSUB", "GPOS", "kern")


@cache
def _shaping_font(path: Path) -> hb.Font:
    """HarfBuzz's view of the whole font at ``path``, layout tables included, so that text
    is shaped (kerning, Vietnamese marks) as before. Shaping only reads it: one per process
    serves every stamp, and each batch worker process builds or inherits its own."""
    return hb.Font(hb.Face(path.read_bytes()))


@cache
def _embedding_font(path: Path) -> bytes:
    """The font at ``path`` without the layout tables pyHanko would drop when it embeds a
    subset: the same glyphs and glyph order, parsed anew for each stamp since subsetting
    rewrites the parsed font in place."""
    font = TTFont(path)
    for tag in _LAYOUT_TABLES:
        if tag in font:
            del font[tag]
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _StampGlyphAccumulator(GlyphAccumulator):
    """pyHanko's glyph accumulator for one stamp, built from the per-process font caches."""

    def __init__(self, writer: BasePdfFileWriter, path: Path, font_size: int, obj_stream=None):
        super().__init__(
            writer, io.BytesIO(_embedding_font(path)), font_size, obj_stream=obj_stream
        )
        self.hb_font = _shaping_font(path)


@dataclass(frozen=True)
class StampFontFactory(FontEngineFactory):
    """The stamp font as pyHanko's text boxes take it, what GlyphAccumulatorFactory does
    without reading and parsing the font file whole for every stamp."""

    font_size: int
    source: Path = fonts.SERIF_REGULAR

    def create_font_engine(
        self, writer: BasePdfFileWriter, obj_stream=None
    ) -> _StampGlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return _StampGlyphAccumulator(writer, stamp_font(self.source), self.font_size, obj_stream)
