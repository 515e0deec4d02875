"""What a clerk does with a received document, and the status that tells the sender.

Accept (03), return with a mandatory reason (02), assign to someone named (04), in progress
(05) and complete (06), in the processing order of :mod:`edoc.exchange.processing`: each is
recorded on the document and queued to the sender in one transaction, so the sender learns
of it exactly once, in the order the clerk acted. The document's row is locked meanwhile: a
double click, or two clerks at once, record the status once, and the second is told what
the first recorded.
"""

import datetime as dt
from dataclasses import dataclass

from edoc.audit.entries import apply_status
from edoc.envelope.model import StatusCode
from edoc.errors import EdocError, ProcessingOrderError
from edoc.exchange.node import Node
from edoc.exchange.processing import check_order
from edoc.exchange.records import fitting, respond
from edoc.storage.database import locked
from edoc.storage.models import Direction, Document, StatusEvent
from edoc.timezone import as_utc

CLERK_ACTIONS = (
    StatusCode.RETURNED,
    StatusCode.ACCEPTED,
    StatusCode.ASSIGNED,
    StatusCode.IN_PROGRESS,
    StatusCode.COMPLETED,
)


@dataclass(frozen=True)
class Recorded:
    """The status a clerk's act left on the document: the one it recorded (``created``), or
    the same one recorded already (a double click, another clerk a moment before)."""

    event: StatusEvent
    created: bool


@dataclass(frozen=True)
class Act:
    """What a clerk asks for: the status, and what it needs (a reason to return, someone to
    assign, a confirmation to accept a document whose signature check failed)."""

    code: StatusCode
    staff: str = ""
    reason: str = ""
    assignee: str = ""
    despite_failed_check: bool = False


def act(
    node: Node,
    document_pk: int,
    code: StatusCode,
    staff: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
    assignee: str = "",
    despite_failed_check: bool = False,
) -> Recorded:
    """Record the clerk's ``code`` on a received document and queue it to its sender."""
    wanted = Act(code, staff, reason.strip(), assignee.strip(), despite_failed_check)
    _complete(wanted)
    at = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    with node.sessions() as session, node.blobs.staging(session) as stage:
        document = locked(session, Document, document_pk)
        if document is None or document.owner_organ_id != node.organ_id:
            raise EdocError(
                f"Không có văn bản {document_pk} ở cơ quan này.",
                f"No document {document_pk} at this agency.",
            )
        if document.direction is not Direction.RECEIVED:
            raise EdocError(
                "Chỉ văn bản đến mới có trạng thái xử lý.", "Only received documents are acted on."
            )
        if (already := _repeated(document, node.organ_id, wanted)) is not None:
            return Recorded(already, created=False)
        check_order(document, code)
        if (
            code is StatusCode.ACCEPTED
            and document.compliant is False
            and not wanted.despite_failed_check
        ):
            raise ProcessingOrderError(
                "Văn bản không đạt kiểm tra chữ ký số: chỉ tiếp nhận khi đã đánh dấu xác nhận "
                "tiếp nhận dù kiểm tra không đạt.",
                "The document failed its signature check: it is accepted only with the box "
                "confirming that it is accepted despite the failed check.",
            )
        at = _free_second(document, node.organ_id, code, at)
        event = respond(
            node.organization,
            document,
            code,
            at,
            stage,
            wanted.reason,
            wanted.staff,
            wanted.assignee,
        )
        event.despite_failed_check = code is StatusCode.ACCEPTED and document.compliant is False
        document.status_code = code.value
        apply_status(session, document.id, node.organ_id, code.value, at)
        session.commit()
        return Recorded(event, created=True)


def _complete(wanted: Act) -> None:
    """Refuse a status given without what it needs, before anything is looked up."""
    if wanted.code not in CLERK_ACTIONS:
        raise EdocError(
            f"Văn thư không gửi trạng thái {wanted.code.value}.",
            f"Clerks do not send status {wanted.code.value}.",
        )
    if wanted.code is StatusCode.RETURNED and not wanted.reason:
        raise ProcessingOrderError(
            "Trả lại văn bản phải nêu lý do.", "Returning a document needs a reason."
        )
    if wanted.code is StatusCode.ASSIGNED and not wanted.assignee:
        raise ProcessingOrderError(
            "Phân công phải nêu người hoặc đơn vị được giao xử lý.",
            "Assigning needs the person or department it is assigned to.",
        )
    limit = StatusEvent.__table__.c.assignee.type.length
    if len(wanted.assignee) > limit:
        raise ProcessingOrderError(
            f"Tên người hoặc đơn vị được giao dài {len(wanted.assignee)} ký tự, quá giới hạn "
            f"{limit} ký tự.",
            f"The assignee's name is {len(wanted.assignee)} characters long, over the limit of "
            f"{limit}.",
        )
    fitting(StatusEvent, {"staff": wanted.staff})


def _repeated(document: Document, organ_id: str, wanted: Act) -> StatusEvent | None:
    """The status already recorded that ``wanted`` repeats: the document's current status,
    given again (for 04, to the same assignee)."""
    if document.status_code != wanted.code.value:
        return None
    own = [s for s in document.statuses if s.organ_id == organ_id and s.direction is Direction.SENT]
    last = max(
        (s for s in own if s.status_code == wanted.code.value), key=lambda s: s.id, default=None
    )
    if last is not None and wanted.code is StatusCode.ASSIGNED and last.assignee != wanted.assignee:
        return None
    return last


def _free_second(document: Document, organ_id: str, code: StatusCode, at: dt.datetime):
    """``at``, or the first second after it that holds no status ``code`` of this agency on
    the document: a receiver keeps one status per code and second, so a re-assignment (04)
    within the second of the last one is stamped a second later."""
    mine = (organ_id, code.value)
    taken = {as_utc(s.at) for s in document.statuses if (s.organ_id, s.status_code) == mine}
    while at in taken:
        at += dt.timedelta(seconds=1)
    return at
