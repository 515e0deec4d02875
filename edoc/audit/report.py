"""The audit report: per agency, period and direction the figures, a ranking by compliance,
the monthly trend, and a note of what was covered; the same for the CLI, the files it writes
and the auditor's page in the inbox.
"""

import datetime as dt
import fnmatch
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from edoc.agency import AgencyDirectory, AgencyId, AgencyIdError
from edoc.audit.entries import catch_up, month_of
from edoc.audit.figures import Figures, Filter, Listed, aggregate, conditions, extent, listing
from edoc.audit.periods import Range, check_kind, month_label, months_of, period_of
from edoc.errors import AuditError
from edoc.storage.models import Direction
from signing.checks import CATALOGUE


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

    def exact_ids(self) -> tuple[str, ...] | None:
        """The agencies as QCVN 102 ids when none is a pattern (the database filters them)."""
        if not self.agencies or any("*" in a or "?" in a for a in self.agencies):
            return None
        return tuple(_agency_id(a) for a in self.agencies)

    def covers(self, organ_id: str) -> bool:
        if not self.agencies:
            return True
        try:
            code = AgencyId.parse(organ_id).decision20
        except AgencyIdError:
            code = organ_id
        return any(_matches(pattern, organ_id, code) for pattern in self.agencies)

    def filter(self) -> Filter:
        return Filter(self.exact_ids(), self.direction, self.range.start, self.range.end)


def _agency_id(text: str) -> str:
    try:
        return str(AgencyId.parse(text))
    except AgencyIdError as error:
        raise AuditError(error.message_vi, error.message_en) from None


def _matches(pattern: str, organ_id: str, code: str) -> bool:
    pattern = pattern.strip().upper()
    if "*" in pattern or "?" in pattern:
        return fnmatch.fnmatchcase(code, pattern) or fnmatch.fnmatchcase(organ_id, pattern)
    return organ_id == _agency_id(pattern)


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

    generated_at: dt.datetime
    sources: list[str]
    scope: Scope
    now: dt.datetime
    first: dt.datetime | None
    last: dt.datetime | None
    rows: list[Row]
    totals: list[Row]
    trend: dict[str, list[tuple[str, Figures]]]
    months: list[int]

    @property
    def primary(self) -> str:
        """The direction the ranking and the trend are about: what agencies sent (their own
        signing), unless the audit is of received documents only."""
        return (self.scope.direction or Direction.SENT).value

    @property
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

    @property
    def overall(self) -> dict[str, Figures]:
        """Every agency together, by direction."""
        together: dict[str, Figures] = {}
        for row in self.totals:
            together.setdefault(row.direction, Figures()).add(row.figures)
        return together

    @property
    def codes(self) -> Counter:
        """Documents by error code, every agency and direction together."""
        counted: Counter = Counter()
        for figures in self.overall.values():
            counted.update(figures.codes)
        return counted

    def months_of(self, period: str) -> list[int]:
        """The months a period of this report covers (for the drill-down)."""
        return months_of(period, self.scope.period, self.scope.range, self.months)

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


def agency_names(directory: AgencyDirectory, organ_ids: Iterable[str]) -> dict[str, str]:
    """The directory's name of each agency ("" for one it does not know)."""
    names = {}
    for organ_id in organ_ids:
        try:
            known = directory.get(organ_id)
        except AgencyIdError:
            known = None
        names[organ_id] = known.name if known else ""
    return names


def build_report(
    sources: Sequence[Source],
    scope: Scope,
    now: dt.datetime | None = None,
    directory: AgencyDirectory | None = None,
) -> AuditReport:
    """Audit ``sources`` (their figures added up) over ``scope``."""
    now = now or dt.datetime.now(dt.UTC)
    where = scope.filter()
    by_month: dict[tuple[str, str, int], Figures] = {}
    firsts, lasts = [], []
    for source in sources:
        catch_up(source.sessions)
        with source.sessions() as session:
            for key, figures in aggregate(session, where, now).items():
                if scope.covers(key[0]):
                    by_month.setdefault(key, Figures()).add(figures)
            first, last = extent(session, where)
        firsts += [first] if first else []
        lasts += [last] if last else []
    names = agency_names(directory or AgencyDirectory.builtin(), sorted({k[0] for k in by_month}))
    periods: dict[tuple[str, str, str], Figures] = {}
    totals: dict[tuple[str, str], Figures] = {}
    trend: dict[str, dict[int, Figures]] = {}
    primary = (scope.direction or Direction.SENT).value
    for (organ_id, direction, month), figures in sorted(by_month.items()):
        label = period_of(month, scope.period, scope.range)
        periods.setdefault((organ_id, label, direction), Figures()).add(figures)
        totals.setdefault((organ_id, direction), Figures()).add(figures)
        if direction == primary:
            trend.setdefault(organ_id, {}).setdefault(month, Figures()).add(figures)
    return AuditReport(
        generated_at=dt.datetime.now(dt.UTC),
        sources=[source.label for source in sources],
        scope=scope,
        now=now,
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
    organ_id: str | None = None,
    limit: int | None = None,
) -> list[tuple[str, Listed]]:
    """The documents behind ``figure`` (a figure's name or a check code) in ``scope``,
    narrowed to one ``period`` label and one agency when given; with their source's label."""
    now = now or dt.datetime.now(dt.UTC)
    if figure not in conditions(now) and figure not in CATALOGUE:
        known = ", ".join([*conditions(now), "CODE"])
        raise AuditError(
            f"Không có chỉ số hay mã kiểm tra «{figure}» (có: {known}).",
            f"No figure or check code '{figure}' (known: {known}).",
        )
    if organ_id is not None:
        scope = Scope((organ_id,), scope.period, scope.range, scope.direction)
    found = []
    for source in sources:
        catch_up(source.sessions)
        with source.sessions() as session:
            months = None
            if period is not None:
                months = [
                    m
                    for m in _months(session, scope)
                    if period_of(m, scope.period, scope.range) == period
                ]
            rows = listing(session, scope.filter(), figure, now, months, limit)
        found += [(source.label, row) for row in rows if scope.covers(row.organ_id)]
    return found


def _months(session: Session, scope: Scope) -> list[int]:
    first, last = extent(session, scope.filter())
    if first is None or last is None:
        return []
    months, month = [], month_of(first)
    while month <= month_of(last):
        months.append(month)
        year, number = divmod(month, 100)
        month = (year + number // 12) * 100 + number % 12 + 1
    return months
