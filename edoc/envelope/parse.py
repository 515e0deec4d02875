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
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from edoc.agency import AgencyId, AgencyIdError
from edoc.envelope.attachment_files import content_type_of, unzip_single
from edoc.envelope.elements import (
    has_children,
    holds_no_namespace,
    joined,
    kept_xml,
    local_name,
    namespace_of,
    path_step,
    too_many_unknown_elements,
)
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
from edoc.envelope.names import DATE_FORMAT, TIMESTAMP_FORMAT, XLINK, q
from edoc.envelope.safe_xml import (
    DEFAULT_LIMITS,
    EnvelopeWarning,
    Limits,
    read_tree,
)
from edoc.errors import EnvelopeError
from edoc.timezone import VIETNAM


@dataclass
class ParsedEnvelope:
    """A message read from an edXML file, and what was odd about it."""

    message: Message
    warnings: list[EnvelopeWarning] = field(default_factory=list)


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
        if not has_children(element):
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
        if sender is None or response is None or not has_children(response):
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
                    step = path_step(child, seen[child.tag])
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
        namespace = namespace_of(element)
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
