"""The admin pages of an agency's inbox: its users, the agency directory, the roots it
trusts and how it verifies.

Only the agency's admins open them (403 for everyone else); a user of another agency is not
found (404), whatever its number. A change to the trust anchors or the policy applies to the
running node at once, and to every later start (:mod:`edoc.exchange.configuration`).
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage

from edoc.accounts import Account, add_user, agency_user, change_user, hold_key, list_users
from edoc.agency import AgencyDirectory
from edoc.audit.wording import describe
from edoc.errors import EdocError, NotFoundError
from edoc.exchange.configuration import (
    Anchor,
    add_anchor,
    added_anchors,
    choose_policy,
    configure,
    remove_anchor,
)
from edoc.exchange.outbox import retry, undeliverable
from edoc.storage.models import UserRole
from signing.validation.checks import CATALOGUE
from signing.validation.policy import SHIPPED
from web.changes import what_changed
from web.context import current_node
from web.text import labels, language


def _file(name: str) -> FileStorage:
    """The uploaded file ``name``, or an empty one when the form has none."""
    return request.files.get(name) or FileStorage(filename="")


def _role(value: str) -> UserRole:
    try:
        return UserRole(value)
    except ValueError:
        abort(400)


def _keep_own_access(role: UserRole | None, active: bool | None) -> None:
    """An admin cannot lock themselves out: neither lock their own account nor give up
    their admin role (nobody might be left to undo it)."""
    if active is False or role not in (None, UserRole.ADMIN):
        raise EdocError(
            "Bạn không thể tự khóa tài khoản của mình hay bỏ vai trò quản trị của mình.",
            "You cannot lock your own account or give up your own admin role.",
        )


bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
directory = AgencyDirectory.builtin()


@bp.before_request
@login_required
def only_admins() -> None:
    """Every admin page: for this agency's admins only."""
    node = current_node()
    if current_user.role is not UserRole.ADMIN or current_user.organ_id != node.organ_id:
        abort(403)


def _done(label: str, endpoint: str, **values: str):
    flash(labels()[label].format(**values), "info")
    return redirect(url_for(endpoint), 303)


def _failed(error: EdocError, endpoint: str):
    flash(error.message(language()), "error")
    return redirect(url_for(endpoint), 303)


def _account(user_pk: int) -> Account:
    """One of this agency's users; another agency's is not found, as none is."""
    node = current_node()
    found = agency_user(node.sessions, node.organ_id, user_pk)
    if found is None:
        abort(404)
    return found


def _now():
    return current_app.config["LOGIN_RULES"].clock()


@bp.get("/users")
def users():
    node = current_node()
    accounts = list_users(node.sessions, node.organ_id)
    return render_template("admin_users.html", users=accounts, roles=list(UserRole), now=_now())


@bp.post("/users")
def new_user():
    node = current_node()
    form = request.form
    try:
        added = add_user(
            node.sessions, form.get("username", ""), form.get("password", ""),
            node.organ_id, _role(form.get("role", "")), form.get("full_name", "").strip(),
        )  # fmt: skip
    except EdocError as error:
        return _failed(error, "admin.users")
    return _done("user_added", "admin.users", username=added.username)


def _change(
    user_pk: int,
    role: UserRole | None = None,
    active: bool | None = None,
    password: str | None = None,
    full_name: str | None = None,
):
    """Change one of this agency's users, never locking out the admin changing it, and
    say what changed."""
    node = current_node()
    account = _account(user_pk)
    try:
        if account.id == current_user.id:
            _keep_own_access(role, active)
        changed = change_user(
            node.sessions, account.username, role=role, active=active, password=password,
            full_name=full_name,
        )  # fmt: skip
    except EdocError as error:
        return _failed(error, "admin.users")
    changes = what_changed(account, changed, language(), _now(), password_set=password is not None)
    return _done("user_changed", "admin.users", username=account.username, changes=changes)


@bp.post("/users/<int:user_pk>/role")
def change_role(user_pk: int):
    return _change(user_pk, role=_role(request.form.get("role", "")))


@bp.post("/users/<int:user_pk>/active")
def set_active(user_pk: int):
    """Lock (active=0) or unlock (active=1, which also lifts a lock for wrong
    passwords): a locked user's sessions end at once."""
    return _change(user_pk, active=request.form.get("active") == "1")


@bp.post("/users/<int:user_pk>/name")
def set_full_name(user_pk: int):
    """The full name the inbox shows and signs with; the login name stays."""
    return _change(user_pk, full_name=request.form.get("full_name", ""))


@bp.post("/users/<int:user_pk>/password")
def set_password(user_pk: int):
    return _change(user_pk, password=request.form.get("password", ""))


@bp.post("/users/<int:user_pk>/key")
def keep_key(user_pk: int):
    """A leader's personal key and signature image, for the server to hold; the key's
    password opens it once, to check it, and is not kept."""
    node = current_node()
    account = _account(user_pk)
    pkcs12, image = _file("pkcs12"), _file("image")
    try:
        hold_key(
            node.sessions, node.blobs, account.username, pkcs12.read(),
            request.form.get("key_password", ""), image.read(),
            key_file=pkcs12.filename or "", image_file=image.filename or "",
        )  # fmt: skip
    except EdocError as error:
        return _failed(error, "admin.users")
    return _done("key_held", "admin.users", username=account.username)


@bp.get("/undeliverable")
def undeliverable_list():
    """The messages of the agency the outbox gave up, to send again."""
    node = current_node()
    given_up = undeliverable(node.sessions, node.organ_id)
    return render_template("admin_undeliverable.html", deliveries=given_up)


@bp.post("/undeliverable/<int:delivery_pk>/retry")
def retry_undeliverable(delivery_pk: int):
    """Send again, from the admin's list: one of the agency's own deliveries only (another
    agency's is not found, as its documents are)."""
    node = current_node()
    try:
        queued = retry(node.sessions, delivery_pk, organ_id=node.organ_id)
    except NotFoundError:
        abort(404)
    except EdocError as error:
        return _failed(error, "admin.undeliverable_list")
    return _done("retry_queued" if queued else "retry_already", "admin.undeliverable_list")


@bp.get("/agencies")
def agencies():
    return render_template("admin_agencies.html", agencies=directory.all())


@bp.get("/trust")
def trust():
    node = current_node()
    own = [Anchor(certificate) for certificate in node.startup_policy.trust]
    return render_template("admin_trust.html", anchors=own + added_anchors(node.sessions))


@bp.post("/trust")
def add_trust():
    node = current_node()
    upload = _file("certificate")
    try:
        add_anchor(node.sessions, upload.read(), upload.filename or "", current_user.username)
    except EdocError as error:
        return _failed(error, "admin.trust")
    configure(node)
    return _done("anchor_added", "admin.trust")


@bp.post("/trust/<int:anchor_pk>/delete")
def remove_trust(anchor_pk: int):
    node = current_node()
    try:
        remove_anchor(node.sessions, anchor_pk)
    except NotFoundError:
        abort(404)
    configure(node)
    return _done("anchor_removed", "admin.trust")


@bp.get("/policy")
def policy():
    node = current_node()
    lang = language()
    checks = [(code, node.policy.severity(code), describe(code, lang)) for code in CATALOGUE]
    return render_template("admin_policy.html", policy=node.policy, checks=checks, shipped=SHIPPED)


@bp.post("/policy")
def choose():
    """A shipped policy by name, or an uploaded TOML file (which wins when given)."""
    node = current_node()
    upload = _file("policy")
    try:
        if upload.filename:
            text = upload.read().decode("utf-8", errors="replace")
            chosen = choose_policy(node.sessions, upload.filename, text)
        else:
            chosen = choose_policy(node.sessions, request.form.get("name", ""))
    except EdocError as error:
        return _failed(error, "admin.policy")
    configure(node)
    return _done("policy_applied", "admin.policy", name=chosen.name)
