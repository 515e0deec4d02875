"""What a clerk does with a received document, and the status that tells the sender.

Accept (03), return with a mandatory reason (02), assign (04), in progress (05) and complete
(06): each is recorded on the document and queued to the sender in one transaction, so the
sender learns of it exactly once, in the order the clerk acted.
"""

import datetime as dt

from edoc.audit.entries import apply_status
from edoc.envelope.model import StatusCode
from edoc.errors import EdocError
from edoc.exchange.receive import Node
from edoc.exchange.records import respond
from edoc.storage.models import Direction, Document, StatusEvent

CLERK_ACTIONS = (
    StatusCode.RETURNED,
    StatusCode.ACCEPTED,
    StatusCode.ASSIGNED,
    StatusCode.IN_PROGRESS,
    StatusCode.COMPLETED,
)


def act(
    node: Node,
    document_pk: int,
    code: StatusCode,
    staff: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> StatusEvent:
    """Record the clerk's ``code`` on a received document and queue it to its sender."""
    if code not in CLERK_ACTIONS:
        raise EdocError(
            f"Văn thư không gửi trạng thái {code.value}.",
            f"Clerks do not send status {code.value}.",
        )
    if code is StatusCode.RETURNED and not reason.strip():
        raise EdocError("Trả lại văn bản phải nêu lý do.", "Returning a document needs a reason.")
    at = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    with node.sessions() as session, node.blobs.staging(session) as stage:
        document = session.get(Document, document_pk)
        if document is None or document.owner_organ_id != node.organ_id:
            raise EdocError(
                f"Không có văn bản {document_pk} ở cơ quan này.",
                f"No document {document_pk} at this agency.",
            )
        if document.direction is not Direction.RECEIVED:
            raise EdocError(
                "Chỉ văn bản đến mới có trạng thái xử lý.", "Only received documents are acted on."
            )
        event = respond(node.organization, document, code, at, stage, reason, staff)
        document.status_code = code.value
        apply_status(session, document.id, node.organ_id, code.value, at)
        session.commit()
        return event
