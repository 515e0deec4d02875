"""A hub and agency nodes on loopback, over real HTTP: documents delivered once, statuses
back to the sender, nothing lost while a node is down."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from edoc.envelope.model import BusinessType, Organization, StatusCode
from edoc.envelope.parse import parse
from edoc.errors import EdocError
from edoc.exchange.actions import act
from edoc.exchange.hub import Hub
from edoc.exchange.send import send_envelope
from edoc.exchange.transport import pull_pending
from edoc.storage.models import Agency, Delivery, Direction, Document, StatusEvent
from fixtures.agencies import HA_NOI, VPCP
from signing.validation.policy import DEFAULT_POLICY
from tests.support.exchange import (
    FAST,
    arrived_at_sender,
    document_count,
    eventually,
    with_business,
)
from web.local import LocalNetwork


@pytest.fixture
def network(tmp_path, pki, new_database):
    """A hub and the nodes of Hà Nội and the Government Office, all running, on SQLite or on
    PostgreSQL: (nodes, hub, services, network) with nodes and services by agency key."""
    agencies = [Organization(a.organ_id, a.name) for a in (HA_NOI, VPCP)]
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    with LocalNetwork(tmp_path, agencies, policy, new_database, FAST, 0.05) as local:
        keys = {"h26": HA_NOI.organ_id, "g22": VPCP.organ_id}
        nodes = {key: local.nodes[organ_id] for key, organ_id in keys.items()}
        services = {key: local.services[organ_id] for key, organ_id in keys.items()}
        services["hub"] = local.services["hub"]
        yield nodes, local.hub, services, local


def test_a_document_reaches_its_recipient_once_and_the_01_comes_back(network, envelope):
    nodes, _, _, _ = network
    assert send_envelope(nodes["h26"], envelope).created
    assert not send_envelope(nodes["h26"], envelope).created  # sent twice: queued once
    eventually(lambda: arrived_at_sender(nodes["h26"]))
    assert document_count(nodes["g22"], Direction.RECEIVED) == 1
    with nodes["g22"].sessions() as session:
        document = session.scalar(select(Document))
        assert document.sender_organ_id == HA_NOI.organ_id and document.compliant is True
        route = [step["organ_id"] for step in document.trace]
        assert route == [HA_NOI.organ_id, "hub", VPCP.organ_id]  # every hop, in order
        times = [dt.datetime.fromisoformat(step["at"]) for step in document.trace]
        assert times == sorted(times)


def test_nothing_is_lost_while_the_recipient_is_down(network, envelope):
    nodes, hub, running, _ = network
    running["g22"].down()
    send_envelope(nodes["h26"], envelope)
    with_failures = lambda: _hub_attempts(hub) >= 3  # noqa: E731
    eventually(with_failures)
    assert document_count(nodes["g22"], Direction.RECEIVED) == 0
    running["g22"].up()
    eventually(lambda: arrived_at_sender(nodes["h26"]))
    assert document_count(nodes["g22"], Direction.RECEIVED) == 1


def test_the_hub_knows_each_agency_by_both_id_forms(network):
    _, hub, _, _ = network
    with hub.sessions() as session:
        agencies = {a.organ_id: a.code_2020 for a in session.scalars(select(Agency))}
    assert agencies == {HA_NOI.organ_id: "H26", VPCP.organ_id: "G22"}


def _hub_attempts(hub: Hub) -> int:
    with hub.sessions() as session:
        return session.scalar(select(func.coalesce(func.sum(Delivery.attempts), 0)))


def test_a_node_refuses_posts_without_the_hub_token(network, envelope):
    nodes, _, running, _ = network
    url = f"http://127.0.0.1:{running['g22'].port}/api/v1/messages"
    answer = requests.post(url, data=envelope, timeout=10)
    assert answer.status_code == 401 and answer.json()["error"]["message_en"]
    answer = requests.post(
        url, data=envelope, headers={"Authorization": "Bearer wrong"}, timeout=10
    )
    assert answer.status_code == 401
    assert document_count(nodes["g22"], Direction.RECEIVED) == 0


def test_the_hub_refuses_an_envelope_from_another_agency(network, envelope):
    _, _, running, local = network
    url = f"http://127.0.0.1:{running['hub'].port}/api/v1/messages"
    # the Government Office's node posting Hà Nội's letter
    headers = {"Authorization": f"Bearer {local.tokens[VPCP.organ_id]}"}
    answer = requests.post(url, data=envelope, headers=headers, timeout=10)
    assert answer.status_code == 422
    assert "came from" in answer.json()["error"]["message_en"]


def test_the_clerks_actions_reach_the_sender_in_order(network, envelope):
    nodes, _, _, _ = network
    send_envelope(nodes["h26"], envelope)
    eventually(lambda: arrived_at_sender(nodes["h26"]))
    with nodes["g22"].sessions() as session:
        received = session.scalar(select(Document.id))
    start = dt.datetime.now(dt.UTC).replace(microsecond=0)
    steps = [StatusCode.ACCEPTED, StatusCode.ASSIGNED, StatusCode.IN_PROGRESS, StatusCode.COMPLETED]
    for minute, code in enumerate(steps, 1):
        act(
            nodes["g22"],
            received,
            code,
            staff="Văn thư VPCP",
            at=start + dt.timedelta(minutes=minute),
            assignee="Vụ Tổng hợp" if code is StatusCode.ASSIGNED else "",
        )

    eventually(lambda: _sender_statuses(nodes["h26"]) == ["01", "03", "04", "05", "06"])


def test_returning_needs_a_reason_and_the_reason_reaches_the_sender(network, envelope):
    nodes, _, _, _ = network
    send_envelope(nodes["h26"], envelope)
    eventually(lambda: arrived_at_sender(nodes["h26"]))
    with nodes["g22"].sessions() as session:
        received = session.scalar(select(Document.id))
    with pytest.raises(EdocError) as caught:
        act(nodes["g22"], received, StatusCode.RETURNED)
    assert "reason" in caught.value.message_en
    act(nodes["g22"], received, StatusCode.RETURNED, reason="Thiếu chữ ký số cá nhân")

    def returned() -> str | None:
        with nodes["h26"].sessions() as session:
            event = session.scalar(select(StatusEvent).where(StatusEvent.status_code == "02"))
            return event.description if event else None

    eventually(lambda: returned() == "Thiếu chữ ký số cá nhân")


def test_fifty_concurrent_posts_and_a_lost_answer_store_the_document_once(network, envelope):
    """The hub posts the same envelope 50 times at once (or again after a crash lost the
    node's answer): every post is answered 200, one document is stored."""
    nodes, _, running, local = network
    url = f"http://127.0.0.1:{running['g22'].port}/api/v1/messages"
    headers = {"Authorization": f"Bearer {local.hub_token}"}

    def post(_):
        return requests.post(url, data=envelope, headers=headers, timeout=60)

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(post, range(50)))
    assert {a.status_code for a in answers} == {200}
    assert sum(a.json()["created"] for a in answers) == 1
    assert len({a.json()["document"] for a in answers}) == 1
    again = post(None)  # the hub never saw an answer: it posts once more
    assert again.status_code == 200 and not again.json()["created"]
    assert document_count(nodes["g22"], Direction.RECEIVED) == 1


def _sender_statuses(node) -> list[str]:
    """The statuses the sender has, in the order they arrived."""
    with node.sessions() as session:
        events = session.scalars(select(StatusEvent).order_by(StatusEvent.id))
        return [e.status_code for e in events]


def _received(node) -> Document:
    with node.sessions() as session:
        return session.scalar(
            select(Document).where(Document.direction == Direction.RECEIVED).order_by(Document.id)
        )


def test_a_recall_takes_the_document_back_and_is_agreed(network, envelope):
    nodes, _, _, _ = network
    send_envelope(nodes["h26"], envelope)
    eventually(lambda: arrived_at_sender(nodes["h26"]))
    recall = with_business(envelope, BusinessType.RECALL)
    assert send_envelope(nodes["h26"], recall).created
    assert not send_envelope(nodes["h26"], recall).created  # queued once
    eventually(lambda: _sender_statuses(nodes["h26"]) == ["01", "15"])
    document = _received(nodes["g22"])
    assert document.folder == "recalled"
    with nodes["g22"].sessions() as session:
        (event,) = session.get(Document, document.id).events
        assert (event.kind, event.detail["reason"]) == ("recalled", "Sai sót số liệu")


def test_an_update_changes_the_header_with_a_trail_and_a_completed_document_is_not_recalled(
    network, envelope
):
    nodes, _, _, _ = network
    send_envelope(nodes["h26"], envelope)
    eventually(lambda: arrived_at_sender(nodes["h26"]))
    update = with_business(envelope, BusinessType.UPDATE, subject="Về việc sửa đổi thời hạn")
    send_envelope(nodes["h26"], update)
    eventually(lambda: _sender_statuses(nodes["h26"]) == ["01", "15"])
    document = _received(nodes["g22"])
    assert document.subject == "Về việc sửa đổi thời hạn"
    with nodes["g22"].sessions() as session:
        (event,) = session.get(Document, document.id).events
        assert event.detail["changes"]["subject"]["after"] == "Về việc sửa đổi thời hạn"
    act(nodes["g22"], document.id, StatusCode.ACCEPTED)
    act(nodes["g22"], document.id, StatusCode.COMPLETED)
    send_envelope(nodes["h26"], with_business(envelope, BusinessType.RECALL))
    eventually(lambda: _sender_statuses(nodes["h26"])[-1:] == ["16"])
    assert _received(nodes["g22"]).folder == "inbox"


def test_a_replacement_is_a_new_document_and_marks_the_one_it_replaces(network, envelope):
    nodes, _, _, _ = network
    send_envelope(nodes["h26"], envelope)
    eventually(lambda: arrived_at_sender(nodes["h26"]))
    replacement = with_business(
        envelope, BusinessType.REPLACE, document_id=parse(envelope).message.document_id + "-2"
    )
    send_envelope(nodes["h26"], replacement)
    eventually(lambda: document_count(nodes["g22"], Direction.RECEIVED) == 2)
    assert _received(nodes["g22"]).folder == "replaced"
    eventually(lambda: "15" in _sender_statuses(nodes["h26"]))


def test_a_node_the_hub_cannot_reach_fetches_what_waits_for_it(network, envelope):
    nodes, hub, running, local = network
    running["g22"].down()
    send_envelope(nodes["h26"], envelope)
    eventually(lambda: _hub_attempts(hub) >= 2)
    token = local.tokens[VPCP.organ_id]
    assert pull_pending(nodes["g22"], running["hub"].url, token) == 1
    assert document_count(nodes["g22"], Direction.RECEIVED) == 1
    assert pull_pending(nodes["g22"], running["hub"].url, token) == 0  # acknowledged: gone
    running["g22"].up()
    eventually(lambda: arrived_at_sender(nodes["h26"]))  # its 01 went out through its outbox
    assert document_count(nodes["g22"], Direction.RECEIVED) == 1
    other = requests.get(
        f"{running['hub'].url}/api/v1/pending/1",
        headers={"Authorization": f"Bearer {local.tokens[HA_NOI.organ_id]}"},
        timeout=10,
    )
    assert other.status_code == 404  # another agency's message is not handed out
