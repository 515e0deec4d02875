"""The audit's words in Vietnamese and English, and the note on what a report covers: one
place for the terminal, the files and the inbox."""

from edoc.audit.report import AuditReport
from edoc.timezone import to_vietnam

WORDS: dict[str, dict[str, str]] = {
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
        "verdict_compliant": "đúng quy định",
        "verdict_non_compliant": "không đúng quy định",
        "verdict_indeterminate": "chưa xác định",
        "verdict_unverified": "chưa kiểm tra",
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
        "verdict_compliant": "compliant",
        "verdict_non_compliant": "not compliant",
        "verdict_indeterminate": "indeterminate",
        "verdict_unverified": "unverified",
        "sheet_figures": "Figures",
        "sheet_ranking": "Ranking",
        "sheet_trend": "Monthly trend",
        "sheet_codes": "By code",
        "sheet_note": "Coverage",
    },
}


def _when(moment) -> str:
    return to_vietnam(moment).strftime("%Y-%m-%d %H:%M") if moment else "–"


def coverage_note(report: AuditReport, lang: str = "vi") -> str:
    """When the report was made, over which data, and what its rates count."""
    total = sum(f.total for f in report.overall.values())
    assessed = sum(f.assessed for f in report.overall.values())
    indeterminate = sum(f.indeterminate for f in report.overall.values())
    unverified = sum(f.unverified for f in report.overall.values())
    sources = "; ".join(report.sources)
    period = {"vi": {"month": "tháng", "quarter": "quý", "year": "năm", "custom": "khoảng"}}
    kind = period.get(lang, {}).get(report.scope.period, report.scope.period)
    agencies = ", ".join(report.scope.agencies) or ("mọi cơ quan" if lang == "vi" else "all")
    if lang == "vi":
        return "\n".join(
            [
                f"Lập lúc {_when(report.generated_at)} (giờ Việt Nam) từ: {sources}.",
                f"Phạm vi: {agencies}; theo {kind}; khoảng {report.scope.range.label()}; "
                f"dữ liệu từ {_when(report.first)} đến {_when(report.last)}.",
                f"{total} văn bản: {assessed} đã đánh giá; {indeterminate} chưa xác định "
                f"(vd chưa rõ tình trạng thu hồi) và {unverified} chưa kiểm tra (không có "
                "PDF hay chưa có kết quả kiểm tra) được tính riêng, không tính vào tỷ lệ.",
                "Tỷ lệ tính trên số văn bản đã đánh giá. Văn bản được xếp kỳ theo thời điểm "
                "gửi, giờ Việt Nam. Quá hạn: có hạn xử lý đã qua mà chưa có trạng thái "
                "02–06 đến hết ngày hạn.",
            ]
        )
    return "\n".join(
        [
            f"Generated {_when(report.generated_at)} (Vietnam time) from: {sources}.",
            f"Scope: {agencies}; by {kind}; range {report.scope.range.label()}; "
            f"data from {_when(report.first)} to {_when(report.last)}.",
            f"{total} documents: {assessed} assessed; {indeterminate} indeterminate (e.g. "
            f"revocation unknown) and {unverified} unverified (no PDF, or no verification) "
            "are counted apart and left out of every rate.",
            "Rates are over the assessed documents. Documents fall in the period they were "
            "sent in, Vietnam time. Overdue: a due date has passed with no status 02–06 by "
            "its end.",
        ]
    )
