"""The bundled serif font: Liberation Serif, metric-compatible with Times New Roman.

Nghị định 30 asks for Times New Roman on official documents and on the text stamp of an
organisation signature. Liberation Serif has the same metrics and covers every Vietnamese
diacritic, and its licence (SIL OFL 1.1, see LICENSE here) lets us ship it, so rendering
never depends on what fonts a machine happens to have.
"""

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent

SERIF_REGULAR = FONT_DIR / "LiberationSerif-Regular.ttf"
SERIF_BOLD = FONT_DIR / "LiberationSerif-Bold.ttf"
SERIF_ITALIC = FONT_DIR / "LiberationSerif-Italic.ttf"
SERIF_BOLD_ITALIC = FONT_DIR / "LiberationSerif-BoldItalic.ttf"
