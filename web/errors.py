"""What a person sees when a request of the inbox cannot be done: the inbox's own page, in
their language, saying what happened and what to do, with a link back (to the inbox, or to
the login when they are not logged in). The node API's callers keep their JSON answers.

A form whose CSRF token no longer matches is most often a page left open after logging out
(in another tab): the user is taken to the login page and told so, rather than shown
Flask-WTF's English "The CSRF tokens do not match.".
"""

from flask import (
    Flask,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from edoc.envelope.model import Organization
from edoc.errors import EdocError
from web.api.answers import refused, status_of, too_large
from web.cookies import other_agencies
from web.security import back_or
from web.text import LABELS, agency_named, labels
from web.uploads import too_large_message

#: The HTTP errors that have a page of their own.
PAGES = (400, 403, 404, 405, 413, 429, 500)

#: The agencies known by name, to say whose inbox the browser is at work in.


def _for_api() -> bool:
    """Whether the request is the node API's, whose callers read JSON."""
    return request.path.startswith("/api/")


def _logged_in() -> bool:
    """Whether the session says someone is logged in (read without the database, which
    may be what failed)."""
    return "_user_id" in session


def error_page(status: int, heading: str, what: str, todo: str, error: EdocError | None = None):
    """The inbox's error page: ``heading``, what happened, what to do, and the way back."""
    t = labels()
    back = (
        ("inbox.documents", "back_to_inbox") if _logged_in() else ("inbox.login", "back_to_login")
    )
    t = labels()
    back = ("inbox.documents", "back_to_inbox") if _logged_in() else ("auth.login", "back_to_login")
    page = render_template(
        "error.html", status=status, heading=heading, what=what, todo=todo, error=error,
        back_url=url_for(back[0]), back_label=t[back[1]],
    )  # fmt: skip
    return page, status


def _http_error(error: HTTPException):
    """An HTTP error of ``PAGES``: its page, or for the API a JSON answer in both languages."""
    status = error.code or 500
    if _for_api():
        if status == 413:
            return too_large(error)
        said = LABELS[f"error_what_{status}"]
        return refused(EdocError(said.vi, said.en), status)
    t = labels()
    what = too_large_message() if status == 413 else t[f"error_what_{status}"]
    if status == 400 and error.description and error.description in _own_descriptions():
        what = error.description  # a refusal that says why, in the reader's language
    return error_page(status, t[f"error_heading_{status}"], what, t[f"error_todo_{status}"])


def _own_descriptions() -> set[str]:
    """The reasons the inbox itself gives for a 400 (``abort(400, description=...)``)."""
    refusal = LABELS["nul_refused"]
    return {refusal.vi, refusal.en}


def _too_large(error: HTTPException):
    """An upload over the limit: the message on the page the person was on, when that was
    one of the inbox's; else the error page (the API: its JSON answer)."""
    back = back_or("")
    if _for_api() or not back:
        return _http_error(error)
    flash(too_large_message(), "error")
    return redirect(back, 303)


def _stale_form(error: CSRFError):
    """A form whose CSRF token does not match: after a logout, the login page says the
    session ended; while logged in, the error page says to reload the form."""
    t = labels()
    if not _logged_in():
        flash(t["session_ended"], "error")
        return redirect(url_for("auth.login"), 303)
    return error_page(400, t["error_heading_400"], t["csrf_stale"], t["error_todo_400"])


def _not_done(error: EdocError):
    """What no page caught (the database away, the disk full): its message in both
    languages (it may come before the reader's choice can be read), never a traceback; the
    API's callers get the API's answer."""
    if _for_api():
        return refused(error)
    t = labels()
    return error_page(status_of(error), t["error_heading_edoc"], "", t["error_todo_edoc"], error)


def log_in_first(agency: Organization):
    """A page that needs a login, asked without one: the login page, saying why; but when
    the browser is at work in another agency's inbox on this host, a 403 page saying whose
    inbox this is (that other session is left as it is)."""
    t = labels()
    others = other_agencies(request.cookies, agency.organ_id)
    if not others:
        flash(t["login_needed"], "info")
        return redirect(url_for("auth.login"))
    named = ", ".join(agency_named(organ_id) for organ_id in others)
    words = {"agency": agency.organ_name or agency.organ_id, "others": named}
    heading = t["error_heading_agency"]
    what, todo = (t[f"error_{part}_agency"].format(**words) for part in ("what", "todo"))
    return error_page(403, heading, what, todo)


def register_error_pages(app: Flask) -> None:
    """Give ``app`` the inbox's error pages (an unexpected exception is a 500: its page, and
    its traceback in the server's log)."""
    for status in PAGES:
        app.register_error_handler(status, _too_large if status == 413 else _http_error)
    app.register_error_handler(CSRFError, _stale_form)
    app.register_error_handler(EdocError, _not_done)
