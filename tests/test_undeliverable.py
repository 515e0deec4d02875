"""Messages that can never be delivered: retried for a bounded time, then undeliverable with
the reason, and put back in the queue by hand. No test waits: the window is set to zero or
the delivery's creation put in the past."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from cli import main
from edoc.accounts import add_user
from edoc.envelope.model import Organization
from edoc.errors import ConfigurationError
from edoc.exchange.node import Node
from edoc.exchange.outbox import Backoff, deliver_due, retry
from edoc.exchange.receive import receive_envelope
from edoc.exchange.runtime import open_node, remember_node
from edoc.exchange.transport import to_hub
from edoc.storage.blobs import BlobStore
from edoc.storage.database import connect, sessions, upgrade
from edoc.storage.models import Delivery, DeliveryState, UserRole
from edoc.timezone import to_vietnam
from edoc.workspace import open_workspace
from fixtures.agencies import NGHE_AN, VPCP
from signing.validation.policy import DEFAULT_POLICY
from tests.support.exchange import sent_and_given_up, unreachable
from tests.support.nodes import PASSWORD
from tests.support.vdxp import envelope_of
from tests.support.web import csrf_of, logged_in
from web.wsgi import options_from


@pytest.fixture
def node(database_url, pki) -> Node:
    """A node of the Government Office with one delivery queued (the 01 of a document)."""
    engine = connect(database_url)
    upgrade(engine)
    factory = sessions(engine)
    yield Node(
        Organization(VPCP.organ_id, VPCP.name),
        factory,
        BlobStore(None, factory),
        DEFAULT_POLICY.with_options(pki.trust_anchors, "off"),
    )
    engine.dispose()


def the_delivery(node: Node) -> Delivery:
    with node.sessions() as session:
        return session.scalars(select(Delivery)).one()


def created_days_ago(node: Node, days: float) -> None:
    with node.sessions() as session:
        moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
        session.execute(update(Delivery).values(created_at=moment))
        session.commit()


def test_a_message_not_taken_within_its_window_is_given_up_with_the_reason(node, envelope):
    receive_envelope(node, envelope)
    assert deliver_due(node.sessions, node.blobs, unreachable) == 0
    assert the_delivery(node).state is DeliveryState.FAILED  # within three days: tried again

    created_days_ago(node, 4)
    with node.sessions() as session:
        session.execute(update(Delivery).values(next_attempt_at=dt.datetime.now(dt.UTC)))
        session.commit()
    deliver_due(node.sessions, node.blobs, unreachable)
    given_up = the_delivery(node)
    assert given_up.state is DeliveryState.UNDELIVERABLE
    assert "connection refused" in given_up.last_error
    with node.sessions() as session:
        session.execute(update(Delivery).values(next_attempt_at=dt.datetime.now(dt.UTC)))
        session.commit()
    tried: list[int] = []
    deliver_due(node.sessions, node.blobs, lambda m: tried.append(m) or DeliveryState.SENT)
    assert tried == []  # never tried again by itself


def test_the_window_is_configured(node, envelope):
    receive_envelope(node, envelope)
    deliver_due(node.sessions, node.blobs, unreachable, Backoff(give_up_after=dt.timedelta(0)))
    assert the_delivery(node).state is DeliveryState.UNDELIVERABLE


class Refusing(BaseHTTPRequestHandler):
    """A hub answering every post with the status the test sets on the server."""

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(self.server.answer)
        self.end_headers()
        self.wfile.write(b"not an agency of this hub")

    def log_message(self, *_):
        pass


@pytest.fixture
def hub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.mark.parametrize(
    ("answer", "state"),
    [(403, DeliveryState.UNDELIVERABLE), (429, DeliveryState.FAILED), (503, DeliveryState.FAILED)],
)
def test_a_hub_refusing_for_good_stops_the_retries_at_once(node, envelope, hub, answer, state):
    hub.answer = answer
    receive_envelope(node, envelope)
    deliver_due(node.sessions, node.blobs, to_hub(f"http://127.0.0.1:{hub.server_port}", "t"))
    delivery = the_delivery(node)
    assert delivery.state is state
    assert f"answered {answer}: not an agency of this hub" in delivery.last_error


def test_retried_by_hand_it_is_queued_once_with_a_fresh_window(node, envelope):
    receive_envelope(node, envelope)
    created_days_ago(node, 4)
    deliver_due(node.sessions, node.blobs, unreachable)
    pk = the_delivery(node).id
    assert retry(node.sessions, pk) is True
    assert retry(node.sessions, pk) is False  # a double click: queued already, once
    deliver_due(node.sessions, node.blobs, unreachable)
    assert the_delivery(node).state is DeliveryState.FAILED  # its window starts again


def test_the_cli_lists_what_was_given_up_and_puts_it_back_once(tmp_path, envelope):
    workspace = open_workspace(tmp_path / "home")
    remember_node(workspace, VPCP.organ_id, None)
    node = open_node(workspace, VPCP.organ_id, DEFAULT_POLICY)
    receive_envelope(node, envelope)
    deliver_due(node.sessions, node.blobs, unreachable, Backoff(give_up_after=dt.timedelta(0)))
    pk = the_delivery(node).id

    def edoc(*args: str):
        return CliRunner().invoke(main, ["--lang", "en", "outbox", *args, "--home", workspace.root])

    listed = edoc("list")
    assert listed.exit_code == 0 and f"{pk}" in listed.output
    assert "connection refused" in listed.output
    assert edoc("retry", str(pk)).output.strip() == f"Delivery {pk}: queued to be sent again"
    assert edoc("retry", str(pk)).output.strip() == f"Delivery {pk}: already queued again"
    assert the_delivery(node).state is DeliveryState.QUEUED
    assert edoc("list").output == ""
    refused = edoc("retry", "999")
    assert refused.exit_code == 1 and "No delivery 999" in refused.output


def test_the_clerk_sees_a_message_given_up_and_sends_it_again_once(inbox, envelope):
    app, node, _ = inbox
    document = sent_and_given_up(node, envelope)
    client, _ = logged_in(app)
    page = client.get("/outbox").get_data(as_text=True)
    delivery = the_sent_delivery(node, document)
    stopped = to_vietnam(delivery.updated_at).strftime("%d/%m/%Y %H:%M")
    assert "Ngừng gửi" in page and f"từ {stopped}" in page
    assert "connection refused" in page and "Gửi lại" in page
    sent = client.get(f"/outbox/{document}").get_data(as_text=True)
    assert "Ngừng gửi" in sent and "Gửi lại" in sent

    button = f"/outbox/{document}/deliveries/{delivery.id}/retry"
    token = csrf_of(page)
    assert client.post(button, data={}).status_code == 400  # no CSRF token: refused
    first = client.post(button, data={"csrf_token": token, "back": "outbox"})
    assert first.status_code == 303 and first.headers["Location"] == "/outbox"
    again = client.post(button, data={"csrf_token": token}, follow_redirects=True)
    assert again.status_code == 200 and "Đã xếp hàng gửi lại trước đó" in again.get_data(
        as_text=True
    )
    assert the_sent_delivery(node, document).state is DeliveryState.QUEUED
    assert "Đang chờ gửi" in client.get("/outbox").get_data(as_text=True)


def test_only_those_who_act_may_send_again_and_only_from_the_sent_document(inbox, envelope):
    app, node, received = inbox
    document = sent_and_given_up(node, envelope)
    delivery = the_sent_delivery(node, document)
    add_user(node.sessions, "kiemtoan", PASSWORD, VPCP.organ_id, UserRole.AUDITOR, "Kiểm Toán")
    auditor, _ = logged_in(app, "kiemtoan")
    token = csrf_of(auditor.get("/verify").get_data(as_text=True))
    button = f"/outbox/{document}/deliveries/{delivery.id}/retry"
    assert auditor.post(button, data={"csrf_token": token}).status_code == 403
    clerk, _ = logged_in(app)
    token = csrf_of(clerk.get("/verify").get_data(as_text=True))
    elsewhere = f"/outbox/{received}/deliveries/{delivery.id}/retry"  # not of that document
    assert clerk.post(elsewhere, data={"csrf_token": token}).status_code == 404
    assert the_sent_delivery(node, document).state is DeliveryState.UNDELIVERABLE


def the_sent_delivery(node: Node, document: int) -> Delivery:
    with node.sessions() as session:
        return session.scalars(select(Delivery).where(Delivery.document_pk == document)).one()


def test_the_admin_lists_what_was_given_up_and_sends_it_again(inbox, envelope):
    app, node, _ = inbox
    document = sent_and_given_up(node, envelope)
    delivery = the_sent_delivery(node, document)
    add_user(node.sessions, "quantri", PASSWORD, VPCP.organ_id, UserRole.ADMIN, "Quản Trị")
    admin, _ = logged_in(app, "quantri")
    page = admin.get("/admin/undeliverable").get_data(as_text=True)
    stopped = to_vietnam(delivery.updated_at).strftime("%d/%m/%Y %H:%M")
    assert "Văn bản ngừng gửi" in admin.get("/admin/users").get_data(as_text=True)  # its link
    assert f'data-delivery="{delivery.id}"' in page and f"từ {stopped}" in page
    assert "connection refused" in page
    button = f"/admin/undeliverable/{delivery.id}/retry"
    sent = admin.post(button, data={"csrf_token": csrf_of(page)}, follow_redirects=True)
    assert "Đã xếp hàng gửi lại." in sent.get_data(as_text=True)
    assert f'data-delivery="{delivery.id}"' not in sent.get_data(as_text=True)
    again = admin.post(button, data={"csrf_token": csrf_of(page)}, follow_redirects=True)
    assert "Đã xếp hàng gửi lại trước đó." in again.get_data(as_text=True)
    assert the_sent_delivery(node, document).state is DeliveryState.QUEUED
    clerk, _ = logged_in(app)
    assert clerk.get("/admin/undeliverable").status_code == 403


def test_gunicorn_reads_the_window_from_the_environment():
    assert options_from({}).backoff.give_up_after == dt.timedelta(days=3)
    assert options_from({"EDOC_RETRY_HOURS": "1.5"}).backoff.give_up_after == dt.timedelta(
        minutes=90
    )
    for wrong in ("ba ngày", "inf", "nan", "-1"):
        with pytest.raises(ConfigurationError) as refused:
            options_from({"EDOC_RETRY_HOURS": wrong})
        assert "EDOC_RETRY_HOURS must be a number of hours" in refused.value.message_en


def test_the_sdk_lists_a_package_the_hub_gave_up_as_failed(exchange, letter):
    local, dms = exchange
    header = '{"from":"000.00.00.H41","servicetype":"eDoc","messagetype":"edoc"}'
    sent = dms.send_edoc(header, envelope_of(letter, NGHE_AN.organ_id, VPCP.organ_id))
    with local.hub.sessions() as session:  # as if the hub's outbox had given it up
        session.execute(update(Delivery).values(state=DeliveryState.UNDELIVERABLE))
        session.commit()
    query = {"servicetype": "eDoc", "messagetype": "edoc", "docId": sent["DocId"]}
    answer = dms.get_sent_edoc_list(json.dumps(query))
    assert answer["status"] == "OK"
    assert [r["receiveStatus"] for r in answer["data"]] == ["fail"]
