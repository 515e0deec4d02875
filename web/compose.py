"""Văn bản đi: drafts made by a clerk, signed by the leader and by the agency, checked, sent.

A clerk (or leader) uploads the PDF, its attachments and the header, and chooses the
recipients: that makes a draft, kept in the database. The leader signs it personally with
the key the server holds for them (unlocked by their key password, never kept), or anyone
uploads a PDF already signed elsewhere (a USB token); the clerk then applies the agency's
organisation signature with the key and seal the node holds. Every change is verified; a
non-compliant draft leaves only after an explicit confirmation.
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

from edoc.accounts import ACTORS, SEALERS, SIGNERS, held_key
from edoc.agency import AgencyDirectory
from edoc.errors import EdocError, NotFoundError, SigningKeyError
from edoc.exchange.draft_steps import Signatures, Step
from edoc.exchange.drafts import (
    DraftFile,
    DraftHeader,
    create_draft,
    delete_draft,
    find_draft,
    list_drafts,
    replace_main,
    send_draft,
)
from edoc.storage.models import Draft
from edoc.timezone import VIETNAM
from signing.sign.keys import SigningKey
from signing.sign.pades import sign_organisation, sign_personal
from signing.sign.position import Anchor
from web.context import current_node, node_context
from web.files import file_response, plain_name
from web.roles import only
from web.text import labels, language


@dataclass(frozen=True)
class Stamp:
    """The agency's organisation key and seal image, held by the server for its clerks."""

    key: SigningKey
    seal: bytes


#: Sealing asked of a node that holds no agency key.
NO_STAMP = EdocError(
    "Hộp thư này không giữ khóa ký số và con dấu của cơ quan: hãy nhờ quản trị viên cấu hình, "
    "hoặc tải lên tệp PDF đã ký số của cơ quan bằng USB token.",
    "This inbox holds no agency key and seal: ask an administrator to set them up, or upload "
    "the PDF signed with the agency's USB token.",
)


def _who() -> str:
    return current_user.full_name or current_user.username


def _uploads(name: str, fallback: str = "file") -> list[DraftFile]:
    """The files uploaded under ``name`` (the browser sends an empty one for none), each
    under its plain name (no folders: it goes to other agencies in the envelope)."""
    return [
        DraftFile(plain_name(f.filename, fallback), f.read(),
                  f.mimetype or "application/octet-stream")
        for f in request.files.getlist(name)
        if f.filename
    ]  # fmt: skip


def _upload(name: str) -> DraftFile:
    """The PDF uploaded under ``name``; an empty, nameless one when there is none."""
    return next(iter(_uploads(name, "document.pdf")), DraftFile("", b""))


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


bp = Blueprint("compose", __name__, template_folder="templates")
directory = AgencyDirectory.builtin()
names = {a.organ_id: a.name for a in directory.all()}


def _draft(draft_pk: int) -> Draft:
    node = current_node()
    try:
        return find_draft(node, draft_pk)
    except NotFoundError:
        abort(404)


def _failed(error: EdocError, draft_pk: int | None = None):
    if isinstance(error, NotFoundError):  # another agency's draft, or none
        abort(404)
    flash(error.message(language()), "error")
    if draft_pk is None:
        return redirect(url_for("compose.form"), 303)
    return redirect(url_for("compose.draft", draft_pk=draft_pk), 303)


@bp.get("/compose")
@login_required
def form():
    only(ACTORS)
    today = dt.datetime.now(VIETNAM).date().isoformat()
    recipients = [a for a in directory.all() if a.organ_id != current_node().organ_id]
    return render_template("compose.html", agencies=recipients, today=today)


@bp.post("/compose")
@login_required
def create():
    node = current_node()
    only(ACTORS)
    main = _upload("pdf")
    attachments = _uploads("attachments")
    date = _date(request.form.get("date", ""))
    if date is None:
        flash(labels()["bad_date"], "error")
        return redirect(url_for("compose.form"), 303)
    header = DraftHeader(
        number=request.form.get("number", "").strip(),
        notation=request.form.get("notation", "").strip(),
        subject=request.form.get("subject", "").strip(),
        date=date,
        priority=request.form.get("priority", 0, type=int),
        due_date=_date(request.form.get("due_date", "")),
    )
    try:
        draft = create_draft(
            node, current_user.id, _who(), header, request.form.getlist("to"), main,
            attachments,
        )  # fmt: skip
    except EdocError as error:
        return _failed(error)
    return redirect(url_for("compose.draft", draft_pk=draft.id), 303)


@bp.get("/drafts")
@login_required
def drafts():
    node = current_node()
    only(ACTORS)
    return render_template("drafts.html", drafts=list_drafts(node))


@bp.get("/drafts/<int:draft_pk>")
@login_required
def draft(draft_pk: int):
    only(ACTORS)
    found = _draft(draft_pk)
    signatures = Signatures.of(found.report)
    return render_template(
        "draft.html", d=found, names=names, stamp=node_context().stamp is not None,
        can_sign=current_user.role in SIGNERS, can_seal=current_user.role in SEALERS,
        signatures=signatures, refusals={step.value: signatures.refusal(step) for step in Step},
    )  # fmt: skip


@bp.get("/drafts/<int:draft_pk>/files/<int:index>")
@login_required
def file(draft_pk: int, index: int):
    """The main PDF (0) or attachment ``index`` of a draft."""
    node = current_node()
    only(ACTORS)
    found = _draft(draft_pk)
    files = [
        {"name": found.main_name, "mime": "application/pdf", "sha256": found.main_sha256},
        *found.attachments,
    ]
    if index >= len(files):
        abort(404)
    chosen = files[index]
    report = found.report if index == 0 else None  # the main PDF's, verified with the draft
    data = node.blobs.read(chosen["sha256"])
    return file_response(data, chosen["name"], chosen["mime"], report)


@bp.post("/drafts/<int:draft_pk>/personal")
@login_required
def personal(draft_pk: int):
    """The leader signs with the key the server holds for them."""
    node = current_node()
    only(SIGNERS)
    found = _draft(draft_pk)
    if refused := Signatures.of(found.report).refusal(Step.PERSONAL):
        return _failed(refused, draft_pk)  # before any guess at the key's password
    guesses = f"key:{current_user.id}"
    if node_context().key_failures.blocked(guesses):
        flash(labels()["key_throttled"], "error")
        return redirect(url_for("compose.draft", draft_pk=draft_pk), 303)
    try:
        key, image = held_key(
            node.sessions, node.blobs, current_user, request.form.get("key_password", "")
        )
    except EdocError as error:
        if isinstance(error, SigningKeyError):  # a wrong password: one guess less
            node_context().key_failures.failed(guesses)
        return _failed(error, draft_pk)
    node_context().key_failures.succeeded(guesses)
    try:
        signed = sign_personal(
            node.blobs.read(found.main_sha256), key, image, Anchor(current_user.full_name)
        )
        replace_main(node, draft_pk, signed.pdf, seen=request.form.get("seen", ""),
                     who=_who(), action="personal")  # fmt: skip
    except EdocError as error:
        return _failed(error, draft_pk)
    flash(labels()["signed_personal"], "info")
    return redirect(url_for("compose.draft", draft_pk=draft_pk), 303)


@bp.post("/drafts/<int:draft_pk>/pdf")
@login_required
def upload(draft_pk: int):
    """A PDF signed elsewhere (a USB token) takes the place of the draft's."""
    node = current_node()
    only(ACTORS)
    signed = _upload("pdf")
    try:
        replace_main(node, draft_pk, signed.data, seen=request.form.get("seen", ""),
                     who=_who(), action="uploaded")  # fmt: skip
    except EdocError as error:
        return _failed(error, draft_pk)
    return redirect(url_for("compose.draft", draft_pk=draft_pk), 303)


@bp.post("/drafts/<int:draft_pk>/organisation")
@login_required
def organisation(draft_pk: int):
    """The clerk applies the agency's signature with the key and seal the node holds."""
    node = current_node()
    only(SEALERS)
    stamp = node_context().stamp
    if stamp is None:
        return _failed(NO_STAMP, draft_pk)
    found = _draft(draft_pk)
    try:
        Signatures.of(found.report).check(Step.ORGANISATION)
        signed = sign_organisation(node.blobs.read(found.main_sha256), stamp.key, stamp.seal)
        replace_main(node, draft_pk, signed.pdf, seen=request.form.get("seen", ""),
                     who=_who(), action="organisation")  # fmt: skip
    except EdocError as error:
        return _failed(error, draft_pk)
    flash(labels()["signed_organisation"], "info")
    return redirect(url_for("compose.draft", draft_pk=draft_pk), 303)


@bp.post("/drafts/<int:draft_pk>/send")
@login_required
def send(draft_pk: int):
    node = current_node()
    only(SEALERS)
    try:
        send_draft(
            node, draft_pk, seen=request.form.get("seen", ""), who=_who(),
            confirmed=bool(request.form.get("confirm")),
        )  # fmt: skip
    except EdocError as error:
        return _failed(error, draft_pk)
    flash(labels()["sent"], "info")
    return redirect(url_for("inbox.outbox"), 303)


@bp.post("/drafts/<int:draft_pk>/delete")
@login_required
def delete(draft_pk: int):
    node = current_node()
    only(ACTORS)
    try:
        delete_draft(node, draft_pk)
    except EdocError as error:
        return _failed(error, draft_pk)
    return redirect(url_for("compose.drafts"), 303)
