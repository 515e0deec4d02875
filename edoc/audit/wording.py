"""The audit's words in Vietnamese and English, and the note on what a report covers: one
place for the terminal, the files and the inbox."""

import datetime as dt

from edoc.audit.figures import Figures
from edoc.audit.periods import Range
from edoc.audit.report import AuditReport
from edoc.timezone import shown, to_vietnam
from signing.validation.checks import CATALOGUE
from signing.validation.wording import VERDICTS

#: The words of the terminal, the spreadsheets and the pages.
_SHARED: dict[str, dict[str, str]] = {
    "vi": {
        "title": "BÁO CÁO KÝ SỐ VĂN BẢN ĐIỆN TỬ",
        "organ_id": "Mã định danh",
        "agency": "Cơ quan",
        "name": "Tên cơ quan",
        "period": "Kỳ",
        "direction": "Chiều",
        "direction_sent": "đi",
        "direction_received": "đến",
        "figure": "Chỉ số",
        "total": "Tổng số",
        "assessed": "Đã đánh giá",
        "indeterminate": "Chưa xác định",
        "indeterminate_short": "Chưa XĐ",
        "unverified": "Chưa kiểm tra",
        "unverified_short": "Chưa KT",
        "signed": "Có chữ ký số",
        "signed_short": "Có ký",
        "unsigned": "Không có chữ ký số",
        "personal": "Chữ ký cá nhân hợp lệ",
        "personal_short": "Ký CN",
        "organisation": "Chữ ký cơ quan hợp lệ",
        "organisation_short": "Ký CQ",
        "compliant": "Đúng quy định",
        "compliant_short": "Đúng QĐ",
        "non_compliant": "Không đúng quy định",
        "delivered": "Đã đến",
        "delivered_short": "Đã đến",
        "accepted": "Đã tiếp nhận (03)",
        "accepted_short": "03",
        "returned": "Bị trả lại (02)",
        "returned_short": "02",
        "completed": "Hoàn thành (06)",
        "completed_short": "06",
        "overdue": "Quá hạn",
        "overdue_short": "Quá hạn",
        "ranking": "XẾP HẠNG THEO TỶ LỆ ĐÚNG QUY ĐỊNH",
        "by_code": "VI PHẠM THEO MÃ KIỂM TRA (số văn bản)",
        "code": "Mã kiểm tra",
        "codes": "Mã lỗi",
        "time": "Thời gian",
        "code_number": "Số, ký hiệu",
        "subject": "Trích yếu",
        "document_id": "DocumentId",
        "verdict": "Kết luận",
        **{f"verdict_{verdict}": word for verdict, word in VERDICTS["vi"].items()},
        "verdict_unverified": "Chưa kiểm tra",
        "sheet_figures": "Số liệu",
        "sheet_ranking": "Xếp hạng",
        "sheet_trend": "Theo tháng",
        "sheet_codes": "Theo mã",
        "sheet_note": "Ghi chú",
    },
    "en": {
        "title": "SIGNING-RATE AND COMPLIANCE AUDIT",
        "organ_id": "Agency id",
        "agency": "Agency",
        "name": "Name",
        "period": "Period",
        "direction": "Direction",
        "direction_sent": "sent",
        "direction_received": "received",
        "figure": "Figure",
        "total": "Total",
        "assessed": "Assessed",
        "indeterminate": "Indeterminate",
        "indeterminate_short": "Indet.",
        "unverified": "Unverified",
        "unverified_short": "Unverif.",
        "signed": "Digitally signed",
        "signed_short": "Signed",
        "unsigned": "Not signed",
        "personal": "Valid personal signature",
        "personal_short": "Personal",
        "organisation": "Valid organisation signature",
        "organisation_short": "Organisation",
        "compliant": "Compliant",
        "compliant_short": "Compliant",
        "non_compliant": "Not compliant",
        "delivered": "Delivered",
        "delivered_short": "Delivered",
        "accepted": "Accepted (03)",
        "accepted_short": "03",
        "returned": "Returned (02)",
        "returned_short": "02",
        "completed": "Completed (06)",
        "completed_short": "06",
        "overdue": "Overdue",
        "overdue_short": "Overdue",
        "ranking": "RANKING BY COMPLIANCE RATE",
        "by_code": "VIOLATIONS BY CHECK CODE (documents)",
        "code": "Check code",
        "codes": "Error codes",
        "time": "Time",
        "code_number": "Number/notation",
        "subject": "Subject",
        "document_id": "DocumentId",
        "verdict": "Verdict",
        **{f"verdict_{verdict}": word for verdict, word in VERDICTS["en"].items()},
        "verdict_unverified": "Unverified",
        "sheet_figures": "Figures",
        "sheet_ranking": "Ranking",
        "sheet_trend": "Monthly trend",
        "sheet_codes": "By code",
        "sheet_note": "Coverage",
    },
}


#: The pages' own words; the figures, verdicts and columns are the audit's shared words.
_PAGE = {
    "vi": {
        "page_title": "Báo cáo ký số",
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
        "page_title": "Signing audit",
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

#: The charts' words.
_CHART = {
    "vi": {
        "chart_rate_signed": "có chữ ký số",
        "chart_rate_personal": "có chữ ký cá nhân hợp lệ",
        "chart_rate_organisation": "có chữ ký cơ quan hợp lệ",
        "chart_rate_compliant": "đúng quy định",
        "chart_trend": "Tỷ lệ văn bản {rate} theo tháng, trên số văn bản đã đánh giá, của {n} cơ "
        "quan, {first} – {last}; tháng không có văn bản được đánh giá để trống",
        "chart_point": "{agency}, {month}: {percent} ({count}/{assessed})",
        "chart_no_trend": "Không có số liệu theo tháng để vẽ",
        "chart_codes": "Số văn bản theo mã kiểm tra: {items}",
        "chart_no_codes": "Không có văn bản nào vi phạm",
        "chart_documents": "{count} văn bản",
    },
    "en": {
        "chart_rate_signed": "signed",
        "chart_rate_personal": "with a valid personal signature",
        "chart_rate_organisation": "with a valid organisation signature",
        "chart_rate_compliant": "compliant",
        "chart_trend": "Monthly share of documents {rate}, over the assessed documents, for {n} "
        "agencies, {first} – {last}; months with nothing assessed are left blank",
        "chart_point": "{agency}, {month}: {percent} ({count}/{assessed})",
        "chart_no_trend": "No monthly figures to draw",
        "chart_codes": "Documents by check code: {items}",
        "chart_no_codes": "No document failed a check",
        "chart_documents": "{count} documents",
    },
}
#: Every word of the audit, by language: the terminal's, the files', the pages' and the charts'.
WORDS = {lang: {**_SHARED[lang], **_PAGE[lang], **_CHART[lang]} for lang in ("vi", "en")}


def words(lang: str) -> dict[str, str]:
    """The audit's words in ``lang`` (Vietnamese unless "en")."""
    return WORDS["en" if lang == "en" else "vi"]


def percent(rate: float | None, lang: str = "vi") -> str:
    """A rate as people read it: ``21,4 %`` in Vietnamese, ``21.4%`` in English, a dash
    when nothing was assessed."""
    if rate is None:
        return words(lang)["no_rate"]
    text = f"{rate * 100:.1f}"
    return f"{text.replace('.', ',')} %" if lang != "en" else f"{text}%"


def describe(code: str, lang: str = "vi") -> str:
    """What a check code finds, in ``lang`` (the code itself when the catalogue lacks it)."""
    check = CATALOGUE.get(code)
    if check is None:
        return code
    message = check.message_vi if lang == "vi" else check.message_en
    return message.replace("{detail}", "")


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


def data_range(report: AuditReport, lang: str = "vi") -> str:
    """When the first and the last document counted were sent, in Vietnam time."""
    if report.first is None:
        return words(lang)["no_data_range"]
    return f"{shown(report.first)} – {shown(report.last)}"


def coverage_line(direction: str, figures: Figures, lang: str = "vi") -> str:
    """How many documents of a direction were assessed, and how many were not."""
    w = words(lang)
    return w["coverage_line"].format(
        direction=w[f"documents_{direction}"], total=figures.total, assessed=figures.assessed,
        indeterminate=figures.indeterminate, unverified=figures.unverified,
    )  # fmt: skip


def coverage_note(report: AuditReport, lang: str = "vi") -> str:
    """When the report was made, over which data and scope, and what its rates count: the
    same sentences as the pages' note, one per line."""
    w, scope = words(lang), report.scope
    direction = scope.direction.value if scope.direction else "both"
    return "\n".join(
        [
            f"{w['generated_at']}: {shown(report.generated_at)}. "
            f"{w['sources']}: {'; '.join(report.sources)}.",
            f"{w['agencies']}: {', '.join(scope.agencies) or w['all_agencies']}. "
            f"{w['period']}: {w['period_' + scope.period]}. "
            f"{w['range']}: {range_text(scope.range, lang)}. "
            f"{w['direction']}: {w['documents_' + direction]}.",
            f"{w['data_range']}: {data_range(report, lang)}.",
            *[coverage_line(d, f, lang) for d, f in sorted(report.overall.items())],
            w["note_rates"],
            w["note_overdue"],
            w["note_time"],
        ]
    )
