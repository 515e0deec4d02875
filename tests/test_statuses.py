"""The statuses a clerk gives a received document, over HTTP: only those the processing order
allows are offered and recorded, a stale form is told the rule, 03 on a document whose
signature check failed needs a confirmation, 04 names whom it assigns, the timeline shows
who did what in the order it happened, and a double click or two clerks at once record a
status once, on SQLite and PostgreSQL."""

import datetime as dt
import re
import threading

import pytest
from sqlalchemy import select

from edoc.accounts import add_user
from edoc.envelope.model import Attachment as EnvelopeAttachment
from edoc.envelope.model import BusinessType, StatusCode
from edoc.envelope.parse import parse
from edoc.exchange.actions import act
from edoc.exchange.receive import receive_envelope
from edoc.storage.models import Delivery, Document, StatusEvent, UserRole
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from tests.support.exchange import with_business
from tests.support.letters import letter_envelope
from tests.support.nodes import PASSWORD, agency_node
from tests.support.web import csrf_of, logged_in
from web.app import create_node_app


def buttons(page: str) -> list[str]:
    """The status buttons a page offers."""
    return re.findall(r'<button type="submit" name="code" value="(\d\d)"', page)


def press(client, document: int, code: str, **fields) -> str:
    """Press status ``code`` on the document page; the page the browser then shows."""
    token = csrf_of(client.get(f"/documents/{document}").get_data(as_text=True))
    answer = client.post(
        f"/documents/{document}/status", data={"code": code, "csrf_token": token, **fields},
        follow_redirects=True,
    )  # fmt: skip
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def statuses(node, document: int) -> list[str]:
    with node.sessions() as session:
        query = select(StatusEvent.status_code).where(StatusEvent.document_pk == document)
        return list(session.scalars(query.order_by(StatusEvent.id)))


def test_the_page_offers_only_the_statuses_that_may_follow(inbox):
    app, _, document = inbox
    client, _ = logged_in(app)
    assert buttons(client.get(f"/documents/{document}").get_data(as_text=True)) == ["03", "02"]
    accepted = press(client, document, "03")
    assert buttons(accepted) == ["04", "05", "06"] and 'name="assignee"' in accepted
    assert '<option value="Nguyễn Văn Thư">' in accepted  # the agency's people to assign
    assert buttons(press(client, document, "05")) == ["06"]
    completed = press(client, document, "06")
    assert buttons(completed) == []
    assert "Văn bản đã hoàn thành (06): không còn bước xử lý nào sau đó." in completed


def test_a_stale_form_is_refused_with_the_rule_in_words(inbox):
    app, node, document = inbox
    client, _ = logged_in(app)
    press(client, document, "02", reason="Thiếu chữ ký số cá nhân")
    refused = press(client, document, "03")  # a tab opened before the document was returned
    assert "Không ghi được trạng thái 03: Văn bản đã bị trả lại (02)" in refused
    client.get("/lang/en")
    refused = press(client, document, "06")
    assert "Status 06 cannot be recorded: The document was returned (02): no status follows." in (
        refused
    )
    assert statuses(node, document) == ["01", "02"]
    assert "Choose a status with one of the page" in press(client, document, "13")
    with node.sessions() as session:
        assert session.get(Document, document).status_code == "02"
        assert len(session.get(Document, document).deliveries) == 2  # the 01 and the 02


def test_a_recalled_document_takes_no_status(inbox, envelope):
    app, node, document = inbox
    receive_envelope(node, with_business(envelope, BusinessType.RECALL))
    client, _ = logged_in(app)
    page = client.get(f"/documents/{document}").get_data(as_text=True)
    assert buttons(page) == [] and "Văn bản đã bị thu hồi: không ghi trạng thái xử lý nữa." in page
    assert "Không ghi được trạng thái 03: Văn bản đã bị thu hồi" in press(client, document, "03")
    assert statuses(node, document) == ["01", "15"]


def test_accepting_a_document_whose_check_failed_needs_a_confirmation_and_records_it(office):
    unsigned = [EnvelopeAttachment("main", "88.pdf", "application/pdf", cong_van(HA_NOI).pdf)]
    document = receive_envelope(office, letter_envelope(unsigned)).document_pk
    app = create_node_app(office, "hub-token", "secret-for-tests")
    client, _ = logged_in(app)
    page = client.get(f"/documents/{document}").get_data(as_text=True)
    assert 'name="despite_failed_check"' in page
    refused = press(client, document, "03")
    assert "chỉ tiếp nhận khi đã đánh dấu xác nhận" in refused
    assert statuses(office, document) == ["01"]
    accepted = press(client, document, "03", despite_failed_check="yes")
    assert "Đã ghi trạng thái 03" in accepted
    assert "tiếp nhận dù kiểm tra chữ ký số không đạt" in accepted  # in the timeline
    with office.sessions() as session:
        event = session.scalar(select(StatusEvent).where(StatusEvent.status_code == "03"))
        assert event.despite_failed_check and event.staff == "Nguyễn Văn Thư"


def test_a_compliant_document_is_accepted_without_a_confirmation(inbox):
    app, node, document = inbox
    client, _ = logged_in(app)
    page = client.get(f"/documents/{document}").get_data(as_text=True)
    assert 'name="despite_failed_check"' not in page
    assert "Đã ghi trạng thái 03" in press(client, document, "03")
    with node.sessions() as session:
        event = session.scalar(select(StatusEvent).where(StatusEvent.status_code == "03"))
        assert not event.despite_failed_check


def test_assigning_names_the_assignee_shows_it_and_tells_the_sender(inbox):
    app, node, document = inbox
    client, _ = logged_in(app)
    press(client, document, "03")
    refused = press(client, document, "04")
    assert "Phân công phải nêu người hoặc đơn vị được giao xử lý." in refused
    too_long = press(client, document, "04", assignee="P" * 300)
    assert "Tên người hoặc đơn vị được giao dài 300 ký tự, quá giới hạn 200 ký tự." in too_long
    assigned = press(client, document, "04", assignee="Phòng Tổng hợp")
    assert '<span class="assignee">Phòng Tổng hợp</span>' in assigned
    again = press(client, document, "04", assignee="Nguyễn Văn Thư")  # re-assigned
    assert '<span class="assignee">Nguyễn Văn Thư</span>' in again
    assert statuses(node, document) == ["01", "03", "04", "04"]
    with node.sessions() as session:
        sent = session.scalars(
            select(Delivery.message_sha256).where(Delivery.document_pk == document)
            .order_by(Delivery.id)
        ).all()  # fmt: skip
    descriptions = [parse(node.blobs.read(digest)).message.description for digest in sent[-2:]]
    assert descriptions == ["Phân công cho: Phòng Tổng hợp", "Phân công cho: Nguyễn Văn Thư"]


def test_the_timeline_shows_who_did_what_in_the_order_it_happened(inbox):
    app, node, document = inbox
    add_user(node.sessions, "vanthu2", PASSWORD, VPCP.organ_id, UserRole.CLERK, "Lê Thị Hoa")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)  # before the clock was set back
    act(node, document, StatusCode.ACCEPTED, staff="Nguyễn Văn Thư", at=later)
    other, _ = logged_in(app, "vanthu2")
    page = press(other, document, "04", assignee="Phòng Tổng hợp")
    timeline = page[page.index('class="timeline"') :]
    entries = re.findall(r'<span class="who">([^<]+)</span>: <span class="what">([^<]+)</span>',
                         timeline)  # fmt: skip
    assert entries == [
        ("Hệ thống", "Đã đến (01)"),
        ("Nguyễn Văn Thư", "Đã tiếp nhận (03)"),
        ("Lê Thị Hoa", "Phân công (04)"),
    ]


@pytest.fixture
def shared_inbox(database_url, tmp_path, pki, envelope):
    """The Government Office's node on SQLite and on PostgreSQL, with two clerks and a
    received letter, and its web app."""
    with agency_node(database_url, tmp_path, pki) as node:
        add_user(node.sessions, "vanthu", PASSWORD, VPCP.organ_id, UserRole.CLERK, "Nguyễn Văn Thư")
        add_user(node.sessions, "vanthu2", PASSWORD, VPCP.organ_id, UserRole.CLERK, "Lê Thị Hoa")
        received = receive_envelope(node, envelope).document_pk
        yield create_node_app(node, "hub-token", "secret-for-tests"), node, received


def at_once(clients: list, document: int, code: str, **fields) -> list[int]:
    """Post status ``code`` from every client at the same moment: the answers' HTTP codes."""
    tokens = [csrf_of(c.get(f"/documents/{document}").get_data(as_text=True)) for c in clients]
    start = threading.Barrier(len(clients))
    answers: list[int] = [0] * len(clients)

    def post(number: int) -> None:
        start.wait()
        data = {"code": code, "csrf_token": tokens[number], **fields}
        answers[number] = (
            clients[number].post(f"/documents/{document}/status", data=data).status_code
        )

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_double_click_or_two_clerks_at_once_record_a_status_once(shared_inbox):
    app, node, document = shared_inbox
    first, _ = logged_in(app)
    double = app.test_client()  # the same browser: its session cookie, pressed twice
    cookie = app.config["SESSION_COOKIE_NAME"]
    double.set_cookie(cookie, first.get_cookie(cookie).value)
    second, _ = logged_in(app, "vanthu2")
    assert at_once([first, double], document, "03") == [303, 303]
    assert at_once([first, second], document, "04", assignee="Phòng Tổng hợp") == [303, 303]
    assert at_once([first, second, double], document, "06") == [303, 303, 303]
    assert statuses(node, document) == ["01", "03", "04", "06"]
    with node.sessions() as session:
        kinds = session.scalars(select(Delivery.kind).where(Delivery.document_pk == document))
        assert list(kinds) == ["status"] * 4  # each status queued to the sender once
    for client in (first, second, double):
        page = client.get(f"/documents/{document}").get_data(as_text=True)
        assert '<td class="status">Hoàn thành (06)</td>' in page
        assert page.count('data-code="03"') == 1
    already = press(second, document, "06")  # pressed again later: told who recorded it
    assert re.search(r"Trạng thái 06 đã được ghi trước đó \((Nguyễn Văn Thư|Lê Thị Hoa), ", already)
