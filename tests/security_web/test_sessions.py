"""Sessions that cannot be fixed, replayed, carried to another browser or agency, or kept
past their lifetime."""

import dataclasses
import datetime as dt
import time

from edoc.accounts import add_user
from edoc.envelope.model import Organization
from fixtures.agencies import HA_NOI, VPCP
from tests.security_web.matrix import (
    CLERK,
)
from tests.support.nodes import PASSWORD, agency_node
from tests.support.web import copy_of, csrf_of, logged_in
from web.app import create_node_app


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
    from demo.exchange import inboxes

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
