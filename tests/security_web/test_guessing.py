"""Guessing passwords is slowed down per address, whatever the names tried."""

from tests.support.nodes import PASSWORD
from tests.support.web import csrf_of
from web.lockout import LoginRules


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
