"""The audit's words in Vietnamese and English, and the note on what a report covers: one
place for the terminal, the files and the inbox."""

import datetime as dt

from edoc.audit.figures import Figures
from edoc.audit.periods import Range
from edoc.audit.report import AuditReport
from edoc.bilingual import LANGUAGES, Text, in_language, language_of
from edoc.timezone import shown, to_vietnam
from signing.validation.checks import CATALOGUE
from signing.validation.wording import VERDICTS

#: The words of the terminal, the spreadsheets and the pages.
_SHARED: dict[str, Text] = {
    "title": Text("BÁO CÁO KÝ SỐ VĂN BẢN ĐIỆN TỬ", "SIGNING-RATE AND COMPLIANCE AUDIT"),
    "organ_id": Text("Mã định danh", "Agency id"),
    "agency": Text("Cơ quan", "Agency"),
    "name": Text("Tên cơ quan", "Name"),
    "period": Text("Kỳ", "Period"),
    "direction": Text("Chiều", "Direction"),
    "direction_sent": Text("đi", "sent"),
    "direction_received": Text("đến", "received"),
    "figure": Text("Chỉ số", "Figure"),
    "total": Text("Tổng số", "Total"),
    "assessed": Text("Đã đánh giá", "Assessed"),
    "indeterminate": Text("Chưa xác định", "Indeterminate"),
    "indeterminate_short": Text("Chưa XĐ", "Indet."),
    "unverified": Text("Chưa kiểm tra", "Unverified"),
    "unverified_short": Text("Chưa KT", "Unverif."),
    "signed": Text("Có chữ ký số", "Digitally signed"),
    "signed_short": Text("Có ký", "Signed"),
    "unsigned": Text("Không có chữ ký số", "Not signed"),
    "personal": Text("Chữ ký cá nhân hợp lệ", "Valid personal signature"),
    "personal_short": Text("Ký CN", "Personal"),
    "organisation": Text("Chữ ký cơ quan hợp lệ", "Valid organisation signature"),
    "organisation_short": Text("Ký CQ", "Organisation"),
    "compliant": Text("Đúng quy định", "Compliant"),
    "compliant_short": Text("Đúng QĐ", "Compliant"),
    "non_compliant": Text("Không đúng quy định", "Not compliant"),
    "delivered": Text("Đã đến", "Delivered"),
    "delivered_short": Text("Đã đến", "Delivered"),
    "accepted": Text("Đã tiếp nhận (03)", "Accepted (03)"),
    "accepted_short": Text("03", "03"),
    "returned": Text("Bị trả lại (02)", "Returned (02)"),
    "returned_short": Text("02", "02"),
    "completed": Text("Hoàn thành (06)", "Completed (06)"),
    "completed_short": Text("06", "06"),
    "overdue": Text("Quá hạn", "Overdue"),
    "overdue_short": Text("Quá hạn", "Overdue"),
    "ranking": Text("XẾP HẠNG THEO TỶ LỆ ĐÚNG QUY ĐỊNH", "RANKING BY COMPLIANCE RATE"),
    "by_code": Text(
        "VI PHẠM THEO MÃ KIỂM TRA (số văn bản)", "VIOLATIONS BY CHECK CODE (documents)"
    ),
    "code": Text("Mã kiểm tra", "Check code"),
    "codes": Text("Mã lỗi", "Error codes"),
    "time": Text("Thời gian", "Time"),
    "code_number": Text("Số, ký hiệu", "Number/notation"),
    "subject": Text("Trích yếu", "Subject"),
    "document_id": Text("DocumentId", "DocumentId"),
    "verdict": Text("Kết luận", "Verdict"),
    **{f"verdict_{verdict}": word for verdict, word in VERDICTS.items()},
    "verdict_unverified": Text("Chưa kiểm tra", "Unverified"),
    "sheet_figures": Text("Số liệu", "Figures"),
    "sheet_ranking": Text("Xếp hạng", "Ranking"),
    "sheet_trend": Text("Theo tháng", "Monthly trend"),
    "sheet_codes": Text("Theo mã", "By code"),
    "sheet_note": Text("Ghi chú", "Coverage"),
}


#: The pages' own words; the figures, verdicts and columns are the audit's shared words.
_PAGE = {
    "page_title": Text("Báo cáo ký số", "Signing audit"),
    "generated_at": Text("Lập lúc", "Generated"),
    "data_range": Text("Văn bản gửi trong khoảng", "Documents sent between"),
    "no_data_range": Text("không có văn bản nào", "no documents"),
    "sources": Text("Nguồn dữ liệu", "Sources"),
    "agencies": Text("Cơ quan", "Agencies"),
    "all_agencies": Text("mọi cơ quan", "all"),
    "range": Text("Thời gian", "Time"),
    "documents_sent": Text("Văn bản đi", "Sent documents"),
    "documents_received": Text("Văn bản đến", "Received documents"),
    "documents_both": Text("Cả đi và đến", "Sent and received"),
    "period_month": Text("Tháng", "Month"),
    "period_quarter": Text("Quý", "Quarter"),
    "period_year": Text("Năm", "Year"),
    "period_custom": Text("Cả khoảng thời gian", "The whole range"),
    "from_start": Text("từ đầu", "from the start"),
    "until_now": Text("đến nay", "until now"),
    "from_day": Text("từ ngày {day}", "from {day}"),
    "from_time": Text("từ {time}", "from {time}"),
    "until_day": Text("đến hết ngày {day}", "to the end of {day}"),
    "until_time": Text("đến trước {time}", "until before {time}"),
    "coverage": Text("Phạm vi đánh giá", "Coverage"),
    "coverage_line": Text(
        "{direction}: {total} văn bản, trong đó {assessed} đã đánh giá (đúng hoặc không "
        "đúng quy định), {indeterminate} chưa xác định, {unverified} chưa kiểm tra.",
        "{direction}: {total} documents, of which {assessed} assessed (compliant or "
        "not), {indeterminate} indeterminate, {unverified} unverified.",
    ),
    "note_rates": Text(
        "Các tỷ lệ tính trên số văn bản đã đánh giá (đúng hoặc không đúng quy định); văn "
        "bản có kết quả kiểm tra chưa xác định và văn bản chưa kiểm tra được đếm riêng, "
        "không tính vào tỷ lệ.",
        "Rates are over the assessed documents (compliant or not); documents whose "
        "verification is indeterminate and those not verified are counted apart, outside "
        "the rates.",
    ),
    "note_overdue": Text(
        "«Quá hạn»: văn bản có hạn xử lý đã qua mà đến hết ngày hạn chưa có trạng thái "
        "02–06 (trả lại, tiếp nhận, phân công, đang xử lý, hoàn thành).",
        "“Overdue”: a document with a due date that has passed and no status 02–06 "
        "(returned, accepted, assigned, in progress, completed) by the end of that day.",
    ),
    "note_time": Text(
        "Thời gian theo giờ Việt Nam (Asia/Ho_Chi_Minh).",
        "Times are Vietnam time (Asia/Ho_Chi_Minh).",
    ),
    "overall": Text("Số liệu chung", "Overall figures"),
    "ranking_of": Text(
        "Xếp hạng theo tỷ lệ đúng quy định ({direction})",
        "Ranking by compliance rate ({direction})",
    ),
    "by_period": Text("Theo cơ quan và kỳ", "By agency and period"),
    "violations": Text("Vi phạm theo mã kiểm tra", "Violations by check code"),
    "trend": Text(
        "Tỷ lệ đúng quy định theo tháng ({direction})", "Monthly compliance rate ({direction})"
    ),
    "codes_chart": Text("Số văn bản theo mã kiểm tra", "Documents by check code"),
    "rank": Text("Hạng", "Rank"),
    "description": Text("Nội dung", "What it finds"),
    "documents": Text("Số văn bản", "Documents"),
    "no_rows": Text("Không có văn bản nào trong phạm vi này.", "No documents in this scope."),
    "no_codes": Text("Không có văn bản nào vi phạm.", "No document failed a check."),
    "no_rate": Text("—", "—"),
    "rate_signed": Text("Tỷ lệ có chữ ký số", "Signed %"),
    "rate_personal": Text("Tỷ lệ ký cá nhân hợp lệ", "Personal %"),
    "rate_organisation": Text("Tỷ lệ ký cơ quan hợp lệ", "Organisation %"),
    "rate_compliant": Text("Tỷ lệ đúng quy định", "Compliant %"),
}

#: The charts' words.
_CHART = {
    "chart_rate_signed": Text("có chữ ký số", "signed"),
    "chart_rate_personal": Text("có chữ ký cá nhân hợp lệ", "with a valid personal signature"),
    "chart_rate_organisation": Text(
        "có chữ ký cơ quan hợp lệ", "with a valid organisation signature"
    ),
    "chart_rate_compliant": Text("đúng quy định", "compliant"),
    "chart_trend": Text(
        "Tỷ lệ văn bản {rate} theo tháng, trên số văn bản đã đánh giá, của {n} cơ "
        "quan, {first} – {last}; tháng không có văn bản được đánh giá để trống",
        "Monthly share of documents {rate}, over the assessed documents, for {n} "
        "agencies, {first} – {last}; months with nothing assessed are left blank",
    ),
    "chart_point": Text(
        "{agency}, {month}: {percent} ({count}/{assessed})",
        "{agency}, {month}: {percent} ({count}/{assessed})",
    ),
    "chart_no_trend": Text("Không có số liệu theo tháng để vẽ", "No monthly figures to draw"),
    "chart_codes": Text("Số văn bản theo mã kiểm tra: {items}", "Documents by check code: {items}"),
    "chart_no_codes": Text("Không có văn bản nào vi phạm", "No document failed a check"),
    "chart_documents": Text("{count} văn bản", "{count} documents"),
}
#: Every word of the audit, by language: the terminal's, the files', the pages' and the charts'.
WORDS: dict[str, Text] = {**_SHARED, **_PAGE, **_CHART}

#: :data:`WORDS` picked once per language, for the lookups of every line and cell.
_IN_LANGUAGE = {lang: in_language(WORDS, lang) for lang in LANGUAGES}


def words(lang: str) -> dict[str, str]:
    """The audit's words in ``lang`` (Vietnamese unless "en")."""
    return _IN_LANGUAGE[language_of(lang)]


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
    return check.message.in_(lang).replace("{detail}", "")


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
