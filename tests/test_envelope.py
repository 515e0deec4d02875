"""edXML envelopes: built in the standard's form, read back whole, checked, and safe to read."""

import base64
import datetime as dt
import io
import time
import tracemalloc
import zipfile
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from edoc.envelope.attachment_files import content_type_of
from edoc.envelope.build import build
from edoc.envelope.document_id import make_document_id, parse_document_id
from edoc.envelope.model import (
    ZIP,
    Attachment,
    Business,
    BusinessType,
    DocumentCode,
    DocumentMessage,
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
    wrapped_in_zip,
)
from edoc.envelope.names import NS
from edoc.envelope.parse import parse
from edoc.envelope.safe_xml import Limits
from edoc.envelope.validate import validate
from edoc.errors import EnvelopeError
from edoc.timezone import VIETNAM
from tests.support.envelopes import BILLION_LAUGHS, CORPUS, sample_document

LETTERS = list(
    "abcdefghijklmnopqrstuvwxyzĂÂĐÊÔƠƯăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợ"
    "ùủũúụừửữứựỳỷỹýỵ ABCXYZ0123456789/-.,:;()&<>\"'"
)


def text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(alphabet=st.sampled_from(LETTERS), max_size=max_size).map(str.strip)


organ_ids = st.builds(
    lambda group, number, level2: f"000.00.{level2:02d}.{group}{number:02d}",
    st.sampled_from("ABCDEFGHIJK"),
    st.integers(1, 99),
    st.integers(0, 99),
)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))
timestamps = st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2099, 1, 1)).map(
    lambda moment: moment.replace(microsecond=0, tzinfo=VIETNAM)
)
organizations = st.builds(
    Organization,
    organ_id=organ_ids,
    organ_name=text(),
    organization_in_charge=text(),
    organ_add=text(),
    email=text(20),
    telephone=text(20),
    fax=text(20),
    website=text(),
)
response_fors = st.builds(
    ResponseFor,
    organ_id=organ_ids,
    code=text(),
    promulgation_date=st.none() | dates,
    document_id=text(),
)
staffs = st.builds(
    StaffInfo,
    department=text(),
    staff=text(),
    email=text(),
    mobile=text(20),
    department_id=text(),
    staff_id=text(),
)


@st.composite
def businesses(draw) -> Business | None:
    kind = draw(st.none() | st.sampled_from(BusinessType))
    if kind is None:
        return None
    update = kind is BusinessType.UPDATE
    return Business(
        business_type=kind,
        document_id=draw(text()),
        reason=draw(text()),
        paper=draw(st.integers(0, 1)),
        staff=draw(st.none() | staffs),
        document_info_changed=draw(st.booleans()) if update else None,
        receivers_changed=draw(st.booleans()) if update else None,
        receivers=draw(st.lists(st.builds(Receiver, organ_ids, st.integers(0, 1)), max_size=3))
        if update
        else [],
        replacements=draw(
            st.lists(st.builds(Replacement, text(), st.lists(organ_ids, max_size=3)), max_size=2)
        )
        if kind is BusinessType.REPLACE
        else [],
    )


#: File names as clerks and other software write them: zips in any case, no extension, none
#: at all, spaces around.
file_names = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["", " "]),
        st.text("abcdefgh0123", max_size=8),
        st.sampled_from([".pdf", ".zip", ".ZIP", ".Zip", ""]),
        st.sampled_from(["", " ", "\t"]),
    ),
)
content_types = st.sampled_from(
    ["application/pdf", "application/zip", "Application/ZIP", "APPLICATION/ZIP"]
)


@st.composite
def attachment_lists(draw) -> list[Attachment]:
    count = draw(st.integers(0, 3))
    return [
        Attachment(
            content_id=f"cid-{index}-{draw(st.integers(0, 999))}",
            name=draw(file_names),
            content_type=draw(content_types),
            data=draw(st.binary(max_size=300)),
            description=draw(text()),
            zipped=draw(st.booleans()),
        )
        for index in range(count)
    ]


def as_read(attachment: Attachment) -> Attachment:
    """``attachment`` as a reader gets it back: the file itself whatever zip it travelled in,
    its name without surrounding spaces (or the zip's name for it), and the content type the
    envelope gave it, or, for a file that travelled zipped, the one its name suggests."""
    name = attachment.name.strip()
    content_type = ZIP if attachment.zipped else attachment.content_type
    if not wrapped_in_zip(name, content_type):
        return replace(attachment, name=name, content_type=content_type, zipped=False)
    name = name or f"{attachment.content_id}.bin"
    return replace(attachment, name=name, content_type=content_type_of(name), zipped=True)


documents = st.builds(
    DocumentMessage,
    sender=organizations,
    recipients=st.lists(organizations, min_size=1, max_size=3),
    code=st.builds(DocumentCode, text(11), text(30)),
    place=text(),
    promulgation_date=dates,
    document_type=st.builds(DocumentType, st.integers(0, 9), text(), text()),
    subject=text(200),
    signer=st.builds(SignerInfo, text(), text(), text()),
    document_id=text(),
    content=text(),
    due_date=st.none() | dates,
    to_places=st.lists(text(), max_size=3),
    other_info=st.builds(
        OtherInfo,
        priority=st.integers(0, 4),
        sphere_of_promulgation=text(),
        typer_notation=text(10),
        promulgation_amount=st.integers(0, 1000),
        page_amount=st.integers(0, 1000),
        appendixes=st.lists(text(), max_size=3),
        direction=st.none() | st.booleans(),
        reply_fors=text(),
        reference_codes=text(),
    ),
    response_for=st.lists(response_fors | st.just(ResponseFor("", "")), max_size=2),
    steering_type=st.none() | st.integers(0, 3),
    task_codes=st.lists(text(), max_size=3),
    application_type=text(),
    traces=st.lists(st.builds(TraceHeader, st.just("") | organ_ids, timestamps), max_size=3),
    business=businesses(),
    attachments=attachment_lists(),
)
statuses = st.builds(
    StatusMessage,
    sender=organizations,
    response_for=response_fors,
    status_code=st.sampled_from(StatusCode),
    timestamp=timestamps,
    description=text(),
    staff=st.none() | staffs,
)

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(documents)
def test_document_messages_round_trip_and_pass_the_schema(message):
    data = build(message)
    parsed = parse(data)
    assert parsed.message == replace(message, attachments=list(map(as_read, message.attachments)))
    assert parsed.warnings == []
    assert validate(data) == []


@PROPERTY
@given(statuses)
def test_status_messages_round_trip_and_pass_the_schema(message):
    data = build(message)
    assert parse(data).message == message
    assert validate(data) == []


def test_built_envelope_has_the_exact_form_of_the_standard():
    data = build(sample_document())
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="' + NS.encode())
    root = etree.fromstring(data)
    envelope = root[0]
    assert envelope.prefix == "edXML"
    assert envelope.nsmap["xlink"] == "http://www.w3.org/1999/xlink"
    header = envelope.find(f"{{{NS}}}edXMLHeader/{{{NS}}}MessageHeader")
    assert [etree.QName(c).localname for c in header] == [
        "From", "To", "Code", "PromulgationInfo", "DocumentType", "Subject", "SignerInfo",
        "ToPlaces", "OtherInfo", "DocumentId",
    ]  # fmt: skip
    assert all(e.prefix == "edXML" for e in envelope.iter())
    assert header.findtext(f"{{{NS}}}PromulgationInfo/{{{NS}}}PromulgationDate") == "2026/11/23"
    reference = envelope.find(f".//{{{NS}}}Reference")
    assert reference.get("{http://www.w3.org/1999/xlink}href") == "cid:vb"


def test_hub_sdk_sample_with_zipped_attachment_is_read():
    parsed = parse((CORPUS / "sdk-document-zipped.edxml").read_bytes())
    message = parsed.message
    assert parsed.warnings == []
    assert message.sender.organ_name == "Văn phòng Chính phủ"
    assert [r.organ_id for r in message.recipients] == ["000.00.00.G12", "000.00.00.H29"]
    assert str(message.code) == "7816/VPCP-TTĐT"
    assert message.document_type == DocumentType(1, "Công văn")
    assert message.other_info.priority == 1
    assert message.other_info.direction is False
    (attachment,) = message.attachments
    assert attachment.zipped
    assert attachment.content_type == "application/pdf"
    assert attachment.data.startswith(b"%PDF-1.4")
    assert message.traces[0].timestamp == dt.datetime(2015, 9, 30, 15, 20, 11, tzinfo=VIETNAM)
    assert validate((CORPUS / "sdk-document-zipped.edxml").read_bytes()) == []


def test_undeclared_xlink_is_repaired_and_a_malformed_agency_id_kept_with_warnings():
    parsed = parse((CORPUS / "sdk-quirks-xlink-agency-id.edxml").read_bytes())
    codes = [w.code for w in parsed.warnings]
    assert codes == ["ENV_XLINK_UNDECLARED", "ENV_AGENCY_ID"]
    assert parsed.message.recipients[0].organ_id == "28.22.H17"
    assert "28.22.H17" in parsed.warnings[1].message_en
    assert len(parsed.message.attachments) == 1


def test_stray_bytes_before_the_declaration_are_refused_clearly():
    with pytest.raises(EnvelopeError) as error:
        parse((CORPUS / "stray-bytes.edxml").read_bytes())
    assert "stray bytes before the XML declaration" in error.value.message_en
    assert "trước khai báo XML" in error.value.message_vi


@pytest.mark.parametrize("name", ["status-accepted.edxml", "status-other-prefix.edxml"])
def test_status_message_is_read_by_namespace_whatever_the_prefix(name):
    message = parse((CORPUS / name).read_bytes()).message
    assert isinstance(message, StatusMessage)
    assert message.status_code is StatusCode.ACCEPTED
    assert message.status_code.meaning.vi == "Đã tiếp nhận"
    assert message.response_for.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert message.staff.staff == "Trần Thị B"


def test_unknown_status_code_is_refused():
    data = (CORPUS / "status-unknown-code.edxml").read_bytes()
    with pytest.raises(EnvelopeError) as error:
        parse(data)
    assert "'07' is not defined" in error.value.message_en
    assert any("StatusCode" in v.message_en for v in validate(data))


def test_recall_update_and_replace_blocks_are_read():
    recall = parse((CORPUS / "business-recall.edxml").read_bytes()).message
    assert recall.business_type is BusinessType.RECALL
    assert recall.business.reason == "Gửi nhầm nơi nhận"
    assert recall.business.staff.staff == "Lê Văn C"
    update = parse((CORPUS / "business-update.edxml").read_bytes()).message
    assert update.business.receivers_changed is True
    assert update.business.document_info_changed is False
    assert update.business.receivers == [
        Receiver("000.00.00.H41", 1),
        Receiver("000.00.00.H29", 0),
    ]
    replace = parse((CORPUS / "business-replace.edxml").read_bytes()).message
    assert replace.business.replacements == [
        Replacement("000.00.00.G22,2015/09/28,7700/VPCP-TTĐT", ["000.00.00.G12", "000.00.00.H29"])
    ]
    for name in ("business-recall.edxml", "business-update.edxml", "business-replace.edxml"):
        assert validate((CORPUS / name).read_bytes()) == []


def test_schema_violations_are_explained_with_their_path_in_both_languages():
    message = sample_document(
        code=DocumentCode("123456789012", "UBND-KT"),
        other_info=OtherInfo(priority=7),
        subject="x" * 501,
    )
    violations = validate(build(message))
    by_element = {v.path.rsplit("/", 1)[-1]: v for v in violations}
    assert set(by_element) == {"edXML:CodeNumber", "edXML:Priority", "edXML:Subject"}
    assert "12 characters long, over the limit of 11" in by_element["edXML:CodeNumber"].message_en
    assert "vượt quá giới hạn 11 ký tự" in by_element["edXML:CodeNumber"].message_vi
    assert "out of the allowed range" in by_element["edXML:Priority"].message_en


def test_schema_reports_a_missing_required_element():
    data = build(sample_document()).replace(b"<edXML:Subject>", b"<edXML:Subjekt>")
    data = data.replace(b"</edXML:Subject>", b"</edXML:Subjekt>")
    messages = [v.message_en for v in validate(data)]
    assert "Subjekt: this element is not allowed here" in messages
    assert "MessageHeader: a child element is missing; expected: Subject" in messages


EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&xxe;</edXML>"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_dtds_are_refused_before_parsing(data):
    with pytest.raises(EnvelopeError) as error:
        parse(data)
    assert "DTD" in error.value.message_en
    assert validate(data)[0].message_en == error.value.message_en


def test_an_envelope_over_the_size_limit_is_refused_without_reading_it():
    data = build(sample_document()) + b" " * 2_000_000
    start = time.perf_counter()
    with pytest.raises(EnvelopeError) as error:
        parse(data, Limits(envelope_bytes=1_000_000))
    assert time.perf_counter() - start < 0.1
    assert "over the limit" in error.value.message_en


def _with_payload(payload: bytes, content_type: str = "application/zip") -> bytes:
    """An envelope carrying ``payload`` as it arrived, said to be ``content_type``."""
    message = sample_document(
        attachments=[Attachment("vb", "1234.pdf", "text/plain", b"placeholder")]
    )
    data = build(message).replace(b">text/plain<", f">{content_type}<".encode())
    return data.replace(base64.b64encode(b"placeholder"), base64.b64encode(payload), 1)


def test_a_huge_attachment_claim_is_refused_before_decoding():
    data = _with_payload(b"\0" * 3_000_000, "application/pdf")
    with pytest.raises(EnvelopeError) as error:
        parse(data, Limits(attachment_bytes=1_000_000))
    assert "'1234.pdf' is larger than the limit" in error.value.message_en


def test_a_zip_bomb_is_refused_fast_with_bounded_memory():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("1234.pdf", b"\0" * 200_000_000)
    data = _with_payload(buffer.getvalue())
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(EnvelopeError) as error:
        parse(data)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "zip bomb" in error.value.message_en
    assert elapsed < 2
    assert peak < 50_000_000


@pytest.mark.parametrize("name", ["", "  ", "../../etc/cron.d/evil.pdf"])
def test_a_zipped_file_without_a_usable_name_travels_under_its_content_id(name):
    sent = Attachment("vb", name, "application/pdf", b"%PDF-1.7 ...", zipped=True)
    (attachment,) = parse(build(sample_document(attachments=[sent]))).message.attachments
    assert (attachment.data, attachment.zipped) == (b"%PDF-1.7 ...", True)
    assert attachment.name == (name.strip() or "vb.bin")


@pytest.mark.parametrize("name", ["a.zip ", " hồ sơ.ZIP", "a.zip\t"])
def test_a_zip_named_with_spaces_around_travels_as_itself(name):
    sent = Attachment("vb", name, "application/zip", b"PK\x03\x04 the zip", zipped=True)
    data = build(sample_document(attachments=[sent]))
    (attachment,) = parse(data).message.attachments
    assert attachment == Attachment("vb", name.strip(), "application/zip", sent.data)


@pytest.mark.parametrize("name", ["../../etc/cron.d/evil", "/abs.pdf", "a\\..\\b.pdf"])
def test_zip_entries_that_escape_their_folder_are_refused(name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, b"%PDF")
    with pytest.raises(EnvelopeError) as error:
        parse(_with_payload(buffer.getvalue()))
    assert "has a path in it" in error.value.message_en


def test_broken_base64_and_duplicate_content_ids_are_refused():
    broken = build(sample_document()).replace(
        base64.b64encode(b"%PDF-1.7 ..."), b"%%%not-base64%%%"
    )
    with pytest.raises(EnvelopeError, match="broken base64"):
        parse(broken)
    twice = sample_document(
        attachments=[
            Attachment("vb", "a.pdf", "application/pdf", b"1"),
            Attachment("vb", "b.pdf", "application/pdf", b"2"),
        ]
    )
    with pytest.raises(EnvelopeError, match="appears twice"):
        parse(build(twice))


def _with_subject(data: bytes, inserted: bytes) -> bytes:
    return data.replace(b"<edXML:Subject>", b"<edXML:Subject>" + inserted, 1)


@pytest.mark.parametrize(
    "inserted, problem",
    [
        (b"<x>" * 100_000 + b"</x>" * 100_000, "Excessive depth"),
        (b"\xff\xfe\xc3\x28", "Invalid bytes in character encoding"),
        (b"\x00", "Char 0x0 out of allowed range"),
        (b"<x a='1' a='2'/>", "Attribute a redefined"),
    ],
    ids=["deep-nesting", "invalid-utf8", "nul", "duplicate-attribute"],
)
def test_hostile_xml_is_refused_quickly_with_the_parsers_reason(inserted, problem):
    data = _with_subject(build(sample_document()), inserted)
    start = time.perf_counter()
    with pytest.raises(EnvelopeError) as error:
        parse(data)
    assert time.perf_counter() - start < 1
    assert problem in error.value.message_en
    assert error.value.message_vi.startswith("Không phải XML hợp lệ")


def test_a_million_unknown_elements_are_refused_fast_with_a_clear_message():
    unknown = b"<X/>" * 1_000_000  # 4 MB, once 12 s and 1 GB to read
    data = build(sample_document()).replace(b"<edXML:Subject>", unknown + b"<edXML:Subject>")
    start = time.perf_counter()
    with pytest.raises(EnvelopeError) as error:
        parse(data)
    assert time.perf_counter() - start < 2
    assert error.value.message_en == (
        "The envelope holds more than 1000 unknown elements (neither of QCVN 102 nor of a "
        "known extension): refused."
    )
    assert "hơn 1000 phần tử lạ" in error.value.message_vi


def test_unknown_elements_up_to_the_limit_are_kept():
    data = build(sample_document()).replace(b"<edXML:Subject>", b"<X/><Y/><Z/><edXML:Subject>")
    assert len(parse(data, Limits(unknown_elements=3)).message.unknown_elements) == 3
    with pytest.raises(EnvelopeError, match="more than 2 unknown elements"):
        parse(data, Limits(unknown_elements=2))


def test_huge_attributes_are_read_within_the_envelope_limit_and_bounded_memory():
    data = _with_subject(build(sample_document()), b"")
    data = data.replace(b"<edXML:Subject>", b'<edXML:Subject note="' + b"A" * 20_000_000 + b'">')
    tracemalloc.start()
    message = parse(data).message
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert message.subject == sample_document().subject
    assert peak < 100_000_000
    with pytest.raises(EnvelopeError, match="over the limit"):
        parse(data, Limits(envelope_bytes=10_000_000))


def test_schema_violations_are_counted_not_listed_without_end():
    attributes = b" ".join(b'a%d="1"' % i for i in range(5000))
    data = build(sample_document())
    data = data.replace(b"<edXML:Subject>", b"<edXML:Subject " + attributes + b">")
    violations = validate(data)
    assert len(violations) <= 101
    assert "more" in violations[-1].message_en


@pytest.mark.parametrize(
    "name", ["../../etc/cron.d/evil", "/etc/passwd", "..\\..\\x.pdf", "C:x.pdf"]
)
def test_attachment_names_with_paths_are_read_as_sent(name):
    message = sample_document(attachments=[Attachment("vb", name, "application/pdf", b"%PDF-1")])
    (attachment,) = parse(build(message)).message.attachments
    assert attachment.name == name  # shown as sent; never a path (see the unpack and inbox tests)


def test_not_xml_is_a_clear_error():
    with pytest.raises(EnvelopeError) as error:
        parse(b"<edXML><unclosed></edXML>")
    assert "Not well-formed XML" in error.value.message_en
    with pytest.raises(EnvelopeError):
        parse(b"<?xml version='1.0'?><other/>")


def test_document_id_follows_the_convention_and_parses_back():
    code = DocumentCode("7816", "VPCP-TTĐT")
    document_id = make_document_id("000.00.00.G22", dt.date(2015, 9, 30), code)
    assert document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    parts = parse_document_id(document_id)
    assert (parts.sender, parts.date, parts.code) == ("000.00.00.G22", dt.date(2015, 9, 30), code)
    assert parse_document_id("3f2b6c1e-9a4d-4c1b-8f7e-2d5a6b7c8d9e") is None
