"""The audit report as one self-contained HTML page (inline CSS and SVG charts, nothing
fetched), in Vietnamese or English; the inbox's auditor page shows the same sections from the
same template macros and the same words, with every count linked to its documents.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from edoc.audit.charts import codes_svg, describe, percent, trend_svg
from edoc.audit.figures import COUNTS, RATED, Figures
from edoc.audit.periods import Range
from edoc.audit.report import AuditReport, Row
from edoc.audit.wording import WORDS as SHARED
from edoc.timezone import to_vietnam

#: The pages' own words; the figures, verdicts and columns are the audit's shared words.
_PAGE = {
    "vi": {
        "page_title": "Báo cáo ký số văn bản điện tử",
        "generated_at": "Lập lúc",
        "data_range": "Văn bản gửi trong khoảng",
        "no_data_range": "không có văn bản nào",
        "sources": "Nguồn dữ liệu",
        "agencies": "Cơ quan",
        "all_agencies": "mọi cơ quan",
        "range": "Thời gian",
        "documents_sent": "Văn bản đi",
        "documents_received": "Văn bản đến",
        "documents_both": "Cả đi và đến",
        "period_month": "Tháng",
        "period_quarter": "Quý",
        "period_year": "Năm",
        "period_custom": "Cả khoảng thời gian",
        "from_start": "từ đầu",
        "until_now": "đến nay",
        "from_day": "từ ngày {day}",
        "from_time": "từ {time}",
        "until_day": "đến hết ngày {day}",
        "until_time": "đến trước {time}",
        "coverage": "Phạm vi đánh giá",
        "coverage_line": (
            "{direction}: {total} văn bản, trong đó {assessed} đã đánh giá (đúng hoặc không "
            "đúng quy định), {indeterminate} chưa xác định, {unverified} chưa kiểm tra."
        ),
        "note_rates": (
            "Các tỷ lệ tính trên số văn bản đã đánh giá (đúng hoặc không đúng quy định); văn "
            "bản có kết quả kiểm tra chưa xác định và văn bản chưa kiểm tra được đếm riêng, "
            "không tính vào tỷ lệ."
        ),
        "note_overdue": (
            "«Quá hạn»: văn bản có hạn xử lý đã qua mà đến hết ngày hạn chưa có trạng thái "
            "02–06 (trả lại, tiếp nhận, phân công, đang xử lý, hoàn thành)."
        ),
        "note_time": "Thời gian theo giờ Việt Nam (Asia/Ho_Chi_Minh).",
        "overall": "Số liệu chung",
        "ranking_of": "Xếp hạng theo tỷ lệ đúng quy định ({direction})",
        "by_period": "Theo cơ quan và kỳ",
        "violations": "Vi phạm theo mã kiểm tra",
        "trend": "Tỷ lệ đúng quy định theo tháng ({direction})",
        "codes_chart": "Số văn bản theo mã kiểm tra",
        "rank": "Hạng",
        "description": "Nội dung",
        "documents": "Số văn bản",
        "no_rows": "Không có văn bản nào trong phạm vi này.",
        "no_codes": "Không có văn bản nào vi phạm.",
        "no_rate": "—",
        "rate_signed": "Tỷ lệ có chữ ký số",
        "rate_personal": "Tỷ lệ ký cá nhân hợp lệ",
        "rate_organisation": "Tỷ lệ ký cơ quan hợp lệ",
        "rate_compliant": "Tỷ lệ đúng quy định",
    },
    "en": {
        "page_title": "Signing-rate and compliance audit",
        "generated_at": "Generated",
        "data_range": "Documents sent between",
        "no_data_range": "no documents",
        "sources": "Sources",
        "agencies": "Agencies",
        "all_agencies": "all",
        "range": "Time",
        "documents_sent": "Sent documents",
        "documents_received": "Received documents",
        "documents_both": "Sent and received",
        "period_month": "Month",
        "period_quarter": "Quarter",
        "period_year": "Year",
        "period_custom": "The whole range",
        "from_start": "from the start",
        "until_now": "until now",
        "from_day": "from {day}",
        "from_time": "from {time}",
        "until_day": "to the end of {day}",
        "until_time": "until before {time}",
        "coverage": "Coverage",
        "coverage_line": (
            "{direction}: {total} documents, of which {assessed} assessed (compliant or "
            "not), {indeterminate} indeterminate, {unverified} unverified."
        ),
        "note_rates": (
            "Rates are over the assessed documents (compliant or not); documents whose "
            "verification is indeterminate and those not verified are counted apart, outside "
            "the rates."
        ),
        "note_overdue": (
            "“Overdue”: a document with a due date that has passed and no status 02–06 "
            "(returned, accepted, assigned, in progress, completed) by the end of that day."
        ),
        "note_time": "Times are Vietnam time (Asia/Ho_Chi_Minh).",
        "overall": "Overall figures",
        "ranking_of": "Ranking by compliance rate ({direction})",
        "by_period": "By agency and period",
        "violations": "Violations by check code",
        "trend": "Monthly compliance rate ({direction})",
        "codes_chart": "Documents by check code",
        "rank": "Rank",
        "description": "What it finds",
        "documents": "Documents",
        "no_rows": "No documents in this scope.",
        "no_codes": "No document failed a check.",
        "no_rate": "—",
        "rate_signed": "Signed %",
        "rate_personal": "Personal %",
        "rate_organisation": "Organisation %",
        "rate_compliant": "Compliant %",
    },
}
#: Every word of the audit's pages, the file's and the inbox's: the audit's shared words
#: (the terminal's and the spreadsheets') and the pages' own.
WORDS = {lang: {**SHARED[lang], **_PAGE[lang]} for lang in ("vi", "en")}

DIRECTIONS = ("sent", "received")
#: The counts of a row that are about the signatures, each followed by its rate if it has one.
SIGNING = ("total", "assessed", "indeterminate", "unverified", "signed", "personal",
           "organisation", "compliant", "non_compliant")  # fmt: skip
#: The counts about what happened to the documents in the exchange.
EXCHANGE = ("delivered", "accepted", "returned", "completed", "overdue")
#: What a drill-down lists besides check codes: every count, and the assessed but unsigned.
FIGURES = (*COUNTS, "unsigned")


def words(lang: str) -> dict[str, str]:
    """The audit's words in ``lang`` (Vietnamese unless "en")."""
    return WORDS["en" if lang == "en" else "vi"]


def shown_time(moment: dt.datetime | None) -> str:
    """A stored time in Vietnam time, as the inbox shows times."""
    return to_vietnam(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def range_text(span: Range, lang: str = "vi") -> str:
    """``[start, end)`` as people say it: "từ ngày 01/11/2026 đến hết ngày 30/11/2026"."""
    w = words(lang)
    return f"{_side(span.start, 'from', w)} {_side(span.end, 'until', w)}"


def _side(moment: dt.datetime | None, side: str, w: dict[str, str]) -> str:
    if moment is None:
        return w["from_start" if side == "from" else "until_now"]
    local = to_vietnam(moment)
    if local.time() != dt.time():
        return w[f"{side}_time"].format(time=local.strftime("%H:%M %d/%m/%Y"))
    if side == "until":
        local -= dt.timedelta(days=1)
    return w[f"{side}_day"].format(day=local.strftime("%d/%m/%Y"))


def figure_name(figure: str, lang: str = "vi") -> str:
    """How pages name what a drill-down lists: a figure's words, or a code and what it finds."""
    if figure in FIGURES:
        return words(lang)[figure]
    return f"{figure} — {describe(figure, lang)}"


@dataclass
class AuditView:
    """What the audit pages show of a report, worded in one language."""

    report: AuditReport
    lang: str
    w: dict[str, str]
    trend_chart: Markup
    codes_chart: Markup
    signing: tuple[str, ...] = SIGNING
    exchange: tuple[str, ...] = EXCHANGE

    @property
    def directions(self) -> list[str]:
        """The directions the report is about, sent first."""
        chosen = self.report.scope.direction
        return [chosen.value] if chosen else list(DIRECTIONS)

    @property
    def generated_at(self) -> str:
        """When the report was made, in Vietnam time."""
        return shown_time(self.report.generated_at)

    @property
    def data_range(self) -> str:
        """When the first and the last document counted were sent, in Vietnam time."""
        if self.report.first is None:
            return self.w["no_data_range"]
        return f"{shown_time(self.report.first)} – {shown_time(self.report.last)}"

    @property
    def scope(self) -> list[tuple[str, str]]:
        """What was audited, as (label, value) lines."""
        scope = self.report.scope
        direction = scope.direction.value if scope.direction else "both"
        return [
            (self.w["agencies"], ", ".join(scope.agencies) or self.w["all_agencies"]),
            (self.w["period"], self.w[f"period_{scope.period}"]),
            (self.w["range"], range_text(scope.range, self.lang)),
            (self.w["direction"], self.w[f"documents_{direction}"]),
        ]

    @property
    def overall(self) -> list[tuple[str, Figures]]:
        """Every agency together, per direction shown (zeros for a direction with nothing)."""
        found = self.report.overall
        return [(d, found.get(d, Figures())) for d in self.directions]

    def coverage(self, direction: str, figures: Figures) -> str:
        """How many documents of a direction were assessed, and how many were not."""
        return self.w["coverage_line"].format(
            direction=self.w[f"documents_{direction}"], total=figures.total,
            assessed=figures.assessed, indeterminate=figures.indeterminate,
            unverified=figures.unverified,
        )  # fmt: skip

    def rows(self, direction: str) -> list[Row]:
        """The per agency × period rows of one direction, by agency then period."""
        found = [row for row in self.report.rows if row.direction == direction]
        return sorted(found, key=lambda row: (row.organ_id, row.period))

    @property
    def codes(self) -> list[tuple[str, int, str]]:
        """(code, documents, what it finds), most documents first."""
        items = sorted(self.report.codes.items(), key=lambda item: (-item[1], item[0]))
        return [(code, count, describe(code, self.lang)) for code, count in items]

    def rate(self, figures: Figures, name: str) -> str:
        """A rate as shown, or a dash when nothing was assessed."""
        share = figures.rate(name)
        return self.w["no_rate"] if share is None else percent(share, self.lang)

    def rated(self, name: str) -> bool:
        return name in RATED


def audit_view(report: AuditReport, lang: str = "vi") -> AuditView:
    """The report as its pages show it, with its two charts drawn."""
    names = {row.organ_id: row.name for row in report.totals}
    return AuditView(
        report=report,
        lang="en" if lang == "en" else "vi",
        w=words(lang),
        trend_chart=Markup(trend_svg(report.trend, names, "compliant", lang)),
        codes_chart=Markup(codes_svg(report.codes, lang)),
    )


#: The page and its sections (``audit_sections.html``, which the inbox's page imports too).
TEMPLATES = Path(__file__).parent / "templates"
_environment = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True)
)


def render_html(report: AuditReport, lang: str = "vi") -> str:
    """The report as one HTML page that opens offline: title, when and over what it was
    made, the coverage note, overall figures, ranking, per agency and period, by check code."""
    view = audit_view(report, lang)
    return _environment.get_template("audit_report.html").render(v=view)
