"""Envelopes as other senders write them: VNPT's EdXML102 library, the hub's SDK, the DMS of
the field. They order elements their own way; the schema accepts their orders and still
holds every limit, required element and single element."""

import datetime as dt
import time

import pytest
from lxml import etree

from edoc.envelope.build import build
from edoc.envelope.model import (
    Attachment,
    Business,
    BusinessType,
    DocumentType,
    Organization,
    OtherInfo,
    Receiver,
    Replacement,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusMessage,
    TraceHeader,
    UnknownElement,
)
from edoc.envelope.names import NS, q
from edoc.envelope.parse import parse
from edoc.envelope.validate import validate
from edoc.errors import EnvelopeError
from edoc.exchange.records import extensions
from edoc.timezone import VIETNAM
from tests.support.envelopes import CORPUS, sample_document

HEADER = "edXMLEnvelope/edXMLHeader"
MESSAGE_HEADER = f"{HEADER}/MessageHeader"


def _full_document() -> bytes:
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
    """The element at ``path`` from ``root`` (``root`` itself for "")."""
    if not path:
        return root
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


@pytest.mark.parametrize(
    ("parent", "xml", "path"),
    [
        (HEADER, f'<edXML:TraceHeaderList xmlns:edXML="{NS}"/>', "/edXML:TraceHeaderList"),
        (
            "edXMLEnvelope",
            f'<edXML:edXMLBody xmlns:edXML="{NS}"><edXML:edXMLManifest/></edXML:edXMLBody>',
            "/edXML:edXMLBody",
        ),
        ("", f'<edXML:AttachmentEncoded xmlns:edXML="{NS}"/>', "/*/*[2]"),
    ],
    ids=["hops", "body", "attachments"],
)
def test_a_status_message_with_hops_a_body_or_attachments_is_a_violation(parent, xml, path):
    (violation,) = validate(_inserted(_status(), parent, xml))
    name = etree.QName(etree.fromstring(xml)).localname
    assert violation.message_en == f"{name}: this element is not allowed here (in a status message)"
    assert "(trong gói tin trạng thái)" in violation.message_vi
    assert violation.path.endswith(path)


def test_many_repeated_elements_are_counted_fast_not_each_placed():
    data = _full_document()
    subject = b"<edXML:Subject>x</edXML:Subject>"
    data = data.replace(subject[:15], subject * 100_000 + subject[:15], 1)
    start = time.perf_counter()
    violations = validate(data)
    assert time.perf_counter() - start < 3
    assert len(violations) == 102  # 100 shown, the count of the rest, why it cannot be read
    assert violations[99].path.endswith("edXML:Subject[101]")
    assert violations[100].message_en == "… and 99900 more violations."


def test_an_element_of_the_other_kind_of_message_is_a_violation():
    data = _inserted(
        _status(), MESSAGE_HEADER, f'<edXML:Subject xmlns:edXML="{NS}">x</edXML:Subject>'
    )
    found = _violations(data)
    assert found == {
        "Subject: this element is not allowed here (in a status message)": f"{PATH}/edXML:Subject"
    }
    assert "không được phép ở đây (trong gói tin trạng thái)" in validate(data)[0].message_vi


# -- envelopes of our own writing, in VNPT's and the SDK's orders ---------------------------

VNPT_ORDER = ["vnpt-order-new", "vnpt-order-recall", "vnpt-order-update", "vnpt-order-replace"]
ORIGINAL = "000.00.00.H49,2026/02/20,198/UBND-VX"


def _read(name: str):
    return parse((CORPUS / f"{name}.edxml").read_bytes())


@pytest.mark.parametrize("name", [*VNPT_ORDER, "sdk-order-status"])
def test_envelopes_in_vnpt_and_sdk_order_validate_and_build_back_whole(name):
    data = (CORPUS / f"{name}.edxml").read_bytes()
    assert validate(data) == []
    parsed = parse(data)
    assert parsed.warnings == []
    rebuilt = build(parsed.message)
    assert validate(rebuilt) == []
    assert parse(rebuilt).message == parsed.message


def test_a_new_document_in_vnpt_order_is_read_with_every_field():
    parsed = _read("vnpt-order-new")
    message = parsed.message
    assert message.sender.organ_id == "000.00.00.H49"
    assert message.sender.organ_add == "Phường Hồng Hà, thành phố Hạ Long"
    assert [r.organ_id for r in message.recipients] == ["000.00.00.H56", "000.00.00.G09"]
    assert message.document_id == "000.00.00.H49,2026/03/02,245/UBND-VX"
    assert str(message.code) == "245/UBND-VX"
    assert (message.place, message.promulgation_date) == ("Quảng Ninh", dt.date(2026, 3, 2))
    assert message.document_type == DocumentType(2, "Kế hoạch", "5")
    assert message.signer == SignerInfo("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Vũ Thị Hồng Nhung")
    assert message.due_date == dt.date(2026, 3, 31)
    assert message.other_info == OtherInfo(
        priority=1,
        sphere_of_promulgation="Liên thông văn bản quốc gia",
        typer_notation="NHV",
        promulgation_amount=12,
        page_amount=6,
        appendixes=["Phụ lục I: Chương trình tập huấn", "Phụ lục II: Danh sách học viên"],
        direction=True,
        reply_fors="198/UBND-VX",
        reference_codes="KH-LT-2026",
    )
    assert message.response_for == [
        ResponseFor(
            "000.00.00.G09",
            "77/BNV-VTLTNN",
            dt.date(2026, 1, 15),
            "000.00.00.G09,2026/01/15,77/BNV-VTLTNN",
        )
    ]
    assert message.steering_type == 1
    assert message.task_codes == ["NV-2026-014", "NV-2026-015"]
    assert message.application_type == "QLVB-QN"
    assert message.to_places == ["Các sở, ban, ngành tỉnh", "Lưu: VT, VX"]
    assert message.traces == [
        TraceHeader("000.00.00.H49", dt.datetime(2026, 3, 2, 8, 15, 42, tzinfo=VIETNAM))
    ]
    assert message.business == Business(BusinessType.NEW, reason="Văn bản điện tử mới", staff=STAFF)
    assert message.unknown_elements == []


STAFF = StaffInfo(
    department="Văn phòng Ủy ban",
    staff="Đỗ Minh Châu",
    email="chau.dm@quangninh.gov.vn",
    mobile="0915246810",
    department_id="VP-07",
    staff_id="CB-1138",
)


def test_vnpt_attachments_are_the_files_themselves_whatever_the_manifest_says():
    pdf, folder, drawing = _read("vnpt-order-new").message.attachments
    assert (pdf.name, pdf.content_type, pdf.zipped) == (
        "Kế hoạch tập huấn.pdf",
        "application/pdf",
        False,
    )
    assert pdf.data.startswith(b"%PDF-1.4")
    for attachment, name in ((folder, "hồ sơ tập huấn.zip"), (drawing, "BẢN ĐỒ.ZIP")):
        assert (attachment.name, attachment.content_type) == (name, "application/zip")
        assert not attachment.zipped
        assert attachment.data.startswith(b"PK\x03\x04")  # the zip file, not opened
    assert [a.content_id for a in (pdf, folder, drawing)] == ["cid:1", "cid:2", "cid:3"]


def test_recall_update_and_replace_in_vnpt_order_are_read():
    recall = _read("vnpt-order-recall").message.business
    assert recall == Business(
        BusinessType.RECALL,
        document_id=ORIGINAL,
        reason="Gửi nhầm nơi nhận, đề nghị thu hồi",
        staff=STAFF,
    )
    update = _read("vnpt-order-update").message.business
    assert (update.business_type, update.document_id) == (BusinessType.UPDATE, ORIGINAL)
    assert (update.document_info_changed, update.receivers_changed) == (True, True)
    assert update.receivers == [Receiver("000.00.00.G09", 0), Receiver("000.00.00.H41", 1)]
    replace = _read("vnpt-order-replace").message.business
    assert (replace.business_type, replace.paper) == (BusinessType.REPLACE, 1)
    assert replace.replacements == [Replacement(ORIGINAL, ["000.00.00.H56", "000.00.00.G09"])]


def test_a_status_in_sdk_order_is_read():
    message = _read("sdk-order-status").message
    assert message.status_code is StatusCode.ACCEPTED
    assert message.sender.organ_name == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert message.sender.organization_in_charge == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert message.response_for.document_id == "000.00.00.H49,2026/03/02,245/UBND-VX"
    assert message.staff == StaffInfo(
        "Phòng Hành chính - Tổ chức", "Lê Thị Thu Hà", "ha.ltt@thanhhoa.gov.vn", "0978135790"
    )


def test_extension_fields_are_built_back_where_vnpt_puts_them():
    data = build(_read("vnpt-order-update").message)
    root = etree.fromstring(data)
    header = _find(root, MESSAGE_HEADER)
    assert header.findtext(f"{q('ResponseForTask')}/{q('TaskCode')}") == "NV-2026-014"
    assert [t.text for t in header.iter(q("TaskCode"))] == ["NV-2026-014", "NV-2026-015"]
    assert header.findtext(q("ApplicationType")) == "QLVB-QN"
    staff = _find(root, f"{HEADER}/TraceHeaderList/Bussiness/StaffInfo")
    assert [etree.QName(e).localname for e in staff] == [
        "Department", "DepartmentId", "Staff", "StaffId", "Email", "Mobile",
    ]  # fmt: skip
    other = _find(header, "OtherInfo")
    assert (other.findtext(q("Direction")), other.findtext(q("ReplyFors"))) == (
        "true",
        "198/UBND-VX",
    )


def _with_staff(**fields) -> dict:
    return {"business": Business(BusinessType.NEW, staff=StaffInfo(**fields))}


LONG_EXTENSIONS = [
    ({"task_codes": ["NV-1", "x" * 101]}, "TaskCode", 100),
    ({"application_type": "x" * 101}, "ApplicationType", 100),
    (_with_staff(staff_id="x" * 101), "StaffId", 100),
    (_with_staff(department_id="x" * 101), "DepartmentId", 100),
    ({"other_info": OtherInfo(reply_fors="x" * 501)}, "ReplyFors", 500),
    ({"other_info": OtherInfo(reference_codes="x" * 501)}, "ReferenceCodes", 500),
]


@pytest.mark.parametrize(
    ("changes", "element", "limit"), LONG_EXTENSIONS, ids=[e for _, e, _ in LONG_EXTENSIONS]
)
def test_an_over_long_extension_field_is_a_violation(changes, element, limit):
    (violation,) = validate(build(sample_document(**changes)))
    assert violation.path.rsplit("/", 1)[-1].startswith(f"edXML:{element}")
    assert violation.message_en == (
        f"{element}: is {limit + 1} characters long, over the limit of {limit}"
    )


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        (
            {"task_codes": ["NV-1", "x" * 101]},
            "The value of 'task_codes' is 101 characters long, over the limit of 100.",
        ),
        ({"task_codes": ["NV"] * 101}, "'task_codes' holds 101 codes, over the limit of 100."),
        (
            {"application_type": "x" * 101},
            "The value of 'application_type' is 101 characters long, over the limit of 100.",
        ),
        (
            _with_staff(staff_id="x" * 101),
            "The value of 'sent_by.staff_id' is 101 characters long, over the limit of 100.",
        ),
        (
            _with_staff(department_id="x" * 101),
            "The value of 'sent_by.department_id' is 101 characters long, over the limit of 100.",
        ),
    ],
    ids=["task-code", "task-codes", "application-type", "staff-id", "department-id"],
)
def test_a_node_refuses_by_name_extensions_longer_than_the_schema_allows(changes, problem):
    with pytest.raises(EnvelopeError) as error:
        extensions(sample_document(**changes))
    assert error.value.message_en == problem
    assert "quá giới hạn" in error.value.message_vi


def test_a_node_keeps_extensions_up_to_their_limits():
    message = sample_document(
        task_codes=["x" * 100] * 100,
        application_type="y" * 100,
        **_with_staff(staff="Lê Văn C", staff_id="z" * 100, department_id="w" * 100),
    )
    assert extensions(message) == {
        "task_codes": ["x" * 100] * 100,
        "application_type": "y" * 100,
        "sent_by": {"staff": "Lê Văn C", "staff_id": "z" * 100, "department_id": "w" * 100},
    }


def test_an_empty_response_for_and_hops_without_agency_are_kept_quietly():
    data = _inserted(_full_document(), MESSAGE_HEADER, f'<edXML:ResponseFor xmlns:edXML="{NS}"/>')
    data = _removed(data, f"{HEADER}/TraceHeaderList/TraceHeader", "OrganId")
    assert validate(data) == []
    parsed = parse(data)
    assert parsed.warnings == []
    assert parsed.message.response_for[-1] == ResponseFor("", "")
    assert parsed.message.traces[0].organ_id == ""
    assert parse(build(parsed.message)).message == parsed.message


# -- what edoc does not know is kept, reported and written back ------------------------------

GHOST = f'<edXML:Ghost xmlns:edXML="{NS}">boo</edXML:Ghost>'
FOREIGN = '<x:Note xmlns:x="urn:example:dms"><x:By>văn thư</x:By></x:Note>'


BODY = "edXMLEnvelope/edXMLBody"
UNKNOWN_PLACES = [
    (_full_document, MESSAGE_HEADER, GHOST),
    (_full_document, f"{MESSAGE_HEADER}/From", FOREIGN),
    (_full_document, f"{MESSAGE_HEADER}/OtherInfo", GHOST),
    (_full_document, f"{HEADER}/TraceHeaderList/Bussiness", GHOST),
    (_full_document, HEADER, FOREIGN),
    (_full_document, f"{BODY}/edXMLManifest/Reference", FOREIGN),
    (_full_document, f"{BODY}/edXMLManifest", GHOST),
    (_full_document, BODY, GHOST),
    (_full_document, "edXMLEnvelope", FOREIGN),
    (_full_document, "AttachmentEncoded/Attachment", GHOST),
    (_full_document, "AttachmentEncoded", FOREIGN),
    (_full_document, "", GHOST),
    (_status, f"{MESSAGE_HEADER}/StaffInfo", GHOST),
    (_status, MESSAGE_HEADER, FOREIGN),
    (_status, "", FOREIGN),
]


@pytest.mark.parametrize(
    ("envelope", "parent", "xml"),
    UNKNOWN_PLACES,
    ids=[f"{envelope.__name__[1:]}-{parent or 'root'}" for envelope, parent, _ in UNKNOWN_PLACES],
)
def test_an_unknown_element_is_kept_with_its_place_reported_and_built_back(envelope, parent, xml):
    parsed = parse(_inserted(envelope(), parent, xml))
    (warning,) = parsed.warnings
    assert warning.code == "ENV_UNKNOWN_ELEMENT"
    name = etree.QName(etree.fromstring(xml)).localname
    namespace = etree.QName(etree.fromstring(xml)).namespace
    where = f"{parent}/{name}" if parent else name
    assert warning.message_en == (
        f"{where}: an element neither of QCVN 102 nor of a known extension "
        f"(namespace {namespace}); kept as it is."
    )
    assert warning.message_vi.startswith(f"{where}: phần tử không thuộc QCVN 102")
    assert f"(không gian tên {namespace})" in warning.message_vi
    (unknown,) = parsed.message.unknown_elements
    assert unknown.parent == parent
    rebuilt = build(parsed.message)
    assert etree.QName(_find(etree.fromstring(rebuilt), parent)[-1]).localname == name
    assert parse(rebuilt).message == parsed.message


def test_an_unknown_element_in_the_second_recipient_goes_back_there():
    root = etree.fromstring(
        build(
            sample_document(
                recipients=[Organization("000.00.00.G22"), Organization("000.00.00.G12")]
            )
        )
    )
    _find(root, MESSAGE_HEADER).findall(q("To"))[1].append(etree.fromstring(GHOST))
    message = parse(etree.tostring(root)).message
    assert message.unknown_elements[0].parent == f"{MESSAGE_HEADER}/To[2]"
    rebuilt = etree.fromstring(build(message))
    first, second = _find(rebuilt, MESSAGE_HEADER).findall(q("To"))
    assert first.find(q("Ghost")) is None
    assert second.findtext(q("Ghost")) == "boo"


def test_unknown_elements_of_an_attachment_and_its_reference_go_back_to_that_file():
    files = [
        Attachment("a", "a.pdf", "application/pdf", b"%PDF-1 a"),
        Attachment("b", "b.pdf", "application/pdf", b"%PDF-1 b"),
    ]
    root = etree.fromstring(build(sample_document(attachments=files)))
    _find(root, "AttachmentEncoded").findall(q("Attachment"))[1].append(etree.fromstring(GHOST))
    _find(root, f"{BODY}/edXMLManifest").findall(q("Reference"))[0].append(
        etree.fromstring(FOREIGN)
    )
    message = parse(etree.tostring(root)).message
    assert [u.parent for u in message.unknown_elements] == [
        f"{BODY}/edXMLManifest/Reference[1]",
        "AttachmentEncoded/Attachment[2]",
    ]
    rebuilt = etree.fromstring(build(message))
    attachments = _find(rebuilt, "AttachmentEncoded").findall(q("Attachment"))
    assert [a.findtext(q("ContentId")) for a in attachments] == ["a", "b"]
    assert [a.findtext(q("Ghost")) for a in attachments] == [None, "boo"]
    references = _find(rebuilt, f"{BODY}/edXMLManifest").findall(q("Reference"))
    assert [len(r.findall("{urn:example:dms}Note")) for r in references] == [1, 0]


def test_an_unknown_element_exclusive_c14n_refuses_is_kept_as_lxml_writes_it():
    relative = '<x:Note xmlns:x="dms/notes"><x:By a="1">văn thư</x:By></x:Note>'
    parsed = parse(_inserted(_full_document(), MESSAGE_HEADER, relative))
    (unknown,) = parsed.message.unknown_elements
    assert unknown.xml == relative
    assert "(namespace dms/notes)" in parsed.warnings[0].message_en
    assert parse(build(parsed.message)).message == parsed.message


TRACES = f"{HEADER}/TraceHeaderList"
GHOST_IN = '<x:Ghost xmlns:x="urn:example:dms">boo</x:Ghost>'


def _written_in(data: bytes, block: str, xml: str) -> bytes:
    """``data`` with ``xml`` written as it is at the end of ``block`` (lxml would drop an
    ``xmlns=""``)."""
    end = f"</edXML:{block}>".encode()
    return data.replace(end, xml.encode() + end, 1)


@pytest.mark.parametrize(
    ("block", "parent", "xml"),
    [
        (
            "MessageHeader",
            MESSAGE_HEADER,
            '<To xmlns=""><OrganId>000.00.00.G01</OrganId><OrganName>Bộ X</OrganName></To>',
        ),
        (
            "TraceHeaderList",
            TRACES,
            '<Bussiness xmlns=""><BussinessDocType>1</BussinessDocType></Bussiness>',
        ),
        (
            "MessageHeader",
            MESSAGE_HEADER,
            '<x:Note xmlns:x="urn:example:dms"><By xmlns=""/></x:Note>',
        ),
    ],
    ids=["To", "Bussiness", "inside"],
)
def test_an_unknown_element_in_no_namespace_is_kept_and_reported_but_never_written_back(
    block, parent, xml
):
    hop = TraceHeader("000.00.00.H26", dt.datetime(2026, 11, 23, 9, tzinfo=VIETNAM))
    data = _written_in(build(sample_document(traces=[hop])), block, xml)
    parsed = parse(data)
    assert parsed.message.recipients == sample_document().recipients
    assert parsed.message.business is None
    (unknown,) = parsed.message.unknown_elements
    assert unknown.parent == parent
    (warning,) = parsed.warnings
    name = etree.QName(etree.fromstring(xml)).localname
    assert warning.message_en.startswith(f"{parent}/{name}: an element neither of QCVN 102")
    assert "edoc cannot write it back" in warning.message_en
    assert "edoc không ghi lại được" in warning.message_vi
    with pytest.raises(EnvelopeError) as error:
        build(parsed.message)
    assert error.value.message_en.startswith(
        f"'{parent}/{name}': the unknown element holds an element in no namespace"
    )


def test_the_warning_says_when_an_unknown_element_is_in_no_namespace():
    data = _written_in(build(sample_document()), "MessageHeader", '<Note xmlns="">x</Note>')
    (warning,) = parse(data).warnings
    assert warning.message_en.startswith(
        f"{MESSAGE_HEADER}/Note: an element neither of QCVN 102 nor of a known extension "
        "(no namespace); kept as it is."
    )
    assert "(không thuộc không gian tên nào)" in warning.message_vi


RECALL = Business(BusinessType.RECALL, document_id="000.00.00.H26,x,1/UBND", reason="Nhầm")


@pytest.mark.parametrize(
    ("parent", "xml", "business", "problem"),
    [
        (
            MESSAGE_HEADER,
            f'<edXML:StatusCode xmlns:edXML="{NS}">01</edXML:StatusCode>',
            None,
            "would change what a reader takes from the envelope (kind: document → status)",
        ),
        (
            f"{TRACES}/Bussiness",
            GHOST_IN,
            None,
            "would change what a reader takes from the envelope (business)",
        ),
        (
            f"{TRACES}/Bussiness/BussinessDocumentInfo",
            GHOST_IN,
            RECALL,
            "would change what a reader takes from the envelope (business)",
        ),
        (
            f"{MESSAGE_HEADER}/ResponseFor",
            GHOST_IN,
            None,
            "would change what a reader takes from the envelope (response_for)",
        ),
        (
            f"{TRACES}/TraceHeader",
            GHOST_IN,
            None,
            "The envelope would be unreadable (the unknown elements make): Timestamp: ''",
        ),
        (
            f"{MESSAGE_HEADER}/To[1]",
            GHOST_IN,
            None,
            "would not be read back where and as they were",
        ),
    ],
    ids=["status-code", "bussiness", "document-info", "response-for", "empty-hop", "index"],
)
def test_unknown_elements_that_would_change_what_a_reader_takes_are_refused(
    parent, xml, business, problem
):
    message = sample_document(business=business, unknown_elements=[UnknownElement(parent, xml)])
    with pytest.raises(EnvelopeError) as error:
        build(message)
    assert problem in error.value.message_en
    assert error.value.message_vi


@pytest.mark.parametrize(
    "parent",
    [
        f"{MESSAGE_HEADER}/Subject",
        f"{MESSAGE_HEADER}/StatusCode",
        f"{HEADER}/Signature",
        f"{MESSAGE_HEADER}/Ghost",
        f"{MESSAGE_HEADER}/To[0]",
        f"{MESSAGE_HEADER}/To[2]",
        "edXMLHeader/MessageHeader",
        "/".join(["edXMLEnvelope"] * 50_000),
    ],
    ids=["text", "status-code", "signature", "unknown", "index-0", "no-second", "old-path", "deep"],
)
def test_an_unknown_element_goes_back_only_into_a_block_edoc_knows(parent):
    message = sample_document(unknown_elements=[UnknownElement(parent, GHOST_IN)])
    start = time.perf_counter()
    with pytest.raises(EnvelopeError) as error:
        build(message)
    assert time.perf_counter() - start < 0.5
    assert "An unknown element cannot be put back into '" in error.value.message_en
    assert "the envelope has no such block, or edoc does not know it" in error.value.message_en
    assert len(error.value.message_en) < 400
    assert "Không đặt lại được phần tử lạ" in error.value.message_vi


def test_the_deepest_block_edoc_knows_takes_its_unknown_element_back():
    deepest = f"{TRACES}/Bussiness/ReplacementInfoList/ReplacementInfo/OrganIdList"
    replace = Business(
        BusinessType.REPLACE, document_id="id", replacements=[Replacement("id", ["000.00.00.G22"])]
    )
    message = sample_document(
        business=replace, unknown_elements=[UnknownElement(deepest, GHOST_IN)]
    )
    assert parse(build(message)).message.unknown_elements == message.unknown_elements


@pytest.mark.parametrize(
    ("parent", "xml"),
    [
        (
            MESSAGE_HEADER,
            f'<edXML:To xmlns:edXML="{NS}"><edXML:OrganId>000.00.00.G01</edXML:OrganId></edXML:To>',
        ),
        (MESSAGE_HEADER, f'<edXML:Content xmlns:edXML="{NS}">Nội dung khác</edXML:Content>'),
        (TRACES, f'<edXML:TraceHeader xmlns:edXML="{NS}"/>'),
        ("AttachmentEncoded", f'<edXML:Attachment xmlns:edXML="{NS}"/>'),
    ],
    ids=["To", "Content", "TraceHeader", "Attachment"],
)
def test_an_element_edoc_writes_in_that_block_is_never_written_as_an_unknown_one(parent, xml):
    message = sample_document(unknown_elements=[UnknownElement(parent, xml)])
    with pytest.raises(EnvelopeError) as error:
        build(message)
    name = etree.QName(etree.fromstring(xml)).localname
    assert error.value.message_en.startswith(
        f"'{parent}/{name}': edoc knows this element here and writes it from the message"
    )


def test_as_many_unknown_elements_as_a_reader_keeps_are_built_back_and_no_more():
    many = [
        UnknownElement(MESSAGE_HEADER if i % 2 else f"{MESSAGE_HEADER}/OtherInfo", f"<x{i}/>")
        for i in range(1000)
    ]
    many = [UnknownElement(u.parent, u.xml.replace("/>", ' xmlns="urn:x"/>')) for u in many]
    start = time.perf_counter()
    data = build(sample_document(unknown_elements=many))
    assert time.perf_counter() - start < 2
    assert len(parse(data).message.unknown_elements) == 1000
    too_many = sample_document(unknown_elements=[*many, many[0]] * 50)
    start = time.perf_counter()
    with pytest.raises(EnvelopeError, match="more than 1000 unknown elements"):
        build(too_many)
    assert time.perf_counter() - start < 0.5


def test_a_repeated_single_element_is_read_once_and_the_repeat_kept():
    parsed = parse(_doubled(_full_document(), MESSAGE_HEADER, "Subject"))
    (warning,) = parsed.warnings
    assert warning.code == "ENV_REPEATED_ELEMENT"
    assert f"{MESSAGE_HEADER}/Subject:" in warning.message_en
    assert parsed.message.subject == sample_document().subject
    rebuilt = build(parsed.message)
    assert rebuilt.count(b"<edXML:Subject>") == 2


# -- the edXML prefix used where it is not declared --------------------------------------------


def _prefixed_attachments(data: bytes) -> bytes:
    """``data`` as DMS in the field write it: edXML: on AttachmentEncoded and its children,
    outside the edXMLEnvelope that declares the prefix."""
    for name in (b"AttachmentEncoded", b"Attachment", b"ContentId", b"AttachmentName"):
        data = data.replace(b"<" + name + b">", b"<edXML:" + name + b">")
        data = data.replace(b"</" + name + b">", b"</edXML:" + name + b">")
    return data


def test_an_undeclared_edxml_prefix_outside_the_envelope_is_repaired_with_a_warning():
    original = (CORPUS / "vnpt-order-new.edxml").read_bytes()
    data = _prefixed_attachments(original)
    assert b"</edXML:AttachmentEncoded>" in data
    parsed = parse(data)
    (warning,) = parsed.warnings
    assert warning.code == "ENV_PREFIX_UNDECLARED"
    line = data[: data.index(b"<edXML:AttachmentEncoded>")].count(b"\n") + 1
    assert warning.message_en == (
        f"The edXML prefix is used without being declared (line {line}), which is not "
        "well-formed XML; edoc added the declaration to read it."
    )
    assert "Tiền tố edXML được dùng mà không khai báo" in warning.message_vi
    assert parsed.message == parse(original).message
    (violation,) = validate(data)
    assert (violation.line, violation.message_en) == (line, warning.message_en)


def test_undeclared_xlink_and_edxml_prefixes_are_both_repaired():
    data = _prefixed_attachments((CORPUS / "sdk-quirks-xlink-agency-id.edxml").read_bytes())
    parsed = parse(data)
    assert [w.code for w in parsed.warnings] == [
        "ENV_XLINK_UNDECLARED",
        "ENV_PREFIX_UNDECLARED",
        "ENV_AGENCY_ID",
    ]
    (attachment,) = parsed.message.attachments
    assert attachment.data.startswith(b"%PDF")


XLINK_QUIRK = CORPUS / "sdk-quirks-xlink-agency-id.edxml"
ROOT_TAG = f'<edXML xmlns="{NS}">'.encode()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"?>\n", '?>\n<!-- <b>ý kiến</b> văn thư --><?dms x="<b"?>\n'.encode()),
        (ROOT_TAG, f'<edXML note="a>b" xmlns="{NS}" other=\'c/>d\'>'.encode()),
        (ROOT_TAG, f'<edXML\n  xmlns="{NS}"\n>'.encode()),
    ],
    ids=["comment-before-root", "greater-than-in-attribute", "lines-in-root-tag"],
)
def test_an_undeclared_prefix_is_declared_on_the_root_whatever_comes_before_or_in_it(before, after):
    original = XLINK_QUIRK.read_bytes()
    data = original.replace(before, after, 1)
    assert data != original
    parsed = parse(data)
    assert parsed.warnings[0].code == "ENV_XLINK_UNDECLARED"
    assert parsed.message == parse(original).message


def test_an_envelope_that_still_breaks_once_repaired_is_refused_with_the_parsers_first_word():
    data = XLINK_QUIRK.read_bytes().replace(b"</AttachmentEncoded>", b"</AttachmentEncodedd>")
    with pytest.raises(EnvelopeError) as error:
        parse(data)
    assert error.value.message_en.startswith(
        "Not well-formed XML: Namespace prefix xlink for href on Reference is not defined"
    )


def test_a_dtd_after_a_comment_is_refused_before_parsing():
    data = XLINK_QUIRK.read_bytes().replace(
        b"?>\n", b'?>\n<!-- <b --><!DOCTYPE edXML [<!ENTITY x "x">]>\n', 1
    )
    with pytest.raises(EnvelopeError) as error:
        parse(data)
    assert error.value.message_en == (
        "The envelope contains a DTD (DOCTYPE/ENTITY): refused for safety."
    )


def test_an_undeclared_prefix_edoc_does_not_know_is_still_not_xml():
    data = (CORPUS / "vnpt-order-new.edxml").read_bytes()
    data = data.replace(b"<AttachmentEncoded>", b"<dms:AttachmentEncoded>")
    data = data.replace(b"</AttachmentEncoded>", b"</dms:AttachmentEncoded>")
    with pytest.raises(EnvelopeError) as error:
        parse(data)
    assert "Namespace prefix dms on AttachmentEncoded is not defined" in error.value.message_en
