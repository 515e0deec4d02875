"""DocumentId: the identity of a document across agencies.

The convention is ``<sender OrganId>,<yyyy/MM/dd>,<CodeNumber>/<CodeNotation>``, e.g.
``000.00.00.G22,2015/09/30,7816/VPCP-TTĐT``. Some senders use a GUID instead; such an id is
still an identity, it just says nothing more.
"""

import datetime as dt
from dataclasses import dataclass

from edoc.envelope.model import DocumentCode
from edoc.envelope.names import DATE_FORMAT


@dataclass(frozen=True)
class DocumentIdParts:
    """What a conventional DocumentId says: who sent the document, when, under which code."""

    sender: str
    date: dt.date
    code: DocumentCode


def make_document_id(sender: str, date: dt.date, code: DocumentCode) -> str:
    """The conventional DocumentId of a document."""
    return f"{sender},{date.strftime(DATE_FORMAT)},{code}"


def parse_document_id(document_id: str) -> DocumentIdParts | None:
    """The parts of a conventional DocumentId, or None for an id of another form (a GUID)."""
    parts = document_id.strip().split(",", 2)
    if len(parts) != 3:
        return None
    sender, date_text, code = parts
    number, slash, notation = code.partition("/")
    if not (sender and slash and number):
        return None
    try:
        date = dt.datetime.strptime(date_text, DATE_FORMAT).date()
    except ValueError:
        return None
    return DocumentIdParts(sender, date, DocumentCode(number, notation))
