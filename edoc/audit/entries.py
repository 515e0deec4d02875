"""What an audit counts about a document, written when the document or a status is stored.

A document is counted for the agency that keeps it (a node's own sent or received document)
or, at the hub, for its sender (sent) and for each recipient (received). Its facts come from
the verification stored with it and from its statuses; :func:`record` recomputes them from
those rows, so every way a document changes ends in the same entries.
"""

import datetime as dt

from sqlalchemy import delete, select
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
from edoc.timezone import VIETNAM, to_utc

#: Set by migration 0006 when it found documents: those below this id have no entries yet.
BACKFILL = "audit.backfill_below"
#: Statuses that say an agency acted on a document (01 only says it arrived).
ACTED = frozenset({"02", "03", "04", "05", "06"})
UNVERIFIED = "unverified"


def month_of(moment: dt.datetime) -> int:
    """The month of ``moment`` in Vietnam time, as YYYYMM."""
    local = moment.astimezone(VIETNAM)
    return local.year * 100 + local.month


def sent_at(document: Document) -> dt.datetime:
    """When the sender sent ``document``: its envelope's TraceHeader for the sender, else the
    first hop of its route when that is the sender's node, else when it was stored here."""
    if document.sent_at is not None:
        return _aware(document.sent_at)
    first = document.trace[0] if document.trace else None
    if first and first.get("organ_id") == document.sender_organ_id:
        try:
            return _aware(dt.datetime.fromisoformat(first["at"]))
        except (KeyError, TypeError, ValueError):
            pass
    return _aware(document.received_at)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def due_end(due_date: dt.date | None) -> dt.datetime | None:
    """The end of a due date (midnight after it, Vietnam time) in UTC."""
    if due_date is None:
        return None
    return to_utc(dt.datetime.combine(due_date + dt.timedelta(days=1), dt.time()))


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


def entries(document: Document) -> list[AuditEntry]:
    """The entries of ``document`` from its attachments, reports, signatures and statuses
    (loaded or just added: nothing here queries)."""
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
        acted = [_aware(s.at) for s in statuses if s.status_code in ACTED]
        entry = AuditEntry(
            organ_id=organ_id,
            direction=direction,
            delivered="01" in given or direction is Direction.RECEIVED,
            accepted="03" in given,
            returned="02" in given,
            completed="06" in given,
            acted_at=min(acted, default=None),
            **facts,
        )
        entry.codes = [
            AuditCode(organ_id=organ_id, direction=direction, at=at, month=facts["month"], code=c)
            for c in codes
        ]
        made.append(entry)
    return made


def _theirs(status_by: str, organ_id: str, direction: Direction) -> bool:
    """Whether a status counts for an agency's entry: its own statuses on what it received,
    its recipients' on what it sent."""
    return status_by == organ_id if direction is Direction.RECEIVED else status_by != organ_id


def _valid(signatures, role: str) -> bool:
    return any(s.role == role and s.indication == "TOTAL_PASSED" for s in signatures)


def record(document: Document) -> None:
    """Replace ``document``'s entries with what its rows say now (in the caller's session)."""
    document.audit_entries = entries(document)


def _loaded():
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
                .options(*_loaded())
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
