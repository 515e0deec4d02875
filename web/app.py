"""The web applications, one per role: an agency's node (the inbox for its clerks and the
exchange API for the hub), a node's exchange API alone (the loopback network's default,
:mod:`web.local`) and the hub (the nodes' API and the national hub's SDK API).

Each application keeps what its views act for in its extensions (:mod:`web.context`) and
registers the module-level blueprints of its role."""

import datetime as dt

from flask import Flask
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from edoc.errors import EdocError
from edoc.exchange.hub import Hub
from edoc.exchange.node import Node
from edoc.timezone import shown
from web import admin, audit, auth, compose, inbox
from web.api import MAX_MESSAGE_BYTES, hub_bp, node_bp, refused, too_large, vdxp_bp
from web.compose import Stamp
from web.context import NodeContext, serve_hub, serve_node
from web.cookies import session_cookie_name
from web.errors import log_in_first, register_error_pages
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
    serve_node(app, NodeContext(node, hub_token, stamp))
    csrf.exempt(node_bp)
    app.register_blueprint(node_bp)
    for blueprint in (auth.bp, inbox.bp, compose.bp, admin.bp, audit.bp):
        app.register_blueprint(blueprint)

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


def create_node_api_app(node: Node, hub_token: str) -> Flask:
    """A node serving the exchange API alone (no inbox): what the hub posts to it."""
    app = _api_app()
    serve_node(app, NodeContext(node, hub_token))
    app.register_blueprint(node_bp)
    return app


def create_hub_app(hub: Hub) -> Flask:
    """The hub's application: the nodes' API and the SDK API."""
    app = _api_app()
    serve_hub(app, hub)
    app.register_blueprint(hub_bp)
    app.register_blueprint(vdxp_bp)
    return app


def _api_app() -> Flask:
    """An application of the exchange API alone: the message size limit, and every refusal
    (e.g. the database away before a view) in the API's JSON."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_MESSAGE_BYTES
    app.register_error_handler(413, too_large)
    app.register_error_handler(EdocError, refused)
    return app
