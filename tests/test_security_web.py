"""The inbox and the node API against hostile users: who may use which route for which
agency's things, CSRF on every change, sessions that cannot be fixed, replayed or carried to
another agency, guessing slowed down."""

import dataclasses
import datetime as dt
import io
import time
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from edoc.envelope.model import Organization
from edoc.exchange.configuration import add_anchor
from edoc.exchange.drafts import DraftFile, DraftHeader, create_draft, send_draft
from edoc.exchange.receive import receive_envelope
from edoc.storage.models import Base, Document, User, UserRole
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from fixtures.export import pkcs12_bytes
from fixtures.images import seal_image, signature_image
from signing.pades import sign_personal
from signing.position import Anchor
from tests.conftest import PASSWORD, agency_node
from tests.test_signing import key_of
from tests.test_web import KEY_PASSWORD, copy_of, csrf_of, logged_in
from web.app import create_node_app
from web.compose import Stamp
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
    is about one of its own and one kept for Hà Nội in the same database."""

    app: object
    node: object
    own: dict[str, int]
    other: dict[str, int]
    open_draft: int
    seen: str  # the open draft's main PDF, as its page shows it
    leader: int
    p12: bytes  # the leader's key, under KEY_PASSWORD
    spare_ca: bytes  # a CA certificate not yet trusted, PEM
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
        letter = DraftFile("77.pdf", cong_van(VPCP).pdf)
        sent = create_draft(node, clerk, "x", _header("77", "Đã gửi"), [HA_NOI.organ_id], letter)
        send_draft(node, sent.id, seen=sent.main_sha256, who="x", confirmed=True)
        signed = sign_personal(letter.data, key_of(pki, VPCP.deputy.key), image,
                               Anchor(VPCP.deputy.full_name)).pdf  # fmt: skip
        opened = create_draft(
            node, clerk, "x", _header("78", "Chưa gửi"), [HA_NOI.organ_id],
            DraftFile("78.pdf", signed),
        )  # fmt: skip
        theirs = dataclasses.replace(node, organization=Organization(HA_NOI.organ_id, HA_NOI.name))
        foreign_draft = create_draft(
            theirs, hanoi.id, "x", _header("5", "Của Hà Nội"), [VPCP.organ_id],
            DraftFile("5.pdf", cong_van(HA_NOI).pdf),
        )  # fmt: skip
        issuer, spare = (credential.certificate for credential in list(pki.issuers())[:2])
        anchor = add_anchor(node.sessions, _pem(issuer), "ca.pem", "quantri")
        stamp = Stamp(key_of(pki, "g22-org"), seal_image(VPCP))
        yield World(
            create_node_app(node, "hub-token", "secret-for-tests", stamp), node,
            own={"document": document, "attachment": attachment, "draft": sent.id,
                 "user": target, "anchor": anchor.id},
            other={"document": foreign, "attachment": foreign_attachment,
                   "draft": foreign_draft.id, "user": hanoi.id},
            open_draft=opened.id, seen=opened.main_sha256, leader=leader, p12=p12,
            spare_ca=_pem(spare),
        )  # fmt: skip


def _pem(certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return certificate.public_bytes(serialization.Encoding.PEM)


# -- who may use which route ------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A route as the matrix sees it: its path (``{document}``… stand for a thing of the
    agency the case is about), who may use it, what they get, and a form that, for them,
    changes nothing (so that every case can run against the same inbox)."""

    path: str
    who: tuple[UserRole, ...] | str
    status: int
    form: dict = field(default_factory=dict)


UNCHANGED, ACTIVE = {"role": "clerk"}, {"active": "1"}  # the target user is an active clerk
UNCHANGED, ACTIVE = {"role": "clerk"}, {"active": "1"}  # the target user is an active clerk
#: Every route of the app (endpoint, method), checked against its url_map.
ROUTES = {
    ("inbox.login", "GET"): Route("/login", PUBLIC, 200),
    ("inbox.login", "POST"): Route("/login", PUBLIC, 302),  # the user's own name and password
    ("inbox.switch", "GET"): Route("/lang/vi", PUBLIC, 302),
    ("inbox.logout", "POST"): Route("/logout", EVERYONE, 302),
    ("inbox.documents", "GET"): Route("/", EVERYONE, 200),
    ("inbox.document", "GET"): Route("/documents/{document}", EVERYONE, 200),
    ("inbox.file", "GET"): Route("/documents/{document}/files/{attachment}", EVERYONE, 200),
    ("inbox.status", "POST"): Route("/documents/{document}/status", ACTORS, 303, {"code": ""}),
    ("inbox.outbox", "GET"): Route("/outbox", EVERYONE, 200),
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
    ("admin.users", "GET"): Route("/admin/users", (ADMIN,), 200),
    ("admin.new_user", "POST"): Route("/admin/users", (ADMIN,), 303, {"role": "clerk"}),
    ("admin.change_role", "POST"): Route("/admin/users/{user}/role", (ADMIN,), 303, UNCHANGED),
    ("admin.set_active", "POST"): Route("/admin/users/{user}/active", (ADMIN,), 303, ACTIVE),
    ("admin.set_password", "POST"): Route("/admin/users/{user}/password", (ADMIN,), 303),
    ("admin.keep_key", "POST"): Route("/admin/users/{user}/key", (ADMIN,), 303),
    ("admin.agencies", "GET"): Route("/admin/agencies", (ADMIN,), 200),
    ("admin.trust", "GET"): Route("/admin/trust", (ADMIN,), 200),
    ("admin.add_trust", "POST"): Route("/admin/trust", (ADMIN,), 303),
    ("admin.remove_trust", "POST"): Route("/admin/trust/{anchor}/delete", (ADMIN,), 303),
    ("admin.policy", "GET"): Route("/admin/policy", (ADMIN,), 200),
    ("admin.choose", "POST"): Route("/admin/policy", (ADMIN,), 303),  # no name: told so
    ("node.take", "POST"): Route("/api/v1/messages", TOKEN, 401),  # a session is no token
}
#: The things a route may be about, each either the agency's own or another's.
THINGS = ("document", "attachment", "draft", "user")


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
    if endpoint == "inbox.logout" and who is not None:
        client = logged_in(world.app, USERNAMES[who])[0]  # its session ends: not the module's
    if endpoint == "inbox.login":
        form = {"username": USERNAMES.get(who, "vanthu"), "password": PASSWORD}
    answer = client.get(path) if method == "GET" else _post(client, path, form)
    expected = _expected(route, who, agency)
    if expected == "login":
        assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    else:
        assert answer.status_code == expected, answer.get_data(as_text=True)[:500]


# -- CSRF ---------------------------------------------------------------------------------


def _changes(world) -> dict[str, dict]:
    """For each state-changing route, a form that with its token would change something."""
    pdf = cong_van(VPCP, number="901").pdf
    letter = {"number": "901", "notation": "VPCP-KSTT", "date": "2026-11-23", "subject": "Mới",
              "to": [HA_NOI.organ_id], "pdf": (io.BytesIO(pdf), "901.pdf")}  # fmt: skip
    seen = {"seen": world.seen}
    return {
        "inbox.login": {"username": "vanthu", "password": PASSWORD},
        "inbox.logout": {},
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
        "admin.keep_key": {
            "key_password": KEY_PASSWORD,
            "pkcs12": (io.BytesIO(world.p12), "a.p12"),
            "image": (io.BytesIO(signature_image(VPCP.leader)), "b.png"),
        },
        "admin.add_trust": {"certificate": (io.BytesIO(world.spare_ca), "ca.pem")},
        "admin.remove_trust": {},
        "admin.choose": {"name": "strict"},
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
    things = {**world.own, "draft": world.open_draft, "user": world.leader}
    before = _database(world.node)
    answer = _post(client, route.path.format(**things), _changes(world)[endpoint], token=False)
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
    return client.get_cookie("session").value


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
    attacker.set_cookie("session", planted)
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
        thief.set_cookie("session", stolen)
        assert thief.get("/").headers["Location"].startswith("/login"), elsewhere
    same = app.test_client()
    same.set_cookie("session", stolen)
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
    here.set_cookie("session", _cookie(client))
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
        carried.set_cookie("session", _cookie(client))
        assert carried.get("/").headers["Location"].startswith("/login")


# -- guessing passwords -------------------------------------------------------------------


def test_guessing_from_one_address_is_slowed_down_whatever_the_names(inbox):
    app, _, _ = inbox

    def attempt(username: str, password: str, address: str) -> int:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        token = csrf_of(client.get("/login").get_data(as_text=True))
        form = {"username": username, "password": password, "csrf_token": token}
        return client.post("/login", data=form).status_code

    names = ["an", "binh", "chi", "dung", "em"]
    assert [attempt(name, "sai", "198.51.100.7") for name in names] == [401] * 5
    assert attempt("giang", "sai", "198.51.100.7") == 429  # a sixth name: still this address
    assert attempt("vanthu", PASSWORD, "198.51.100.7") == 429
    assert attempt("vanthu", PASSWORD, "198.51.100.8") == 302  # the clerk, from elsewhere
    spellings = [" VanThu", "VANTHU ", "vanthu", "Vanthu", "vAnthu"]  # one name, many ways
    assert [attempt(name, "sai", f"192.0.2.{n}") for n, name in enumerate(spellings)] == [401] * 5
    assert attempt("vanthu", PASSWORD, "192.0.2.99") == 429
