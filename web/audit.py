"""The auditor's page in the inbox: the signing-rate and compliance audit of this node's own
agency, narrowed by period, dates and direction, each count linked to the documents it counts.

The page shows the sections of the report file (:mod:`edoc.audit.page`) from the same
template macros and words; a filter it cannot read is said on the page (400), never a
traceback.
"""

import datetime as dt
import re
from dataclasses import asdict, dataclass, fields

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from edoc.agency import AgencyDirectory
from edoc.audit.figures import Listed
from edoc.audit.page import TEMPLATES, audit_view, figure_name, range_text, words
from edoc.audit.periods import KINDS, Range, check_kind
from edoc.audit.report import Scope, Source, agency_names, build_report, list_documents
from edoc.errors import AuditError
from edoc.exchange.receive import Node
from edoc.storage.models import Direction
from edoc.timezone import to_utc
from web.roles import AUDITORS, only
from web.text import LABELS, language

#: The most documents a drill-down lists (the audit's figures have no such limit).
LISTED = 500
#: A period's label, as the report names it, and the kind of period it is.
LABEL_KINDS = (
    (re.compile(r"\d{4}-(0[1-9]|1[0-2])"), "month"),
    (re.compile(r"\d{4}-Q[1-4]"), "quarter"),
    (re.compile(r"\d{4}"), "year"),
)


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

    def scope(self, organ_id: str, kind: str | None = None) -> Scope:
        """What to audit: this agency, over the given days (both whole, Vietnam time)."""
        t = LABELS[language()]
        start = _day(self.start, t["since"])
        end = _day(self.end, t["until"])
        return Scope(
            agencies=(organ_id,),
            period=kind or self.period,
            range=Range(start, end + dt.timedelta(days=1) if end else None),
            direction=_direction(self.direction),
        )


def _day(text: str, what: str) -> dt.datetime | None:
    """The start of a day given as yyyy-mm-dd, in Vietnam time."""
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise _error("audit_bad_date", what=what, text=text) from None
    return to_utc(dt.datetime.combine(day, dt.time()))


def _direction(text: str) -> Direction | None:
    if text == "both":
        return None
    try:
        return Direction(text)
    except ValueError:
        raise _error("audit_bad_direction", text=text) from None


def _error(key: str, **values: str) -> AuditError:
    return AuditError(LABELS["vi"][key].format(**values), LABELS["en"][key].format(**values))


def _period(text: str) -> tuple[str, str | None]:
    """A drill-down's period: a kind (the whole range) or one period's label, and its kind."""
    if text in KINDS:
        return text, None
    for pattern, kind in LABEL_KINDS:
        if pattern.fullmatch(text):
            return kind, text
    return check_kind(text), None  # not a label either: the audit's own message


def audit_blueprint(node: Node) -> Blueprint:
    blueprint = Blueprint("audit", __name__, template_folder=str(TEMPLATES))
    sources = [Source(node.organ_id, node.sessions)]
    directory = AgencyDirectory.builtin()

    @blueprint.app_context_processor
    def audits():
        """Whether the header links the audit (only for those who may read it)."""
        return {"audits": current_user.is_authenticated and current_user.role in AUDITORS}

    @blueprint.get("/audit")
    @login_required
    def report():
        only(AUDITORS)
        lang, filters = language(), Filters.of(request.args)
        page = {"w": words(lang), "f": filters, "kinds": KINDS}
        try:
            found = build_report(sources, filters.scope(node.organ_id), directory=directory)
        except AuditError as error:
            return render_template("audit.html", error=error.message(lang), **page), 400
        kind = found.scope.period

        def link(figure: str, direction: str, period: str | None) -> str:
            """The documents behind a count: the row's period, or the whole range."""
            shown = period if period and kind != "custom" else kind
            return url_for("audit.documents", figure=figure,
                           **filters.args(period=shown, direction=direction))  # fmt: skip

        return render_template("audit.html", v=audit_view(found, lang), link=link, **page)

    @blueprint.get("/audit/documents")
    @login_required
    def documents():
        only(AUDITORS)
        lang, filters = language(), Filters.of(request.args)
        figure = request.args.get("figure", "").strip()
        w = words(lang)
        page = {"w": w, "f": filters}
        try:
            if not figure:
                raise _error("audit_no_figure")
            kind, label = _period(filters.period)
            scope = filters.scope(node.organ_id, kind)
            rows = list_documents(sources, scope, figure, period=label, limit=LISTED + 1)
        except AuditError as error:
            back = url_for("audit.report")
            return render_template("audit_documents.html", error=error.message(lang), back=back,
                                   title="", **page), 400  # fmt: skip
        listed = [row for _, row in rows[:LISTED]]
        return render_template(
            "audit_documents.html", title=figure_name(figure, lang), rows=listed,
            more=len(rows) > LISTED, limit=LISTED,
            senders=_senders(directory, listed), period=label or w[f"period_{kind}"],
            range=range_text(scope.range, lang),
            back=url_for("audit.report", **filters.args(period=kind)), **page,
        )  # fmt: skip

    return blueprint


def _senders(directory: AgencyDirectory, rows: list[Listed]) -> dict[str, str]:
    names = agency_names(directory, {row.sender_organ_id for row in rows})
    return {organ_id: name or organ_id for organ_id, name in names.items()}
