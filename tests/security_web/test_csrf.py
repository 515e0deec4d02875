"""CSRF on every change of the inbox: a form without its token, or with another session's,
changes nothing; the node API takes no CSRF token but its own."""

import io

import pytest

from edoc.storage.models import (
    Base,
)
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from fixtures.images import signature_image
from tests.security_web.matrix import (
    ADMIN,
    PUBLIC,
    ROUTES,
    TOKEN,
    USERNAMES,
    post_form,
)
from tests.support.drafts import KEY_PASSWORD
from tests.support.nodes import PASSWORD
from tests.support.web import csrf_of, logged_in


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
    answer = post_form(client, route.path.format(**things), _changes(world)[endpoint], token=False)
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
