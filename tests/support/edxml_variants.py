"""edXML envelopes as other senders write them, for the envelope tests: a full document
and a status message to vary, and ways to vary them."""

import datetime as dt

from lxml import etree

from edoc.envelope.build import build
from edoc.envelope.model import (
    Business,
    BusinessType,
    DocumentType,
    Organization,
    OtherInfo,
    ResponseFor,
    StaffInfo,
    StatusCode,
    StatusMessage,
    TraceHeader,
)
from edoc.envelope.names import q
from edoc.timezone import VIETNAM
from tests.support.envelopes import sample_document

HEADER = "edXMLEnvelope/edXMLHeader"


MESSAGE_HEADER = f"{HEADER}/MessageHeader"


def full_document() -> bytes:
    """An envelope edoc builds with every block the orders below move things in."""
    return build(
        sample_document(
            document_type=DocumentType(1, "Công văn", "3"),
            other_info=OtherInfo(priority=1, appendixes=["Phụ lục"], direction=True),
            to_places=["Lưu: VT"],
            response_for=[
                ResponseFor(
                    "000.00.00.G22", "12/VPCP", dt.date(2026, 11, 1), "000.00.00.G22,x,12/VPCP"
                )
            ],
            traces=[TraceHeader("000.00.00.H26", dt.datetime(2026, 11, 23, 9, tzinfo=VIETNAM))],
            business=Business(
                BusinessType.RECALL, document_id="000.00.00.H26,x,1/UBND", reason="Gửi nhầm"
            ),
        )
    )


def status_message() -> bytes:
    return build(
        StatusMessage(
            sender=Organization("000.00.00.G12", "Bộ Tài chính", "Chính phủ"),
            response_for=ResponseFor("000.00.00.H26", "1234/UBND-KT", None, "id-1234"),
            status_code=StatusCode.ACCEPTED,
            timestamp=dt.datetime(2026, 11, 23, 10, tzinfo=VIETNAM),
            staff=StaffInfo("Văn phòng", "Trần Thị B", "b@mof.gov.vn", "0912000000"),
        )
    )


def find_element(root: etree._Element, path: str) -> etree._Element:
    """The element at ``path`` from ``root`` (``root`` itself for "")."""
    if not path:
        return root
    element = root.find("/".join(q(name) for name in path.split("/")))
    assert element is not None, path
    return element


def doubled(data: bytes, parent: str, child: str) -> bytes:
    root = etree.fromstring(data)
    element = find_element(find_element(root, parent), child)
    element.addnext(etree.fromstring(etree.tostring(element)))
    return etree.tostring(root)


def inserted(data: bytes, parent: str, xml: str) -> bytes:
    root = etree.fromstring(data)
    find_element(root, parent).append(etree.fromstring(xml))
    return etree.tostring(root)
