"""The audit's figures, counted by the database: one aggregate query over the entries and one
over their codes, by agency, direction and month, whatever the number of documents.

Signature figures are counted among the *assessed* documents (verdict compliant or not
compliant) and their rates are over those; documents whose verification is indeterminate or
missing are counted apart, never folded into either side.
"""

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field, fields

from sqlalchemy import ColumnElement, and_, func, not_, or_, select, true
from sqlalchemy.orm import Session

from edoc.audit.entries import UNVERIFIED
from edoc.storage.models import AuditCode, AuditEntry, Direction, Document
from edoc.timezone import as_utc

ASSESSED = ("compliant", "non_compliant")
#: The counts of a row about the signatures, in the order reports show them.
SIGNING = ("total", "assessed", "indeterminate", "unverified", "signed", "personal",
           "organisation", "compliant", "non_compliant")  # fmt: skip
#: The counts about what became of the documents in the exchange.
EXCHANGE = ("delivered", "accepted", "returned", "completed", "overdue")
#: The figures of a row, in the order reports show them.
COUNTS = SIGNING + EXCHANGE
#: What a drill-down lists besides check codes: every count, and the assessed but unsigned.
FIGURES = (*COUNTS, "unsigned")
#: The figures that have a rate, over the assessed documents.
RATED = ("signed", "personal", "organisation", "compliant")


@dataclass
class Figures:
    """Counts of documents for one agency, direction and period (or any sum of them)."""

    total: int = 0
    assessed: int = 0
    indeterminate: int = 0
    unverified: int = 0
    signed: int = 0
    personal: int = 0
    organisation: int = 0
    compliant: int = 0
    non_compliant: int = 0
    delivered: int = 0
    accepted: int = 0
    returned: int = 0
    completed: int = 0
    overdue: int = 0
    codes: Counter = field(default_factory=Counter)

    def add(self, other: "Figures") -> "Figures":
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.codes.update(other.codes)
        return self

    def rate(self, name: str) -> float | None:
        """``name``'s share of the assessed documents, or None when none was assessed."""
        return getattr(self, name) / self.assessed if self.assessed else None

    def to_json(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "codes"}
        data["rates"] = {name: _rounded(self.rate(name)) for name in RATED}
        data["codes"] = dict(sorted(self.codes.items(), key=lambda item: (-item[1], item[0])))
        return data


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)


def conditions(now: dt.datetime) -> dict[str, ColumnElement[bool]]:
    """What each figure counts, as a condition on an entry (the drill-down lists the same)."""
    entry = AuditEntry
    assessed = entry.verdict.in_(ASSESSED)
    return {
        "total": true(),
        "assessed": assessed,
        "indeterminate": entry.verdict == "indeterminate",
        "unverified": entry.verdict == UNVERIFIED,
        "signed": and_(assessed, entry.signed),
        "unsigned": and_(assessed, not_(entry.signed)),
        "personal": and_(assessed, entry.personal),
        "organisation": and_(assessed, entry.organisation),
        "compliant": entry.verdict == "compliant",
        "non_compliant": entry.verdict == "non_compliant",
        "delivered": entry.delivered,
        "accepted": entry.accepted,
        "returned": entry.returned,
        "completed": entry.completed,
        "overdue": and_(
            entry.due_at.is_not(None),
            entry.due_at <= now,
            or_(entry.acted_at.is_(None), entry.acted_at > entry.due_at),
        ),
    }


@dataclass(frozen=True)
class Filter:
    """Which entries an audit reads: agencies (exact ids; None: all), a direction (None:
    both) and a half-open time range."""

    organ_ids: tuple[str, ...] | None = None
    direction: Direction | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def where(self, table) -> list[ColumnElement[bool]]:
        clauses = []
        if self.organ_ids is not None:
            clauses.append(table.organ_id.in_(self.organ_ids))
        if self.direction is not None:
            clauses.append(table.direction == self.direction)
        if self.start is not None:
            clauses.append(table.at >= self.start.astimezone(dt.UTC))
        if self.end is not None:
            clauses.append(table.at < self.end.astimezone(dt.UTC))
        return clauses


Key = tuple[str, str, int]  # organ id, direction, month (YYYYMM)


def aggregate(session: Session, scope: Filter, now: dt.datetime) -> dict[Key, Figures]:
    """The figures of every agency, direction and month in ``scope``, counted by the database.

    Both queries group in the order of their table's scope index (month first), so that the
    database streams the groups out of the index instead of hashing or sorting every row;
    the entries' index holds every column the figures read, so SQLite never visits the
    table. ``count(*) FILTER`` is cheaper per row than ``sum(CASE …)`` on both databases.
    """
    counted = conditions(now)
    names = [name for name in COUNTS if name != "total"]
    counts = [func.count().filter(counted[name]).label(name) for name in names]
    query = (
        select(
            AuditEntry.month,
            AuditEntry.organ_id,
            AuditEntry.direction,
            func.count().label("total"),
            *counts,
        )
        .where(*scope.where(AuditEntry))
        .group_by(AuditEntry.month, AuditEntry.organ_id, AuditEntry.direction)
    )
    found: dict[Key, Figures] = {}
    for row in session.execute(query):
        key = (row.organ_id, Direction(row.direction).value, row.month)
        found[key] = Figures(**{name: int(getattr(row, name) or 0) for name in COUNTS})
    codes = (
        select(
            AuditCode.month, AuditCode.organ_id, AuditCode.direction, AuditCode.code, func.count()
        )
        .where(*scope.where(AuditCode))
        .group_by(AuditCode.month, AuditCode.organ_id, AuditCode.direction, AuditCode.code)
    )
    for month, organ_id, direction, code, count in session.execute(codes):
        key = (organ_id, Direction(direction).value, month)
        if key not in found:
            found[key] = Figures()
        found[key].codes[code] += count
    return found


def extent(session: Session, scope: Filter) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The first and last sending time of the entries in ``scope``.

    An entry's month is that of its sending time, so the first and last entries are in the
    first and last months: the scope index finds those months and then reads only them.
    """
    where = scope.where(AuditEntry)
    ends = []
    for end in (func.min, func.max):
        month = select(end(AuditEntry.month)).where(*where).scalar_subquery()
        ends.append(
            select(end(AuditEntry.at)).where(*where, AuditEntry.month == month).scalar_subquery()
        )
    first, last = session.execute(select(*ends)).one()
    return _utc(first), _utc(last)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else as_utc(moment)


_CHUNK = 5000  # ids per query: below every database's limit on bound parameters


@dataclass(frozen=True)
class Listed:
    """A document behind a figure."""

    document_pk: int
    organ_id: str
    direction: str
    at: dt.datetime
    document_id: str
    number: str
    notation: str
    subject: str
    sender_organ_id: str
    sender_name: str
    verdict: str
    codes: tuple[str, ...]

    def to_json(self) -> dict:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        data["codes"] = list(self.codes)
        return data


def listing(
    session: Session,
    scope: Filter,
    figure: str,
    now: dt.datetime,
    months: list[int] | None = None,
    limit: int | None = None,
) -> list[Listed]:
    """The documents counted by ``figure`` (a figure's name, or a check code: the documents
    with that error) in ``scope`` and ``months``, earliest first."""
    counted = conditions(now)
    if figure in counted:
        condition = counted[figure]
    else:
        coded = select(AuditCode.entry_pk).where(AuditCode.code == figure)
        condition = AuditEntry.id.in_(coded.where(*scope.where(AuditCode)))
    query = (
        select(AuditEntry, Document)
        .join(Document, Document.id == AuditEntry.document_pk)
        .where(condition, *scope.where(AuditEntry))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    if months is not None:
        query = query.where(AuditEntry.month.in_(months))
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    codes: dict[int, list[str]] = {}
    ids = [entry.id for entry, _ in rows]
    for chunk in range(0, len(ids), _CHUNK):
        for entry_pk, code in session.execute(
            select(AuditCode.entry_pk, AuditCode.code)
            .where(AuditCode.entry_pk.in_(ids[chunk : chunk + _CHUNK]))
            .order_by(AuditCode.code)
        ):
            codes.setdefault(entry_pk, []).append(code)
    return [
        Listed(
            document_pk=document.id,
            organ_id=entry.organ_id,
            direction=Direction(entry.direction).value,
            at=as_utc(entry.at),
            document_id=document.document_id,
            number=document.number,
            notation=document.notation,
            subject=document.subject,
            sender_organ_id=document.sender_organ_id,
            sender_name=document.sender_name,
            verdict=entry.verdict,
            codes=tuple(codes.get(entry.id, ())),
        )
        for entry, document in rows
    ]
