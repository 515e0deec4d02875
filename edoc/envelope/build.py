"""Writing edXML messages in the exact form of QCVN 102:2016.

Receivers in the field compare the literal ``edXML:`` prefix, so everything inside the envelope
carries it; the root declares the namespace as default, ``xlink`` is always declared, elements
come in the standard's order, dates are ``yyyy/MM/dd`` and timestamps ``yyyy/MM/dd HH:mm:ss`` in
Vietnam time. The SDK's extension elements are written only when they hold something, each
where VNPT's library puts it in its block; elements a sender wrote that edoc does not know go
back into the block they came from, last (attachments and their references come in the order
of the message's attachments, so that an index in a path finds the same one).
"""

import base64
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, fields, replace

from lxml import etree

from edoc.envelope.attachment_files import file_name
from edoc.envelope.elements import (
    holds_no_namespace,
    joined,
    kept_xml,
    local_name,
    too_many_unknown_elements,
)
from edoc.envelope.layout import DOCUMENT, STATUS, Layout, depth
from edoc.envelope.model import (
    ZIP,
    Attachment,
    Business,
    BusinessType,
    DocumentMessage,
    Message,
    Organization,
    OtherInfo,
    ResponseFor,
    StaffInfo,
    StatusMessage,
    UnknownElement,
    wrapped_in_zip,
)
from edoc.envelope.names import DATE_FORMAT, NS, TIMESTAMP_FORMAT, XLINK, q
from edoc.envelope.parse import kind_of, parse, read_message
from edoc.envelope.safe_xml import DEFAULT_LIMITS, fragment, read_tree
from edoc.errors import EnvelopeError
from edoc.timezone import to_vietnam


def _sub(parent: etree._Element, name: str, text: str | int | None = None) -> etree._Element:
    element = etree.SubElement(parent, q(name))
    if text is not None:
        element.text = str(text)
    return element


def format_date(value: dt.date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def format_timestamp(value: dt.datetime) -> str:
    return to_vietnam(value).strftime(TIMESTAMP_FORMAT)


def _organization(parent: etree._Element, name: str, org: Organization) -> None:
    element = _sub(parent, name)
    for child, value in (
        ("OrganId", org.organ_id),
        ("OrganizationInCharge", org.organization_in_charge),
        ("OrganName", org.organ_name),
        ("OrganAdd", org.organ_add),
        ("Email", org.email),
        ("Telephone", org.telephone),
        ("Fax", org.fax),
        ("Website", org.website),
    ):
        _sub(element, child, value)


def _response_for(parent: etree._Element, response: ResponseFor) -> None:
    element = _sub(parent, "ResponseFor")
    if response == ResponseFor("", ""):
        return  # the empty ResponseFor the sender wrote
    _sub(element, "OrganId", response.organ_id)
    _sub(element, "Code", response.code)
    _sub(element, "PromulgationDate", format_date(response.promulgation_date))
    _sub(element, "DocumentId", response.document_id)


def _optional(parent: etree._Element, name: str, text: str) -> None:
    """An element written only when it holds something: the standard's optional texts
    (Content, TypeDetail, DueDate), the SDK's extensions, a hop's agency (the hub's newer
    output names none)."""
    if text:
        _sub(parent, name, text)


def _staff(parent: etree._Element, staff: StaffInfo) -> None:
    element = _sub(parent, "StaffInfo")
    _sub(element, "Department", staff.department)
    _optional(element, "DepartmentId", staff.department_id)
    _sub(element, "Staff", staff.staff)
    _optional(element, "StaffId", staff.staff_id)
    _sub(element, "Email", staff.email)
    _sub(element, "Mobile", staff.mobile)


def _other_info(parent: etree._Element, info: OtherInfo) -> None:
    element = _sub(parent, "OtherInfo")
    _sub(element, "Priority", int(info.priority))
    _sub(element, "SphereOfPromulgation", info.sphere_of_promulgation)
    _sub(element, "TyperNotation", info.typer_notation)
    _sub(element, "PromulgationAmount", info.promulgation_amount)
    _sub(element, "PageAmount", info.page_amount)
    appendixes = _sub(element, "Appendixes")
    for appendix in info.appendixes:
        _sub(appendixes, "Appendix", appendix)
    if info.direction is not None:
        _sub(element, "Direction", str(info.direction).lower())
    _optional(element, "ReplyFors", info.reply_fors)
    _optional(element, "ReferenceCodes", info.reference_codes)


def _document_header(parent: etree._Element, message: DocumentMessage) -> None:
    header = _sub(parent, "MessageHeader")
    _organization(header, "From", message.sender)
    for recipient in message.recipients:
        _organization(header, "To", recipient)
    code = _sub(header, "Code")
    _sub(code, "CodeNumber", message.code.number)
    _sub(code, "CodeNotation", message.code.notation)
    promulgation = _sub(header, "PromulgationInfo")
    _sub(promulgation, "Place", message.place)
    _sub(promulgation, "PromulgationDate", format_date(message.promulgation_date))
    document_type = _sub(header, "DocumentType")
    _sub(document_type, "Type", message.document_type.type)
    _sub(document_type, "TypeName", message.document_type.type_name)
    _optional(document_type, "TypeDetail", message.document_type.type_detail)
    _sub(header, "Subject", message.subject)
    _optional(header, "Content", message.content)
    signer = _sub(header, "SignerInfo")
    _sub(signer, "Competence", message.signer.competence)
    _sub(signer, "Position", message.signer.position)
    _sub(signer, "FullName", message.signer.full_name)
    _optional(header, "DueDate", format_date(message.due_date))
    places = _sub(header, "ToPlaces")
    for place in message.to_places:
        _sub(places, "Place", place)
    _other_info(header, message.other_info)
    for response in message.response_for:
        _response_for(header, response)
    if message.steering_type is not None:
        _sub(header, "SteeringType", message.steering_type)
    if message.task_codes:
        tasks = _sub(header, "ResponseForTask")
        for task_code in message.task_codes:
            _sub(tasks, "TaskCode", task_code)
    _optional(header, "ApplicationType", message.application_type)
    _sub(header, "DocumentId", message.document_id)


def _business(parent: etree._Element, business: Business) -> None:
    element = _sub(parent, "Bussiness")
    _sub(element, "BussinessDocType", int(business.business_type))
    if business.document_id:
        _sub(element, "DocumentId", business.document_id)
    _sub(element, "BussinessDocReason", business.reason)
    _sub(element, "Paper", business.paper)
    if business.business_type is BusinessType.UPDATE:
        info = _sub(element, "BussinessDocumentInfo")
        _sub(info, "DocumentInfo", int(bool(business.document_info_changed)))
        _sub(info, "DocumentReceiver", int(bool(business.receivers_changed)))
        receivers = _sub(info, "ReceiverList")
        for receiver in business.receivers:
            item = _sub(receivers, "Receiver")
            _sub(item, "OrganId", receiver.organ_id)
            _sub(item, "ReceiverType", receiver.receiver_type)
    if business.business_type is BusinessType.REPLACE:
        replacements = _sub(element, "ReplacementInfoList")
        for replacement in business.replacements:
            item = _sub(replacements, "ReplacementInfo")
            _sub(item, "DocumentId", replacement.document_id)
            organs = _sub(item, "OrganIdList")
            for organ_id in replacement.organ_ids:
                _sub(organs, "OrganId", organ_id)
    if business.staff:
        _staff(element, business.staff)


def _status_header(parent: etree._Element, message: StatusMessage) -> None:
    header = _sub(parent, "MessageHeader")
    _organization(header, "From", message.sender)
    _response_for(header, message.response_for)
    if message.staff:
        _staff(header, message.staff)
    _sub(header, "StatusCode", message.status_code.value)
    _sub(header, "Description", message.description)
    _sub(header, "Timestamp", format_timestamp(message.timestamp))


def _zipped(attachment: Attachment, number: int) -> bytes:
    """The file inside a zip of its own, as the SDK sends it, under a name a reader can
    unzip (an empty name, or one with a path, would be refused)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        name = file_name(attachment, number)
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, attachment.data)
    return buffer.getvalue()


def _transfer(attachment: Attachment, number: int) -> tuple[str, bytes]:
    """The ContentType the envelope gives attachment ``number``, and the bytes that travel."""
    content_type = ZIP if attachment.zipped else attachment.content_type
    if wrapped_in_zip(attachment.name, content_type):
        return content_type, _zipped(attachment, number)
    return content_type, attachment.data


def _attachments(root: etree._Element, body: etree._Element, attachments: list) -> None:
    manifest = _sub(body, "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = etree.SubElement(root, q("AttachmentEncoded"))
    for number, attachment in enumerate(attachments, start=1):
        content_type, payload = _transfer(attachment, number)
        reference = _sub(manifest, "Reference")
        reference.set(f"{{{XLINK}}}href", f"cid:{attachment.content_id}")
        _sub(reference, "ContentId", attachment.content_id)
        _sub(reference, "ContentType", content_type)
        _sub(reference, "Description", attachment.description)
        _sub(reference, "AttachmentName", attachment.name)
        item = etree.SubElement(encoded, q("Attachment"))
        for name, value in (
            ("ContentId", attachment.content_id),
            ("AttachmentName", attachment.name),
            ("Description", attachment.description),
            ("ContentType", content_type),
        ):
            etree.SubElement(item, q(name)).text = value
        data = etree.SubElement(item, q("ContentTransferEncoded"), nsmap={"edXML": NS})
        data.text = base64.b64encode(payload).decode("ascii")


_STEP = re.compile(r"([A-Za-z_][\w.-]*)(?:\[([1-9]\d*)\])?")


@dataclass
class _Blocks:
    """The blocks of one envelope that unknown elements go back into, each found once by its
    path and kept (with every shorter path on the way), so that many unknown elements cost
    no more than one each."""

    found: dict[str, tuple[etree._Element, Layout]]
    depth: int

    @classmethod
    def of(cls, root: etree._Element, layout: Layout) -> "_Blocks":
        return cls({"": (root, layout)}, depth(layout))

    def at(self, path: str) -> tuple[etree._Element, Layout]:
        """The block at ``path`` and what edoc knows of it. Every step must name a block
        edoc knows inside the one before (never a text, a signature or a name it does not
        know), so a path is no longer than the layout is deep. A block edoc did not write is
        made (an empty ResponseForTask that held only an unknown element); what making it
        changes, :func:`_check_reading` refuses."""
        if path.count("/") >= self.depth:
            raise _no_place(path)
        walked = ""
        for step in path.split("/") if path else ():
            parent, walked = walked, joined(walked, step)
            if walked not in self.found:
                self.found[walked] = _child_block(*self.found[parent], step, path)
        return self.found[walked]


def _child_block(
    parent: etree._Element, layout: Layout, step: str, path: str
) -> tuple[etree._Element, Layout]:
    match = _STEP.fullmatch(step)
    known = layout.children.get(q(match[1])) if match else None
    if known is None or not known.is_block:
        raise _no_place(path)
    same = parent.findall(q(match[1]))
    position = int(match[2] or 1)
    if position <= len(same):
        return same[position - 1], known
    if position == 1:
        return _sub(parent, match[1]), known
    raise _no_place(path)


def _no_place(parent: str) -> EnvelopeError:
    shown = parent if len(parent) <= 200 else f"{parent[:200]}…"
    return EnvelopeError(
        f"Không đặt lại được phần tử lạ vào «{shown}»: gói tin không có khối đó, hay edoc "
        "không biết khối đó.",
        f"An unknown element cannot be put back into '{shown}': the envelope has no such "
        "block, or edoc does not know it.",
    )


def _fitting(unknown: UnknownElement, block: etree._Element, layout: Layout) -> etree._Element:
    """The unknown element, refused where written back it would be read as something else:
    an element in no namespace (lxml would write it into edXML's), or one edoc knows in this
    block, unless it repeats one edoc wrote that may appear once (the reader takes the first,
    edoc's, as it did when it kept this one)."""
    element = fragment(unknown.xml)
    where = joined(unknown.parent, local_name(element))
    if holds_no_namespace(element):
        raise EnvelopeError(
            f"«{where}»: phần tử lạ có phần tử không thuộc không gian tên nào; ghi lại vào gói "
            "tin edXML nó sẽ rơi vào không gian tên của edXML, nên không được ghi.",
            f"'{where}': the unknown element holds an element in no namespace; written into an "
            "edXML envelope it would fall into edXML's namespace, so it is not written.",
        )
    known = layout.children.get(element.tag)
    if known is not None and (known.repeats or block.find(element.tag) is None):
        raise EnvelopeError(
            f"«{where}»: edoc biết phần tử này ở đây và tự ghi nó từ nội dung gói tin; là phần "
            "tử lạ nó sẽ đổi điều gói tin nói, nên không được ghi.",
            f"'{where}': edoc knows this element here and writes it from the message; as an "
            "unknown element it would change what the envelope says, so it is not written.",
        )
    return element


def _restore(root: etree._Element, message: Message) -> None:
    """Each element edoc does not know back into the block it came from."""
    if len(message.unknown_elements) > DEFAULT_LIMITS.unknown_elements:
        raise too_many_unknown_elements(DEFAULT_LIMITS)
    blocks = _Blocks.of(root, STATUS if isinstance(message, StatusMessage) else DOCUMENT)
    for unknown in message.unknown_elements:
        block, layout = blocks.at(unknown.parent)
        block.append(_fitting(unknown, block, layout))


def _tree(message: Message) -> etree._ElementTree:
    """The message as an lxml tree, unsigned."""
    root = etree.Element(q("edXML"), nsmap={None: NS})
    envelope = etree.SubElement(root, q("edXMLEnvelope"), nsmap={"edXML": NS, "xlink": XLINK})
    header = _sub(envelope, "edXMLHeader")
    if isinstance(message, StatusMessage):
        _status_header(header, message)
    else:
        _document(root, envelope, header, message)
    _restore(root, message)
    return etree.ElementTree(root)


def _document(
    root: etree._Element,
    envelope: etree._Element,
    header: etree._Element,
    message: DocumentMessage,
) -> None:
    _document_header(header, message)
    traces = _sub(header, "TraceHeaderList")
    for trace in message.traces:
        item = _sub(traces, "TraceHeader")
        _optional(item, "OrganId", trace.organ_id)
        _sub(item, "Timestamp", format_timestamp(trace.timestamp))
    if message.business is not None:
        _business(traces, message.business)
    body = _sub(envelope, "edXMLBody")
    _attachments(root, body, message.attachments)


XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def serialize(tree: etree._ElementTree) -> bytes:
    """UTF-8 bytes with the declaration written the usual way (double quotes)."""
    return XML_DECLARATION + etree.tostring(tree.getroot(), encoding="UTF-8", pretty_print=True)


def build(message: Message) -> bytes:
    """The message as an unsigned edXML file (UTF-8); one with unknown elements is checked to
    read back as the message says (:func:`_check_reading`)."""
    data = serialize(_tree(message))
    if message.unknown_elements:
        _check_reading(message)
    return data


def _check_reading(message: Message) -> None:
    """Refuse unknown elements that would change what a reader takes from the envelope.

    Written back, an unknown element may become something edoc reads (a block edoc does not
    write, a hop without a time), or not come back where it was. The envelope is read back
    with them and without them, and both readings must be the same message, with the unknown
    elements back as they were. Both are built with the files emptied: their bytes play no
    part in where anything is read from, and a reading of the header costs little.
    """
    emptied = _without_file_bytes(message)
    try:
        expected = parse(serialize(_tree(replace(emptied, unknown_elements=[])))).message
    except EnvelopeError as error:
        raise _unreadable(error, "edoc không đọc lại được", "edoc cannot read back") from error
    tree, _ = read_tree(serialize(_tree(emptied)))
    if kind_of(tree) != message.kind:
        raise _changes_reading(f"kind: {message.kind} → {kind_of(tree)}")
    try:
        read = read_message(tree).message
    except EnvelopeError as error:
        raise _unreadable(error, "phần tử lạ làm", "the unknown elements make") from error
    changed = _changed_field(expected, read)
    if changed:
        raise _changes_reading(changed)
    if _by_parent(read.unknown_elements) != _by_parent(message.unknown_elements):
        raise EnvelopeError(
            "Phần tử lạ ghi lại sẽ không được đọc lại ở chỗ cũ, như cũ: không được ghi.",
            "The unknown elements, written back, would not be read back where and as they "
            "were: not written.",
        )


def _without_file_bytes(message: Message) -> Message:
    if isinstance(message, StatusMessage):
        return message
    return replace(message, attachments=[replace(a, data=b"") for a in message.attachments])


def _unreadable(error: EnvelopeError, vi: str, en: str) -> EnvelopeError:
    return EnvelopeError(
        f"Gói tin sẽ không đọc được ({vi}): {error.message_vi}",
        f"The envelope would be unreadable ({en}): {error.message_en}",
    )


def _changes_reading(what: str) -> EnvelopeError:
    return EnvelopeError(
        f"Phần tử lạ sẽ đổi điều người nhận đọc được từ gói tin ({what}): không được ghi.",
        f"The unknown elements would change what a reader takes from the envelope ({what}): "
        "not written.",
    )


def _changed_field(expected: Message, read: Message) -> str:
    """The first field of the message a reader takes differently from ``read`` than from
    ``expected`` (two messages of the same kind; unknown elements apart), "" when none."""
    return next(
        (
            item.name
            for item in fields(expected)
            if item.name != "unknown_elements"
            and getattr(read, item.name) != getattr(expected, item.name)
        ),
        "",
    )


def _by_parent(unknown: list[UnknownElement]) -> dict[str, list[str]]:
    """The unknown elements of each block in their order there (the order of blocks apart:
    a reader finds them block by block), each in a form that does not depend on how its XML
    is written (indentation, prefixes: lxml writes an element of edXML's namespace with the
    envelope's edXML: prefix)."""
    blocks: dict[str, list[str]] = {}
    for element in unknown:
        kept = kept_xml(fragment(element.xml))
        blocks.setdefault(element.parent, []).append(
            etree.canonicalize(kept, rewrite_prefixes=True)
        )
    return blocks
