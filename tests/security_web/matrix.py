"""The route matrix of a node's inbox: every route (endpoint, method), its path, who may use
it and what they get, and the users of the inbox, one per role; shared by the tests of this
folder (the matrix itself: :mod:`tests.security_web.test_routes`)."""

from dataclasses import dataclass, field

from edoc.accounts import ACTORS, AUDITORS, SEALERS, SIGNERS
from edoc.storage.models import (
    UserRole,
)
from tests.support.web import csrf_of

CLERK, LEADER, AUDITOR, ADMIN = UserRole.CLERK, UserRole.LEADER, UserRole.AUDITOR, UserRole.ADMIN
#: The users of the Government Office's inbox, one per role.
USERNAMES = {CLERK: "vanthu", LEADER: "lanhdao", AUDITOR: "kiemtoan", ADMIN: "quantri"}
EVERYONE = tuple(UserRole)
#: Who a route is for besides roles: anybody, logged in or not; the hub, with its token.
PUBLIC, TOKEN = "public", "token"


@dataclass(frozen=True)
class Route:
    """A route as the matrix sees it: its path (``{document}``… stand for a thing of the
    agency the case is about), who may use it, what they get, and a form that changes
    nothing another case needs (so that every case can run against the same inbox)."""

    path: str
    who: tuple[UserRole, ...] | str
    status: int
    form: dict = field(default_factory=dict)


UNCHANGED, ACTIVE = {"role": "clerk"}, {"active": "1"}  # the target user is an active clerk
NAMED = {"full_name": "Mục Tiêu"}  # the target user's own
#: Every route of the app (endpoint, method), checked against its url_map.
ROUTES = {
    ("auth.login", "GET"): Route("/login", PUBLIC, 200),
    ("auth.login", "POST"): Route("/login", PUBLIC, 302),  # the user's own name and password
    ("auth.switch", "GET"): Route("/lang/vi", PUBLIC, 302),
    ("auth.logout", "POST"): Route("/logout", EVERYONE, 302),
    ("inbox.documents", "GET"): Route("/", EVERYONE, 200),
    ("inbox.document", "GET"): Route("/documents/{document}", EVERYONE, 200),
    ("inbox.file", "GET"): Route("/documents/{document}/files/{attachment}", EVERYONE, 200),
    ("inbox.status", "POST"): Route("/documents/{document}/status", ACTORS, 303, {"code": ""}),
    ("inbox.outbox", "GET"): Route("/outbox", EVERYONE, 200),
    ("inbox.sent", "GET"): Route("/outbox/{sent}", EVERYONE, 200),
    ("inbox.sent_file", "GET"): Route("/outbox/{sent}/files/{sent_attachment}", EVERYONE, 200),
    # the own delivery was given up: sent again (then told it is queued already)
    ("inbox.retry_delivery", "POST"): Route(
        "/outbox/{sent}/deliveries/{delivery}/retry", ACTORS, 303
    ),
    ("inbox.verify", "GET"): Route("/verify", EVERYONE, 200),
    ("inbox.verify", "POST"): Route("/verify", EVERYONE, 422),  # no file: told so
    ("compose.form", "GET"): Route("/compose", ACTORS, 200),
    ("compose.create", "POST"): Route("/compose", ACTORS, 303),  # no date: told so
    ("compose.drafts", "GET"): Route("/drafts", ACTORS, 200),
    ("compose.draft", "GET"): Route("/drafts/{draft}", ACTORS, 200),
    ("compose.file", "GET"): Route("/drafts/{draft}/files/0", ACTORS, 200),
    # the own draft is sent: signing, replacing, deleting it again are refused on its page
    ("compose.personal", "POST"): Route("/drafts/{draft}/personal", SIGNERS, 303),
    ("compose.upload", "POST"): Route("/drafts/{draft}/pdf", ACTORS, 303),
    ("compose.organisation", "POST"): Route("/drafts/{draft}/organisation", SEALERS, 303),
    ("compose.send", "POST"): Route("/drafts/{draft}/send", SEALERS, 303),
    ("compose.delete", "POST"): Route("/drafts/{draft}/delete", ACTORS, 303),
    ("audit.report", "GET"): Route("/audit", AUDITORS, 200),
    ("audit.documents", "GET"): Route("/audit/documents?figure=total", AUDITORS, 200),
    ("audit.export", "GET"): Route("/audit/export.csv", AUDITORS, 200),
    ("admin.users", "GET"): Route("/admin/users", (ADMIN,), 200),
    ("admin.new_user", "POST"): Route("/admin/users", (ADMIN,), 303, {"role": "clerk"}),
    ("admin.change_role", "POST"): Route("/admin/users/{user}/role", (ADMIN,), 303, UNCHANGED),
    ("admin.set_active", "POST"): Route("/admin/users/{user}/active", (ADMIN,), 303, ACTIVE),
    ("admin.set_password", "POST"): Route("/admin/users/{user}/password", (ADMIN,), 303),
    ("admin.set_full_name", "POST"): Route("/admin/users/{user}/name", (ADMIN,), 303, NAMED),
    ("admin.keep_key", "POST"): Route("/admin/users/{user}/key", (ADMIN,), 303),
    ("admin.undeliverable_list", "GET"): Route("/admin/undeliverable", (ADMIN,), 200),
    ("admin.retry_undeliverable", "POST"): Route(
        "/admin/undeliverable/{delivery}/retry", (ADMIN,), 303
    ),
    ("admin.agencies", "GET"): Route("/admin/agencies", (ADMIN,), 200),
    ("admin.trust", "GET"): Route("/admin/trust", (ADMIN,), 200),
    ("admin.add_trust", "POST"): Route("/admin/trust", (ADMIN,), 303),
    ("admin.remove_trust", "POST"): Route("/admin/trust/{anchor}/delete", (ADMIN,), 303),
    ("admin.policy", "GET"): Route("/admin/policy", (ADMIN,), 200),
    ("admin.choose", "POST"): Route("/admin/policy", (ADMIN,), 303),  # no name: told so
    ("node.take", "POST"): Route("/api/v1/messages", TOKEN, 401),  # a session is no token
}
#: The things a route may be about, each either the agency's own or another's.
THINGS = ("document", "attachment", "draft", "user", "sent", "sent_attachment", "delivery")


def post_form(client, path: str, form: dict, token: bool = True):
    """``form`` posted to ``path`` as a browser does, with the session's CSRF token."""
    if token:
        form = {"csrf_token": csrf_of(client.get("/login").get_data(as_text=True)), **form}
    return client.post(path, data=form, content_type="multipart/form-data")
