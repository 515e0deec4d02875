"""The stamp font's per-process caches change nothing pyHanko would have drawn or embedded."""

import io

from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.writer import PdfFileWriter

from signing.sign.stamp_font import StampFontFactory, stamp_font

TEXT = (
    "TRÍCH SAO\nỦy ban nhân dân thành phố Hà Nội\n1234/UBND-KT AV To Wa 2026-11-23T10:00:00+07:00"
)


def _drawn(factory: FontEngineFactory) -> tuple[list[bytes], bytes]:
    """The text's content stream operators and the font subset embedded for them."""
    engine = factory.create_font_engine(PdfFileWriter())
    operators = [engine.shape(line).graphics_ops for line in TEXT.splitlines()]
    engine.prepare_write()
    subset = io.BytesIO()
    engine.tt.recalcTimestamp = False  # saved a second apart, the two must still compare
    engine.tt.save(subset)
    return operators, subset.getvalue()


def test_cached_stamp_font_shapes_and_embeds_as_pyhanko_does():
    plain = GlyphAccumulatorFactory(str(stamp_font()), font_size=10)
    assert _drawn(StampFontFactory(10)) == _drawn(plain)


def test_cached_stamp_font_serves_stamp_after_stamp():
    first, second = _drawn(StampFontFactory(10)), _drawn(StampFontFactory(10))
    assert first == second
