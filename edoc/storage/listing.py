"""The documents an agency received, as its inbox lists them: sorted as the clerk asks
(newest first by default), narrowed by the clerk's filters, each with what its badge needs
(its attachments' signatures and verification reports) loaded.

The inbox's page (:mod:`web.inbox`) and ``edoc inbox list`` both list through here, so that
they show the same documents in the same order.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from edoc.storage.models import Attachment, Direction, Document

#: The orders the inbox offers, by name; "received" (newest first) is the default.
SORTS = {
    "received": (Document.received_at.desc(),),
    "due": (Document.due_date.is_(None), Document.due_date, Document.received_at.desc()),
    "priority": (Document.priority.desc(), Document.received_at.desc()),
}


@dataclass(frozen=True)
class InboxFilter:
    """How the clerk narrows the list; the defaults keep every received document.

    ``words`` is folded text (:func:`edoc.search.fold`) the document's number/notation or
    subject contains, as typed (% and _ are no wildcards); ``since`` and ``until`` (UTC) bound
    when it was received, ``until`` excluded; ``compliant`` True or False keeps only the
    documents whose signatures are (or are not) compliant."""

    words: str = ""
    status: str = ""
    sender: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    urgent: bool = False
    compliant: bool | None = None


def received_documents(
    session: Session,
    organ_id: str,
    chosen: InboxFilter | None = None,
    sort: str = "received",
    offset: int = 0,
    limit: int | None = None,
) -> Sequence[Document]:
    """The documents agency ``organ_id`` received that ``chosen`` keeps, in the order
    ``sort`` names (an unknown one: newest first), from ``offset``, at most ``limit``."""
    chosen = chosen or InboxFilter()
    query = (
        select(Document)
        .where(Document.owner_organ_id == organ_id)
        .where(Document.direction == Direction.RECEIVED)
        .options(
            selectinload(Document.attachments).selectinload(Attachment.signatures),
            selectinload(Document.attachments).selectinload(Attachment.report),
        )
    )
    if chosen.words:
        query = query.where(Document.search_text.contains(chosen.words, autoescape=True))
    if chosen.status:
        query = query.where(Document.status_code == chosen.status)
    if chosen.sender:
        query = query.where(Document.sender_organ_id == chosen.sender)
    if chosen.since is not None:
        query = query.where(Document.received_at >= chosen.since)
    if chosen.until is not None:
        query = query.where(Document.received_at < chosen.until)
    if chosen.urgent:
        query = query.where(Document.priority > 0)
    if chosen.compliant is not None:
        query = query.where(Document.compliant.is_(chosen.compliant))
    query = query.order_by(*SORTS.get(sort, SORTS["received"])).offset(offset).limit(limit)
    return session.scalars(query).all()
