"""Envelopes with elements edoc does not know: kept, reported with their place, and written
back where they came from — or refused where they would change what a reader takes."""

import datetime as dt
import time

import pytest
from lxml import etree

from edoc.envelope.build import build
from edoc.envelope.model import (
    Attachment,
    Business,
    BusinessType,
    Organization,
    Replacement,
    TraceHeader,
    UnknownElement,
)
from edoc.envelope.names import NS, q
from edoc.envelope.parse import parse
from edoc.errors import EnvelopeError
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
from tests.support.envelopes import sample_document

# -- what edoc does not know is kept, reported and written back ------------------------------

GHOST = f'<edXML:Ghost xmlns:edXML="{NS}">boo</edXML:Ghost>'
FOREIGN = '<x:Note xmlns:x="urn:example:dms"><x:By>văn thư</x:By></x:Note>'


BODY = "edXMLEnvelope/edXMLBody"
UNKNOWN_PLACES = [
    (full_document, MESSAGE_HEADER, GHOST),
    (full_document, f"{MESSAGE_HEADER}/From", FOREIGN),
    (full_document, f"{MESSAGE_HEADER}/OtherInfo", GHOST),
    (full_document, f"{HEADER}/TraceHeaderList/Bussiness", GHOST),
    (full_document, HEADER, FOREIGN),
    (full_document, f"{BODY}/edXMLManifest/Reference", FOREIGN),
    (full_document, f"{BODY}/edXMLManifest", GHOST),
    (full_document, BODY, GHOST),
    (full_document, "edXMLEnvelope", FOREIGN),
    (full_document, "AttachmentEncoded/Attachment", GHOST),
    (full_document, "AttachmentEncoded", FOREIGN),
    (full_document, "", GHOST),
    (status_message, f"{MESSAGE_HEADER}/StaffInfo", GHOST),
    (status_message, MESSAGE_HEADER, FOREIGN),
    (status_message, "", FOREIGN),
]


@pytest.mark.parametrize(
    ("envelope", "parent", "xml"),
    UNKNOWN_PLACES,
    ids=[f"{envelope.__name__[1:]}-{parent or 'root'}" for envelope, parent, _ in UNKNOWN_PLACES],
)
def test_an_unknown_element_is_kept_with_its_place_reported_and_built_back(envelope, parent, xml):
    parsed = parse(inserted(envelope(), parent, xml))
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
    assert etree.QName(find_element(etree.fromstring(rebuilt), parent)[-1]).localname == name
    assert parse(rebuilt).message == parsed.message


def test_an_unknown_element_in_the_second_recipient_goes_back_there():
    root = etree.fromstring(
        build(
            sample_document(
                recipients=[Organization("000.00.00.G22"), Organization("000.00.00.G12")]
            )
        )
    )
    find_element(root, MESSAGE_HEADER).findall(q("To"))[1].append(etree.fromstring(GHOST))
    message = parse(etree.tostring(root)).message
    assert message.unknown_elements[0].parent == f"{MESSAGE_HEADER}/To[2]"
    rebuilt = etree.fromstring(build(message))
    first, second = find_element(rebuilt, MESSAGE_HEADER).findall(q("To"))
    assert first.find(q("Ghost")) is None
    assert second.findtext(q("Ghost")) == "boo"


def test_unknown_elements_of_an_attachment_and_its_reference_go_back_to_that_file():
    files = [
        Attachment("a", "a.pdf", "application/pdf", b"%PDF-1 a"),
        Attachment("b", "b.pdf", "application/pdf", b"%PDF-1 b"),
    ]
    root = etree.fromstring(build(sample_document(attachments=files)))
    find_element(root, "AttachmentEncoded").findall(q("Attachment"))[1].append(
        etree.fromstring(GHOST)
    )
    manifest = find_element(root, f"{BODY}/edXMLManifest")
    manifest.findall(q("Reference"))[0].append(etree.fromstring(FOREIGN))
    message = parse(etree.tostring(root)).message
    assert [u.parent for u in message.unknown_elements] == [
        f"{BODY}/edXMLManifest/Reference[1]",
        "AttachmentEncoded/Attachment[2]",
    ]
    rebuilt = etree.fromstring(build(message))
    attachments = find_element(rebuilt, "AttachmentEncoded").findall(q("Attachment"))
    assert [a.findtext(q("ContentId")) for a in attachments] == ["a", "b"]
    assert [a.findtext(q("Ghost")) for a in attachments] == [None, "boo"]
    references = find_element(rebuilt, f"{BODY}/edXMLManifest").findall(q("Reference"))
    assert [len(r.findall("{urn:example:dms}Note")) for r in references] == [1, 0]


def test_an_unknown_element_exclusive_c14n_refuses_is_kept_as_lxml_writes_it():
    relative = '<x:Note xmlns:x="dms/notes"><x:By a="1">văn thư</x:By></x:Note>'
    parsed = parse(inserted(full_document(), MESSAGE_HEADER, relative))
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
    parsed = parse(doubled(full_document(), MESSAGE_HEADER, "Subject"))
    (warning,) = parsed.warnings
    assert warning.code == "ENV_REPEATED_ELEMENT"
    assert f"{MESSAGE_HEADER}/Subject:" in warning.message_en
    assert parsed.message.subject == sample_document().subject
    rebuilt = build(parsed.message)
    assert rebuilt.count(b"<edXML:Subject>") == 2
