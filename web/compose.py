"""Composing a document to send (văn bản đi): upload, the agency's signature, a check, send.

The clerk uploads the PDF the competent person signed personally, fills the header and
chooses the recipients; the server applies the agency's organisation signature with the key
and seal it holds; the result is verified before it leaves, and a non-compliant document is
only sent after an explicit confirmation. Sending queues it in the outbox.
"""

import datetime as dt
from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from edoc.agency import AgencyDirectory
from edoc.envelope.build import build
from edoc.envelope.metadata import document_from_metadata
from edoc.envelope.model import Attachment
from edoc.errors import EdocError
from edoc.exchange.receive import Node
from edoc.exchange.send import send_envelope
from edoc.storage.models import UserRole
from edoc.timezone import VIETNAM
from signing.keys import SigningKey
from signing.pades import sign_organisation
from signing.verify import verify_document
from web.text import LABELS, language

COMPOSERS = (UserRole.CLERK, UserRole.LEADER, UserRole.ADMIN)


@dataclass(frozen=True)
class Stamp:
    """The agency's organisation key and seal image, held by the server for its clerks."""

    key: SigningKey
    seal: bytes


def compose_blueprint(node: Node, stamp: Stamp | None) -> Blueprint:
    blueprint = Blueprint("compose", __name__, template_folder="templates")
    directory = AgencyDirectory.builtin()

    def _allowed() -> None:
        if current_user.role not in COMPOSERS:
            abort(403)

    def _recipients() -> list:
        return [a for a in directory.all() if a.organ_id != node.organ_id]

    @blueprint.get("/compose")
    @login_required
    def form():
        _allowed()
        today = dt.datetime.now(VIETNAM).date().isoformat()
        return render_template(
            "compose.html", agencies=_recipients(), today=today, stamp=stamp is not None
        )

    @blueprint.post("/compose")
    @login_required
    def review():
        _allowed()
        upload = request.files.get("pdf")
        pdf = upload.read() if upload else b""
        chosen = [r for r in request.form.getlist("to") if directory.get(r)]
        fields = {
            k: request.form.get(k, "").strip() for k in ("number", "notation", "subject", "date")
        }
        problem = _problem(pdf, chosen, fields)
        if problem:
            flash(problem, "error")
            return redirect(url_for("compose.form"), 303)
        if stamp is not None and request.form.get("sign"):
            try:
                pdf = sign_organisation(pdf, stamp.key, stamp.seal).pdf
            except EdocError as error:
                flash(error.message(language()), "error")
                return redirect(url_for("compose.form"), 303)
        report = verify_document(pdf, node.policy)
        with node.sessions() as db, node.blobs.staging(db, node.sessions) as stage:
            digest = stage.put(pdf)
            db.commit()
        session["draft"] = {
            **fields, "to": chosen, "pdf": digest, "name": upload.filename or "van-ban.pdf",
            "priority": request.form.get("priority", "0"), "verdict": report.verdict.value,
        }  # fmt: skip
        return render_template(
            "compose_review.html", draft=session["draft"], report=report.to_json()
        )

    @blueprint.post("/compose/send")
    @login_required
    def send():
        _allowed()
        draft = session.get("draft")
        if not draft:
            abort(400)
        if draft["verdict"] != "compliant" and not request.form.get("confirm"):
            flash(LABELS[language()]["confirm_needed"], "error")
            return render_template("compose_review.html", draft=draft, report=None), 400
        meta = {
            "from": node.organ_id, "to": draft["to"],
            "code": {"number": draft["number"], "notation": draft["notation"]},
            "promulgation_date": draft["date"], "subject": draft["subject"],
            "priority": int(draft["priority"] or 0),
            "signer": {"full_name": current_user.full_name},
        }  # fmt: skip
        main = Attachment("main", draft["name"], "application/pdf", node.blobs.read(draft["pdf"]))
        message = document_from_metadata(meta, [main], directory)
        try:
            send_envelope(node, build(message))
        except EdocError as error:
            flash(error.message(language()), "error")
            return redirect(url_for("compose.form"), 303)
        session.pop("draft", None)
        flash(LABELS[language()]["sent"], "info")
        return redirect(url_for("inbox.outbox"), 303)

    return blueprint


def _problem(pdf: bytes, recipients: list[str], fields: dict) -> str | None:
    t = LABELS[language()]
    if not pdf.startswith(b"%PDF"):
        return t["not_a_pdf"]
    if not recipients:
        return t["no_recipient"]
    if not all(fields.values()):
        return t["missing_fields"]
    try:
        dt.date.fromisoformat(fields["date"])
    except ValueError:
        return t["missing_fields"]
    return None
