"""What a clerk types and what a document says, folded to one form so that they meet: no
Vietnamese diacritics (đ is d), no case, single spaces. The same on SQLite and PostgreSQL,
because the folded text is stored (``documents.search_text``) rather than folded by the
database, whose ``lower()`` knows no Vietnamese on SQLite."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """``text`` without diacritics, case or repeated spaces: "TĂNG  CƯỜNG" is "tang cuong"."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", bare.casefold()).strip()


def search_text(number: str, notation: str, subject: str) -> str:
    """What a document is found by: its number/notation as the inbox shows it, and its subject."""
    return fold(f"{number}/{notation} {subject}")
