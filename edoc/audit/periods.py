"""The periods of an audit: months, quarters, years or one custom range, in Vietnam time.

A range is half-open, ``[start, end)``: a document sent at midnight opening the 1st of a
month belongs to that month, not to the one before, whatever UTC says. Periods are unions of
months (the start and end of the range may cut the first and last one).
"""

import datetime as dt
import re
from dataclasses import dataclass

from edoc.errors import AuditError
from edoc.timezone import to_utc, to_vietnam

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
    return to_utc(moment)


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
    local = to_vietnam(moment)
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


_LABELS = {
    "month": re.compile(r"(\d{4})-(0[1-9]|1[0-2])"),
    "quarter": re.compile(r"(\d{4})-Q([1-4])"),
    "year": re.compile(r"(\d{4})"),
}


def label_months(label: str, kind: str) -> list[int] | None:
    """The months (YYYYMM) the period ``label`` of ``kind`` covers (the label
    :func:`period_of` gives); None for a custom period, which is the whole range."""
    if check_kind(kind) == "custom":
        return None
    match = _LABELS[kind].fullmatch(label.strip())
    if match is None:
        raise AuditError(
            f"«{label}» không phải một kỳ {kind} (vd 2026-11, 2026-Q4, 2026).",
            f"'{label}' is not a {kind} period (e.g. 2026-11, 2026-Q4, 2026).",
        )
    year = int(match.group(1))
    if kind == "month":
        return [year * 100 + int(match.group(2))]
    first = 3 * int(match.group(2)) - 2 if kind == "quarter" else 1
    return [year * 100 + m for m in range(first, first + (3 if kind == "quarter" else 12))]


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise AuditError(
            f"Kỳ không hợp lệ: {kind!r} (month, quarter, year, custom).",
            f"Not a period: {kind!r} (month, quarter, year, custom).",
        )
    return kind
