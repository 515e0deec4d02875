"""The audit report as one self-contained HTML page (inline CSS and SVG charts, nothing
fetched), in Vietnamese or English; the inbox's auditor page shows the same sections from the
same template macros and the same words, with every count linked to its documents.
"""

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from edoc.audit.charts import codes_svg, trend_svg
from edoc.audit.figures import EXCHANGE, FIGURES, RATED, SIGNING, Figures
from edoc.audit.report import AuditReport, Row
from edoc.audit.wording import coverage_line, data_range, describe, percent, range_text, words
from edoc.timezone import shown

DIRECTIONS = ("sent", "received")


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
        return shown(self.report.generated_at)

    @property
    def data_range(self) -> str:
        """When the first and the last document counted were sent, in Vietnam time."""
        return data_range(self.report, self.lang)

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
        return coverage_line(direction, figures, self.lang)

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
        return percent(figures.rate(name), self.lang)

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
