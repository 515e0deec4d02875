"""The edXML messages as data: a document message and a status message (QCVN 102:2016).

Field names follow the standard's element names in snake case; every header field of the
standard and of the hub SDK's extensions has a place here, and any other element a sender
wrote is kept as an :class:`UnknownElement`, so that building and parsing lose nothing. Text
fields are plain strings ("" when absent); dates are :class:`datetime.date`, timestamps aware
datetimes.
"""

import datetime as dt
import enum
from dataclasses import dataclass, field

from edoc.bilingual import Text


class BusinessType(enum.IntEnum):
    """What a document message does (Bussiness/BussinessDocType)."""

    NEW = 0
    RECALL = 1
    UPDATE = 2
    REPLACE = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class StatusCode(enum.StrEnum):
    """The status codes of a status message, the only ones the standard defines."""

    ARRIVED = "01"
    RETURNED = "02"
    ACCEPTED = "03"
    ASSIGNED = "04"
    IN_PROGRESS = "05"
    COMPLETED = "06"
    RECALL_REQUESTED = "13"
    AGREED = "15"
    REFUSED = "16"

    @property
    def meaning(self) -> Text:
        """What the code means, in Vietnamese and in English."""
        return STATUS_MEANINGS[self]


STATUS_MEANINGS: dict[StatusCode, Text] = {
    StatusCode.ARRIVED: Text("Đã đến", "Arrived"),
    StatusCode.RETURNED: Text("Từ chối tiếp nhận", "Returned"),
    StatusCode.ACCEPTED: Text("Đã tiếp nhận", "Accepted"),
    StatusCode.ASSIGNED: Text("Phân công", "Assigned"),
    StatusCode.IN_PROGRESS: Text("Đang xử lý", "In progress"),
    StatusCode.COMPLETED: Text("Hoàn thành", "Completed"),
    StatusCode.RECALL_REQUESTED: Text("Lấy lại", "Take-back asked"),
    StatusCode.AGREED: Text("Đồng ý", "Agreed"),
    StatusCode.REFUSED: Text("Từ chối", "Refused"),
}


class Priority(enum.IntEnum):
    """OtherInfo/Priority: how urgent a document is (độ khẩn)."""

    NORMAL = 0
    URGENT = 1
    VERY_URGENT = 2
    EXPRESS = 3
    EXPRESS_WITH_DEADLINE = 4


@dataclass
class Organization:
    """An agency as From and To name it."""

    organ_id: str
    organ_name: str = ""
    organization_in_charge: str = ""
    organ_add: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class DocumentCode:
    """Số và ký hiệu: the number and the notation, written ``number/notation``."""

    number: str
    notation: str

    def __str__(self) -> str:
        return f"{self.number}/{self.notation}"


@dataclass
class DocumentType:
    type: int = 2
    type_name: str = ""
    type_detail: str = ""


@dataclass
class SignerInfo:
    competence: str = ""
    position: str = ""
    full_name: str = ""


@dataclass
class OtherInfo:
    """OtherInfo, with the SDK's extensions: Direction, ReplyFors and ReferenceCodes.

    ``direction`` is None when the sender did not say.
    """

    priority: int = Priority.NORMAL
    sphere_of_promulgation: str = ""
    typer_notation: str = ""
    promulgation_amount: int = 0
    page_amount: int = 0
    appendixes: list[str] = field(default_factory=list)
    direction: bool | None = None
    reply_fors: str = ""
    reference_codes: str = ""


@dataclass
class ResponseFor:
    """The document a message answers, recalls or replaces; all empty for the empty
    ``<ResponseFor/>`` some senders write when a document answers none."""

    organ_id: str
    code: str
    promulgation_date: dt.date | None = None
    document_id: str = ""


@dataclass
class TraceHeader:
    """One hop of the document's route; ``organ_id`` is "" when the hop does not name its
    agency (the hub's newer output)."""

    organ_id: str
    timestamp: dt.datetime


EXTENSION_LENGTH = 100
"""The longest TaskCode, ApplicationType, StaffId or DepartmentId, as edoc's schema says (the
SDK's library sets no limit)."""
TASK_CODES = 100
"""The most task codes a document may answer, for what a node stores of them."""


@dataclass
class StaffInfo:
    """The clerk who sent the message."""

    department: str = ""
    staff: str = ""
    email: str = ""
    mobile: str = ""
    department_id: str = ""
    staff_id: str = ""


@dataclass
class Receiver:
    """A recipient added (1) or removed (0) by an update."""

    organ_id: str
    receiver_type: int


@dataclass
class Replacement:
    """A replaced document and the agencies it was sent to."""

    document_id: str
    organ_ids: list[str] = field(default_factory=list)


@dataclass
class Business:
    """The Bussiness block: recall, update or replace of an earlier document."""

    business_type: BusinessType = BusinessType.NEW
    document_id: str = ""
    reason: str = ""
    paper: int = 0
    staff: StaffInfo | None = None
    document_info_changed: bool | None = None
    receivers_changed: bool | None = None
    receivers: list[Receiver] = field(default_factory=list)
    replacements: list[Replacement] = field(default_factory=list)


ZIP = "application/zip"


def wrapped_in_zip(name: str, content_type: str) -> bool:
    """Whether an attachment that travels as ``content_type`` is its file wrapped in a zip.

    The SDK zips each file before encoding it and says application/zip. A file that already
    is a zip (its name ends in ``.zip``, in any case, around any spaces) travels as itself
    and is never opened, so that the receiver gets the bytes that were sent. Building and
    reading use this rule (the reader sees names without their surrounding spaces).
    """
    return content_type.strip().lower() == ZIP and not name.strip().lower().endswith(".zip")


@dataclass
class Attachment:
    """A file carried in the envelope; ``data`` is the decoded file itself.

    ``zipped``: the file travels wrapped in a zip, as the SDK sends it (a zip file travels as
    itself whatever this says, see :func:`wrapped_in_zip`).
    """

    content_id: str
    name: str
    content_type: str
    data: bytes
    description: str = ""
    zipped: bool = False


@dataclass
class UnknownElement:
    """An element of the message that is neither QCVN 102's nor a known extension, kept as
    the sender wrote it so that it travels on.

    ``parent`` is the path of the element that held it, from the root's children, by local
    names with a 1-based index where names repeat
    (``edXMLEnvelope/edXMLHeader/MessageHeader/To[2]``, ``AttachmentEncoded/Attachment[1]``;
    "" for the root itself); ``xml`` is the element as exclusive canonical XML (as lxml
    writes it where C14N cannot).
    """

    parent: str
    xml: str


@dataclass
class DocumentMessage:
    """An edXML document message (gói tin văn bản).

    ``task_codes`` and ``application_type`` are the SDK's MessageHeader/ResponseForTask/TaskCode
    and MessageHeader/ApplicationType.
    """

    sender: Organization
    recipients: list[Organization]
    code: DocumentCode
    place: str
    promulgation_date: dt.date
    document_type: DocumentType
    subject: str
    signer: SignerInfo
    document_id: str
    content: str = ""
    due_date: dt.date | None = None
    to_places: list[str] = field(default_factory=list)
    other_info: OtherInfo = field(default_factory=OtherInfo)
    response_for: list[ResponseFor] = field(default_factory=list)
    steering_type: int | None = None
    task_codes: list[str] = field(default_factory=list)
    application_type: str = ""
    traces: list[TraceHeader] = field(default_factory=list)
    business: Business | None = None
    attachments: list[Attachment] = field(default_factory=list)
    unknown_elements: list[UnknownElement] = field(default_factory=list)

    kind = "document"

    @property
    def business_type(self) -> BusinessType:
        return self.business.business_type if self.business else BusinessType.NEW


@dataclass
class StatusMessage:
    """An edXML status message (gói tin trạng thái)."""

    sender: Organization
    response_for: ResponseFor
    status_code: StatusCode
    timestamp: dt.datetime
    description: str = ""
    staff: StaffInfo | None = None
    unknown_elements: list[UnknownElement] = field(default_factory=list)

    kind = "status"


Message = DocumentMessage | StatusMessage
