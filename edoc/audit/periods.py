"""The periods of an audit: months, quarters, years or one custom range, in Vietnam time.

A range is half-open, ``[start, end)``: a document sent at midnight opening the 1st of a
month belongs to that month, not to the one before, whatever UTC says. Periods are unions of
months (the start and end of the range may cut the first and last one).
"""

import datetime as dt
from dataclasses import dataclass

from edoc.errors import AuditError
from edoc.timezone import VIETNAM

KINDS = ("month", "quarter", "year", "custom")


def parse_moment(text: str, what: str) -> dt.datetime:
    """A date (``2026-10-01``) or a time (``2026-10-01T08:00``, Vietnam time unless it says
    otherwise) as an aware datetime."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuditError(
            f"«{what}» không phải ngày hay thời điểm ISO 8601 (vd 2026-10-01): {text!r}.",
            f"'{what}' is not an ISO 8601 date or time (e.g. 2026-10-01): {text!r}.",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


@dataclass(frozen=True)
class Range:
    """``[start, end)``; an open side is None."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise AuditError(
                "Thời điểm kết thúc phải sau thời điểm bắt đầu.", "The end must be after the start."
            )

    def label(self) -> str:
        start = _shown(self.start) if self.start else "…"
        end = _shown(self.end) if self.end else "…"
        return f"{start} – {end}"


def _shown(moment: dt.datetime) -> str:
    local = moment.astimezone(VIETNAM)
    return local.strftime("%Y-%m-%d" if local.time() == dt.time() else "%Y-%m-%d %H:%M")


def month_label(month: int) -> str:
    """``202610`` as ``2026-10``."""
    return f"{month // 100}-{month % 100:02d}"


def period_of(month: int, kind: str, whole: Range) -> str:
    """The label of the period of ``kind`` that month ``month`` (YYYYMM) falls in."""
    year, number = divmod(month, 100)
    if kind == "month":
        return month_label(month)
    if kind == "quarter":
        return f"{year}-Q{(number - 1) // 3 + 1}"
    if kind == "year":
        return str(year)
    return whole.label()


def months_of(label: str, kind: str, whole: Range, months: list[int]) -> list[int]:
    """The months among ``months`` that the period ``label`` covers."""
    return [m for m in months if period_of(m, kind, whole) == label]


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise AuditError(
            f"Kỳ không hợp lệ: {kind!r} (month, quarter, year, custom).",
            f"Not a period: {kind!r} (month, quarter, year, custom).",
        )
    return kind
