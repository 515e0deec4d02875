"""What an audit counts about a document, written when the document or a status is stored.

A document is counted for the agency that keeps it (a node's own sent or received document)
or, at the hub, for its sender (sent) and for each recipient (received). Its facts come from
the verification stored with it and from its statuses: :func:`record` computes them from
those rows when a document is stored or changed, and :func:`apply_status` counts each status
that arrives later, in place and only ever adding, so that statuses arriving at the same
time never undo each other.
"""

import datetime as dt

from sqlalchemy import and_, case, delete, or_, select, true, update
from sqlalchemy.orm import Session, selectinload, sessionmaker

from edoc.storage.models import (
    HUB_ID,
    Attachment,
    AuditCode,
    AuditEntry,
    Direction,
    Document,
    Setting,
)
from edoc.timezone import as_utc, day_start, to_vietnam

#: Set by migration 0006 when it found documents: those below this id have no entries yet.
BACKFILL = "audit.backfill_below"
#: Statuses that say an agency acted on a document (01 only says it arrived).
ACTED = frozenset({"02", "03", "04", "05", "06"})
#: Statuses that say a document reached the agency that sent them.
ARRIVED = ACTED | {"01"}
#: The statuses an entry keeps a flag for.
FLAGS = {"03": "accepted", "02": "returned", "06": "completed"}
UNVERIFIED = "unverified"


def month_of(moment: dt.datetime) -> int:
    """The month of ``moment`` in Vietnam time, as YYYYMM."""
    local = to_vietnam(moment)
    return local.year * 100 + local.month


def sent_at(document: Document) -> dt.datetime:
    """When the sender sent ``document``: its envelope's TraceHeader for the sender, else the
    first hop of its route when that is the sender's node, else when it was stored here."""
    if document.sent_at is not None:
        return as_utc(document.sent_at)
    first = document.trace[0] if document.trace else None
    if first and first.get("organ_id") == document.sender_organ_id:
        try:
            return as_utc(dt.datetime.fromisoformat(first["at"]))
        except (KeyError, TypeError, ValueError):
            pass
    return as_utc(document.received_at)


def due_end(due_date: dt.date | None) -> dt.datetime | None:
    """The end of a due date (midnight after it, Vietnam time) in UTC."""
    return None if due_date is None else day_start(due_date + dt.timedelta(days=1))


def verdict_of(verdicts: list[str]) -> str:
    """A document's verdict from its PDFs': one non-compliant file makes it non-compliant."""
    if not verdicts:
        return UNVERIFIED
    for verdict in ("non_compliant", "indeterminate"):
        if verdict in verdicts:
            return verdict
    return "compliant"


def _views(document: Document) -> list[tuple[str, Direction]]:
    if document.owner_organ_id == HUB_ID:
        sender = [(document.sender_organ_id, Direction.SENT)]
        return sender + [(r, Direction.RECEIVED) for r in dict.fromkeys(document.recipients)]
    return [(document.owner_organ_id, document.direction)]


def entries(document: Document) -> list[tuple[AuditEntry, list[AuditCode]]]:
    """The entries of ``document`` from its attachments, reports, signatures and statuses
    (loaded or just added: nothing here queries), each with its codes, not yet attached to
    it: an entry that is only copied into the one already there must reach no session."""
    reports = [a.report for a in document.attachments if a.report is not None]
    signatures = [s for a in document.attachments for s in a.signatures]
    at = sent_at(document)
    facts = {
        "at": at,
        "month": month_of(at),
        "verdict": verdict_of([r.verdict for r in reports]),
        "signed": bool(signatures),
        "personal": _valid(signatures, "personal"),
        "organisation": _valid(signatures, "organisation"),
        "due_at": due_end(document.due_date),
    }
    codes = sorted({code for report in reports for code in report.codes})
    made = []
    for organ_id, direction in _views(document):
        statuses = [s for s in document.statuses if _theirs(s.organ_id, organ_id, direction)]
        given = {s.status_code for s in statuses}
        acted = [as_utc(s.at) for s in statuses if s.status_code in ACTED]
        kept_here = direction is Direction.RECEIVED and document.owner_organ_id != HUB_ID
        entry = AuditEntry(
            organ_id=organ_id,
            direction=direction,
            delivered=kept_here or bool(given & ARRIVED),
            acted_at=min(acted, default=None),
            **{flag: code in given for code, flag in FLAGS.items()},
            **facts,
        )
        made.append(
            (entry, [
                AuditCode(organ_id=organ_id, direction=direction, at=at, month=facts["month"],
                          code=c)
                for c in codes
            ])
        )  # fmt: skip
    return made


def _theirs(status_by: str, organ_id: str, direction: Direction) -> bool:
    """Whether a status counts for an agency's entry: its own statuses on what it received,
    its recipients' on what it sent."""
    return status_by == organ_id if direction is Direction.RECEIVED else status_by != organ_id


def _valid(signatures, role: str) -> bool:
    return any(s.role == role and s.indication == "TOTAL_PASSED" for s in signatures)


#: What :func:`record` sets on an entry that is already there.
_FACTS = [c.key for c in AuditEntry.__table__.columns if c.key not in ("id", "document_pk")]


def record(document: Document) -> None:
    """Give ``document`` the entries its rows say now (in the caller's session); entries it
    has are changed in place, so that the (document, agency, direction) key is never taken
    twice in one flush."""
    current = {(e.organ_id, e.direction): e for e in document.audit_entries}
    kept = []
    for entry, codes in entries(document):
        old = current.get((entry.organ_id, entry.direction))
        if old is not None:
            for name in _FACTS:
                setattr(old, name, getattr(entry, name))
            entry = old
        entry.codes = codes
        kept.append(entry)
    document.audit_entries = kept


def apply_status(
    session: Session, document_pk: int, status_by: str, code: str, at: dt.datetime
) -> None:
    """Count status ``code`` that agency ``status_by`` gave at ``at`` in the entries it
    concerns: its own received entry, and the entries of those who sent it the document."""
    if code not in ARRIVED:
        return
    values: dict = {"delivered": true()}
    if code in FLAGS:
        values[FLAGS[code]] = true()
    if code in ACTED:
        at = as_utc(at)
        earlier = or_(AuditEntry.acted_at.is_(None), AuditEntry.acted_at > at)
        values["acted_at"] = case((earlier, at), else_=AuditEntry.acted_at)
    concerned = or_(
        and_(AuditEntry.direction == Direction.RECEIVED, AuditEntry.organ_id == status_by),
        and_(AuditEntry.direction == Direction.SENT, AuditEntry.organ_id != status_by),
    )
    session.execute(
        update(AuditEntry)
        .where(AuditEntry.document_pk == document_pk, concerned)
        .values(values)
        .execution_options(synchronize_session=False)
    )


def loaded_for_record():
    """The loader options of a Document query whose documents go to :func:`record`."""
    return (
        selectinload(Document.attachments).selectinload(Attachment.report),
        selectinload(Document.attachments).selectinload(Attachment.signatures),
        selectinload(Document.statuses),
        selectinload(Document.audit_entries).selectinload(AuditEntry.codes),
    )


def catch_up(sessions: sessionmaker[Session], batch: int = 500) -> int:
    """Give entries to the documents stored before audits existed (once per database);
    how many documents were indexed."""
    with sessions() as session:
        below = session.scalar(select(Setting.value).where(Setting.key == BACKFILL))
    if below is None:
        return 0
    done, after = 0, 0
    while True:
        with sessions() as session:
            documents = session.scalars(
                select(Document)
                .where(Document.id > after, Document.id < int(below))
                .order_by(Document.id)
                .limit(batch)
                .options(*loaded_for_record())
            ).all()
            if not documents:
                session.execute(delete(Setting).where(Setting.key == BACKFILL))
                session.commit()
                return done
            for document in documents:
                record(document)
            session.commit()
            done += len(documents)
            after = documents[-1].id
