"""What a person meets when a request cannot be done: the inbox's own page, in their
language, saying what happened and what to do, with a link back; the node API keeps its
JSON answers; a stale form after logging out leads to the login page with a message; every
page is kept out of caches."""

import io

import pytest
from werkzeug.exceptions import TooManyRequests

from tests.support.web import csrf_of, logged_in

#: What each error page says (heading, in Vietnamese then English), and where it leads back.
HEADINGS = {
    400: ("Yêu cầu không hợp lệ", "Bad request"),
    403: ("Không được phép", "Not allowed"),
    404: ("Không tìm thấy", "Not found"),
    405: ("Không làm được theo cách này", "Not done this way"),
    413: ("Tệp quá lớn", "File too large"),
    429: ("Quá nhiều lần thử", "Too many attempts"),
    500: ("Đã có lỗi", "Something went wrong"),
}


def _english(client) -> None:
    client.get("/lang/en")


def _failing(monkeypatch, error: Exception) -> None:
    """Taking an uploaded PDF fails with ``error`` (what the server met, not what the user
    did: whatever the reader raises on the file itself is the file's 422, not this)."""

    def fail(*_args, **_kwargs):
        raise error

    monkeypatch.setattr("web.inbox.plain_name", fail)


def _upload(client, size: int = 100):
    token = csrf_of(client.get("/verify").get_data(as_text=True))
    pdf = (io.BytesIO(b"%PDF" + b"0" * size), "a.pdf")
    return client.post("/verify", data={"csrf_token": token, "pdf": pdf})


def _answers(app, monkeypatch, client) -> dict[int, object]:
    """A request met by each error, as a logged-in clerk makes it."""
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    answers = {
        400: client.get("/?q=a%00b"),
        403: client.get("/admin/users"),
        404: client.get("/khong-co-trang-nay"),
        405: client.get("/logout"),
        413: _upload(client, 20_000),  # no page of the inbox to go back to
    }
    _failing(monkeypatch, TooManyRequests())
    answers[429] = _upload(client)
    _failing(monkeypatch, RuntimeError("a bug"))
    answers[500] = _upload(client)
    return answers


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_error_is_the_inboxs_own_page_in_the_readers_language(inbox, monkeypatch, lang):
    app, _, _ = inbox
    client, _ = logged_in(app)
    if lang == "en":
        _english(client)
    for status, answer in _answers(app, monkeypatch, client).items():
        page = answer.get_data(as_text=True)
        assert answer.status_code == status, page
        heading = HEADINGS[status][0 if lang == "vi" else 1]
        assert f"<h1>{heading} " in page, status
        assert 'class="todo"' in page and 'class="back" href="/"' in page
        assert "style=" not in page  # the CSP takes styles only from the nonced <style>
        assert "Traceback" not in page and "a bug" not in page
        assert answer.headers["Cache-Control"] == "no-store"


def test_an_error_page_leads_to_the_login_when_nobody_is_logged_in(inbox):
    app, _, _ = inbox
    client = app.test_client()
    answer = client.get("/khong-co-trang-nay")
    assert answer.status_code == 404
    assert 'class="back" href="/login"' in answer.get_data(as_text=True)


def test_the_node_api_keeps_its_json_answers(inbox):
    app, _, _ = inbox
    client = app.test_client()
    answer = client.get("/api/v1/messages")
    assert answer.status_code == 405
    assert answer.get_json()["error"]["message_en"]
    assert client.get("/api/v1/nothing").get_json()["error"]["message_vi"]


def test_a_stale_form_after_logging_out_elsewhere_leads_to_the_login_with_a_message(inbox):
    app, _, document = inbox
    client, _ = logged_in(app)
    stale = csrf_of(client.get(f"/documents/{document}").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": stale})  # in another tab
    answer = client.post(f"/documents/{document}/status", data={"csrf_token": stale, "code": "03"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert "Phiên làm việc đã kết thúc" in page and "CSRF tokens do not match" not in page


def test_a_form_without_its_token_while_logged_in_says_to_reload_it(inbox):
    app, _, document = inbox
    client, _ = logged_in(app)
    _english(client)
    answer = client.post(f"/documents/{document}/status", data={"code": "03"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "reload the page" in page


def test_the_login_asked_for_is_said_in_the_readers_language(inbox):
    app, _, document = inbox
    client = app.test_client()
    assert "Hãy đăng nhập để mở trang này" in client.get("/", follow_redirects=True).text
    _english(client)
    page = client.get(f"/documents/{document}", follow_redirects=True).text
    assert "Log in to open this page." in page and "Please log in" not in page


def test_every_page_is_kept_out_of_caches(inbox):
    app, _, document = inbox
    client, _ = logged_in(app)
    for path in ("/login", "/", f"/documents/{document}", "/outbox", "/verify"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
