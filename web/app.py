"""A node's web application: the inbox for its clerks and the exchange API for the hub."""

import datetime as dt

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from edoc.exchange.api import MAX_MESSAGE_BYTES, node_blueprint
from edoc.exchange.receive import Node
from edoc.timezone import shown
from web.admin import admin_blueprint
from web.audit import audit_blueprint
from web.compose import Stamp, compose_blueprint
from web.cookies import session_cookie_name
from web.errors import log_in_first, register_error_pages
from web.inbox import inbox_blueprint
from web.lockout import LoginRules
from web.security import protect
from web.uploads import register as register_uploads
from web.users import load

#: How long a session cookie is taken after it last changed (the login, an action that
#: left a message): a cookie copied from a clerk's browser is of no use for long.
SESSION_LIFETIME = dt.timedelta(hours=12)


def create_node_app(
    node: Node, hub_token: str, secret_key: str, stamp: Stamp | None = None
) -> Flask:
    """The inbox and its admin pages (log in, CSRF on every form) and the node API (its own
    token, no CSRF);
    ``stamp``, the agency's key and seal, lets clerks sign what they send.

    A session is this agency's only (its cookie has the agency's name, :mod:`web.cookies`,
    and another agency's account is never loaded, whatever the cookie says), ends when its
    cookie comes from another browser or address, and its cookie is refused once
    ``SESSION_LIFETIME`` old.
    """
    app = Flask(__name__, static_folder=None)  # every style is in the pages: no files served
    app.config.update(
        SECRET_KEY=secret_key,
        MAX_CONTENT_LENGTH=MAX_MESSAGE_BYTES,
        SESSION_COOKIE_NAME=session_cookie_name(node.organ_id),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        WTF_CSRF_TIME_LIMIT=None,
        LOGIN_RULES=LoginRules(),  # tests give their own clock and pause
    )
    csrf = CSRFProtect(app)
    protect(app)
    register_uploads(app)
    api = node_blueprint(node, hub_token)
    csrf.exempt(api)
    app.register_blueprint(api)
    app.register_blueprint(inbox_blueprint(node))
    app.register_blueprint(compose_blueprint(node, stamp))
    app.register_blueprint(admin_blueprint(node))
    app.register_blueprint(audit_blueprint(node))

    logins = LoginManager(app)
    logins.unauthorized_handler(lambda: log_in_first(node.organization))
    logins.session_protection = "strong"
    logins.user_loader(lambda user_id: load(node.sessions, user_id, node.organ_id))

    register_error_pages(app)

    @app.template_filter("vietnam")
    def vietnam(moment: dt.datetime | dt.date | str | None) -> str:
        """A stored UTC time (or its ISO text, as JSON keeps it) in Vietnam time, a date as
        dd/mm/yyyy: every page shows times and dates through this filter."""
        if isinstance(moment, str):
            read = dt.datetime.fromisoformat if "T" in moment else dt.date.fromisoformat
            moment = read(moment)
        return shown(moment)

    return app
