"""The audit report as a terminal table, CSV (UTF-8 with BOM, for spreadsheet programs) and
XLSX (one sheet per view), and the drill-down list of documents."""

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from edoc.audit.figures import COUNTS, EXCHANGE, RATED, Figures, Listed
from edoc.audit.report import AuditReport, Row
from edoc.audit.wording import coverage_note, percent, words
from edoc.timezone import to_vietnam


def _row_cells(row: Row, lang: str) -> list:
    f = row.figures
    return [
        row.organ_id,
        row.name,
        row.period,
        words(lang)[f"direction_{row.direction}"],
        *[getattr(f, name) for name in COUNTS],
        *[_rate_value(f.rate(name)) for name in RATED],
    ]


def _rate_value(rate: float | None) -> float | str:
    return "" if rate is None else round(rate * 100, 1)


def _headers(lang: str) -> list[str]:
    w = words(lang)
    return [
        w["organ_id"],
        w["agency"],
        w["period"],
        w["direction"],
        *[w[name] for name in COUNTS],
        *[f"{w[name]} (%)" for name in RATED],
    ]


def _codes_of(report: AuditReport) -> list[str]:
    return [code for code, _ in report.codes.most_common()]


def table(report: AuditReport, lang: str = "vi") -> str:
    """The report for a terminal: figures per agency and period, the ranking, the codes and
    the coverage note."""
    w = words(lang)
    lines = [w["title"], coverage_note(report, lang), ""]
    columns = [
        (w["agency"], lambda r: r.organ_id),
        (w["period"], lambda r: r.period),
        (w["direction"], lambda r: w[f"direction_{r.direction}"]),
        (w["total"], lambda r: r.figures.total),
        (w["assessed"], lambda r: r.figures.assessed),
        (w["indeterminate_short"], lambda r: r.figures.indeterminate),
        (w["unverified_short"], lambda r: r.figures.unverified),
        *[(w[f"{n}_short"], lambda r, n=n: percent(r.figures.rate(n), lang)) for n in RATED],
        *[(w[f"{n}_short"], lambda r, n=n: getattr(r.figures, n)) for n in EXCHANGE],
    ]
    lines += _grid(columns, sorted(report.rows, key=lambda r: (r.organ_id, r.period, r.direction)))
    lines += ["", w["ranking"]]
    ranking = [
        ("#", None),
        (w["agency"], lambda r: r.organ_id),
        (w["name"], lambda r: r.name[:40]),
        (w["total"], lambda r: r.figures.total),
        (w["assessed"], lambda r: r.figures.assessed),
        *[(w[f"{n}_short"], lambda r, n=n: percent(r.figures.rate(n), lang)) for n in RATED],
    ]
    lines += _grid(ranking, report.ranking)
    if report.codes:
        lines += ["", w["by_code"]]
        width = max(len(code) for code in report.codes)
        lines += [f"  {code:<{width}}  {count:>8}" for code, count in report.codes.most_common()]
    return "\n".join(lines) + "\n"


def _grid(columns, rows: Sequence[Row]) -> list[str]:
    cells = [
        [str(index) if get is None else str(get(row)) for _, get in columns]
        for index, row in enumerate(rows, start=1)
    ]
    heads = [head for head, _ in columns]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(heads)]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.ljust(widths[i]) if i < 3 else v.rjust(widths[i]) for i, v in enumerate(values)
        ).rstrip()

    return [line(heads), line(["-" * n for n in widths])] + [line(c) for c in cells]


def csv_text(report: AuditReport, lang: str = "vi") -> str:
    """One line per agency, period and direction: every count, rate and code."""
    codes = _codes_of(report)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*_headers(lang), *codes])
    for row in sorted(report.rows, key=lambda r: (r.organ_id, r.period, r.direction)):
        writer.writerow([*_row_cells(row, lang), *[row.figures.codes.get(c, 0) for c in codes]])
    return out.getvalue()


def csv_file(report: AuditReport, lang: str = "vi") -> bytes:
    """The CSV file of :func:`csv_text`, with a byte order mark so that spreadsheet programs
    read it as UTF-8: what ``edoc audit --csv`` writes and the auditor's page offers."""
    return csv_text(report, lang).encode("utf-8-sig")


def xlsx_file(report: AuditReport, lang: str = "vi") -> bytes:
    """A workbook with one sheet per view: figures, ranking, monthly trend, codes, coverage;
    what ``edoc audit --xlsx`` writes and the auditor's page offers."""
    w = words(lang)
    book = Workbook()
    figures = book.active
    figures.title = w["sheet_figures"]
    codes = _codes_of(report)
    _sheet_rows(
        figures,
        [*_headers(lang), *codes],
        [
            [*_row_cells(r, lang), *[r.figures.codes.get(c, 0) for c in codes]]
            for r in sorted(report.rows, key=lambda r: (r.organ_id, r.period, r.direction))
        ],
    )
    ranking = book.create_sheet(w["sheet_ranking"])
    _sheet_rows(
        ranking,
        ["#", w["organ_id"], w["agency"], w["total"], w["assessed"]]
        + [f"{w[n]} (%)" for n in RATED],
        [
            [i, r.organ_id, r.name, r.figures.total, r.figures.assessed]
            + [_rate_value(r.figures.rate(n)) for n in RATED]
            for i, r in enumerate(report.ranking, start=1)
        ],
    )
    trend = book.create_sheet(w["sheet_trend"])
    months = sorted({month for series in report.trend.values() for month, _ in series})
    _sheet_rows(
        trend,
        [w["organ_id"], w["figure"], *months],
        [
            [organ_id, f"{w[n]} (%)", *[_rate_value(by.get(m, Figures()).rate(n)) for m in months]]
            for organ_id, series in sorted(report.trend.items())
            for by in [dict(series)]
            for n in ("signed", "compliant")
        ],
    )
    by_code = book.create_sheet(w["sheet_codes"])
    agencies = sorted({r.organ_id for r in report.totals})
    per_agency = {(r.organ_id, r.direction): r.figures.codes for r in report.totals}
    _sheet_rows(
        by_code,
        [w["code"], w["direction"], w["total"], *agencies],
        [
            [code, w[f"direction_{d}"], figures.codes.get(code, 0)]
            + [per_agency.get((a, d), {}).get(code, 0) for a in agencies]
            for d, figures in sorted(report.overall.items())
            for code in codes
            if figures.codes.get(code)
        ],
    )
    note = book.create_sheet(w["sheet_note"])
    for line in coverage_note(report, lang).splitlines():
        note.append([line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_rows(sheet, headers: list, rows: list[list]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"


def listing_table(found: Sequence[tuple[str, Listed]], lang: str = "vi") -> str:
    """The documents behind a figure, one per line."""
    w = words(lang)
    heads = [w["time"], w["agency"], w["direction"], w["code_number"], w["verdict"], w["codes"]]
    lines = ["\t".join([*heads, w["subject"], w["document_id"]])]
    for _, item in found:
        lines.append(
            "\t".join(
                [
                    to_vietnam(item.at).strftime("%Y-%m-%d %H:%M"),
                    item.organ_id,
                    w[f"direction_{item.direction}"],
                    f"{item.number}/{item.notation}".strip("/"),
                    w.get(f"verdict_{item.verdict}", item.verdict),
                    ",".join(item.codes),
                    item.subject,
                    item.document_id,
                ]
            )
        )
    return "\n".join(lines) + "\n"
