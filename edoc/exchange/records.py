"""The database row of a document message (the same for what a node sends and receives),
storing it once, and the status envelopes a node sends about the documents it received."""

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from edoc.bilingual import Text
from edoc.envelope.build import build
from edoc.envelope.model import (
    EXTENSION_LENGTH,
    TASK_CODES,
    DocumentMessage,
    Organization,
    ResponseFor,
    StaffInfo,
    StatusCode,
    StatusMessage,
)
from edoc.errors import EnvelopeError
from edoc.exchange.outbox import Backoff
from edoc.search import fold
from edoc.storage.blobs import BlobStore, Staging
from edoc.storage.models import (
    Attachment,
    Delivery,
    Direction,
    Document,
    SignatureRecord,
    StatusEvent,
    VerificationReport,
)
from signing.roles import Role
from signing.validation.checks import Severity
from signing.validation.policy import Policy
from signing.validation.report import DocumentReport, Finding, Verdict
from signing.validation.verify import verify_document, verify_received

#: When to verify again a PDF whose revocation status could not be established: a minute
#: later, then waiting twice as long after each try, at most six hours.
RECHECK = Backoff(first=60, most=6 * 3600)


@dataclass(frozen=True)
class Received:
    """What became of a delivered envelope: the stored document, and whether it is new."""

    document_pk: int
    created: bool


def document_row(
    owner: str, direction: Direction, message: DocumentMessage, envelope: str
) -> Document:
    """A new Document for ``message``, kept by ``owner``, its envelope stored as ``envelope``."""
    sender = message.sender.organ_id
    sent = next((t.timestamp for t in message.traces if t.organ_id == sender), None)
    values = {
        "owner_organ_id": owner,
        "direction": direction,
        "document_id": message.document_id,
        "sender_organ_id": message.sender.organ_id,
        "sender_name": message.sender.organ_name,
        "recipients": [r.organ_id for r in message.recipients],
        "number": message.code.number,
        "notation": message.code.notation,
        "subject": message.subject,
        "type_name": message.document_type.type_name,
        "promulgation_date": message.promulgation_date,
        "due_date": message.due_date,
        "priority": int(message.other_info.priority),
        "signer_name": message.signer.full_name,
        "business_type": int(message.business_type),
        "envelope_sha256": envelope,
        "received_at": dt.datetime.now(dt.UTC),  # now, not at the insert: the audit reads it
        "sent_at": sent.astimezone(dt.UTC) if sent else None,
        "extensions": extensions(message),
    }
    return Document(**fitting(Document, values))


def extensions(message: DocumentMessage) -> dict:
    """What the hub SDK's senders add to QCVN 102's header, as the inbox shows it: the task
    codes the document answers, the sending application's type, the clerk who sent it (only
    what the sender gave). The envelope, stored whole, keeps everything else it wrote.

    Stored as JSON, they are bounded as edoc's schema bounds them: a longer task code,
    application type, StaffId or DepartmentId, or more than TASK_CODES task codes, is refused
    by name, as :func:`fitting` refuses a text longer than its column."""
    staff = message.business.staff if message.business else None
    if len(message.task_codes) > TASK_CODES:
        raise EnvelopeError(
            f"«task_codes» có {len(message.task_codes)} mã, quá giới hạn {TASK_CODES} mã.",
            f"'task_codes' holds {len(message.task_codes)} codes, over the limit of {TASK_CODES}.",
        )
    bounded = [("task_codes", code) for code in message.task_codes]
    bounded.append(("application_type", message.application_type))
    if staff:
        bounded += [
            ("sent_by.staff_id", staff.staff_id),
            ("sent_by.department_id", staff.department_id),
        ]
    for key, value in bounded:
        if len(value) > EXTENSION_LENGTH:
            raise EnvelopeError(
                f"Giá trị «{key}» dài {len(value)} ký tự, quá giới hạn {EXTENSION_LENGTH} ký tự.",
                f"The value of '{key}' is {len(value)} characters long, over the limit of "
                f"{EXTENSION_LENGTH}.",
            )
    found = {
        "task_codes": message.task_codes,
        "application_type": message.application_type,
        "sent_by": {k: v for k, v in asdict(staff).items() if v} if staff else {},
    }
    return {key: value for key, value in found.items() if value}


def fitting(model: type, values: dict) -> dict:
    """``values`` for a row of ``model``, refused by name when a text is longer than its
    column: PostgreSQL would fail the transaction with an error nobody can act on, SQLite
    would keep it. The columns are wider than QCVN 102's limits, so no sender meets this."""
    for key, value in values.items():
        length = getattr(model.__table__.c[key].type, "length", None)
        if isinstance(value, str) and length is not None and len(value) > length:
            raise EnvelopeError(
                f"Giá trị «{key}» dài {len(value)} ký tự, quá giới hạn {length} ký tự.",
                f"The value of '{key}' is {len(value)} characters long, over the limit of "
                f"{length}.",
            )
    return values


def is_pdf(name: str, data: bytes) -> bool:
    """Whether a file is a PDF to verify, by its bytes or its name."""
    return data.startswith(b"%PDF") or name.lower().endswith(".pdf")


def verify_pdfs(
    message: DocumentMessage, policy: Policy, *, sending: bool = False
) -> dict[str, DocumentReport]:
    """The report on each PDF of ``message``, by ContentId, its personal signatures checked
    against the envelope's signer (slow: call it before any query, so that no database lock
    is held while verifying). A PDF received that cannot be read has a report saying so (the
    envelope is stored and answered all the same); one ``sending`` raises EdocError, as this
    node sends no file its recipients could not read."""
    verify = verify_document if sending else verify_received
    return {
        attachment.content_id: signer_checked(
            verify(attachment.data, policy), message.signer.full_name, policy
        )
        for attachment in message.attachments
        if is_pdf(attachment.name, attachment.data)
    }


def signer_checked(report: DocumentReport, signer_name: str, policy: Policy) -> DocumentReport:
    """``report`` with VN_SIGNER_MISMATCH when the envelope names a signer (SignerInfo/
    FullName) whom no personal signature's certificate names: compared without case or
    diacritics, as certificates often write names in capitals without them. ``report``
    itself is left as it is (a file's report may serve several envelopes)."""
    personal = [s for s in report.signatures if s.role is Role.PERSONAL]
    severity = policy.severity("VN_SIGNER_MISMATCH")
    if not signer_name or not personal or severity is Severity.IGNORE:
        return report
    if any(fold(s.signer) == fold(signer_name) for s in personal):
        return report
    named = ", ".join(s.signer for s in personal)
    finding = Finding.of(
        "VN_SIGNER_MISMATCH", severity, personal[-1].field,
        Text(f"gói tin ghi «{signer_name}», chứng thư số ghi «{named}»",
             f"the envelope names '{signer_name}', the certificate '{named}'"),
    )  # fmt: skip
    verdict = Verdict.NON_COMPLIANT if severity is Severity.ERROR else report.verdict
    return replace(report, findings=[*report.findings, finding], verdict=verdict)


def status_row(document_pk: int, message: StatusMessage, message_sha256: str) -> dict:
    """The StatusEvent values of a status that came in about document ``document_pk`` (for
    :func:`edoc.storage.blobs.insert_ignoring_duplicates`: the same status twice is one)."""
    values = {
        "document_pk": document_pk,
        "direction": Direction.RECEIVED.value,
        "organ_id": message.sender.organ_id,
        "status_code": message.status_code.value,
        "at": message.timestamp.astimezone(dt.UTC),
        "staff": message.staff.staff if message.staff else "",
        "description": message.description,
        "message_sha256": message_sha256,
    }
    return fitting(StatusEvent, values)


def attachment_rows(
    message: DocumentMessage, reports: dict[str, DocumentReport], policy: Policy, stage: Staging
) -> list[Attachment]:
    """The attachments of ``message`` stored in ``stage``, each PDF with its report and
    signatures, so that the inbox and the audits never verify them again."""
    return [
        attachment_row(
            a.content_id, a.name, a.content_type, stage.put(a.data),
            reports.get(a.content_id), policy, a.description,
        )
        for a in message.attachments
    ]  # fmt: skip


def attachment_row(
    content_id: str,
    name: str,
    content_type: str,
    sha256: str,
    report: DocumentReport | None,
    policy: Policy,
    description: str = "",
) -> Attachment:
    """The row of a stored file, with its report and signatures when it is a verified PDF."""
    values = {
        "content_id": content_id,
        "name": name,
        "content_type": content_type,
        "sha256": sha256,
        "description": description,
    }
    record = Attachment(**fitting(Attachment, values))
    if report is not None:
        record.report = VerificationReport(
            **report_values(report, policy), recheck_at=recheck_at(report, 0)
        )
        record.signatures = signature_rows(report)
    return record


def report_values(report: DocumentReport, policy: Policy) -> dict:
    """The columns of the VerificationReport row of ``report``, made under ``policy``."""
    return {
        "verdict": report.verdict.value,
        "policy": policy.name,
        "codes": sorted({f.code for f in report.findings if f.severity.value == "error"}),
        "report": report.to_json(),
    }


def signature_rows(report: DocumentReport) -> list[SignatureRecord]:
    """A SignatureRecord per signature of ``report``."""
    return [
        SignatureRecord(
            field=_clipped(SignatureRecord, "field", s.field),
            signer=_clipped(SignatureRecord, "signer", s.signer),
            role=s.role.value,
            level=s.level.value,
            indication=s.indication.value,
            sub_indication=s.sub_indication,
            intact=s.intact,
            trusted=s.trusted,
            signing_time=s.signing_time,
        )
        for s in report.signatures
    ]


def revocation_unknown(report: DocumentReport) -> bool:
    """Whether a signature of ``report`` waits for its revocation status (TRY_LATER)."""
    return any(s.sub_indication == "TRY_LATER" for s in report.signatures)


def recheck_at(report: DocumentReport, rechecks: int) -> dt.datetime | None:
    """When to verify the PDF of ``report`` again after ``rechecks`` tries: None when the
    revocation status of every signature is known (no TRY_LATER)."""
    if not revocation_unknown(report):
        return None
    return dt.datetime.now(dt.UTC) + RECHECK.after(rechecks + 1)


def compliant(verdicts: list[str]) -> bool | None:
    """A received document's compliance from its PDFs' verdicts (None: no PDF)."""
    return all(v == "compliant" for v in verdicts) if verdicts else None


def _clipped(model: type, key: str, text: str) -> str:
    """A copy of a report's text cut to its column: the report itself keeps it whole."""
    length = model.__table__.c[key].type.length
    return text if len(text) <= length else text[: length - 1] + "…"


def find_document(
    session: Session, owner: str, direction: Direction, sender: str, document_id: str
) -> Document | None:
    """The document ``owner`` keeps by its DocumentId and sender: the same DocumentId from the
    same sender is the same document, however often it comes."""
    return session.scalar(
        select(Document).where(
            Document.owner_organ_id == owner,
            Document.direction == direction,
            Document.sender_organ_id == sender,
            Document.document_id == document_id,
        )
    )


def stored(
    session: Session, owner: str, direction: Direction, message: DocumentMessage
) -> int | None:
    """The key of the document ``owner`` already keeps for ``message``, if any."""
    found = find_document(session, owner, direction, message.sender.organ_id, message.document_id)
    return found.id if found else None


def answer(
    sender: Organization,
    document: Document,
    code: StatusCode,
    at: dt.datetime,
    description: str = "",
    staff: str = "",
) -> bytes:
    """The status envelope ``sender`` sends about a received ``document``."""
    status = StatusMessage(
        sender=sender,
        response_for=ResponseFor(
            organ_id=document.sender_organ_id,
            code=f"{document.number}/{document.notation}",
            promulgation_date=document.promulgation_date,
            document_id=document.document_id,
        ),
        status_code=code,
        timestamp=at,
        description=description,
        staff=StaffInfo(staff=staff) if staff else None,
    )
    return build(status)


def respond(
    organization: Organization,
    document: Document,
    code: StatusCode,
    at: dt.datetime,
    stage: Staging,
    reason: str = "",
    staff: str = "",
    assignee: str = "",
) -> StatusEvent:
    """Record ``organization``'s status ``code`` on a received ``document`` and queue its
    envelope to the sender, in the caller's transaction (the outbox sends it after commit).

    QCVN 102 has no field for whom a document is assigned to (04): the Description the
    sender reads names the ``assignee`` before the ``reason``."""
    assigned = f"Phân công cho: {assignee}" if assignee else ""
    description = "; ".join(part for part in (assigned, reason) if part)
    message = stage.put(answer(organization, document, code, at, description, staff))
    event = StatusEvent(
        direction=Direction.SENT, organ_id=organization.organ_id, status_code=code.value,
        at=at, staff=staff, description=reason, assignee=assignee, message_sha256=message,
    )  # fmt: skip
    document.statuses.append(event)
    document.deliveries.append(
        Delivery(recipient_organ_id=document.sender_organ_id, message_sha256=message, kind="status")
    )
    return event


def store_once(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    owner: str,
    direction: Direction,
    message: DocumentMessage,
    write: Callable[[Session, Staging], Document],
) -> Received:
    """The document ``owner`` keeps for ``message``: the one stored already, or the one
    ``write`` adds in a transaction of its own. Retries and concurrent deliveries of the same
    document end with one row (the database's unique key decides the race)."""
    with sessions() as session:
        if (found := stored(session, owner, direction, message)) is not None:
            return Received(found, created=False)
    try:
        with sessions() as session, blobs.staging(session) as stage:
            document = write(session, stage)
            session.commit()
            return Received(document.id, created=True)
    except IntegrityError:  # stored meanwhile by a concurrent delivery of the same document
        with sessions() as session:
            found = stored(session, owner, direction, message)
        if found is None:
            raise
        return Received(found, created=False)
