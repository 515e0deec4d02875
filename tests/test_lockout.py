"""Wrong passwords lock the account, not the office: the account is locked for a while
(kept in the database, on SQLite and PostgreSQL), the user is told until when, an admin can
unlock it; the address is only slowed down, and behind a trusted reverse proxy the address
is the client's. Nothing here waits in real time: the tests give the clock and the pause."""

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from edoc.accounts import add_user
from edoc.storage.models import User, UserRole
from fixtures.agencies import VPCP
from tests.support.nodes import PASSWORD, agency_node
from tests.support.web import csrf_of
from web.app import create_node_app
from web.lockout import LoginRules
from web.proxies import trust_proxies
from web.wsgi import options_from

START = dt.datetime(2026, 12, 5, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội


@dataclasses.dataclass
class Office:
    """An agency's node with a clerk and an admin, and what makes its inbox: its clock can
    be moved on, and the pauses asked of the login are noted rather than waited."""

    node: object
    now: list[dt.datetime]
    paused: list[float]

    def app(self):
        app = create_node_app(self.node, "hub-token", "secret-for-tests")
        app.config["LOGIN_RULES"] = LoginRules(clock=lambda: self.now[-1], pause=self.paused.append)
        return app


@pytest.fixture
def office(database_url, tmp_path, pki):
    with agency_node(database_url, tmp_path, pki) as node:
        add_user(node.sessions, "vanthu", PASSWORD, VPCP.organ_id, UserRole.CLERK, "Nguyễn Văn Thư")
        add_user(node.sessions, "quantri", PASSWORD, VPCP.organ_id, UserRole.ADMIN, "Quản Trị")
        yield Office(node, [START], [])


def attempt(app, username: str, password: str, address: str = "127.0.0.1", **headers):
    """A login as a browser makes it: the answer, and the client (logged in or not)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    token = csrf_of(client.get("/login").get_data(as_text=True))
    form = {"username": username, "password": password, "csrf_token": token}
    return client.post("/login", data=form, headers=headers), client


def _page(client, answer) -> str:
    return answer.get_data(as_text=True)


def test_wrong_passwords_lock_the_account_until_a_time_the_user_is_told(office):
    app = office.app()
    codes = [attempt(app, "vanthu", f"sai-{n}")[0].status_code for n in range(4)]
    assert codes == [401] * 4
    locking, _ = attempt(app, "vanthu", "sai-5")
    assert locking.status_code == 429
    told = "Tài khoản đang tạm khóa vì nhập sai mật khẩu nhiều lần liền, đến 05/12/2026 08:15"
    assert told in locking.get_data(as_text=True)
    right, _ = attempt(office.app(), "vanthu", PASSWORD)  # another process, or a restart
    assert right.status_code == 429 and told in right.get_data(as_text=True)
    office.now.append(START + dt.timedelta(minutes=15, seconds=1))
    assert attempt(app, "vanthu", PASSWORD)[0].status_code == 302
    assert [attempt(app, "vanthu", "sai")[0].status_code for _ in range(4)] == [401] * 4
    assert attempt(app, "vanthu", PASSWORD)[0].status_code == 302  # a login forgives
    assert [attempt(app, "vanthu", "sai")[0].status_code for _ in range(4)] == [401] * 4
    office.now.append(office.now[-1] + dt.timedelta(minutes=16))  # a quiet while: forgiven
    assert attempt(app, "vanthu", "sai")[0].status_code == 401  # the first of a new count


def test_the_lock_is_said_in_english_to_an_english_reader(office):
    app = office.app()
    for n in range(5):
        attempt(app, "vanthu", f"sai-{n}")
    client = app.test_client()
    client.get("/lang/en")
    token = csrf_of(client.get("/login").get_data(as_text=True))
    form = {"username": "vanthu", "password": PASSWORD, "csrf_token": token}
    page = client.post("/login", data=form).get_data(as_text=True)
    assert "This account is locked after too many wrong passwords in a row, until" in page
    assert "05/12/2026 08:15 (Vietnam time)" in page


def test_guessing_one_account_locks_no_other_account_behind_the_same_address(office):
    app = office.app()
    for n in range(8):
        attempt(app, "vanthu", f"sai-{n}", "198.51.100.7")
    assert office.paused and all(seconds > 0 for seconds in office.paused)  # slowed down
    colleague, client = attempt(app, "quantri", PASSWORD, "198.51.100.7")
    assert colleague.status_code == 302 and client.get("/").status_code == 200


def test_an_admin_sees_until_when_an_account_is_locked_and_unlocks_it(office):
    app = office.app()
    for n in range(5):
        attempt(app, "vanthu", f"sai-{n}")
    _, admin = attempt(app, "quantri", PASSWORD)
    users = admin.get("/admin/users").get_data(as_text=True)
    assert "Tạm khóa (sai mật khẩu) đến 05/12/2026 08:15" in users
    token = csrf_of(users)
    clerk_pk = _user_pk(office.node, "vanthu")
    answer = admin.post(
        f"/admin/users/{clerk_pk}/active", data={"csrf_token": token, "active": "1"}
    )
    assert answer.status_code == 303
    said = admin.get("/admin/users").get_data(as_text=True)
    assert "Đã cập nhật người dùng vanthu: đã gỡ khóa do nhập sai mật khẩu." in said
    assert "Tạm khóa (sai mật khẩu)" not in said
    assert attempt(app, "vanthu", PASSWORD)[0].status_code == 302


def _user_pk(node, username: str) -> int:
    with node.sessions() as session:
        return session.scalar(select(User.id).where(User.username == username))


def test_behind_a_trusted_proxy_the_address_is_the_clients(office):
    """The proxy at 10.0.0.1 passes on who the clients are; only the guessing one waits."""
    behind = trust_proxies(office.app(), 1)
    for n in range(6):
        attempt(behind, "ai-do", f"sai-{n}", "10.0.0.1", **{"X-Forwarded-For": "203.0.113.5"})
    office.paused.clear()
    attempt(behind, "quantri", PASSWORD, "10.0.0.1", **{"X-Forwarded-For": "203.0.113.6"})
    assert office.paused == []  # a colleague at another address waits for nothing
    attempt(behind, "ai-do", "sai", "10.0.0.1", **{"X-Forwarded-For": "203.0.113.5"})
    assert office.paused and office.paused[0] > 0


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(office):
    app = office.app()
    for n in range(6):
        attempt(app, "ai-do", f"sai-{n}", "192.0.2.1", **{"X-Forwarded-For": f"203.0.113.{n}"})
    office.paused.clear()
    attempt(app, "ai-do", "sai", "192.0.2.1", **{"X-Forwarded-For": "203.0.113.99"})
    assert office.paused and office.paused[0] > 0  # still the one address that keeps failing


def test_the_number_of_trusted_proxies_is_read_from_the_environment():
    assert options_from({"EDOC_TRUSTED_PROXIES": "2"}).trusted_proxies == 2
    assert options_from({}).trusted_proxies == 0
