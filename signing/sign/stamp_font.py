"""The font of text stamps, in the form pyHanko's text layout needs.

pyHanko lays glyphs out as if every font had 1000 units per em; Liberation Serif has 2048,
so its text comes out spread over twice its width. The bundled font is rescaled to 1000
units per em (fontTools), once per machine, into a cache file that is then reused.
"""

import hashlib
import io
import logging
import tempfile
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

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
