"""Words in Vietnamese and English, held together: the one way edoc keeps bilingual text.

Every user-facing sentence exists in both languages (Vietnamese the default, English on
request): the inbox's labels, the verification report, the audit's words, the check
catalogue. Holding the pair in one value keeps the two translations side by side where they
are written, and picking the language happens in one place, :meth:`Text.in_`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["LANGUAGES", "Text", "in_language", "language_of"]

#: The languages edoc speaks, the default first.
LANGUAGES = ("vi", "en")


def language_of(lang: str | None) -> str:
    """``lang`` as one of :data:`LANGUAGES`: English when asked for, else Vietnamese."""
    return "en" if lang == "en" else "vi"


@dataclass(frozen=True, slots=True)
class Text:
    """One piece of text in Vietnamese (``vi``) and English (``en``)."""

    vi: str
    en: str

    def in_(self, lang: str | None) -> str:
        """The text in ``lang`` (Vietnamese unless "en")."""
        return self.en if language_of(lang) == "en" else self.vi

    def format(self, *args: Any, **values: Any) -> "Text":
        """Both languages' templates filled with the same values (:meth:`str.format`)."""
        return Text(self.vi.format(*args, **values), self.en.format(*args, **values))


def in_language(texts: Mapping[str, Text], lang: str | None) -> dict[str, str]:
    """A table of texts as plain strings in ``lang``, for templates that read ``t.key``."""
    return {key: text.in_(lang) for key, text in texts.items()}
