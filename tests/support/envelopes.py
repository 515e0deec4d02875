"""edXML envelopes for the envelope tests: the sample corpus, a document message to vary
and a hostile XML."""

import datetime as dt
from pathlib import Path

from edoc.envelope.model import (
    Attachment,
    DocumentCode,
    DocumentMessage,
    DocumentType,
    Organization,
    SignerInfo,
)

CORPUS = Path(__file__).resolve().parents[1] / "envelopes"


def sample_document(**changes) -> DocumentMessage:
    """A document message from Hà Nội to the Government Office, ``changes`` replacing its
    fields."""
    fields = {
        "sender": Organization("000.00.00.H26", "Ủy ban nhân dân thành phố Hà Nội"),
        "recipients": [Organization("000.00.00.G22", "Văn phòng Chính phủ")],
        "code": DocumentCode("1234", "UBND-KT"),
        "place": "Hà Nội",
        "promulgation_date": dt.date(2026, 11, 23),
        "document_type": DocumentType(2, "Công văn"),
        "subject": "V/v triển khai gửi, nhận văn bản điện tử có ký số",
        "signer": SignerInfo("KT. CHỦ TỊCH", "Phó Chủ tịch", "Phạm Thu Hương"),
        "document_id": "000.00.00.H26,2026/11/23,1234/UBND-KT",
        "attachments": [Attachment("vb", "1234.pdf", "application/pdf", b"%PDF-1.7 ...")],
    }
    return DocumentMessage(**(fields | changes))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol3;</edXML>"""
