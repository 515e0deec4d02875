"""The audit report: per agency, period and direction the figures, a ranking by compliance,
the monthly trend, and a note of what was covered; the same for the CLI, the files it writes
and the auditor's page in the inbox.
"""

import datetime as dt
import fnmatch
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from edoc.agency import AgencyDirectory, AgencyId, AgencyIdError
from edoc.audit.entries import catch_up
from edoc.audit.figures import Figures, Filter, Listed, aggregate, conditions, extent, listing
from edoc.audit.periods import Range, check_kind, label_months, month_label, period_of
from edoc.errors import AuditError
from edoc.storage.models import Agency, AuditEntry, Direction
from signing.validation.checks import CATALOGUE


@dataclass(frozen=True)
class Source:
    """A database to audit, and how the report names it."""

    label: str
    sessions: sessionmaker[Session]


@dataclass(frozen=True)
class Scope:
    """What to audit: agencies (ids in either form, or patterns such as ``H*`` over the
    Decision 20 code; none: every agency), the kind of period, a range, a direction."""

    agencies: tuple[str, ...] = ()
    period: str = "month"
    range: Range = field(default_factory=Range)
    direction: Direction | None = None

    def __post_init__(self) -> None:
        check_kind(self.period)

    @property
    def primary(self) -> Direction:
        """The direction the ranking and the trend are about: what agencies sent (their own
        signing), unless the audit is of received documents only."""
        return self.direction or Direction.SENT

    def filter(self, session: Session) -> Filter:
        """The entries to read in ``session``'s database: patterns become the ids they match
        there, so that the database filters and limits exactly what the scope covers."""
        ids = None
        if any(_is_pattern(a) for a in self.agencies):
            present = session.scalars(select(AuditEntry.organ_id).distinct())
            ids = tuple(o for o in present if any(_matches(a, o) for a in self.agencies))
        elif self.agencies:
            ids = tuple(agency_id(a) for a in self.agencies)
        return Filter(ids, self.direction, self.range.start, self.range.end)


def _is_pattern(text: str) -> bool:
    return "*" in text or "?" in text


def agency_id(text: str) -> str:
    """An agency id as typed, in its canonical form; AuditError when it is none."""
    try:
        return str(AgencyId.parse(text))
    except AgencyIdError as error:
        raise AuditError(error.message_vi, error.message_en) from None


def _matches(pattern: str, organ_id: str) -> bool:
    """Whether ``organ_id`` is ``pattern`` (an id) or matches it (over either form)."""
    pattern = pattern.strip().upper()
    if not _is_pattern(pattern):
        return organ_id == agency_id(pattern)
    try:
        code = AgencyId.parse(organ_id).decision20
    except AgencyIdError:
        code = organ_id
    return fnmatch.fnmatchcase(code, pattern) or fnmatch.fnmatchcase(organ_id, pattern)


@dataclass
class Row:
    """The figures of one agency in one period and direction."""

    organ_id: str
    name: str
    period: str
    direction: str
    figures: Figures

    def to_json(self) -> dict:
        return {
            "organ_id": self.organ_id,
            "name": self.name,
            "period": self.period,
            "direction": self.direction,
            **self.figures.to_json(),
        }


@dataclass
class AuditReport:
    """Everything an audit found, and over what."""

    generated_at: dt.datetime  # also the moment overdue documents are judged at
    sources: list[str]
    scope: Scope
    first: dt.datetime | None
    last: dt.datetime | None
    rows: list[Row]
    totals: list[Row]
    trend: dict[str, list[tuple[str, Figures]]]
    months: list[int]

    @property
    def primary(self) -> str:
        return self.scope.primary.value

    @cached_property
    def ranking(self) -> list[Row]:
        """Agencies by compliance rate of the primary direction, best first; agencies with
        nothing assessed last."""
        rows = [row for row in self.totals if row.direction == self.primary]
        return sorted(
            rows,
            key=lambda r: (
                r.figures.rate("compliant") is None,
                -(r.figures.rate("compliant") or 0),
                -r.figures.total,
                r.organ_id,
            ),
        )

    @cached_property
    def overall(self) -> dict[str, Figures]:
        """Every agency together, by direction."""
        together: dict[str, Figures] = {}
        for row in self.totals:
            together.setdefault(row.direction, Figures()).add(row.figures)
        return together

    @cached_property
    def codes(self) -> Counter:
        """Documents by error code, every agency and direction together."""
        counted: Counter = Counter()
        for figures in self.overall.values():
            counted.update(figures.codes)
        return counted

    def to_json(self) -> dict:
        return {
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "sources": self.sources,
            "scope": {
                "agencies": list(self.scope.agencies),
                "period": self.scope.period,
                "start": _iso(self.scope.range.start),
                "end": _iso(self.scope.range.end),
                "direction": self.scope.direction.value if self.scope.direction else None,
            },
            "data": {"first": _iso(self.first), "last": _iso(self.last)},
            "overall": {d: f.to_json() for d, f in self.overall.items()},
            "rows": [row.to_json() for row in self.rows],
            "ranking": [row.to_json() for row in self.ranking],
            "trend": {
                organ_id: [{"month": month, **f.to_json()} for month, f in months]
                for organ_id, months in self.trend.items()
            },
        }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def agency_names(
    directory: AgencyDirectory, organ_ids: Iterable[str], registered: dict[str, str] | None = None
) -> dict[str, str]:
    """The name of each agency: as registered (at the hub), else the directory's, else ""."""
    names = {}
    for organ_id in organ_ids:
        try:
            known = directory.get(organ_id)
        except AgencyIdError:
            known = None
        names[organ_id] = (registered or {}).get(organ_id) or (known.name if known else "")
    return names


def build_report(
    sources: Sequence[Source],
    scope: Scope,
    now: dt.datetime | None = None,
    directory: AgencyDirectory | None = None,
) -> AuditReport:
    """Audit ``sources`` (their figures added up) over ``scope``."""
    now = now or dt.datetime.now(dt.UTC)
    by_month: dict[tuple[str, str, int], Figures] = {}
    firsts, lasts, registered = [], [], {}
    for source in sources:
        catch_up(source.sessions)
        with source.sessions() as session:
            where = scope.filter(session)
            for key, figures in aggregate(session, where, now).items():
                by_month.setdefault(key, Figures()).add(figures)
            first, last = extent(session, where)
            registered.update(session.execute(select(Agency.organ_id, Agency.name)).all())
        firsts += [first] if first else []
        lasts += [last] if last else []
    organ_ids = sorted({k[0] for k in by_month})
    names = agency_names(directory or AgencyDirectory.builtin(), organ_ids, registered)
    periods: dict[tuple[str, str, str], Figures] = {}
    totals: dict[tuple[str, str], Figures] = {}
    trend: dict[str, dict[int, Figures]] = {}
    primary = scope.primary.value
    for (organ_id, direction, month), figures in sorted(by_month.items()):
        label = period_of(month, scope.period, scope.range)
        periods.setdefault((organ_id, label, direction), Figures()).add(figures)
        totals.setdefault((organ_id, direction), Figures()).add(figures)
        if direction == primary:
            trend.setdefault(organ_id, {}).setdefault(month, Figures()).add(figures)
    return AuditReport(
        generated_at=now,
        sources=[source.label for source in sources],
        scope=scope,
        first=min(firsts, default=None),
        last=max(lasts, default=None),
        rows=[
            Row(organ_id, names[organ_id], label, direction, figures)
            for (organ_id, label, direction), figures in periods.items()
        ],
        totals=[
            Row(organ_id, names[organ_id], "", direction, figures)
            for (organ_id, direction), figures in totals.items()
        ],
        trend={
            organ_id: [(month_label(m), f) for m, f in sorted(months.items())]
            for organ_id, months in trend.items()
        },
        months=sorted({k[2] for k in by_month}),
    )


def list_documents(
    sources: Sequence[Source],
    scope: Scope,
    figure: str,
    now: dt.datetime | None = None,
    period: str | None = None,
    limit: int | None = None,
) -> list[tuple[str, Listed]]:
    """The documents behind ``figure`` (a figure's name or a check code) in ``scope``,
    narrowed to one ``period`` (a label of the scope's kind of period) when given; with their
    source's label."""
    now = now or dt.datetime.now(dt.UTC)
    if figure not in conditions(now) and figure not in CATALOGUE:
        known = ", ".join([*conditions(now), "CODE"])
        raise AuditError(
            f"Không có chỉ số hay mã kiểm tra «{figure}» (có: {known}).",
            f"No figure or check code '{figure}' (known: {known}).",
        )
    months = label_months(period, scope.period) if period is not None else None
    found = []
    for source in sources:
        catch_up(source.sessions)
        with source.sessions() as session:
            rows = listing(session, scope.filter(session), figure, now, months, limit)
        found += [(source.label, row) for row in rows]
    return found
