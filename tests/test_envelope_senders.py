"""Envelopes as other senders write them: VNPT's EdXML102 library, the hub's SDK, the DMS of
the field. They order elements their own way; the schema accepts their orders and still
holds every limit, required element and single element."""

import datetime as dt

import pytest
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
from edoc.envelope.names import NS, q
from edoc.envelope.parse import parse
from edoc.envelope.validate import validate
from edoc.timezone import VIETNAM
from tests.test_envelope import _sample_document

HEADER = "edXMLEnvelope/edXMLHeader"
MESSAGE_HEADER = f"{HEADER}/MessageHeader"


def _full_document() -> bytes:
    """An envelope edoc builds with every block the orders below move things in."""
    return build(
        _sample_document(
            document_type=DocumentType(1, "Công văn", "3"),
            other_info=OtherInfo(
                priority=1,
                appendixes=["Phụ lục"],
                extensions=[f'<edXML:Direction xmlns:edXML="{NS}">true</edXML:Direction>'],
            ),
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


def _status() -> bytes:
    return build(
        StatusMessage(
            sender=Organization("000.00.00.G12", "Bộ Tài chính", "Chính phủ"),
            response_for=ResponseFor("000.00.00.H26", "1234/UBND-KT", None, "id-1234"),
            status_code=StatusCode.ACCEPTED,
            timestamp=dt.datetime(2026, 11, 23, 10, tzinfo=VIETNAM),
            staff=StaffInfo("Văn phòng", "Trần Thị B", "b@mof.gov.vn", "0912000000"),
        )
    )


def _find(root: etree._Element, path: str) -> etree._Element:
    element = root.find("/".join(q(name) for name in path.split("/")))
    assert element is not None, path
    return element


def moved(data: bytes, parent: str, child: str, before: str | None = None) -> bytes:
    """``data`` with the ``child`` of ``parent`` moved before its sibling ``before``, or last."""
    root = etree.fromstring(data)
    block = _find(root, parent)
    element = _find(block, child)
    if before is None:
        block.append(element)
    else:
        _find(block, before).addprevious(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


SENDERS_ORDERS = [
    (_full_document, MESSAGE_HEADER, "DocumentId", "Code"),
    (_full_document, MESSAGE_HEADER, "ToPlaces", None),
    (_full_document, f"{MESSAGE_HEADER}/DocumentType", "TypeDetail", "TypeName"),
    (_full_document, f"{MESSAGE_HEADER}/OtherInfo", "Direction", "Appendixes"),
    (_full_document, f"{HEADER}/TraceHeaderList", "Bussiness", "TraceHeader"),
    (_full_document, f"{MESSAGE_HEADER}/ResponseFor", "DocumentId", "PromulgationDate"),
    (_full_document, f"{MESSAGE_HEADER}/SignerInfo", "FullName", "Competence"),
    (_status, f"{MESSAGE_HEADER}/From", "OrganName", "OrganizationInCharge"),
    (_status, f"{MESSAGE_HEADER}/StaffInfo", "Mobile", "Email"),
    (_status, MESSAGE_HEADER, "StatusCode", "ResponseFor"),
]


@pytest.mark.parametrize(
    ("envelope", "parent", "child", "before"),
    SENDERS_ORDERS,
    ids=[f"{parent.rsplit('/', 1)[-1]}-{child}" for _, parent, child, _ in SENDERS_ORDERS],
)
def test_the_orders_other_senders_write_are_valid_and_read_the_same(
    envelope, parent, child, before
):
    original = envelope()
    reordered = moved(original, parent, child, before)
    assert reordered != original
    assert validate(reordered) == []
    assert parse(reordered).message == parse(original).message


def test_every_order_at_once_is_valid():
    data = _full_document()
    for _, parent, child, before in SENDERS_ORDERS[:7]:
        data = moved(data, parent, child, before)
    assert validate(data) == []


def _violations(data: bytes) -> dict[str, str]:
    return {v.message_en: v.path for v in validate(data)}


def _removed(data: bytes, parent: str, child: str) -> bytes:
    root = etree.fromstring(data)
    block = _find(root, parent)
    block.remove(_find(block, child))
    return etree.tostring(root)


def _doubled(data: bytes, parent: str, child: str) -> bytes:
    root = etree.fromstring(data)
    element = _find(_find(root, parent), child)
    element.addnext(etree.fromstring(etree.tostring(element)))
    return etree.tostring(root)


def _inserted(data: bytes, parent: str, xml: str) -> bytes:
    root = etree.fromstring(data)
    _find(root, parent).append(etree.fromstring(xml))
    return etree.tostring(root)


PATH = "/*/edXML:edXMLEnvelope/edXML:edXMLHeader/edXML:MessageHeader"


def test_a_missing_required_element_is_still_a_violation_with_its_path():
    data = moved(_full_document(), MESSAGE_HEADER, "DocumentId", "Code")
    found = _violations(_removed(data, MESSAGE_HEADER, "Subject"))
    assert found == {"MessageHeader: a child element is missing; expected: Subject": PATH}
    found = _violations(_removed(_status(), f"{MESSAGE_HEADER}/From", "OrganName"))
    (message,) = found
    assert message.startswith("From: a child element is missing; expected: OrganName")
    assert found[message] == f"{PATH}/edXML:From"


def test_a_repeated_single_element_is_still_a_violation_with_its_path():
    found = _violations(_doubled(_full_document(), MESSAGE_HEADER, "Subject"))
    assert found == {"Subject: this element may appear only once": f"{PATH}/edXML:Subject[2]"}
    found = _violations(_doubled(_status(), f"{MESSAGE_HEADER}/StaffInfo", "Mobile"))
    (message,) = found
    assert message.startswith("Mobile: this element is not allowed here")
    assert found[message] == f"{PATH}/edXML:StaffInfo/edXML:Mobile[2]"
    found = _violations(_doubled(_status(), MESSAGE_HEADER, "ResponseFor"))
    assert found == {
        "ResponseFor: this element may appear only once": f"{PATH}/edXML:ResponseFor[2]"
    }


def test_an_over_long_value_in_another_order_is_still_a_violation_with_its_path():
    data = moved(_full_document(), MESSAGE_HEADER, "Subject", "From")
    data = data.replace(b"V/v tri", b"x" * 500 + b"V/v tri")
    (violation,) = validate(data)
    assert violation.path == f"{PATH}/edXML:Subject"
    assert "over the limit of 500" in violation.message_en
    assert "vượt quá giới hạn 500 ký tự" in violation.message_vi


@pytest.mark.parametrize("parent", [MESSAGE_HEADER, f"{MESSAGE_HEADER}/OtherInfo"])
def test_an_unknown_element_is_still_a_violation_with_its_path(parent):
    data = _inserted(_full_document(), parent, f'<edXML:Ghost xmlns:edXML="{NS}">?</edXML:Ghost>')
    (violation,) = validate(data)
    assert violation.message_en == "Ghost: this element is not allowed here"
    assert violation.path.endswith("edXML:Ghost")


def test_an_element_of_the_other_kind_of_message_is_a_violation():
    data = _inserted(
        _status(), MESSAGE_HEADER, f'<edXML:Subject xmlns:edXML="{NS}">x</edXML:Subject>'
    )
    found = _violations(data)
    assert found == {
        "Subject: this element is not allowed here (in a status message)": f"{PATH}/edXML:Subject"
    }
    assert "không được phép ở đây (trong gói tin trạng thái)" in validate(data)[0].message_vi
