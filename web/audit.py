"""The auditor's page in the inbox: the signing-rate and compliance audit of this node's own
agency, narrowed by period, dates and direction, each count linked to the documents it counts.

The page shows the sections of the report file (:mod:`edoc.audit.page`) from the same
template macros and words; a filter it cannot read is said on the page (400), never a
traceback.
"""

import datetime as dt
from dataclasses import asdict, dataclass, fields

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import login_required

from edoc.accounts import AUDITORS
from edoc.agency import AgencyDirectory
from edoc.audit.output import csv_file, xlsx_file
from edoc.audit.page import TEMPLATES, audit_view, figure_name, range_text
from edoc.audit.periods import KINDS, Range
from edoc.audit.report import Scope, Source, build_report, list_documents
from edoc.audit.wording import words
from edoc.errors import AuditError
from edoc.storage.models import Direction
from edoc.timezone import day_start
from web.context import current_node
from web.files import file_response
from web.roles import only
from web.text import LABELS, labels, language

#: The most documents a drill-down lists (the audit's figures have no such limit).
LISTED = 500
#: The files the page offers, as ``edoc audit --csv`` and ``--xlsx`` write them.
EXPORTS = {
    "csv": (csv_file, "text/csv"),
    "xlsx": (xlsx_file, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass(frozen=True)
class Filters:
    """The audit's filters as the auditor gave them (in the form and in every link)."""

    period: str = "month"
    start: str = ""
    end: str = ""
    direction: str = "both"

    @classmethod
    def of(cls, args) -> "Filters":
        """The filters of a request's query; the defaults for those it leaves out."""
        given = {field.name: args.get(field.name, "").strip() for field in fields(cls)}
        return cls(**{name: value for name, value in given.items() if value})

    def args(self, **changed: str) -> dict[str, str]:
        """The filters as query arguments, without the empty ones."""
        return {name: value for name, value in {**asdict(self), **changed}.items() if value}

    def scope(self, organ_id: str) -> Scope:
        """What to audit: this agency, over the given days (both whole, Vietnam time)."""
        t = labels()
        start = _day(self.start, t["since"])
        end = _day(self.end, t["until"], after=1)
        return Scope((organ_id,), self.period, Range(start, end), _direction(self.direction))


def _day(text: str, what: str, after: int = 0) -> dt.datetime | None:
    """The start of a day given as yyyy-mm-dd (or of the day ``after`` it), Vietnam time."""
    if not text:
        return None
    try:
        return day_start(dt.date.fromisoformat(text) + dt.timedelta(days=after))
    except ValueError:
        raise _error("audit_bad_date", what=what, text=text) from None


def _direction(text: str) -> Direction | None:
    if text == "both":
        return None
    try:
        return Direction(text)
    except ValueError:
        raise _error("audit_bad_direction", text=text) from None


def _error(key: str, **values: str) -> AuditError:
    text = LABELS[key].format(**values)
    return AuditError(text.vi, text.en)


def _sources() -> list[Source]:
    """Where the audit reads: this node's database."""
    node = current_node()
    return [Source(node.organ_id, node.sessions)]


bp = Blueprint("audit", __name__, template_folder=str(TEMPLATES))
directory = AgencyDirectory.builtin()


@bp.get("/audit")
@login_required
def report():
    node = current_node()
    only(AUDITORS)
    lang, filters = language(), Filters.of(request.args)
    page = {"w": words(lang), "f": filters, "kinds": KINDS}
    try:
        found = build_report(_sources(), filters.scope(node.organ_id), directory=directory)
    except AuditError as error:
        return render_template("audit.html", error=error.message(lang), **page), 400
    kind = found.scope.period

    def link(figure: str, direction: str, period: str | None) -> str:
        """The documents behind a count: the row's period, or the whole range."""
        label = period if period and kind != "custom" else ""
        return url_for("audit.documents", figure=figure,
                       **filters.args(label=label, direction=direction))  # fmt: skip

    exports = {kind: url_for("audit.export", kind=kind, **filters.args()) for kind in EXPORTS}
    return render_template(
        "audit.html", v=audit_view(found, lang), link=link, exports=exports, **page
    )


@bp.get("/audit/export.<kind>")
@login_required
def export(kind: str):
    """The audit under the page's filters as the CLI's CSV or XLSX file, to download."""
    node = current_node()
    only(AUDITORS)
    if kind not in EXPORTS:
        abort(404)
    lang, filters = language(), Filters.of(request.args)
    try:
        found = build_report(_sources(), filters.scope(node.organ_id), directory=directory)
    except AuditError as error:
        page = {"w": words(lang), "f": filters, "kinds": KINDS}
        return render_template("audit.html", error=error.message(lang), **page), 400
    make, media_type = EXPORTS[kind]
    name = f"audit-{node.organ_id}-{filters.period}.{kind}"
    return file_response(make(found, lang), name, media_type)


@bp.get("/audit/documents")
@login_required
def documents():
    node = current_node()
    only(AUDITORS)
    lang, filters = language(), Filters.of(request.args)
    figure = request.args.get("figure", "").strip()
    label = request.args.get("label", "").strip() or None
    w = words(lang)
    page = {"w": w, "f": filters}
    try:
        if not figure:
            raise _error("audit_no_figure")
        scope = filters.scope(node.organ_id)
        rows = list_documents(_sources(), scope, figure, period=label, limit=LISTED + 1)
    except AuditError as error:
        back = url_for("audit.report")
        return render_template("audit_documents.html", error=error.message(lang), back=back,
                               title="", **page), 400  # fmt: skip
    listed = [row for _, row in rows[:LISTED]]
    return render_template(
        "audit_documents.html", title=figure_name(figure, lang), rows=listed,
        more=len(rows) > LISTED, limit=LISTED,
        period=label or w[f"period_{filters.period}"], range=range_text(scope.range, lang),
        back=url_for("audit.report", **filters.args()), **page,
    )  # fmt: skip
