"""The processing order of a received document (QCVN 102, edxml.md §5): which status a
clerk may give after the document's current one, and the rule in words when one may not.

A document that has just arrived (01) is accepted (03) or returned (02); returning ends its
processing, as completing (06) does; once accepted it moves forward only: assigned (04, which
may be given again to re-assign it), in progress (05), completed (06). A recalled or replaced
document takes no status at all. The same table serves the document page (the buttons it
offers) and :func:`edoc.exchange.actions.act` (what it refuses), so that they never disagree.
"""

from dataclasses import dataclass

from edoc.bilingual import Text
from edoc.envelope.model import StatusCode
from edoc.errors import ProcessingOrderError
from edoc.storage.models import Document


@dataclass(frozen=True)
class Step:
    """What may follow a status, and that rule as a clerk reads it."""

    following: tuple[StatusCode, ...]
    rule: Text


_FORWARD = (StatusCode.ASSIGNED, StatusCode.IN_PROGRESS, StatusCode.COMPLETED)

#: The processing order, by the document's current status.
ORDER: dict[StatusCode, Step] = {
    StatusCode.ARRIVED: Step(
        (StatusCode.ACCEPTED, StatusCode.RETURNED),
        Text(
            "Văn bản vừa đến chỉ có thể được tiếp nhận (03) hoặc trả lại (02).",
            "A document that has just arrived can only be accepted (03) or returned (02).",
        ),
    ),
    StatusCode.RETURNED: Step(
        (),
        Text(
            "Văn bản đã bị trả lại (02): không còn bước xử lý nào sau đó.",
            "The document was returned (02): no status follows.",
        ),
    ),
    StatusCode.ACCEPTED: Step(
        _FORWARD,
        Text(
            "Sau khi tiếp nhận (03) chỉ có thể phân công (04), đang xử lý (05) hoặc "
            "hoàn thành (06).",
            "After accepting (03) only assign (04), in progress (05) or complete (06) may follow.",
        ),
    ),
    StatusCode.ASSIGNED: Step(
        _FORWARD,
        Text(
            "Sau khi phân công (04) chỉ có thể phân công lại (04), đang xử lý (05) hoặc hoàn thành "
            "(06).",
            "After assigning (04) only re-assign (04), in progress (05) or complete (06) "
            "may follow.",
        ),
    ),
    StatusCode.IN_PROGRESS: Step(
        (StatusCode.COMPLETED,),
        Text(
            "Văn bản đang xử lý (05) chỉ có thể chuyển sang hoàn thành (06).",
            "A document in progress (05) can only be completed (06).",
        ),
    ),
    StatusCode.COMPLETED: Step(
        (),
        Text(
            "Văn bản đã hoàn thành (06): không còn bước xử lý nào sau đó.",
            "The document is completed (06): no status follows.",
        ),
    ),
}

#: The folders of documents that take no status, with the rule.
CLOSED: dict[str, Step] = {
    "recalled": Step(
        (),
        Text(
            "Văn bản đã bị thu hồi: không ghi trạng thái xử lý nữa.",
            "The document was recalled: it takes no further status.",
        ),
    ),
    "replaced": Step(
        (),
        Text(
            "Văn bản đã được thay thế: hãy xử lý văn bản thay thế.",
            "The document was replaced: act on the one that replaces it.",
        ),
    ),
}


def step_of(document: Document) -> Step:
    """Where ``document`` stands in the processing order (one stored without a status yet
    counts as just arrived)."""
    if document.folder in CLOSED:
        return CLOSED[document.folder]
    return ORDER[StatusCode(document.status_code or StatusCode.ARRIVED.value)]


def allowed(document: Document) -> tuple[StatusCode, ...]:
    """The statuses a clerk may give ``document`` now, in the order the page offers them."""
    return step_of(document).following


def check_order(document: Document, code: StatusCode) -> None:
    """Refuse ``code`` on ``document`` unless it may follow the current status, saying the rule."""
    step = step_of(document)
    if code not in step.following:
        raise ProcessingOrderError(
            f"Không ghi được trạng thái {code.value}: {step.rule.vi}",
            f"Status {code.value} cannot be recorded: {step.rule.en}",
        )
