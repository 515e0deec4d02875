"""Logging in and out of a node's inbox, and choosing the language of its pages.

A login is this agency's accounts only; wrong passwords lock the account and slow the
address down (:mod:`web.lockout`); a successful one starts a fresh session (no fixation)
and sets the cookie that says, on this host, whose inbox the browser is logged in to
(:mod:`web.cookies`).
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_required, login_user, logout_user

from edoc.errors import AccountLockedError
from web.context import current_node, node_context
from web.cookies import logged_in_cookie_name
from web.lockout import LoginRules
from web.security import back_or
from web.text import labels, language
from web.users import authenticate

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.get("/lang/<code>")
def switch(code: str):
    """The pages in Vietnamese or (``en``) English, from now on; back where the user was."""
    session["lang"] = "en" if code == "en" else "vi"
    return redirect(back_or(url_for("inbox.documents")))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Wrong passwords lock the account and slow the address down (:mod:`web.lockout`)."""
    if request.method == "GET":
        return render_template("login.html")
    served = node_context()
    node, address_failures = served.node, served.address_failures
    rules: LoginRules = current_app.config["LOGIN_RULES"]
    address = f"address:{request.remote_addr}"
    if wait := rules.pause_for(address_failures.recent(address)):
        rules.pause(wait)
    username = request.form.get("username", "")
    password = request.form.get("password", "")
    try:
        account = authenticate(node.sessions, username, password, node.organ_id, rules)
    except AccountLockedError as locked:
        address_failures.failed(address)
        flash(locked.message(language()), "error")
        return render_template("login.html"), 429
    if account is None:
        address_failures.failed(address)
        flash(labels()["login_failed"], "error")
        return render_template("login.html"), 401
    session.clear()  # a fresh session on login: no fixation
    login_user(account)
    answer = redirect(url_for("inbox.documents"))
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    answer.set_cookie(logged_in_cookie_name(node.organ_id), "1", httponly=True,
                      samesite="Lax", secure=secure)  # fmt: skip
    return answer


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    answer = redirect(url_for("auth.login"))
    answer.delete_cookie(logged_in_cookie_name(current_node().organ_id))
    return answer
