"""Verification reports for people: a terminal text and a self-contained HTML page.

Both show the same content as the JSON: per signature who signed, in which role, when (in
Vietnam time), how, and whether it holds; per document the verdict and every finding with
its code and the signature it is about. Vietnamese by default, English on request.
"""

import datetime as dt
from collections.abc import Sequence
from importlib import resources

from jinja2 import Environment, select_autoescape

from edoc.bilingual import Text, in_language
from edoc.timezone import to_vietnam
from signing.validation.batch import VerifyOutcome
from signing.validation.report import SignatureReport
from signing.validation.wording import VERDICTS, indication_code, indication_word, level_word

LABELS: dict[str, Text] = {
    **{verdict: Text(word.vi.upper(), word.en.upper()) for verdict, word in VERDICTS.items()},
    "error": Text("KHÔNG ĐỌC ĐƯỢC", "UNREADABLE"),
    "personal": Text("cá nhân", "personal"),
    "organisation": Text("cơ quan, tổ chức", "organisation"),
    "unknown": Text("không rõ vai trò", "role unknown"),
    "signature": Text("Chữ ký", "Signature"),
    "signer": Text("Người ký", "Signer"),
    "unit": Text("Đơn vị", "Unit"),
    "issuer": Text("Cấp bởi", "Issued by"),
    "validity": Text("Hiệu lực chứng thư", "Certificate valid"),
    "signed_at": Text("Ký lúc", "Signed at"),
    "timestamp": Text("Dấu thời gian", "Timestamp"),
    "format": Text("Định dạng", "Format"),
    "algorithms": Text("Thuật toán", "Algorithms"),
    "revision": Text("Phiên bản", "Revision"),
    "whole_file": Text("phủ toàn bộ tệp", "covers the whole file"),
    "part_file": Text("không phủ các thay đổi sau", "later changes not covered"),
    "intact": Text("Toàn vẹn", "Intact"),
    "trusted": Text("Tin cậy", "Trusted"),
    "yes": Text("có", "yes"),
    "no": Text("không", "no"),
    "findings": Text("Kết quả kiểm tra", "Findings"),
    "no_findings": Text("không có", "none"),
    "document": Text("Văn bản", "Document"),
    "verdict": Text("Kết luận", "Verdict"),
    "title": Text("Báo cáo kiểm tra chữ ký số", "Digital signature verification report"),
    "generated": Text("Lập lúc", "Generated"),
    "summary": Text("Tổng hợp", "Summary"),
    "vietnam_time": Text("giờ Việt Nam", "Vietnam time"),
    "none": Text("không có", "none"),
    "notes": Text("Ghi chú về tệp", "Notes on the file"),
}


def shown_time(moment: dt.datetime | None, lang: str) -> str:
    """A time as people read it here: Vietnam time, to the second."""
    if moment is None:
        return LABELS["none"].in_(lang)
    return (
        to_vietnam(moment).strftime("%d/%m/%Y %H:%M:%S") + f" ({LABELS['vietnam_time'].in_(lang)})"
    )


def _signature_lines(index: int, signature: SignatureReport, lang: str) -> list[str]:
    t = in_language(LABELS, lang)
    ids = f" ({', '.join(signature.identifiers)})" if signature.identifiers else ""
    role = t.get(signature.role, signature.role)
    coverage = t["whole_file"] if signature.covers_whole_file else t["part_file"]
    key = f"{signature.key_size} bit" if signature.key_size else ""
    algorithms = ", ".join(
        a for a in (signature.digest_algorithm, signature.signature_algorithm, key) if a
    )
    validity = (
        f"{shown_time(signature.valid_from, lang)} – {shown_time(signature.valid_until, lang)}"
    )
    return [
        f"  [{index}] {t['signature']} {signature.field}: {signature.signer or '?'}{ids}, {role}",
        f"      {t['unit']}: {signature.unit or t['none']}",
        f"      {t['issuer']}: {signature.issuer or t['none']}",
        f"      {t['validity']}: {validity}" if signature.valid_from else "",
        f"      {t['signed_at']}: {shown_time(signature.signing_time, lang)}; "
        f"{t['timestamp']}: {shown_time(signature.timestamp_time, lang)}",
        f"      {t['format']}: {signature.level} ({signature.sub_filter or '?'}); "
        f"{t['algorithms']}: {algorithms or '?'}; {t['revision']} {signature.revision}, {coverage}",
        f"      {t['intact']}: {t['yes'] if signature.intact else t['no']}; "
        f"{t['trusted']}: {t['yes'] if signature.trusted else t['no']}; "
        f"{indication_word(signature.indication, signature.sub_indication, lang)} "
        f"({indication_code(signature.indication, signature.sub_indication)})",
    ]


def text_report(outcome: VerifyOutcome, lang: str) -> str:
    """The report on one document for a terminal."""
    t = in_language(LABELS, lang)
    if outcome.report is None:
        reason = outcome.error.in_(lang)
        return f"{outcome.file}: {t['error']}: {reason}\n"
    report = outcome.report
    lines = [f"{report.file}: {t[report.verdict.value]} ({report.verdict.value})"]
    for index, signature in enumerate(report.signatures, 1):
        lines.extend(line for line in _signature_lines(index, signature, lang) if line)
    lines.append(f"  {t['findings']}:" + ("" if report.findings else f" {t['no_findings']}"))
    for finding in report.findings:
        about = f" [{finding.signature}]" if finding.signature else ""
        message = finding.message.in_(lang)
        level = level_word(finding.severity.value, lang)
        lines.append(f"    {level:<9} {finding.code}{about}: {message}")
    if report.notes:
        lines.append(f"  {t['notes']}:")
        lines.extend(f"    {n.message.in_(lang)}" for n in report.notes)
    return "\n".join(lines) + "\n"


def html_report(outcomes: Sequence[VerifyOutcome], lang: str, generated: dt.datetime) -> str:
    """One self-contained HTML page (no external assets) for every document of a batch."""
    environment = Environment(autoescape=select_autoescape(default=True))
    environment.filters["shown_time"] = lambda moment: shown_time(moment, lang)
    environment.globals.update(
        level_word=lambda level: level_word(level, lang),
        indication_word=lambda main, sub: indication_word(main, sub, lang),
        indication_code=indication_code,
    )
    template = environment.from_string(
        resources.files("signing.validation").joinpath("report.html").read_text("utf-8")
    )
    counts: dict[str, int] = {}
    for outcome in outcomes:
        verdict = outcome.report.verdict.value if outcome.report else "error"
        counts[verdict] = counts.get(verdict, 0) + 1
    return template.render(
        t=in_language(LABELS, lang),
        lang=lang,
        outcomes=outcomes,
        counts=counts,
        generated=generated,
    )
