"""The inbox and the node API against hostile input: who may use which route for which
agency's things, CSRF on every change, sessions that cannot be fixed, replayed or carried to
another agency, guessing slowed down, nothing a sender or a user writes run as script,
filters that stay filters, file names that stay names, bodies of the wrong kind refused
clearly, and PDFs carrying JavaScript kept but never opened in the browser."""

import dataclasses
import datetime as dt
import io
import time
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

import lxml.html
import pytest
from cryptography.hazmat.primitives import serialization
from flask import Flask
from sqlalchemy import select

from edoc.envelope.model import Organization
from edoc.exchange.configuration import add_anchor
from edoc.exchange.drafts import DraftFile, DraftHeader, create_draft, send_draft
from edoc.exchange.node import Node
from edoc.exchange.receive import receive_envelope
from edoc.exchange.transport import PATH
from edoc.storage.models import (
    Base,
    Delivery,
    DeliveryState,
    Direction,
    Document,
    Draft,
    User,
    UserRole,
)
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from fixtures.export import pkcs12_bytes
from fixtures.images import seal_image, signature_image
from signing.pades import sign_organisation, sign_personal
from signing.position import Anchor
from tests.conftest import PASSWORD, agency_node
from tests.test_signing import key_of
from tests.test_web import KEY_PASSWORD, copy_of, csrf_of, logged_in
from web.app import create_node_app
from web.compose import Stamp
from web.lockout import LoginRules
from web.roles import ACTORS, AUDITORS, SEALERS, SIGNERS
from web.users import add_user, hold_key

CLERK, LEADER, AUDITOR, ADMIN = UserRole.CLERK, UserRole.LEADER, UserRole.AUDITOR, UserRole.ADMIN
#: The users of the Government Office's inbox, one per role.
USERNAMES = {CLERK: "vanthu", LEADER: "lanhdao", AUDITOR: "kiemtoan", ADMIN: "quantri"}
EVERYONE = tuple(UserRole)
#: Who a route is for besides roles: anybody, logged in or not; the hub, with its token.
PUBLIC, TOKEN = "public", "token"


def _header(number: str, subject: str) -> DraftHeader:
    return DraftHeader(number, "VPCP-KSTT", subject, dt.date(2026, 11, 23))


@dataclass
class World:
    """The Government Office's inbox with a user per role, and of each kind of thing a route
    is about one of its own and one kept for Hà Nội in the same database (the own draft is
    sent, so nothing can change it; ``open_draft``, signed by the leader, is not)."""

    app: Flask
    node: Node
    own: dict[str, int]
    other: dict[str, int]
    open_draft: int
    seen: str  # the open draft's main PDF, as its page shows it
    leader: int
    p12: bytes  # the leader's key, under KEY_PASSWORD
    spare_ca: bytes  # a CA certificate not yet trusted, PEM
    kept_anchor: int  # trusted, and removed by no case
    clients: dict = field(default_factory=dict)

    def client(self, role: UserRole | None):
        """A client logged in as ``role`` (kept for the module), or a new anonymous one."""
        if role is None:
            return self.app.test_client()
        if role not in self.clients:
            self.clients[role] = logged_in(self.app, USERNAMES[role])[0]
        return self.clients[role]


@pytest.fixture(scope="module")
def world(tmp_path_factory, pki, envelope):
    root = tmp_path_factory.mktemp("world")
    with agency_node(f"sqlite:///{root / 'edoc.sqlite'}", root, pki) as node:
        for role, username in USERNAMES.items():
            name = VPCP.deputy.full_name if role is LEADER else username.title()  # signs as
            add_user(node.sessions, username, PASSWORD, VPCP.organ_id, role, name)
        add_user(node.sessions, "muctieu", PASSWORD, VPCP.organ_id, CLERK, "Mục Tiêu")
        hanoi = add_user(node.sessions, "hanoi", PASSWORD, HA_NOI.organ_id, CLERK, "Hà Nội")
        p12 = pkcs12_bytes(pki[VPCP.deputy.key], KEY_PASSWORD)
        image = signature_image(VPCP.deputy)
        hold_key(node.sessions, node.blobs, "lanhdao", p12, KEY_PASSWORD, image)
        with node.sessions() as session:
            clerk, leader, target = (
                session.scalar(select(User.id).where(User.username == name))
                for name in ("vanthu", "lanhdao", "muctieu")
            )
        document = receive_envelope(node, envelope).document_pk
        with node.sessions() as session:
            attachment = session.get(Document, document).attachments[0].id
        foreign, foreign_attachment = copy_of(node, document)
        signed = sign_personal(cong_van(VPCP).pdf, key_of(pki, VPCP.deputy.key), image,
                               Anchor(VPCP.deputy.full_name)).pdf  # fmt: skip
        sealed = sign_organisation(signed, key_of(pki, "g22-org"), seal_image(VPCP)).pdf
        letter = DraftFile("77.pdf", sealed)  # sent: the agency signed it
        sent = create_draft(node, clerk, "x", _header("77", "Đã gửi"), [HA_NOI.organ_id], letter)
        sent_pk = send_draft(node, sent.id, seen=sent.main_sha256, who="x", confirmed=True)
        foreign_sent, foreign_sent_attachment = copy_of(
            node, sent_pk, direction=Direction.SENT, sender_organ_id=HA_NOI.organ_id
        )
        with node.sessions() as session:
            sent_attachment = session.get(Document, sent_pk).attachments[0].id
            delivery = session.get(Document, sent_pk).deliveries[0]
            delivery.state = DeliveryState.UNDELIVERABLE  # given up: to be sent again by hand
            theirs_out = Delivery(
                document_pk=foreign_sent, recipient_organ_id=VPCP.organ_id, kind="document",
                message_sha256=delivery.message_sha256, state=DeliveryState.UNDELIVERABLE,
            )  # fmt: skip
            session.add(theirs_out)
            session.commit()
            delivery, foreign_delivery = delivery.id, theirs_out.id
        opened = create_draft(
            node, clerk, "x", _header("78", "Chưa gửi"), [HA_NOI.organ_id],
            DraftFile("78.pdf", signed),
        )  # fmt: skip
        theirs = dataclasses.replace(node, organization=Organization(HA_NOI.organ_id, HA_NOI.name))
        foreign_draft = create_draft(
            theirs, hanoi.id, "x", _header("5", "Của Hà Nội"), [VPCP.organ_id],
            DraftFile("5.pdf", cong_van(HA_NOI).pdf),
        )  # fmt: skip
        issuer, kept, spare = (c.certificate for c in list(pki.issuers())[:3])
        anchor = add_anchor(node.sessions, _pem(issuer), "ca.pem", "quantri")
        kept_anchor = add_anchor(node.sessions, _pem(kept), "kept.pem", "quantri")
        stamp = Stamp(key_of(pki, "g22-org"), seal_image(VPCP))
        yield World(
            create_node_app(node, "hub-token", "secret-for-tests", stamp), node,
            own={"document": document, "attachment": attachment, "draft": sent.id,
                 "user": target, "anchor": anchor.id, "sent": sent_pk,
                 "sent_attachment": sent_attachment, "delivery": delivery},
            other={"document": foreign, "attachment": foreign_attachment,
                   "draft": foreign_draft.id, "user": hanoi.id, "sent": foreign_sent,
                   "sent_attachment": foreign_sent_attachment, "delivery": foreign_delivery},
            open_draft=opened.id, seen=opened.main_sha256, leader=leader, p12=p12,
            spare_ca=_pem(spare), kept_anchor=kept_anchor.id,
        )  # fmt: skip


def _pem(certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


# -- who may use which route ------------------------------------------------------------


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


def _agencies(route: Route) -> tuple[str, ...]:
    return ("own", "other") if any(f"{{{t}}}" in route.path for t in THINGS) else ("own",)


def _case(who: UserRole | None, key: tuple[str, str], agency: str):
    name = who.value if who else "anonymous"
    return pytest.param(who, key, agency, id=f"{name}-{key[1]} {ROUTES[key].path}-{agency}")


CASES = [
    _case(who, key, agency)
    for key, route in ROUTES.items()
    for who in (None, *UserRole)
    for agency in _agencies(route)
]


def _expected(route: Route, who: UserRole | None, agency: str) -> int | str:
    """What ``who`` gets: the login page, 401, 403 for a role the route is not for, 404 for
    another agency's thing (whether it exists or not), else the route's answer."""
    if route.who == TOKEN:
        return 401
    if route.who != PUBLIC and who is None:
        return "login"
    if route.who != PUBLIC and who not in route.who:
        return 403
    return 404 if agency == "other" else route.status


def _post(client, path: str, form: dict, token: bool = True):
    """``form`` posted to ``path`` as a browser does, with the session's CSRF token."""
    if token:
        form = {"csrf_token": csrf_of(client.get("/login").get_data(as_text=True)), **form}
    return client.post(path, data=form, content_type="multipart/form-data")


def test_the_matrix_names_every_route_of_the_app(world):
    served = {
        (rule.endpoint, method)
        for rule in world.app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served == set(ROUTES)


@pytest.mark.parametrize(("who", "key", "agency"), CASES)
def test_who_may_use_which_route_for_which_agency(world, who, key, agency):
    route = ROUTES[key]
    endpoint, method = key
    path = route.path.format(**(world.own if agency == "own" else world.other))
    client = world.client(who)
    form = route.form
    if endpoint == "auth.logout" and who is not None:
        client = logged_in(world.app, USERNAMES[who])[0]  # its session ends: not the module's
    if endpoint == "auth.login":
        form = {"username": USERNAMES.get(who, "vanthu"), "password": PASSWORD}
    answer = client.get(path) if method == "GET" else _post(client, path, form)
    expected = _expected(route, who, agency)
    if expected == "login":
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    else:
        assert answer.status_code == expected, answer.get_data(as_text=True)[:500]


# -- CSRF ---------------------------------------------------------------------------------


def _changes(world) -> dict[str, dict]:
    """For each POST route, a form that with its token would change something (checking a
    PDF changes nothing, but shows a report)."""
    pdf = cong_van(VPCP, number="901").pdf
    letter = {"number": "901", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Mới",
              "to": [HA_NOI.organ_id], "pdf": (io.BytesIO(pdf), "901.pdf")}  # fmt: skip
    seen = {"seen": world.seen}
    return {
        "auth.login": {"username": "vanthu", "password": PASSWORD},
        "auth.logout": {},
        "inbox.status": {"code": "03"},
        "inbox.verify": {"pdf": (io.BytesIO(pdf), "x.pdf")},
        "compose.create": letter,
        "compose.personal": {**seen, "key_password": KEY_PASSWORD},
        "compose.upload": {**seen, "pdf": (io.BytesIO(pdf), "signed.pdf")},
        "compose.organisation": seen,
        "compose.send": {**seen, "confirm": "1"},
        "compose.delete": {},
        "admin.new_user": {"username": "moi", "password": PASSWORD, "role": "clerk"},
        "admin.change_role": {"role": "admin"},
        "admin.set_active": {"active": "0"},
        "admin.set_password": {"password": "mat-khau-moi-dai"},
        "admin.set_full_name": {"full_name": "Tên Mới"},
        "admin.keep_key": {
            "key_password": KEY_PASSWORD,
            "pkcs12": (io.BytesIO(world.p12), "a.p12"),
            "image": (io.BytesIO(signature_image(VPCP.leader)), "b.png"),
        },
        "admin.add_trust": {"certificate": (io.BytesIO(world.spare_ca), "ca.pem")},
        "admin.remove_trust": {},
        "admin.choose": {"name": "strict"},
        "inbox.retry_delivery": {},
        "admin.retry_undeliverable": {},
    }


def _database(node) -> dict[str, list]:
    """Every row of every table: what a refused request must leave as it was."""
    with node.sessions() as session:
        return {
            table.name: sorted(map(repr, session.execute(table.select()).all()))
            for table in Base.metadata.sorted_tables
        }


POSTS = [key for key, route in ROUTES.items() if key[1] == "POST" and route.who != TOKEN]


@pytest.mark.parametrize("key", POSTS, ids=[f"POST {ROUTES[k].path}" for k in POSTS])
def test_a_change_without_its_csrf_token_is_refused_and_changes_nothing(world, key):
    endpoint, _ = key
    route = ROUTES[key]
    who = None if route.who == PUBLIC else route.who[0]
    client = logged_in(world.app, USERNAMES[who])[0] if who else world.app.test_client()
    things = {"document": world.own["document"], "draft": world.open_draft,
              "user": world.leader, "anchor": world.kept_anchor, "sent": world.own["sent"],
              "delivery": world.own["delivery"]}  # fmt: skip
    before = _database(world.node)
    answer = _post(client, route.path.format(**things), _changes(world)[endpoint], token=False)
    if who is None:  # a stale login form: the login page again, saying why
        assert answer.status_code == 303 and answer.headers["Location"].endswith("/login")
    else:
        assert answer.status_code == 400 and "CSRF" in answer.get_data(as_text=True)
    assert _database(world.node) == before
    still = client.get("/").status_code
    assert still == (302 if who is None else 200)  # not logged in, nor out


def test_a_csrf_token_of_another_session_is_refused(world):
    mine, _ = logged_in(world.app, "vanthu")
    theirs, _ = logged_in(world.app, "vanthu")
    token = csrf_of(theirs.get("/").get_data(as_text=True))
    path = f"/documents/{world.own['document']}/status"
    answer = mine.post(path, data={"csrf_token": token, "code": "03"})
    assert answer.status_code == 400


def test_the_node_api_takes_no_csrf_token_but_its_own(world, envelope):
    client = world.client(ADMIN)  # a session, even an admin's, is not the hub's token
    assert client.post("/api/v1/messages", data=envelope).status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.post("/api/v1/messages", data=envelope, headers=wrong).status_code == 401
    right = {"Authorization": "Bearer hub-token", "Content-Type": "application/xml"}
    answer = world.app.test_client().post("/api/v1/messages", data=envelope, headers=right)
    assert answer.status_code == 200 and answer.get_json()["created"] is False


# -- sessions -----------------------------------------------------------------------------


def _cookie(client) -> str:
    """The value of the session cookie of the client's inbox."""
    return client.get_cookie(client.application.config["SESSION_COOKIE_NAME"]).value


def _plant(client, value: str) -> None:
    """Put ``value`` in the client's browser as the session cookie of the client's inbox."""
    client.set_cookie(client.application.config["SESSION_COOKIE_NAME"], value)


def test_logging_in_makes_a_new_session_the_one_before_never_logs_in(inbox):
    app, _, _ = inbox
    client = app.test_client()
    token = csrf_of(client.get("/login").get_data(as_text=True))
    planted = _cookie(client)  # what an attacker could have set in the clerk's browser
    answer = client.post(
        "/login", data={"username": "vanthu", "password": PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302 and _cookie(client) != planted
    set_cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    attacker = app.test_client()
    _plant(attacker, planted)
    assert attacker.get("/").headers["Location"].startswith("/login")
    assert client.get("/").status_code == 200


def test_logging_out_ends_the_session(inbox):
    app, _, _ = inbox
    client, _ = logged_in(app)
    token = csrf_of(client.get("/").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


def test_a_session_cookie_taken_to_another_browser_or_address_logs_nobody_in(inbox):
    app, _, _ = inbox
    client, _ = logged_in(app)
    stolen = _cookie(client)
    for elsewhere in ({"HTTP_USER_AGENT": "another browser"}, {"REMOTE_ADDR": "203.0.113.9"}):
        thief = app.test_client()
        thief.environ_base.update(elsewhere)
        _plant(thief, stolen)
        assert thief.get("/").headers["Location"].startswith("/login"), elsewhere
    same = app.test_client()
    _plant(same, stolen)
    assert same.get("/").status_code == 200  # the same browser at the same address


def test_a_session_cookie_is_refused_once_too_old(inbox):
    app, _, _ = inbox
    assert app.permanent_session_lifetime == dt.timedelta(hours=12)
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(seconds=1)
    client, _ = logged_in(app)
    assert client.get("/").status_code == 200
    time.sleep(2.1)  # the cookie's time is in whole seconds
    assert client.get("/").headers["Location"].startswith("/login")


def test_another_agencys_account_is_not_logged_in_here_whatever_its_cookie(inbox):
    app, node, _ = inbox
    theirs = dataclasses.replace(node, organization=Organization(HA_NOI.organ_id, HA_NOI.name))
    hanoi_app = create_node_app(theirs, "hub-token", "secret-for-tests")  # one database, one key
    copy_of(node, inbox[2])
    client, answer = logged_in(hanoi_app, "hanoi")
    assert answer.status_code == 302 and "Thư riêng của Hà Nội" in client.get("/").get_data(
        as_text=True
    )
    here = app.test_client()
    _plant(here, _cookie(client))
    assert here.get("/").headers["Location"].startswith("/login")


def test_each_demo_inbox_keeps_its_own_sessions(office, tmp_path, pki):
    """The demo's inboxes share a host, so a browser sends each the others' cookies."""
    from edoc.demo_exchange import inboxes

    make = inboxes(pki, [VPCP, HA_NOI])
    url = f"sqlite:///{tmp_path / 'h26.sqlite'}"
    with agency_node(url, tmp_path / "h26", pki, HA_NOI) as hanoi:
        add_user(hanoi.sessions, "vanthu-h26", PASSWORD, HA_NOI.organ_id, CLERK, "Văn thư")
        client, answer = logged_in(make(hanoi, "hub-token"), "vanthu-h26")  # user 1 there
        assert answer.status_code == 302
        office_app = make(office, "hub-token")  # where user 1 is the Office's clerk
        carried = office_app.test_client()
        _plant(carried, _cookie(client))
        assert carried.get("/").headers["Location"].startswith("/login")


# -- guessing passwords -------------------------------------------------------------------


def test_guessing_from_one_address_is_slowed_down_whatever_the_names(inbox):
    app, _, _ = inbox
    paused: list[float] = []
    app.config["LOGIN_RULES"] = LoginRules(pause=paused.append)  # noted, not waited

    def attempt(username: str, password: str, address: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = csrf_of(client.get("/login").get_data(as_text=True))
        form = {"username": username, "password": password, "csrf_token": token}
        return client.post("/login", data=form).status_code

    names = ["an", "binh", "chi", "dung", "em"]
    assert [attempt(name, "sai", "198.51.100.7") for name in names] == [401] * 5
    assert paused == []
    assert attempt("giang", "sai", "198.51.100.7") == 401  # a sixth name: this address waits
    assert paused == [1.0]
    assert attempt("vanthu", PASSWORD, "198.51.100.7") == 302  # but nobody behind it is locked
    assert paused == [1.0, 2.0]
    spellings = [" VanThu", "VANTHU ", "vanthu", "Vanthu", "vAnthu"]  # one name, many ways
    answers = [attempt(name, "sai", f"192.0.2.{n}") for n, name in enumerate(spellings)]
    assert answers == [401] * 4 + [429]  # the fifth locks the account
    assert attempt("vanthu", PASSWORD, "192.0.2.99") == 429  # from anywhere


# -- what senders and users write is shown, never run ------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
LINK = "javascript:alert(1)"


def hostile(what: str) -> str:
    """A field's text as an attacker writes it, named so that the page shows which field."""
    return f"{what} {SCRIPT} {IMG} {LINK}"


def hostile_file(what: str, extension: str = ".pdf") -> str:
    """A file name as an attacker writes it (no / nor ", which browsers do not send)."""
    return f"{what} {IMG[2:]} {LINK}{extension}"


def _stranger():
    """A key and a self-made certificate whose names are script: (certificate, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, SCRIPT + IMG),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, IMG + LINK),
    ])  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return certificate, key


def _signed_by(certificate, key, pdf: bytes) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from signing.keys import SigningKey
    from signing.signer import signer_for

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(field_name="Stranger")
    signed = signers.sign_pdf(writer, metadata, signer=signer_for(SigningKey(certificate, key)))
    return signed.getvalue()


BEARER = {"Authorization": "Bearer hub-token", "Content-Type": "application/xml"}


@dataclass
class Hostile:
    """The Office's inbox full of script: a letter, its files, a returned letter's reason,
    users, a draft, a trust anchor, each named in ``hostile``."""

    app: object
    document: int
    annex: int
    draft: int
    stranger: bytes  # a PDF signed with the script-named certificate
    admin: object  # a client logged in as the admin (whose name is script too)


@pytest.fixture(scope="module")
def scripted(tmp_path_factory, pki, envelope):
    from edoc.envelope.build import build
    from edoc.envelope.model import Attachment, DocumentCode, SignerInfo, StatusCode
    from edoc.envelope.parse import parse
    from edoc.exchange.records import answer
    from edoc.exchange.send import send_envelope

    root = tmp_path_factory.mktemp("scripted")
    with agency_node(f"sqlite:///{root / 'edoc.sqlite'}", root, pki) as node:
        add_user(node.sessions, "quantri", PASSWORD, VPCP.organ_id, ADMIN, hostile("admin"))
        add_user(node.sessions, IMG, PASSWORD, VPCP.organ_id, CLERK, hostile("clerk"))
        app = create_node_app(node, "hub-token", "secret-for-tests")
        certificate, key = _stranger()
        stranger = _signed_by(certificate, key, cong_van(HA_NOI).pdf)
        letter = dataclasses.replace(
            parse(envelope).message, document_id="scripted-1",
            sender=Organization(HA_NOI.organ_id, hostile("sender")),
            code=DocumentCode("1235", hostile("notation")), subject=hostile("subject"),
            signer=SignerInfo(full_name=hostile("signer")),
            attachments=[
                Attachment("main", hostile_file("main"), "application/pdf", stranger),
                Attachment("annex", hostile_file("annex", ".html"), "text/html", SCRIPT.encode(),
                           hostile("description")),
            ],
        )  # fmt: skip
        api = app.test_client()
        document = api.post("/api/v1/messages", data=build(letter), headers=BEARER).get_json()
        sent = dataclasses.replace(
            parse(envelope).message, sender=Organization(VPCP.organ_id, VPCP.name),
            recipients=[Organization(HA_NOI.organ_id, HA_NOI.name)], document_id="g22-sent-1",
            subject=hostile("sent subject"),
        )  # fmt: skip
        sent_pk = send_envelope(node, build(sent)).document_pk
        with node.sessions() as session:
            returned = answer(
                Organization(HA_NOI.organ_id, hostile("returner")),
                session.get(Document, sent_pk), StatusCode.RETURNED,
                dt.datetime.now(dt.UTC), hostile("reason"), hostile("staff"),
            )  # fmt: skip
        assert api.post("/api/v1/messages", data=returned, headers=BEARER).status_code == 200
        admin, _ = logged_in(app, "quantri")
        made = _post(admin, "/compose", {
            "number": "55", "notation": "VPCP-KSTT", "date": "2026-11-23",
            "subject": hostile("draft subject"), "to": [HA_NOI.organ_id],
            "pdf": (io.BytesIO(cong_van(VPCP).pdf), hostile_file("draft main")),
            "attachments": [(io.BytesIO(b"annex"), hostile_file("draft annex"))],
        })  # fmt: skip
        anchor = _post(
            admin, "/admin/trust", {"certificate": (io.BytesIO(_pem(certificate)), "x.pem")}
        )
        assert made.status_code == 303 and anchor.status_code == 303
        with node.sessions() as session:
            annex = session.get(Document, document["document"]).attachments[1].id
        yield Hostile(
            app, document["document"], annex, int(made.headers["Location"].rsplit("/", 1)[1]),
            stranger, admin,
        )  # fmt: skip


def _harmless(answer) -> "lxml.html.HtmlElement":
    """The page of ``answer``, asserting it runs nothing: no image, no event handler, no
    javascript: link, no script and no style but the inbox's own (its CSP's nonce)."""
    html = answer.get_data(as_text=True)
    page = lxml.html.fromstring(html)
    assert SCRIPT not in html and "<img" not in html
    assert not page.xpath("//img | //object | //embed | //@style")
    assert not [a for a in page.xpath("//@*") if a.attrname.lower().startswith("on")]
    links = page.xpath("//@href | //@src | //@action | //@formaction")
    assert not [link for link in links if link.strip().lower().startswith("javascript")]
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "unsafe" not in policy
    assert "frame-ancestors 'self'" in policy and answer.headers["X-Frame-Options"] == "SAMEORIGIN"
    nonces = {element.get("nonce") for element in page.xpath("//style | //script")}
    assert nonces == {policy.split("'nonce-")[1].split("'")[0]}
    assert len(page.xpath("//script")) == 1  # the inbox's own: an upload's progress
    return page


#: Every page that shows what a sender or a user wrote, and which of it.
SHOWN = {
    "/": ("subject", "sender", "signer", "admin"),
    "/documents/{document}": ("subject", "sender", "signer", "main", "annex"),
    "/outbox": ("sent subject", "reason"),
    "/audit": ("admin",),
    "/audit/documents?figure=total": ("subject", "sender"),
    "/admin/users": ("admin", "clerk"),
    "/admin/trust": (),
    "/drafts": ("draft subject",),
    "/drafts/{draft}": ("draft subject", "draft main", "draft annex"),
    "/verify": ("admin",),
}
NAMES = {"main": ".pdf", "annex": ".html", "draft main": ".pdf", "draft annex": ".pdf"}


@pytest.mark.parametrize("path", SHOWN)
def test_what_senders_and_users_write_is_shown_as_text_never_run(scripted, path):
    answer = scripted.admin.get(path.format(document=scripted.document, draft=scripted.draft))
    assert answer.status_code == 200
    text = _harmless(answer).text_content()
    for what in SHOWN[path]:
        assert (hostile_file(what, NAMES[what]) if what in NAMES else hostile(what)) in text, what


def test_a_signers_certificate_and_an_uploaded_name_are_shown_as_text(scripted):
    page = _harmless(scripted.admin.get(f"/documents/{scripted.document}")).text_content()
    assert SCRIPT + IMG in page and IMG + LINK in page  # the certificate's CN and O
    checked = _post(
        scripted.admin, "/verify", {"pdf": (io.BytesIO(scripted.stranger), hostile_file("checked"))}
    )
    page = _harmless(checked).text_content()
    assert hostile_file("checked") in page and SCRIPT + IMG in page
    trust = _harmless(scripted.admin.get("/admin/trust")).text_content()
    assert r"CN=\<script\>alert(1)\</script\>" in trust  # RFC 4514 escapes it too


def test_messages_that_repeat_what_was_typed_are_text(scripted):
    again = _post(
        scripted.admin, "/admin/users", {"username": IMG, "password": PASSWORD, "role": "clerk"}
    )
    page = _harmless(scripted.admin.get(again.headers["Location"])).text_content()
    assert f"Tên đăng nhập đã có: {IMG}" in page


def test_a_file_a_sender_calls_html_is_downloaded_in_a_sandbox(scripted):
    answer = scripted.admin.get(f"/documents/{scripted.document}/files/{scripted.annex}")
    assert answer.data == SCRIPT.encode()
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["Content-Security-Policy"].startswith("sandbox")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("referrer", [LINK, "https://evil.example/inbox", "//evil.example/"])
def test_going_back_never_leaves_the_inbox(world, referrer):
    app = world.app
    answer = app.test_client().get("/lang/en", headers={"Referer": referrer})
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    back = app.test_client().get("/lang/en", headers={"Referer": "http://localhost/verify"})
    assert back.headers["Location"] == "http://localhost/verify"


# -- filters stay filters -----------------------------------------------------------------

#: What people (or scripts) type into a filter to get more than it gives.
TYPED = ["' OR 1=1 --", "%", "_", "\\", "'", '"', '1" OR "1"="1', "%' --", "a" * 10_000,
         "Ω' UNION SELECT password_hash FROM users --"]  # fmt: skip
#: The same in a query string, and bytes that are no UTF-8 at all.
QUERIES = [quote(text, safe="") for text in TYPED] + ["%ff%fe", "%C0%AE%C0%AE"]
INBOX_FILTERS = ("q", "status", "sender", "since", "until", "urgent", "compliant", "sort", "page")
AUDIT_FILTERS = ("period", "start", "end", "direction")


@pytest.fixture
def filtered(new_database, tmp_path, pki, envelope):
    """An inbox on each database with two letters of its own, one of them urgent and one
    with a % in its subject, and one kept for Hà Nội; a clerk and an auditor."""
    with agency_node(new_database("filters"), tmp_path, pki) as node:
        add_user(node.sessions, "vanthu", PASSWORD, VPCP.organ_id, CLERK, "Văn thư")
        add_user(node.sessions, "kiemtoan", PASSWORD, VPCP.organ_id, AUDITOR, "Kiểm toán")
        letter = receive_envelope(node, envelope).document_pk
        copy_of(node, letter, owner_organ_id=VPCP.organ_id, document_id="percent",
                subject="Tỷ lệ ký số đạt 100%")  # fmt: skip
        copy_of(node, letter)
        with node.sessions() as session:
            own = session.scalars(select(Document).where(Document.owner_organ_id == VPCP.organ_id))
            fields = [(d.subject, d.number, d.notation) for d in own]
        yield create_node_app(node, "hub-token", "secret-for-tests"), fields


def _honest(name: str, text: str, fields: list[tuple[str, str, str]]) -> int:
    """How many of the inbox's letters a filter gives for ``text`` taken as typed."""
    text = text.strip()
    if name == "q":
        return sum(any(text.lower() in f.lower() for f in letter) for letter in fields)
    if name in ("status", "sender"):
        return 0  # no letter has such a status or sender
    if name == "urgent":
        return 1
    return len(fields)  # no date, no yes/no, no known order, no page number: not a filter


def _listed(client, url: str, row: str = "document") -> tuple[int, int]:
    """The status of ``url`` and how many rows (of class ``row``) its page lists."""
    answer = client.get(url)
    return answer.status_code, answer.get_data(as_text=True).count(f'class="{row}"')


def test_filters_give_what_they_say_whatever_is_typed(filtered):
    app, fields = filtered
    clerk, _ = logged_in(app)
    auditor, _ = logged_in(app, "kiemtoan")
    wrong = []
    for name in INBOX_FILTERS:
        for query in QUERIES:
            honest = (200, _honest(name, unquote(query, errors="replace"), fields))
            if (got := _listed(clerk, f"/?{name}={query}")) != honest:
                wrong.append((name, query[:40], got, honest))
        if (got := _listed(clerk, f"/?{name}=a%00b")) != (400, 0):
            wrong.append((name, "NUL", got))
    for page, honest in (("99999999999999999999", (200, 0)), ("-5", (200, len(fields)))):
        if (got := _listed(clerk, f"/?page={page}")) != honest:  # past the end: none
            wrong.append(("page", page, got, honest))
    _, listed = _listed(auditor, "/audit/documents?figure=total", "listed")
    for name in (*AUDIT_FILTERS, "figure", "label"):
        for query in (*QUERIES, "a%00b"):
            page, _ = _listed(auditor, f"/audit?{name}={query}")
            got = _listed(auditor, f"/audit/documents?figure=total&{name}={query}", "listed")
            if page not in (200, 400) or got[0] not in (200, 400) or got[1] > listed:
                wrong.append((name, query[:40], page, got, listed))
    assert wrong == []
    assert listed == 1  # the letter received (the copies made in the database are not audited)


# -- names stay names ---------------------------------------------------------------------

#: File names as given, and as kept and served: the last part of a path, no control or
#: direction-changing characters, something left.
GIVEN_NAMES = {
    "../../etc/passwd": "passwd",
    "..\\..\\boot.ini": "boot.ini",
    "/etc/cron.d/job": "job",
    "C:\\Windows\\win.ini": "win.ini",
    "\u202egpj.exe": "gpj.exe",  # reads as exe.jpg
    "thư\u200b mời\t.txt": "thư mời.txt",
    "..": "file",
}
#: Those a browser can send (a multipart header reads \ as an escape: it never arrives).
UPLOADED_NAMES = {given: kept for given, kept in GIVEN_NAMES.items() if "\\" not in given}


def _files(root) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _only_blobs(root, before: dict[str, bytes]) -> None:
    """Nothing was written under ``root`` but the database and files named by their SHA-256
    in the blob store."""
    import hashlib

    for path, data in _files(root).items():
        if path in before or path.startswith("edoc.sqlite"):
            continue
        digest = hashlib.sha256(data).hexdigest()
        assert path == f"blobs/{digest[:2]}/{digest[2:4]}/{digest}", path


def _served_name(answer) -> str:
    disposition = answer.headers["Content-Disposition"]
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert not {"/", "\\", ";", " ", '"'} & set(encoded)
    return unquote(encoded)


def test_uploaded_names_are_kept_and_served_as_plain_names(inbox, tmp_path):
    from edoc.exchange.drafts import find_draft

    app, node, _ = inbox
    before = _files(tmp_path)
    clerk, _ = logged_in(app)
    made = _post(clerk, "/compose", {
        "number": "88", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Tên tệp",
        "to": [HA_NOI.organ_id], "pdf": (io.BytesIO(cong_van(VPCP).pdf), "../../x.pdf"),
        "attachments": [(io.BytesIO(given.encode()), given) for given in UPLOADED_NAMES],
    })  # fmt: skip
    assert made.status_code == 303, made.get_data(as_text=True)
    draft = find_draft(node, int(made.headers["Location"].rsplit("/", 1)[1]))
    assert draft.main_name == "x.pdf"
    assert [a["name"] for a in draft.attachments] == list(UPLOADED_NAMES.values())
    for index, name in enumerate(["x.pdf", *UPLOADED_NAMES.values()]):
        assert _served_name(clerk.get(f"/drafts/{draft.id}/files/{index}")) == name
    checked = _post(clerk, "/verify", {"pdf": (io.BytesIO(cong_van(VPCP).pdf), "../../a.pdf")})
    assert "<h2>a.pdf</h2>" in checked.get_data(as_text=True)
    _only_blobs(tmp_path, before)


def test_names_a_sender_gives_are_served_as_plain_names(inbox, envelope, tmp_path):
    from edoc.envelope.build import build
    from edoc.envelope.model import Attachment
    from edoc.envelope.parse import parse

    app, node, _ = inbox
    before = _files(tmp_path)
    letter = dataclasses.replace(
        parse(envelope).message, document_id="names-1",
        attachments=[Attachment(f"a{n}", given, "text/plain", given.encode())
                     for n, given in enumerate(GIVEN_NAMES)],
    )  # fmt: skip
    answer = app.test_client().post("/api/v1/messages", data=build(letter), headers=BEARER)
    assert answer.status_code == 200, answer.get_json()
    document = answer.get_json()["document"]
    clerk, _ = logged_in(app)
    with node.sessions() as session:
        stored = session.get(Document, document).attachments
        files = [(a.id, a.name) for a in stored]
    assert [name for _, name in files] == [name.strip() for name in GIVEN_NAMES]  # as sent
    served = [_served_name(clerk.get(f"/documents/{document}/files/{pk}")) for pk, _ in files]
    assert served == list(GIVEN_NAMES.values())
    _only_blobs(tmp_path, before)


def test_a_name_too_long_or_with_a_nul_is_refused_clearly(inbox):
    app, node, _ = inbox
    clerk, _ = logged_in(app)
    letter = {"number": "89", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Dài",
              "to": [HA_NOI.organ_id]}  # fmt: skip
    pdf = cong_van(VPCP).pdf
    long = _post(clerk, "/compose", {**letter, "pdf": (io.BytesIO(pdf), "x" * 500 + ".pdf")})
    assert "Tên tệp dài quá" in clerk.get(long.headers["Location"]).get_data(as_text=True)
    nul = _post(clerk, "/compose", {**letter, "pdf": (io.BytesIO(pdf), "a\x00.pdf")})
    assert nul.status_code == 400 and "NUL" in nul.get_data(as_text=True)
    with node.sessions() as session:
        assert session.scalars(select(Draft)).all() == []


# -- bodies and files of the wrong kind ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"document": 1}', "application/json", 415),
        (b"document=1&x=2", "application/x-www-form-urlencoded", 415),
        (b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--\r\n",
         "multipart/form-data; boundary=x", 415),
        (b"edXML", "text/plain", 415),
        (b"", "application/xml", 422),
        (b"", None, 422),
        (b"this is no XML", "application/xml", 422),
        (b"<?xml version='1.0'?><html><script/></html>", "text/xml", 422),
        (b"\xff\xfe\x00<\x00e\x00", None, 422),
        (b"<edXML xmlns='http://www.mic.gov.vn/TBT/QCVN_102_2016'/>", "application/xml", 422),
    ],
    ids=["json", "form", "multipart", "text", "empty", "empty-untyped", "not-xml", "html",
         "utf-16-garbage", "empty-envelope"],
)  # fmt: skip
def test_the_node_api_refuses_what_is_no_envelope_clearly_in_both_languages(
    world, body, content_type, status
):
    headers = {"Authorization": "Bearer hub-token"}
    if content_type:
        headers["Content-Type"] = content_type
    answer = world.app.test_client().post(PATH, data=body, headers=headers)
    assert answer.status_code == status and answer.is_json
    vi, en = answer.get_json()["error"]["message_vi"], answer.get_json()["error"]["message_en"]
    assert vi and en and vi != en
    del headers["Authorization"]  # without its token, it is not even looked at
    assert world.app.test_client().post(PATH, data=body, headers=headers).status_code == 401


def _flashed(client, answer) -> str:
    """The message the page ``answer`` leads to shows."""
    return client.get(answer.headers["Location"]).get_data(as_text=True)


def test_a_file_that_is_no_pdf_where_a_pdf_is_needed_is_said_on_the_page(world):
    from fixtures.images import seal_image as png

    clerk = world.client(CLERK)
    letter = {"number": "90", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Ảnh",
              "to": [HA_NOI.organ_id]}  # fmt: skip
    image = png(VPCP)
    made = _post(clerk, "/compose", {**letter, "pdf": (io.BytesIO(image), "con-dau.pdf")})
    assert "«con-dau.pdf» không phải tệp PDF" in _flashed(clerk, made)
    broken = _post(clerk, "/compose", {**letter, "pdf": (io.BytesIO(b"%PDF-1.7 no"), "x.pdf")})
    told = _flashed(clerk, broken)
    assert "Không đọc được tệp PDF: tệp bị hỏng" in told  # in words: no reader's exception
    assert "&lt;bytes&gt;" not in told and "malformed" not in told
    replaced = _post(clerk, f"/drafts/{world.open_draft}/pdf",
                     {"seen": world.seen, "pdf": (io.BytesIO(image), "da-ky.pdf")})  # fmt: skip
    assert "Tệp tải lên không phải PDF" in _flashed(clerk, replaced)
    checked = _post(clerk, "/verify", {"pdf": (io.BytesIO(b"%PDF-1.7 no"), "x.pdf")})
    assert checked.status_code == 422 and "Không đọc được tệp PDF" in checked.get_data(as_text=True)
    assert "&lt;bytes&gt;" not in checked.get_data(as_text=True)


def test_a_form_upload_over_the_limit_is_said_on_the_page(inbox):
    app, node, _ = inbox
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    clerk, _ = logged_in(app)
    big = {"number": "91", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Lớn",
           "to": [HA_NOI.organ_id], "pdf": (io.BytesIO(b"%PDF" + b"0" * 20_000), "lon.pdf"),
           "csrf_token": csrf_of(clerk.get("/compose").get_data(as_text=True))}  # fmt: skip
    back = {"Referer": "http://localhost/compose"}
    answer = clerk.post("/compose", data=big, content_type="multipart/form-data", headers=back)
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/compose")
    assert "Tệp tải lên quá" in clerk.get("/compose").get_data(as_text=True)
    with node.sessions() as session:
        assert session.scalars(select(Draft)).all() == []


# -- PDFs that carry scripts --------------------------------------------------------------


@pytest.fixture(scope="module")
def scripted_pdf(pki) -> bytes:
    from tests.test_active import signed_with_script

    return signed_with_script(pki)


def _flagged(page: str) -> str:
    """The text of the page's flag on a file carrying scripts (one), asserting the page
    shows no file in a frame."""
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//iframe")
    (flag,) = tree.xpath("//*[contains(@class, 'active_content')]")
    return flag.text_content()


def _downloaded(answer, pdf: bytes) -> None:
    assert answer.data == pdf and answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["Content-Security-Policy"].startswith("sandbox")


def test_a_letter_carrying_scripts_is_kept_flagged_and_never_opened_in_the_browser(
    inbox, scripted_pdf
):
    from tests.test_audit_web import letter_envelope

    app, node, letter = inbox
    envelope = letter_envelope(scripted_pdf, "1236", "Thư có mã chạy")
    answer = app.test_client().post(PATH, data=envelope, headers=BEARER)
    assert answer.status_code == 200, answer.get_json()
    document = answer.get_json()["document"]
    with node.sessions() as session:
        (attachment,) = session.get(Document, document).attachments
        report, file = attachment.report.report, f"/documents/{document}/files/{attachment.id}"
    assert report["verdict"] == "compliant"  # accepted as the document it is
    (note,) = report["notes"]
    assert note["kind"] == "active_content" and "/OpenAction /JavaScript" in note["found"]
    clerk, _ = logged_in(app)
    page = clerk.get(f"/documents/{document}").get_data(as_text=True)
    assert "trình đọc PDF sẽ tự chạy" in _flagged(page) and f'href="{file}"' in page
    _downloaded(clerk.get(file), scripted_pdf)
    clerk.get("/lang/en")
    assert "a PDF viewer would run" in _flagged(
        clerk.get(f"/documents/{document}").get_data(as_text=True)
    )
    plain = lxml.html.fromstring(clerk.get(f"/documents/{letter}").get_data(as_text=True))
    (frame,) = plain.xpath("//iframe/@src")  # a letter without scripts is shown
    assert clerk.get(frame).headers["Content-Disposition"].startswith("inline;")
    assert clerk.get(frame).headers["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_a_draft_or_a_checked_pdf_carrying_scripts_is_flagged_too(inbox, scripted_pdf):
    app, _, _ = inbox
    clerk, _ = logged_in(app)
    made = _post(clerk, "/compose", {
        "number": "92", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Có mã",
        "to": [HA_NOI.organ_id], "pdf": (io.BytesIO(scripted_pdf), "co-ma.pdf"),
    })  # fmt: skip
    assert "JavaScript" in _flagged(clerk.get(made.headers["Location"]).get_data(as_text=True))
    _downloaded(clerk.get(made.headers["Location"] + "/files/0"), scripted_pdf)
    checked = _post(clerk, "/verify", {"pdf": (io.BytesIO(scripted_pdf), "co-ma.pdf")})
    assert "JavaScript" in _flagged(checked.get_data(as_text=True))


def test_a_media_type_that_would_split_the_header_is_served_as_bytes(inbox, envelope):
    from edoc.envelope.build import build
    from edoc.envelope.model import Attachment
    from edoc.envelope.parse import parse

    app, node, _ = inbox
    split = "text/html\nSet-Cookie: session=stolen"
    letter = dataclasses.replace(
        parse(envelope).message, document_id="split-1",
        attachments=[Attachment("a", "a.html", split, SCRIPT.encode())],
    )  # fmt: skip
    document = app.test_client().post(PATH, data=build(letter), headers=BEARER).get_json()
    with node.sessions() as session:
        (attachment,) = session.get(Document, document["document"]).attachments
    clerk, _ = logged_in(app)
    answer = clerk.get(f"/documents/{document['document']}/files/{attachment.id}")
    assert answer.status_code == 200 and "stolen" not in str(answer.headers)
    assert answer.headers["Content-Type"] == "application/octet-stream"


def test_a_sender_s_file_name_with_a_line_break_sets_no_header(inbox, envelope, tmp_path):
    """A name an envelope may carry (``&#13;&#10;`` is legal XML), made to add a header to
    the download: the file downloads under its name without the break, with no such
    header, and its page shows it; nothing is written outside the store."""
    from edoc.envelope.build import build
    from edoc.envelope.model import Attachment
    from edoc.envelope.parse import parse

    app, node, _ = inbox
    before = _files(tmp_path)
    given = "báo cáo.txt\r\nSet-Cookie: session=x\r\n\r\n../../evil"
    letter = dataclasses.replace(
        parse(envelope).message, document_id="names-2",
        attachments=[Attachment("a0", given, "text/plain", b"data")],
    )  # fmt: skip
    answer = app.test_client().post("/api/v1/messages", data=build(letter), headers=BEARER)
    assert answer.status_code == 200, answer.get_json()
    document = answer.get_json()["document"]
    clerk, _ = logged_in(app)
    with node.sessions() as session:
        (attachment,) = session.get(Document, document).attachments
        number = attachment.id
    download = clerk.get(f"/documents/{document}/files/{number}")
    assert download.status_code == 200 and download.data == b"data"
    assert "Set-Cookie" not in download.headers
    assert _served_name(download) == "evil"
    assert clerk.get(f"/documents/{document}").status_code == 200
    _only_blobs(tmp_path, before)
