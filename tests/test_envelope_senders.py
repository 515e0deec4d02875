"""Envelopes as other senders write them: VNPT's EdXML102 library, the hub's SDK, the DMS of
the field. They order elements their own way; the schema accepts their orders and still
holds every limit, required element and single element."""

import datetime as dt
import time

import pytest
from lxml import etree

from edoc.envelope.build import build
from edoc.envelope.model import (
    Business,
    BusinessType,
    DocumentType,
    OtherInfo,
    Receiver,
    Replacement,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    TraceHeader,
)
from edoc.envelope.names import NS, q
from edoc.envelope.parse import parse
from edoc.envelope.validate import validate
from edoc.errors import EnvelopeError
from edoc.exchange.records import extensions
from edoc.timezone import VIETNAM
from tests.support.edxml_variants import (
    HEADER,
    MESSAGE_HEADER,
    doubled,
    find_element,
    full_document,
    inserted,
    status_message,
)
from tests.support.envelopes import CORPUS, sample_document


def moved(data: bytes, parent: str, child: str, before: str | None = None) -> bytes:
    """``data`` with the ``child`` of ``parent`` moved before its sibling ``before``, or last."""
    root = etree.fromstring(data)
    block = find_element(root, parent)
    element = find_element(block, child)
    if before is None:
        block.append(element)
    else:
        find_element(block, before).addprevious(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


SENDERS_ORDERS = [
    (full_document, MESSAGE_HEADER, "DocumentId", "Code"),
    (full_document, MESSAGE_HEADER, "ToPlaces", None),
    (full_document, f"{MESSAGE_HEADER}/DocumentType", "TypeDetail", "TypeName"),
    (full_document, f"{MESSAGE_HEADER}/OtherInfo", "Direction", "Appendixes"),
    (full_document, f"{HEADER}/TraceHeaderList", "Bussiness", "TraceHeader"),
    (full_document, f"{MESSAGE_HEADER}/ResponseFor", "DocumentId", "PromulgationDate"),
    (full_document, f"{MESSAGE_HEADER}/SignerInfo", "FullName", "Competence"),
    (status_message, f"{MESSAGE_HEADER}/From", "OrganName", "OrganizationInCharge"),
    (status_message, f"{MESSAGE_HEADER}/StaffInfo", "Mobile", "Email"),
    (status_message, MESSAGE_HEADER, "StatusCode", "ResponseFor"),
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
    data = full_document()
    for _, parent, child, before in SENDERS_ORDERS[:7]:
        data = moved(data, parent, child, before)
    assert validate(data) == []


def _violations(data: bytes) -> dict[str, str]:
    return {v.message_en: v.path for v in validate(data)}


def _removed(data: bytes, parent: str, child: str) -> bytes:
    root = etree.fromstring(data)
    block = find_element(root, parent)
    block.remove(find_element(block, child))
    return etree.tostring(root)


PATH = "/*/edXML:edXMLEnvelope/edXML:edXMLHeader/edXML:MessageHeader"


def test_a_missing_required_element_is_still_a_violation_with_its_path():
    data = moved(full_document(), MESSAGE_HEADER, "DocumentId", "Code")
    found = _violations(_removed(data, MESSAGE_HEADER, "Subject"))
    assert found == {"MessageHeader: a child element is missing; expected: Subject": PATH}
    found = _violations(_removed(status_message(), f"{MESSAGE_HEADER}/From", "OrganName"))
    (message,) = found
    assert message.startswith("From: a child element is missing; expected: OrganName")
    assert found[message] == f"{PATH}/edXML:From"


def test_a_repeated_single_element_is_still_a_violation_with_its_path():
    found = _violations(doubled(full_document(), MESSAGE_HEADER, "Subject"))
    assert found == {"Subject: this element may appear only once": f"{PATH}/edXML:Subject[2]"}
    found = _violations(doubled(status_message(), f"{MESSAGE_HEADER}/StaffInfo", "Mobile"))
    (message,) = found
    assert message.startswith("Mobile: this element is not allowed here")
    assert found[message] == f"{PATH}/edXML:StaffInfo/edXML:Mobile[2]"
    found = _violations(doubled(status_message(), MESSAGE_HEADER, "ResponseFor"))
    assert found == {
        "ResponseFor: this element may appear only once": f"{PATH}/edXML:ResponseFor[2]"
    }


def test_an_over_long_value_in_another_order_is_still_a_violation_with_its_path():
    data = moved(full_document(), MESSAGE_HEADER, "Subject", "From")
    data = data.replace(b"V/v tri", b"x" * 500 + b"V/v tri")
    (violation,) = validate(data)
    assert violation.path == f"{PATH}/edXML:Subject"
    assert "over the limit of 500" in violation.message_en
    assert "vượt quá giới hạn 500 ký tự" in violation.message_vi


@pytest.mark.parametrize("parent", [MESSAGE_HEADER, f"{MESSAGE_HEADER}/OtherInfo"])
def test_an_unknown_element_is_still_a_violation_with_its_path(parent):
    data = inserted(full_document(), parent, f'<edXML:Ghost xmlns:edXML="{NS}">?</edXML:Ghost>')
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
    (violation,) = validate(inserted(status_message(), parent, xml))
    name = etree.QName(etree.fromstring(xml)).localname
    assert violation.message_en == f"{name}: this element is not allowed here (in a status message)"
    assert "(trong gói tin trạng thái)" in violation.message_vi
    assert violation.path.endswith(path)


def test_many_repeated_elements_are_counted_fast_not_each_placed():
    data = full_document()
    subject = b"<edXML:Subject>x</edXML:Subject>"
    data = data.replace(subject[:15], subject * 100_000 + subject[:15], 1)
    start = time.perf_counter()
    violations = validate(data)
    assert time.perf_counter() - start < 3
    assert len(violations) == 102  # 100 shown, the count of the rest, why it cannot be read
    assert violations[99].path.endswith("edXML:Subject[101]")
    assert violations[100].message_en == "… and 99900 more violations."


def test_an_element_of_the_other_kind_of_message_is_a_violation():
    data = inserted(
        status_message(), MESSAGE_HEADER, f'<edXML:Subject xmlns:edXML="{NS}">x</edXML:Subject>'
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
    header = find_element(root, MESSAGE_HEADER)
    assert header.findtext(f"{q('ResponseForTask')}/{q('TaskCode')}") == "NV-2026-014"
    assert [t.text for t in header.iter(q("TaskCode"))] == ["NV-2026-014", "NV-2026-015"]
    assert header.findtext(q("ApplicationType")) == "QLVB-QN"
    staff = find_element(root, f"{HEADER}/TraceHeaderList/Bussiness/StaffInfo")
    assert [etree.QName(e).localname for e in staff] == [
        "Department", "DepartmentId", "Staff", "StaffId", "Email", "Mobile",
    ]  # fmt: skip
    other = find_element(header, "OtherInfo")
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
    data = inserted(full_document(), MESSAGE_HEADER, f'<edXML:ResponseFor xmlns:edXML="{NS}"/>')
    data = _removed(data, f"{HEADER}/TraceHeaderList/TraceHeader", "OrganId")
    assert validate(data) == []
    parsed = parse(data)
    assert parsed.warnings == []
    assert parsed.message.response_for[-1] == ResponseFor("", "")
    assert parsed.message.traces[0].organ_id == ""
    assert parse(build(parsed.message)).message == parsed.message


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
