"""The one boundary for strings read from a file someone else made (a PDF, a certificate,
an envelope): each is turned into plain ``str`` where it is read, so that a report, its
JSON, a database row, a page, a header and the audit only ever hold text.

What the reader sees: a text string as it reads; whatever is no text (bytes that decode as
no PDF text string, control characters such as NUL or a newline) written as ``\\xNN``. The
backslash form is the mark that the value was not text (a name typed by a person holds no
control character), shown as it is rather than dropped or guessed at. A text that itself
spells a backslash, ``x`` and two hex digits reads the same: no real name does."""

#: Control characters, which no name or reason types, a header must not carry (a newline)
#: and a database may refuse (PostgreSQL: NUL).
_CONTROLS = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F]}


def untrusted_text(value: object) -> str:
    """``value`` read from a PDF, a certificate or an envelope (a field name, a reason, a
    subject attribute, a file name) as plain text: a PDF text string as it reads (pyHanko
    decodes PDFDocEncoding and UTF-16), bytes that are no text string escaped as ``\\xNN``,
    control characters likewise, a lone UTF-16 surrogate (which no UTF-8 can hold) as
    ``\\uXXXX``, any other object (a mutated file's number or name) as it prints. Never a
    ``str`` subclass such as pyHanko's string, which holds its reader."""
    if isinstance(value, bytes | bytearray):
        text = bytes(value).decode("ascii", "backslashreplace")
    else:
        text = str.__str__(value) if isinstance(value, str) else str(value)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.translate(_CONTROLS)
