"""Documents being prepared to send (văn bản đi): made by a clerk, signed personally by the
leader, then by the agency, checked after every change, sent once.

Signing happens outside, with whichever key (held by the server, on a token, or already done
and uploaded): the signed PDF comes back through :func:`replace_main`, which verifies it and
records who did what. A change is refused when the draft changed since the person looked at
it (two people signing at once), so a signature is never lost. A draft's DocumentId is fixed
when it is made, so sending it twice queues one document.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from edoc.agency import AgencyDirectory
from edoc.envelope.document_id import make_document_id
from edoc.envelope.metadata import document_from_metadata
from edoc.envelope.model import Attachment, DocumentCode
from edoc.errors import DraftError, NotFoundError
from edoc.exchange.draft_steps import Signatures, Step
from edoc.exchange.node import Node
from edoc.exchange.records import find_document
from edoc.exchange.send import send_message
from edoc.storage.models import Direction, Draft, utc_now
from signing.validation.verify import verify_document


@dataclass(frozen=True)
class DraftFile:
    """A file of a draft as uploaded: its name, its bytes, its media type."""

    name: str
    data: bytes
    mime: str = "application/pdf"


@dataclass(frozen=True)
class DraftHeader:
    """What the envelope will say of the document."""

    number: str
    notation: str
    subject: str
    date: dt.date
    priority: int = 0
    due_date: dt.date | None = None

    def to_json(self) -> dict:
        return asdict(self) | {
            "date": self.date.isoformat(),
            "due_date": self.due_date.isoformat() if self.due_date else None,
        }


def _problem(header: DraftHeader, recipients: Sequence[str], main: DraftFile, node: Node):
    directory = AgencyDirectory.builtin()
    if not main.data.startswith(b"%PDF"):
        return DraftError(f"«{main.name}» không phải tệp PDF.", f"'{main.name}' is not a PDF file.")
    if not all(s.strip() for s in (header.number, header.notation, header.subject)):
        return DraftError(
            "Cần số, ký hiệu và trích yếu của văn bản.",
            "The document needs a number, a notation and a subject.",
        )
    if len(main.name) > MAX_NAME:
        return DraftError(
            f"Tên tệp dài quá {MAX_NAME} ký tự.", f"The file name is over {MAX_NAME} characters."
        )
    if len(_document_id(node, header)) > MAX_DOCUMENT_ID:
        return DraftError(
            "Số và ký hiệu văn bản quá dài.", "The document's number and notation are too long."
        )
    if not recipients:
        return DraftError("Chưa chọn nơi nhận.", "No recipient is chosen.")
    unknown = [r for r in recipients if directory.get(r) is None or r == node.organ_id]
    if unknown:
        names = ", ".join(unknown)
        return DraftError(f"Nơi nhận không hợp lệ: {names}.", f"Not valid recipients: {names}.")
    return None


MAX_NAME = Draft.__table__.c.main_name.type.length
MAX_DOCUMENT_ID = Draft.__table__.c.document_id.type.length


def _document_id(node: Node, header: DraftHeader) -> str:
    code = DocumentCode(header.number.strip(), header.notation.strip())
    return make_document_id(node.organ_id, header.date, code)


def _entry(who: str, action: str) -> dict:
    return {"at": utc_now().isoformat(), "user": who, "action": action}


def create_draft(
    node: Node,
    author_pk: int,
    author: str,
    header: DraftHeader,
    recipients: Sequence[str],
    main: DraftFile,
    attachments: Sequence[DraftFile] = (),
) -> Draft:
    """A new draft of ``node``'s agency, its main PDF verified; DraftError when something
    is missing or a document with the same number, notation and date is already there."""
    if problem := _problem(header, recipients, main, node):
        raise problem
    report = verify_document(main.data, node.policy)
    code = DocumentCode(header.number.strip(), header.notation.strip())
    document_id = _document_id(node, header)
    taken = DraftError(
        f"Đã có văn bản số {code} ngày {header.date:%d/%m/%Y} của cơ quan.",
        f"The agency already has a document {code} of {header.date:%d/%m/%Y}.",
    )
    try:
        with node.sessions() as session, node.blobs.staging(session) as stage:
            if find_document(session, node.organ_id, Direction.SENT, node.organ_id, document_id):
                raise taken  # sent before, from the command line or an earlier draft
            draft = Draft(
                organ_id=node.organ_id,
                document_id=document_id,
                created_by=author_pk,
                header=header.to_json(),
                recipients=list(dict.fromkeys(recipients)),
                main_name=main.name,
                main_sha256=stage.put(main.data),
                attachments=[
                    {"name": a.name, "mime": a.mime, "sha256": stage.put(a.data)}
                    for a in attachments
                ],
                verdict=report.verdict.value,
                report=report.to_json(),
                history=[_entry(author, "created")],
            )
            session.add(draft)
            session.commit()
            return draft
    except IntegrityError as error:
        raise taken from error


def list_drafts(node: Node) -> list[Draft]:
    """The agency's drafts, those not sent first, newest first."""
    with node.sessions() as session:
        query = (
            select(Draft)
            .where(Draft.organ_id == node.organ_id)
            .order_by(Draft.sent_document_pk.is_not(None), Draft.updated_at.desc())
        )
        return list(session.scalars(query))


def find_draft(node: Node, draft_pk: int) -> Draft:
    """The draft, if it is this agency's; NotFoundError otherwise."""
    with node.sessions() as session:
        draft = session.get(Draft, draft_pk)
    if draft is None or draft.organ_id != node.organ_id:
        raise NotFoundError("Không có dự thảo này.", "There is no such draft.")
    return draft


def _changed() -> DraftError:
    return DraftError(
        "Dự thảo đã thay đổi hoặc đã gửi trong lúc bạn thao tác: hãy xem lại.",
        "The draft changed or was sent meanwhile: look at it again.",
    )


def replace_main(node: Node, draft_pk: int, pdf: bytes, *, seen: str, who: str, action: str):
    """Put ``pdf`` (the main PDF, now signed) in the draft, verified, recording ``action``.

    ``seen`` is the SHA-256 of the main PDF the change was made from: when the draft holds
    another by now, or was sent, the change is refused (DraftError) rather than lost.
    """
    draft = find_draft(node, draft_pk)
    if not pdf.startswith(b"%PDF"):
        raise DraftError("Tệp tải lên không phải PDF.", "The uploaded file is not a PDF.")
    report = verify_document(pdf, node.policy)
    with node.sessions() as session, node.blobs.staging(session) as stage:
        changed = session.execute(
            update(Draft)
            .where(Draft.id == draft_pk, Draft.main_sha256 == seen)
            .where(Draft.sent_document_pk.is_(None))
            .values(
                main_sha256=stage.put(pdf),
                verdict=report.verdict.value,
                report=report.to_json(),
                history=[*draft.history, _entry(who, action)],
                updated_at=utc_now(),
            )
        ).rowcount
        if not changed:
            session.rollback()
            raise _changed()
        session.commit()


def delete_draft(node: Node, draft_pk: int) -> None:
    """Forget a draft that was not sent (its files stay, shared by content)."""
    find_draft(node, draft_pk)
    with node.sessions() as session:
        deleted = session.execute(
            delete(Draft).where(Draft.id == draft_pk, Draft.sent_document_pk.is_(None))
        ).rowcount
        session.commit()
    if not deleted:
        raise DraftError("Văn bản đã gửi, không xóa được.", "A sent document cannot be deleted.")


def _personal_signer(report: dict) -> str:
    """Who signed personally, as the verification found them (the envelope's SignerInfo)."""
    personal = [s for s in report.get("signatures", []) if s.get("role") == "personal"]
    return personal[0].get("signer", "") if personal else ""


def send_draft(node: Node, draft_pk: int, *, seen: str, who: str, confirmed: bool) -> int:
    """Queue the draft for its recipients; the sent document's key.

    ``seen`` is the SHA-256 of the main PDF the person sending looked at: when the draft
    holds another by now (signed meanwhile), nothing is sent (DraftError). A draft that is
    not compliant is sent only when ``confirmed``; sending again (a double click, a retry)
    queues nothing more and answers the same document. Nothing is sent before the agency
    has signed (DraftError, saying the rule).
    """
    draft = find_draft(node, draft_pk)
    if draft.sent_document_pk is not None:
        return draft.sent_document_pk
    if draft.main_sha256 != seen:
        raise _changed()
    Signatures.of(draft.report).check(Step.SEND)
    if draft.verdict != "compliant" and not confirmed:
        raise DraftError(
            "Văn bản chưa đúng quy định về chữ ký số: cần xác nhận để vẫn gửi.",
            "The document's signatures are not compliant: confirm to send it anyway.",
        )
    header = draft.header
    meta = {
        "from": node.organ_id,
        "to": draft.recipients,
        "document_id": draft.document_id,
        "code": {"number": header["number"], "notation": header["notation"]},
        "promulgation_date": header["date"],
        "subject": header["subject"],
        "priority": int(header.get("priority") or 0),
        "due_date": header.get("due_date"),
        "signer": {"full_name": _personal_signer(draft.report)},
    }
    files = [(f"{draft.id}-main", draft.main_name, "application/pdf", draft.main_sha256)]
    files += [
        (f"{draft.id}-{i}", a["name"], a["mime"], a["sha256"])
        for i, a in enumerate(draft.attachments, start=1)
    ]
    attachments = [
        Attachment(content_id, name, mime, node.blobs.read(digest))
        for content_id, name, mime, digest in files
    ]
    message = document_from_metadata(meta, attachments, AgencyDirectory.builtin())
    sent = send_message(node, message)
    with node.sessions() as session:
        session.execute(
            update(Draft)
            .where(Draft.id == draft_pk)
            .values(
                sent_document_pk=sent.document_pk,
                history=[*draft.history, _entry(who, "sent") | {"sha256": seen}],
                updated_at=utc_now(),
            )
        )
        session.commit()
    return sent.document_pk
