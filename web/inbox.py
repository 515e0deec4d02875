"""The clerks' inbox: the received documents, one document, the clerk's actions, what the
agency sent (logging in is :mod:`web.auth`).

Every page is for a logged-in user and shows only their agency's documents: a document of
another agency is 404, whatever its number. Every form carries a CSRF token.
"""

import datetime as dt
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from edoc.accounts import ACTORS, list_users
from edoc.audit.entries import verdict_of
from edoc.envelope.model import StatusCode
from edoc.errors import EdocError
from edoc.exchange.actions import CLERK_ACTIONS, act
from edoc.exchange.outbox import retry
from edoc.exchange.processing import step_of
from edoc.search import fold
from edoc.storage.listing import InboxFilter, received_documents
from edoc.storage.models import Attachment, Direction, Document
from edoc.timezone import day_start, shown
from signing.validation.verify import verify_document
from signing.validation.wording import (
    TRUST_CODES,
    indication_code,
    indication_word,
    level_word,
    verdict_word,
)
from web.context import current_node
from web.files import file_response, plain_name
from web.roles import only
from web.text import agency_named, labels, language

PAGE_SIZE = 25
#: The highest page number taken: far past any inbox, and its offset still a 64-bit integer.
LAST_PAGE = 10**9


@dataclass(frozen=True)
class Badge:
    """What a clerk sees of a document's signatures at a glance.

    ``verdict`` is the document's (compliant, non_compliant, indeterminate or unverified),
    said whenever it is not compliant. ``trusted`` when every signature leads to a trust
    anchor; ``distrust`` the finding (as its report keeps it) that says a signature is not to
    be trusted: only such a finding makes the badge say "not trusted", and it is shown with
    it. Neither (a changed file, a revocation status not known yet): the badge says nothing
    of trust, the verdict says why."""

    personal: bool
    organisation: bool
    trusted: bool
    distrust: dict | None
    verdict: str


def badge(document: Document) -> Badge:
    signatures = [s for a in document.attachments for s in a.signatures]
    valid = [s for s in signatures if s.indication == "TOTAL_PASSED"]
    reports = [a.report for a in document.attachments if a.report is not None]
    findings = [f for r in reports for f in r.report.get("findings", [])]
    return Badge(
        personal=any(s.role == "personal" for s in valid),
        organisation=any(s.role == "organisation" for s in valid),
        trusted=bool(signatures) and all(s.trusted for s in signatures),
        distrust=next((f for f in findings if f["code"] in TRUST_CODES), None),
        verdict=verdict_of([r.verdict for r in reports]),
    )


def _day(text: str) -> dt.datetime | None:
    """The start of a day given as yyyy-mm-dd, in Vietnam time, as UTC."""
    try:
        return day_start(dt.date.fromisoformat(text))
    except ValueError:
        return None


def _filters(args) -> tuple[InboxFilter, dict]:
    """The clerk's filters in ``args``, for the list (:mod:`edoc.storage.listing`), and as
    understood, for the page to show them."""
    chosen = {
        name: args.get(name, "").strip()
        for name in ("q", "status", "sender", "since", "until", "urgent", "compliant", "sort")
    }
    until = _day(chosen["until"])  # the whole day included: [since, until + 1 day)
    narrowed = InboxFilter(
        words=fold(chosen["q"]),
        status=chosen["status"],
        sender=chosen["sender"],
        since=_day(chosen["since"]),
        until=until + dt.timedelta(days=1) if until else None,
        urgent=bool(chosen["urgent"]),
        compliant=chosen["compliant"] == "yes" if chosen["compliant"] in ("yes", "no") else None,
    )
    return narrowed, chosen


def _recipients(document: Document) -> list[tuple]:
    """Each recipient's delivery of a sent document, with the last status it sent back."""
    recipients = []
    for delivery in document.deliveries:
        if delivery.kind != "document":
            continue
        answers = [s for s in document.statuses if s.organ_id == delivery.recipient_organ_id]
        recipients.append((delivery, answers[-1] if answers else None))
    return recipients


bp = Blueprint("inbox", __name__, template_folder="templates")


@bp.app_context_processor
def texts():
    node = current_node()
    lang = language()
    return {
        "t": labels(lang), "lang": lang, "agency": node.organization,
        "status_named": lambda code: f"{StatusCode(code).meaning.in_(lang)} ({code})",
        "verdict_word": lambda verdict: verdict_word(verdict, lang),
        "indication_word": lambda main, sub: indication_word(main, sub, lang),
        "indication_code": indication_code,
        "level_word": lambda level: level_word(level, lang),
        "named": lambda name, organ_id: agency_named(organ_id, name),
    }  # fmt: skip


def _mine(direction: Direction = Direction.RECEIVED):
    return (
        select(Document)
        .where(Document.owner_organ_id == current_user.organ_id)
        .where(Document.direction == direction)
    )


@bp.get("/")
@login_required
def documents():
    node = current_node()
    page = min(max(1, request.args.get("page", 1, type=int)), LAST_PAGE)
    narrowed, chosen = _filters(request.args)
    with node.sessions() as db:
        rows = received_documents(
            db, current_user.organ_id, narrowed, chosen["sort"],
            offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1,
        )  # fmt: skip
        shown = [(d, badge(d)) for d in rows[:PAGE_SIZE]]
        senders = db.execute(
            select(Document.sender_organ_id, func.max(Document.sender_name))
            .where(Document.owner_organ_id == current_user.organ_id)
            .where(Document.direction == Direction.RECEIVED)
            .group_by(Document.sender_organ_id)
        ).all()
    return render_template(
        "inbox.html", rows=shown, page=page, more=len(rows) > PAGE_SIZE, f=chosen,
        senders=sorted(tuple(s) for s in senders),
        filtered=any(value for name, value in chosen.items() if name != "sort"),
    )  # fmt: skip


def _document(document_pk: int, direction: Direction = Direction.RECEIVED) -> Document:
    node = current_node()
    with node.sessions() as db:
        document = db.scalar(
            _mine(direction)
            .where(Document.id == document_pk)
            .options(
                selectinload(Document.attachments).selectinload(Attachment.signatures),
                selectinload(Document.attachments).selectinload(Attachment.report),
                selectinload(Document.statuses),
                selectinload(Document.events),
                selectinload(Document.deliveries),
            )
        )
    if document is None:
        abort(404)  # another agency's, or none: the same answer
    return document


def _file(document: Document, attachment_pk: int):
    """An attachment of ``document``, for the browser's own PDF viewer (inline) or to
    download."""
    node = current_node()
    attachment = next((a for a in document.attachments if a.id == attachment_pk), None)
    if attachment is None:
        abort(404)
    data = node.blobs.read(attachment.sha256)
    report = attachment.report.report if attachment.report else None
    return file_response(data, attachment.name, attachment.content_type, report)


@bp.get("/documents/<int:document_pk>")
@login_required
def document(document_pk: int):
    node = current_node()
    found = _document(document_pk)
    people = [  # whom a document may be assigned to: those who act on documents
        a.full_name or a.username
        for a in list_users(node.sessions, node.organ_id)
        if a.active and a.acts
    ]
    return render_template(
        "document.html", d=found, step=step_of(found), people=people,
        timeline=found.statuses,
    )  # fmt: skip


@bp.get("/documents/<int:document_pk>/files/<int:attachment_pk>")
@login_required
def file(document_pk: int, attachment_pk: int):
    return _file(_document(document_pk), attachment_pk)


@bp.post("/documents/<int:document_pk>/status")
@login_required
def status(document_pk: int):
    """Record the status pressed; a repeat (a double click, another clerk a moment
    before) is told what was recorded, a refusal the rule it breaks."""
    node = current_node()
    only(ACTORS)
    _document(document_pk)
    words = labels()
    back = redirect(url_for("inbox.document", document_pk=document_pk), 303)
    if request.form.get("code", "") not in {c.value for c in CLERK_ACTIONS}:
        flash(words["status_unknown"], "error")
        return back
    code = StatusCode(request.form["code"])
    try:
        recorded = act(
            node, document_pk, code, staff=current_user.full_name or current_user.username,
            reason=request.form.get("reason", ""), assignee=request.form.get("assignee", ""),
            despite_failed_check=request.form.get("despite_failed_check") == "yes",
        )  # fmt: skip
    except EdocError as error:
        flash(error.message(language()), "error")
        return back
    if recorded.created:
        flash(words["status_recorded"].format(code=code.value), "info")
    else:
        event = recorded.event
        staff = event.staff or words["by_system"]
        flash(words["status_already"].format(code=code.value, staff=staff,
                                             at=shown(event.at)), "info")  # fmt: skip
    return back


@bp.get("/outbox")
@login_required
def outbox():
    """Văn bản đi: each recipient's delivery and the last status it sent back."""
    node = current_node()
    with node.sessions() as db:
        sent = db.scalars(
            select(Document)
            .where(Document.owner_organ_id == current_user.organ_id)
            .where(Document.direction == Direction.SENT)
            .options(selectinload(Document.deliveries), selectinload(Document.statuses))
            .order_by(Document.received_at.desc())
            .limit(PAGE_SIZE)
        ).all()
        rows = [(document, _recipients(document)) for document in sent]
    return render_template("outbox.html", rows=rows)


@bp.get("/outbox/<int:document_pk>")
@login_required
def sent(document_pk: int):
    """A sent document, to read: its header, files and checks, and each recipient's
    delivery and answers (what an auditor's drill-down leads to)."""
    found = _document(document_pk, Direction.SENT)
    return render_template("sent.html", d=found, recipients=_recipients(found))


@bp.post("/outbox/<int:document_pk>/deliveries/<int:delivery_pk>/retry")
@login_required
def retry_delivery(document_pk: int, delivery_pk: int):
    """Gửi lại: an undeliverable delivery back in the queue, with a fresh window; a
    second click is told it is queued already."""
    node = current_node()
    only(ACTORS)
    found = _document(document_pk, Direction.SENT)
    if delivery_pk not in {d.id for d in found.deliveries}:
        abort(404)
    words = labels()
    try:
        queued = retry(node.sessions, delivery_pk, organ_id=node.organ_id)
    except EdocError as error:
        flash(error.message(language()), "error")
    else:
        flash(words["retry_queued" if queued else "retry_already"], "info")
    if request.form.get("back") == "outbox":
        return redirect(url_for("inbox.outbox"), 303)
    return redirect(url_for("inbox.sent", document_pk=document_pk), 303)


@bp.get("/outbox/<int:document_pk>/files/<int:attachment_pk>")
@login_required
def sent_file(document_pk: int, attachment_pk: int):
    return _file(_document(document_pk, Direction.SENT), attachment_pk)


@bp.route("/verify", methods=["GET", "POST"])
@login_required
def verify():
    """Kiểm tra chữ ký: anyone logged in checks any PDF, with this node's policy."""
    node = current_node()
    if request.method == "GET":
        return render_template("verify.html", report=None)
    upload = request.files.get("pdf")
    data = upload.read() if upload else b""
    if not data.startswith(b"%PDF"):
        flash(labels()["not_a_pdf"], "error")
        return render_template("verify.html", report=None), 422
    name = plain_name(upload.filename, "document.pdf")
    try:
        report = verify_document(data, node.policy).to_json()
    except Exception:  # whatever the reader raised (its message names it): said in words
        flash(labels()["unreadable_pdf"].format(name=name), "error")
        return render_template("verify.html", report=None), 422
    report["file"] = name
    return render_template("verify.html", report=report)
