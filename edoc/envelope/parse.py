"""Reading edXML messages from the hub, from our own software and from everyone else's.

Elements are matched by namespace and name, never by prefix or position: senders order them
their own way. What real senders get wrong is repaired or accepted with a warning (an
undeclared ``xlink`` prefix, a malformed agency id, dashes in a date); an element edoc does not
know is kept, with where it was, and reported (ENV_UNKNOWN_ELEMENT). What cannot be read
safely is refused with an :class:`EnvelopeError`: stray bytes before the XML declaration, any
DTD, more bytes than the limits allow, broken base64, a zip bomb or a zip entry that tries to
escape its folder. Parsing never touches the network.
"""

import base64
import binascii
import datetime as dt
import io
import mimetypes
import re
import zipfile
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field

from lxml import etree

from edoc.agency import AgencyId, AgencyIdError
from edoc.envelope.layout import DOCUMENT, STATUS, Layout
from edoc.envelope.model import (
    Attachment,
    Business,
    BusinessType,
    DocumentCode,
    DocumentMessage,
    DocumentType,
    Message,
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
    wrapped_in_zip,
)
from edoc.envelope.names import DATE_FORMAT, NS, TIMESTAMP_FORMAT, XLINK, q
from edoc.errors import EnvelopeError
from edoc.timezone import VIETNAM


@dataclass(frozen=True)
class Limits:
    """How much an envelope may hold; larger ones are refused before they cost memory."""

    envelope_bytes: int = 512 * 2**20
    attachment_bytes: int = 256 * 2**20
    attachments: int = 1000
    zip_ratio: int = 200
    unknown_elements: int = 1000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class EnvelopeWarning:
    """Something odd that was accepted: the message was read, but a person should know;
    ``line`` is the line of the file it was first seen on, when one is known."""

    code: str
    message_vi: str
    message_en: str
    line: int | None = None


@dataclass
class ParsedEnvelope:
    """A message read from an edXML file, and what was odd about it."""

    message: Message
    warnings: list[EnvelopeWarning] = field(default_factory=list)


_BOM = b"\xef\xbb\xbf"


class _Reader:
    """The reading of one envelope: collects warnings while turning elements into the model."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.warnings: list[EnvelopeWarning] = []

    def warn(self, code: str, vi: str, en: str) -> None:
        self.warnings.append(EnvelopeWarning(code, vi, en))

    # -- small values -------------------------------------------------------------------

    def text(self, parent: etree._Element | None, path: str) -> str:
        if parent is None:
            return ""
        element = parent.find("/".join(q(part) for part in path.split("/")))
        return (element.text or "").strip() if element is not None else ""

    def integer(self, parent: etree._Element | None, path: str, default: int = 0) -> int:
        value = self.text(parent, path)
        if not value:
            return default
        try:
            return int(value)
        except ValueError:
            self.warn(
                "ENV_NOT_A_NUMBER",
                f"{path}: «{value}» không phải số, dùng {default}.",
                f"{path}: '{value}' is not a number; {default} is used.",
            )
            return default

    def boolean(self, parent: etree._Element | None, path: str) -> bool | None:
        value = self.text(parent, path)
        if not value:
            return None
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        self.warn(
            "ENV_NOT_A_BOOLEAN",
            f"{path}: «{value}» không phải true/false, bỏ qua.",
            f"{path}: '{value}' is not true or false; ignored.",
        )
        return None

    def texts(self, parent: etree._Element | None, path: str) -> list[str]:
        if parent is None:
            return []
        return [
            (element.text or "").strip()
            for element in parent.iterfind("/".join(q(part) for part in path.split("/")))
        ]

    def date(self, parent: etree._Element | None, path: str, required: bool = False):
        value = self.text(parent, path)
        if not value:
            if required:
                raise EnvelopeError(f"Thiếu {path}.", f"{path} is missing.")
            return None
        for pattern, warns in ((DATE_FORMAT, False), ("%Y-%m-%d", True)):
            try:
                parsed = dt.datetime.strptime(value, pattern).date()
            except ValueError:
                continue
            if warns:
                self.warn(
                    "ENV_DATE_FORMAT",
                    f"{path}: ngày «{value}» không theo dạng yyyy/MM/dd.",
                    f"{path}: date '{value}' is not in the yyyy/MM/dd form.",
                )
            return parsed
        if required:
            raise EnvelopeError(
                f"{path}: «{value}» không phải ngày dạng yyyy/MM/dd.",
                f"{path}: '{value}' is not a date of the form yyyy/MM/dd.",
            )
        self.warn(
            "ENV_DATE_FORMAT",
            f"{path}: «{value}» không phải ngày, bỏ qua.",
            f"{path}: '{value}' is not a date; ignored.",
        )
        return None

    def timestamp(self, parent: etree._Element | None, path: str) -> dt.datetime:
        value = self.text(parent, path)
        for pattern in (TIMESTAMP_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
            try:
                return dt.datetime.strptime(value, pattern).replace(tzinfo=VIETNAM)
            except ValueError:
                continue
        raise EnvelopeError(
            f"{path}: «{value}» không phải thời điểm dạng yyyy/MM/dd HH:mm:ss.",
            f"{path}: '{value}' is not a timestamp of the form yyyy/MM/dd HH:mm:ss.",
        )

    # -- blocks ---------------------------------------------------------------------------

    def organization(self, element: etree._Element, path: str) -> Organization:
        return Organization(
            organ_id=self._organ_id_at(element, path),
            organ_name=self.text(element, "OrganName"),
            organization_in_charge=self.text(element, "OrganizationInCharge"),
            organ_add=self.text(element, "OrganAdd"),
            email=self.text(element, "Email"),
            telephone=self.text(element, "Telephone"),
            fax=self.text(element, "Fax"),
            website=self.text(element, "Website"),
        )

    def _organ_id_at(self, element: etree._Element, path: str) -> str:
        value = self.text(element, "OrganId")
        try:
            AgencyId.parse(value)
        except AgencyIdError:
            self.warn(
                "ENV_AGENCY_ID",
                f"{path}/OrganId: mã định danh «{value}» không đúng dạng, vẫn giữ nguyên.",
                f"{path}/OrganId: agency id '{value}' is malformed; kept as it is.",
            )
        return value

    def response_for(self, element: etree._Element) -> ResponseFor:
        if not _has_children(element):
            return ResponseFor("", "")
        return ResponseFor(
            organ_id=self._organ_id_at(element, "ResponseFor"),
            code=self.text(element, "Code"),
            promulgation_date=self.date(element, "PromulgationDate"),
            document_id=self.text(element, "DocumentId"),
        )

    def staff(self, element: etree._Element | None) -> StaffInfo | None:
        if element is None:
            return None
        return StaffInfo(
            department=self.text(element, "Department"),
            staff=self.text(element, "Staff"),
            email=self.text(element, "Email"),
            mobile=self.text(element, "Mobile"),
            department_id=self.text(element, "DepartmentId"),
            staff_id=self.text(element, "StaffId"),
        )

    def other_info(self, element: etree._Element | None) -> OtherInfo:
        if element is None:
            return OtherInfo()
        priority = self.integer(element, "Priority")
        if not 0 <= priority <= 4:
            self.warn(
                "ENV_PRIORITY",
                f"OtherInfo/Priority: độ khẩn {priority} ngoài khoảng 0–4.",
                f"OtherInfo/Priority: priority {priority} is outside 0–4.",
            )
        return OtherInfo(
            priority=priority,
            sphere_of_promulgation=self.text(element, "SphereOfPromulgation"),
            typer_notation=self.text(element, "TyperNotation"),
            promulgation_amount=self.integer(element, "PromulgationAmount"),
            page_amount=self.integer(element, "PageAmount"),
            appendixes=self.texts(element, "Appendixes/Appendix"),
            direction=self.boolean(element, "Direction"),
            reply_fors=self.text(element, "ReplyFors"),
            reference_codes=self.text(element, "ReferenceCodes"),
        )

    def business(self, element: etree._Element | None) -> Business | None:
        if element is None:
            return None
        code = self.integer(element, "BussinessDocType")
        try:
            business_type = BusinessType(code)
        except ValueError as error:
            raise EnvelopeError(
                f"Bussiness/BussinessDocType: mã nghiệp vụ {code} không được định nghĩa (0–3).",
                f"Bussiness/BussinessDocType: business code {code} is not defined (0–3).",
            ) from error
        info = element.find(q("BussinessDocumentInfo"))
        receivers = [
            Receiver(self._organ_id_at(r, "Receiver"), self.integer(r, "ReceiverType"))
            for r in element.iterfind(
                f"{q('BussinessDocumentInfo')}/{q('ReceiverList')}/{q('Receiver')}"
            )
        ]
        replacements = [
            Replacement(self.text(r, "DocumentId"), self.texts(r, "OrganIdList/OrganId"))
            for r in element.iterfind(f"{q('ReplacementInfoList')}/{q('ReplacementInfo')}")
        ]
        return Business(
            business_type=business_type,
            document_id=self.text(element, "DocumentId"),
            reason=self.text(element, "BussinessDocReason"),
            paper=self.integer(element, "Paper"),
            staff=self.staff(element.find(q("StaffInfo"))),
            document_info_changed=(
                self.text(info, "DocumentInfo") == "1" if info is not None else None
            ),
            receivers_changed=(
                self.text(info, "DocumentReceiver") == "1" if info is not None else None
            ),
            receivers=receivers,
            replacements=replacements,
        )

    def attachments(
        self, root: etree._Element, manifest: etree._Element | None
    ) -> list[Attachment]:
        items = root.findall(f"{q('AttachmentEncoded')}/{q('Attachment')}")
        if len(items) > self.limits.attachments:
            raise EnvelopeError(
                f"Gói tin có {len(items)} tệp đính kèm, quá giới hạn {self.limits.attachments}.",
                f"The envelope has {len(items)} attachments, over the limit of "
                f"{self.limits.attachments}.",
            )
        references = {}
        if manifest is not None:
            for reference in manifest.iterfind(q("Reference")):
                content_id = self.text(reference, "ContentId")
                href = reference.get(f"{{{XLINK}}}href", "")
                if href and href != f"cid:{content_id}":
                    self.warn(
                        "ENV_REFERENCE_HREF",
                        f"Reference «{content_id}»: xlink:href «{href}» không khớp ContentId.",
                        f"Reference '{content_id}': xlink:href '{href}' does not match ContentId.",
                    )
                references[content_id] = reference
        attachments: list[Attachment] = []
        seen: set[str] = set()
        for item in items:
            attachment = self.attachment(item)
            if attachment.content_id in seen:
                raise EnvelopeError(
                    f"ContentId «{attachment.content_id}» xuất hiện hai lần.",
                    f"ContentId '{attachment.content_id}' appears twice.",
                )
            seen.add(attachment.content_id)
            if attachment.content_id not in references:
                self.warn(
                    "ENV_UNLISTED_ATTACHMENT",
                    f"Tệp «{attachment.name}» không có trong edXMLManifest.",
                    f"Attachment '{attachment.name}' is not listed in the edXMLManifest.",
                )
            attachments.append(attachment)
        for content_id in references.keys() - seen:
            self.warn(
                "ENV_MISSING_ATTACHMENT",
                f"edXMLManifest nêu tệp «{content_id}» nhưng gói tin không chứa tệp này.",
                f"The edXMLManifest lists '{content_id}' but the envelope does not carry it.",
            )
        return attachments

    def attachment(self, item: etree._Element) -> Attachment:
        content_id = self.text(item, "ContentId")
        name = self.text(item, "AttachmentName")
        content_type = self.text(item, "ContentType")
        encoded = self.text(item, "ContentTransferEncoded")
        label = name or content_id
        if len(encoded) // 4 * 3 > self.limits.attachment_bytes:
            raise EnvelopeError(
                f"Tệp đính kèm «{label}» lớn hơn giới hạn {self.limits.attachment_bytes} byte.",
                f"Attachment '{label}' is larger than the limit of "
                f"{self.limits.attachment_bytes} bytes.",
            )
        try:
            data = base64.b64decode(re.sub(r"\s+", "", encoded), validate=True)
        except (binascii.Error, ValueError) as error:
            raise EnvelopeError(
                f"Tệp đính kèm «{label}»: dữ liệu base64 hỏng ({error}).",
                f"Attachment '{label}': broken base64 data ({error}).",
            ) from error
        description = self.text(item, "Description")
        if wrapped_in_zip(name, content_type):
            inner_name, inner = unzip_single(data, label, self.limits)
            guessed = content_type_of(name or inner_name)
            return Attachment(content_id, name or inner_name, guessed, inner, description, True)
        return Attachment(content_id, name, content_type, data, description, False)

    # -- messages -------------------------------------------------------------------------

    def document(self, root: etree._Element, header: etree._Element, envelope) -> DocumentMessage:
        unknown = self.unknown_elements(root, DOCUMENT)
        message_header = header.find(q("MessageHeader"))
        sender = message_header.find(q("From"))
        if sender is None:
            raise EnvelopeError("Thiếu MessageHeader/From.", "MessageHeader/From is missing.")
        traces = header.find(q("TraceHeaderList"))
        recipients = [self.organization(to, "To") for to in message_header.iterfind(q("To"))]
        steering = self.text(message_header, "SteeringType")
        return DocumentMessage(
            sender=self.organization(sender, "From"),
            recipients=recipients,
            code=DocumentCode(
                self.text(message_header, "Code/CodeNumber"),
                self.text(message_header, "Code/CodeNotation"),
            ),
            place=self.text(message_header, "PromulgationInfo/Place"),
            promulgation_date=self.date(
                message_header, "PromulgationInfo/PromulgationDate", required=True
            ),
            document_type=DocumentType(
                self.integer(message_header, "DocumentType/Type", 2),
                self.text(message_header, "DocumentType/TypeName"),
                self.text(message_header, "DocumentType/TypeDetail"),
            ),
            subject=self.text(message_header, "Subject"),
            content=self.text(message_header, "Content"),
            signer=SignerInfo(
                self.text(message_header, "SignerInfo/Competence"),
                self.text(message_header, "SignerInfo/Position"),
                self.text(message_header, "SignerInfo/FullName"),
            ),
            due_date=self.date(message_header, "DueDate"),
            to_places=self.texts(message_header, "ToPlaces/Place"),
            other_info=self.other_info(message_header.find(q("OtherInfo"))),
            response_for=[self.response_for(r) for r in message_header.iterfind(q("ResponseFor"))],
            steering_type=self.integer(message_header, "SteeringType") if steering else None,
            task_codes=self.texts(message_header, "ResponseForTask/TaskCode"),
            application_type=self.text(message_header, "ApplicationType"),
            document_id=self.text(message_header, "DocumentId"),
            traces=[
                self.trace(t)
                for t in (traces.iterfind(q("TraceHeader")) if traces is not None else ())
            ],
            business=self.business(traces.find(q("Bussiness")) if traces is not None else None),
            attachments=self.attachments(
                root, envelope.find(f"{q('edXMLBody')}/{q('edXMLManifest')}")
            ),
            unknown_elements=unknown,
        )

    def status(self, root: etree._Element, header: etree._Element) -> StatusMessage:
        unknown = self.unknown_elements(root, STATUS)
        message_header = header.find(q("MessageHeader"))
        code = self.text(message_header, "StatusCode")
        try:
            status_code = StatusCode(code)
        except ValueError as error:
            raise EnvelopeError(
                f"Mã trạng thái «{code}» không được định nghĩa (chỉ có 01–06, 13, 15, 16).",
                f"Status code '{code}' is not defined (only 01–06, 13, 15 and 16 are).",
            ) from error
        sender = message_header.find(q("From"))
        response = message_header.find(q("ResponseFor"))
        if sender is None or response is None or not _has_children(response):
            raise EnvelopeError(
                "Gói tin trạng thái thiếu From hoặc ResponseFor.",
                "The status message lacks From or ResponseFor.",
            )
        return StatusMessage(
            sender=self.organization(sender, "From"),
            response_for=self.response_for(response),
            status_code=status_code,
            timestamp=self.timestamp(message_header, "Timestamp"),
            description=self.text(message_header, "Description"),
            staff=self.staff(message_header.find(q("StaffInfo"))),
            unknown_elements=unknown,
        )

    def trace(self, element: etree._Element) -> TraceHeader:
        """A hop; the hub's newer output names no agency, which is no malformed id."""
        organ_id = (
            self._organ_id_at(element, "TraceHeader")
            if element.find(q("OrganId")) is not None
            else ""
        )
        return TraceHeader(organ_id, self.timestamp(element, "Timestamp"))

    # -- what edoc does not know -----------------------------------------------------------

    def unknown_elements(self, root: etree._Element, layout: Layout) -> list[UnknownElement]:
        """Every element of the message that ``layout`` does not know, with where it was;
        refused as soon as there are more than the limit, before any more is copied."""
        found: list[UnknownElement] = []
        self._unknown_in(root, "", layout, found)
        return found

    def _unknown_in(
        self, element: etree._Element, path: str, layout: Layout, found: list[UnknownElement]
    ) -> None:
        seen: Counter = Counter()
        for child in element.iterchildren(etree.Element):
            seen[child.tag] += 1
            known = layout.children.get(child.tag)
            if known is not None and (known.repeats or seen[child.tag] == 1):
                if known.children is not None:
                    step = _step(child, seen[child.tag])
                    self._unknown_in(child, joined(path, step), known, found)
                continue
            if len(found) == self.limits.unknown_elements:
                raise too_many_unknown_elements(self.limits)
            found.append(UnknownElement(path, kept_xml(child)))
            where = joined(path, local_name(child))
            if known is None:
                self._report_unknown(child, where)
            else:
                self._report_repeated(where)

    def _report_repeated(self, where: str) -> None:
        self.warn(
            "ENV_REPEATED_ELEMENT",
            f"{where}: phần tử chỉ được có một lần nhưng xuất hiện lại; đọc phần tử đầu, "
            "giữ nguyên các phần tử sau.",
            f"{where}: an element that may appear once appears again; the first is read, "
            "the others kept as they are.",
        )

    def _report_unknown(self, element: etree._Element, where: str) -> None:
        """ENV_UNKNOWN_ELEMENT, with the element's namespace, and whether edoc can write it
        back."""
        namespace = _namespace(element)
        in_vi = f"không gian tên {namespace}" if namespace else "không thuộc không gian tên nào"
        in_en = f"namespace {namespace}" if namespace else "no namespace"
        vi = (
            f"{where}: phần tử không thuộc QCVN 102 hay phần mở rộng đã biết ({in_vi}); "
            "được giữ nguyên."
        )
        en = (
            f"{where}: an element neither of QCVN 102 nor of a known extension ({in_en}); "
            "kept as it is."
        )
        if holds_no_namespace(element):
            vi += (
                " edoc không ghi lại được phần tử này: trong gói tin edXML, phần tử không thuộc "
                "không gian tên nào sẽ rơi vào không gian tên của edXML."
            )
            en += (
                " edoc cannot write it back: in an edXML envelope, an element in no namespace "
                "would fall into edXML's."
            )
        self.warn("ENV_UNKNOWN_ELEMENT", vi, en)


def too_many_unknown_elements(limits: Limits) -> EnvelopeError:
    return EnvelopeError(
        f"Gói tin có hơn {limits.unknown_elements} phần tử lạ (không thuộc QCVN 102 hay phần "
        "mở rộng đã biết): bị từ chối.",
        f"The envelope holds more than {limits.unknown_elements} unknown elements (neither of "
        "QCVN 102 nor of a known extension): refused.",
    )


def joined(path: str, step: str) -> str:
    """The path of a child: paths start at the root's children, the root's own is ""."""
    return f"{path}/{step}" if path else step


def _step(element: etree._Element, position: int) -> str:
    """An element's step in a path: its local name, with its 1-based position among the
    siblings of its name where there are several."""
    several = position > 1 or next(element.itersiblings(element.tag), None) is not None
    return f"{local_name(element)}[{position}]" if several else local_name(element)


def _namespace(element: etree._Element) -> str:
    """The element's namespace, "" for none."""
    return element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""


def holds_no_namespace(element: etree._Element) -> bool:
    """Whether the element, or one inside it, is in no namespace: written into an edXML
    envelope (whose root declares edXML's as the default), it would fall into edXML's, since
    lxml never writes ``xmlns=""``."""
    return any(not _namespace(node) for node in element.iter(etree.Element))


def _has_children(element: etree._Element) -> bool:
    return any(isinstance(child.tag, str) for child in element)


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace (lxml's QName refuses namespaces with odd
    characters, which a parsed document may still have)."""
    return element.tag.rsplit("}", 1)[-1]


def kept_xml(element: etree._Element) -> str:
    """An element as edoc keeps it: exclusive canonical XML, without the indentation a pretty
    printer adds; lxml's own serialisation where C14N cannot (a relative namespace URI), so
    that such an element never makes the envelope unreadable."""
    copy = deepcopy(element)
    for node in copy.iter():
        if node.text is not None and not node.text.strip() and len(node):
            node.text = None
        if node is not copy and node.tail is not None and not node.tail.strip():
            node.tail = None
    try:
        return etree.tostring(copy, method="c14n", exclusive=True, with_tail=False).decode()
    except etree.C14NError:
        return etree.tostring(copy, encoding="unicode", with_tail=False)


def content_type_of(name: str) -> str:
    """The media type a file name suggests, for files that arrive zipped or from disk."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def safe_name(name: str) -> bool:
    """Whether a file name stays where it is put: no folders, no '..', no drive letters."""
    return bool(name) and not re.search(r"[/\\:\x00]", name) and name not in (".", "..")


def file_name(attachment: Attachment, number: int) -> str:
    """The name under which attachment ``number`` (from 1) is written into a folder or a
    zip: the sender's, unless it is empty or would lead out of the folder; then one made of
    its ContentId, or of ``number``."""
    names = (attachment.name.strip(), f"{attachment.content_id}.bin", f"{number}.bin")
    return next(name for name in names if safe_name(name))


def unzip_single(data: bytes, label: str, limits: Limits) -> tuple[str, bytes]:
    """The one file inside a zipped attachment, read with bounds on size and ratio."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except Exception as error:  # zipfile raises many kinds on hostile archives
        raise EnvelopeError(
            f"Tệp đính kèm «{label}»: tệp nén hỏng ({error}).",
            f"Attachment '{label}': broken zip file ({error}).",
        ) from error
    if len(entries) != 1:
        raise EnvelopeError(
            f"Tệp đính kèm «{label}»: tệp nén chứa {len(entries)} tệp, cần đúng một.",
            f"Attachment '{label}': the zip holds {len(entries)} files, not exactly one.",
        )
    (entry,) = entries
    if not safe_name(entry.filename):
        raise EnvelopeError(
            f"Tệp đính kèm «{label}»: tên tệp trong tệp nén «{entry.filename}» có đường dẫn.",
            f"Attachment '{label}': the name '{entry.filename}' inside the zip has a path in it.",
        )
    bomb = EnvelopeError(
        f"Tệp đính kèm «{label}»: tệp nén giải ra quá lớn (nghi bom nén).",
        f"Attachment '{label}': the zip expands too much (a zip bomb?).",
    )
    if entry.file_size > limits.attachment_bytes:
        raise bomb
    if entry.compress_size and entry.file_size / entry.compress_size > limits.zip_ratio:
        raise bomb
    try:
        with archive.open(entry) as stream:
            content = stream.read(limits.attachment_bytes + 1)
    except Exception as error:  # zipfile raises many kinds on hostile archives
        raise EnvelopeError(
            f"Tệp đính kèm «{label}»: không giải nén được ({error}).",
            f"Attachment '{label}': cannot be unzipped ({error}).",
        ) from error
    if len(content) > limits.attachment_bytes:
        raise bomb
    return entry.filename, content


def xml_parser() -> etree.XMLParser:
    """The parser edoc reads envelopes with: no entities, no network, no DTD, and text nodes
    as long as the limits allow (an attachment is one)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_blank_text=False,
    )


#: Prefixes real senders use without declaring them, and the namespaces they mean: ``xlink``
#: on Reference, ``edXML`` on AttachmentEncoded outside the envelope that declares it.
_KNOWN_PREFIXES = {"xlink": XLINK, "edXML": NS}
_UNDECLARED = re.compile(r"Namespace prefix (\S+) (?:for \S+ )?on \S+ is not defined")


#: What may come before the root: whitespace, the XML declaration and other processing
#: instructions, comments (a DTD is refused).
_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
#: The root's start tag, its attribute values in quotes (where '>' may stand); group 1 is its
#: end, where declarations go.
_START_TAG = re.compile(rb"""<[^\s/>!?]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?>)""")


def read_tree(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[etree._ElementTree, list]:
    """Parse the XML safely, declaring the known prefixes a sender used without declaring
    them; returns the tree and warnings."""
    if len(data) > limits.envelope_bytes:
        raise EnvelopeError(
            f"Gói tin lớn {len(data)} byte, quá giới hạn {limits.envelope_bytes} byte.",
            f"The envelope is {len(data)} bytes, over the limit of {limits.envelope_bytes}.",
        )
    body = data.removeprefix(_BOM)
    if not body.startswith(b"<"):
        stray = len(body) - len(body.lstrip())
        count = stray or body.find(b"<")
        raise EnvelopeError(
            f"Có {count} byte lạ trước khai báo XML: tệp không phải XML hợp lệ.",
            f"There are {count} stray bytes before the XML declaration: not valid XML.",
        )
    root_start = _PROLOG.match(body).end()  # where the root's start tag, or a DTD, begins
    if body.startswith((b"<!DOCTYPE", b"<!ENTITY"), root_start):
        raise EnvelopeError(
            "Gói tin chứa DTD (DOCTYPE/ENTITY): bị từ chối vì lý do an toàn.",
            "The envelope contains a DTD (DOCTYPE/ENTITY): refused for safety.",
        )
    parser = xml_parser()
    try:
        tree = etree.parse(io.BytesIO(body), parser)
        prefixes: dict[str, int] = {}
    except etree.XMLSyntaxError as error:
        prefixes = _undeclared_prefixes(parser.error_log)
        tree = _with_prefixes_declared(body, root_start, list(prefixes), error)
    if tree.docinfo.doctype:
        raise EnvelopeError(
            "Gói tin chứa DTD: bị từ chối vì lý do an toàn.",
            "The envelope contains a DTD: refused for safety.",
        )
    return tree, [_undeclared(prefix, line) for prefix, line in prefixes.items()]


def _undeclared_prefixes(log: etree._ListErrorLog) -> dict[str, int]:
    """The prefixes the parser found used without a declaration, each with its first line."""
    found: dict[str, int] = {}
    for entry in log:
        match = _UNDECLARED.search(entry.message)
        if match:
            found.setdefault(match[1], entry.line)
    return found


def _with_prefixes_declared(
    body: bytes, root_start: int, prefixes: list[str], error: etree.XMLSyntaxError
) -> etree._ElementTree:
    """The tree of ``body`` with the known ``prefixes`` declared on its root; what still
    does not parse, or uses other prefixes, is refused with the parser's first word on
    ``body`` (``error``), never one about edoc's edit."""
    start_tag = _START_TAG.match(body, root_start)
    if not prefixes or not set(prefixes) <= _KNOWN_PREFIXES.keys() or start_tag is None:
        raise _not_xml(error) from error
    end = start_tag.start(1)
    declarations = "".join(f' xmlns:{p}="{_KNOWN_PREFIXES[p]}"' for p in prefixes)
    try:
        return etree.parse(
            io.BytesIO(body[:end] + declarations.encode() + body[end:]), xml_parser()
        )
    except etree.XMLSyntaxError:
        raise _not_xml(error) from error


def _undeclared(prefix: str, line: int) -> EnvelopeWarning:
    return EnvelopeWarning(
        "ENV_XLINK_UNDECLARED" if prefix == "xlink" else "ENV_PREFIX_UNDECLARED",
        f"Tiền tố {prefix} được dùng mà không khai báo (dòng {line}), tức không phải XML hợp "
        "lệ; edoc đã tự bổ sung khai báo để đọc.",
        f"The {prefix} prefix is used without being declared (line {line}), which is not "
        "well-formed XML; edoc added the declaration to read it.",
        line,
    )


def fragment(xml: str) -> etree._Element:
    """One element from its XML text (an element kept in the model), read as safely as an
    envelope."""
    tree, _ = read_tree(xml.encode("utf-8"))
    return tree.getroot()


def _not_xml(error: etree.XMLSyntaxError) -> EnvelopeError:
    return EnvelopeError(
        f"Không phải XML hợp lệ: {error.msg} (dòng {error.lineno}).",
        f"Not well-formed XML: {error.msg} (line {error.lineno}).",
    )


def parse(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ParsedEnvelope:
    """Read an edXML document or status message; EnvelopeError when it cannot be read safely."""
    tree, warnings = read_tree(data, limits)
    parsed = read_message(tree, limits)
    return ParsedEnvelope(parsed.message, warnings + parsed.warnings)


def kind_of(tree: etree._ElementTree) -> str:
    """The kind of message a reader takes the tree for: a StatusCode in MessageHeader makes
    a status message, anything else is a document message."""
    path = ("edXMLEnvelope", "edXMLHeader", "MessageHeader", "StatusCode")
    return "status" if tree.getroot().find("/".join(map(q, path))) is not None else "document"


def read_message(tree: etree._ElementTree, limits: Limits = DEFAULT_LIMITS) -> ParsedEnvelope:
    """The message a tree read by :func:`read_tree` holds, and what was odd about it."""
    root = tree.getroot()
    if root.tag != q("edXML"):
        raise EnvelopeError(
            f"Phần tử gốc là «{local_name(root)}», không phải edXML của QCVN 102.",
            f"The root element is '{local_name(root)}', not the edXML of QCVN 102.",
        )
    envelope = root.find(q("edXMLEnvelope"))
    header = envelope.find(q("edXMLHeader")) if envelope is not None else None
    if header is None or header.find(q("MessageHeader")) is None:
        raise EnvelopeError(
            "Thiếu edXMLEnvelope/edXMLHeader/MessageHeader.",
            "edXMLEnvelope/edXMLHeader/MessageHeader is missing.",
        )
    reader = _Reader(limits)
    if kind_of(tree) == "status":
        message: Message = reader.status(root, header)
    else:
        message = reader.document(root, header, envelope)
    return ParsedEnvelope(message, reader.warnings)
