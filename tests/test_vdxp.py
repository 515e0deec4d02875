"""The national hub's SDK API at an edoc hub, both ways, over real HTTP on SQLite and
PostgreSQL: an agency's document management system (played by :mod:`tests.support.sdk_client`, a
client written from the spec) exchanging with edoc nodes, and edoc nodes exchanging with each
other through the hub over that API (``edoc serve --hub-api vdxp``)."""

import base64
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from edoc.accounts import add_user
from edoc.envelope.build import build
from edoc.envelope.model import Business, BusinessType, Organization, StatusCode
from edoc.envelope.parse import parse
from edoc.exchange.actions import act
from edoc.exchange.send import send_envelope
from edoc.exchange.vdxp_client import VdxpClient, fetch_received
from edoc.exchange.worker import end_turn, take_turn
from edoc.storage.models import (
    Delivery,
    DeliveryState,
    Direction,
    Document,
    StatusEvent,
    UserRole,
)
from edoc.timezone import VIETNAM
from fixtures.agencies import HA_NOI, NGHE_AN, VPCP
from signing.validation.policy import DEFAULT_POLICY
from tests.support.exchange import FAST, arrived_at_sender, document_count, eventually
from tests.support.nodes import PASSWORD
from tests.support.sdk_client import SdkService
from tests.support.vdxp import DMS, SECRET, envelope_of
from tests.support.web import logged_in
from web.app import create_node_app
from web.local import LocalNetwork

CORPUS = Path(__file__).parent / "envelopes"
EDOC = '{"servicetype":"eDoc","messagetype":"edoc"}'
STATUS = '{"servicetype":"eDoc","messagetype":"status"}'


def listed(dms: SdkService, json_header: str) -> list[dict]:
    answer = dms.get_received_edoc_list(json_header)
    assert (answer["status"], answer["ErrorCode"]) == ("OK", "0"), answer
    return answer["data"]


def status_xml(document_id: str, code: str, sender: str = NGHE_AN.organ_id) -> bytes:
    """A status package as the SDK's samples write one (OrganName before OrganizationInCharge,
    Mobile before Email)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From>
          <edXML:OrganId>{sender}</edXML:OrganId>
          <edXML:OrganName>UBND Tỉnh Nghệ An</edXML:OrganName>
          <edXML:OrganizationInCharge>UBND Tỉnh Nghệ An</edXML:OrganizationInCharge>
        </edXML:From>
        <edXML:ResponseFor>
          <edXML:OrganId>{document_id.split(",")[0]}</edXML:OrganId>
          <edXML:Code>77/UBND</edXML:Code>
          <edXML:PromulgationDate>2026/11/20</edXML:PromulgationDate>
          <edXML:DocumentId>{document_id}</edXML:DocumentId>
        </edXML:ResponseFor>
        <edXML:StaffInfo>
          <edXML:Department>Văn thư</edXML:Department>
          <edXML:Staff>Nguyễn Thị Ngọc Trâm</edXML:Staff>
          <edXML:Mobile>84912000001</edXML:Mobile>
          <edXML:Email>vanthu@nghean.gov.vn</edXML:Email>
        </edXML:StaffInfo>
        <edXML:StatusCode>{code}</edXML:StatusCode>
        <edXML:Description>Văn thư: đã đến</edXML:Description>
        <edXML:Timestamp>2026/11/20 10:15:00</edXML:Timestamp>
      </edXML:MessageHeader>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
</edXML>
""".encode()


def test_a_dms_document_reaches_an_edoc_node_once_and_the_01_comes_back(exchange, letter):
    local, dms = exchange
    envelope = envelope_of(letter, NGHE_AN.organ_id, VPCP.organ_id)
    header = '{"from":"000.00.00.H41","servicetype":"eDoc","messagetype":"edoc"}'
    sent = dms.send_edoc(header, envelope)
    assert (sent["status"], sent["ErrorCode"]) == ("OK", "0") and sent["DocId"]
    assert dms.send_edoc(header, envelope)["DocId"] == sent["DocId"]  # again: the same one
    office = local.nodes[VPCP.organ_id]
    eventually(lambda: document_count(office, Direction.RECEIVED) == 1)
    with office.sessions() as session:
        document = session.scalar(select(Document))
        assert (document.sender_organ_id, document.compliant) == (NGHE_AN.organ_id, True)

    eventually(lambda: len(listed(dms, STATUS)) == 1)
    (item,) = listed(dms, STATUS)
    assert (item["from"], item["to"], item["messageType"]) == (
        VPCP.organ_id, NGHE_AN.organ_id, "status",
    )  # fmt: skip
    assert item["status"] == "initial" and listed(dms, EDOC) == []
    got = dms.get_edoc(json.dumps({"filePath": "xml", "docId": item["docId"]}))
    status = parse(got["data"].encode()).message
    assert status.status_code is StatusCode.ARRIVED
    assert status.response_for.document_id == parse(envelope).message.document_id
    # the SDK's sample writes the docId unquoted, and keeps filePath from the last call
    done = dms.update_status('{"status":"done","docId":' + item["docId"] + "}")
    assert done["status"] == "OK"
    assert listed(dms, STATUS) == []

    # as the SDK's sample asks: docId narrows the list to that sent package
    query = {"servicetype": "eDoc", "messagetype": "edoc", "docId": sent["DocId"]}
    rows = dms.get_sent_edoc_list(json.dumps(query))["data"]
    assert [(r["toCode"], r["senderDocId"]) for r in rows] == [(VPCP.organ_id, sent["DocId"])]
    assert rows[0]["receiveStatus"] == "done" and rows[0]["receivedTime"]


def test_an_edoc_node_document_reaches_the_dms_byte_for_byte_and_its_statuses_come_back(
    exchange, letter
):
    local, dms = exchange
    hanoi = local.nodes[HA_NOI.organ_id]
    envelope = envelope_of(letter, HA_NOI.organ_id, NGHE_AN.organ_id)
    send_envelope(hanoi, envelope)
    eventually(lambda: len(listed(dms, EDOC)) == 1)
    count = dms.post("/countReceiveEdoc", "{}")
    assert (count["count"], dms.post("/countReceiveStatus", "{}")["count"]) == (1, 0)
    (item,) = listed(dms, '{"servicetype":"eDoc","messagetype":"edoc","to":"000.00.00.H41"}')
    assert (item["from"], item["messageType"]) == (HA_NOI.organ_id, "edoc")
    got = dms.get_edoc(json.dumps({"docId": item["docId"]}))
    assert got["data"].encode() == envelope  # exactly what Hà Nội sent
    download = requests.get(
        dms.endpoint + "/downloadEdoc",
        headers=dms._headers(json.dumps({"docId": item["docId"]}), "application/json"),
        timeout=30,
    )
    assert download.content == envelope

    document_id = parse(envelope).message.document_id
    for code in ("01", "03"):
        answer = dms.send_edoc(
            '{"from":"000.00.00.H41","servicetype":"eDoc","messagetype":"status"}',
            status_xml(document_id, code),
        )
        assert answer["status"] == "OK", answer
    dms.update_status(json.dumps({"status": "done", "docid": item["docId"]}))
    assert listed(dms, EDOC) == []

    def statuses() -> list[str]:
        with hanoi.sessions() as session:
            return list(session.scalars(select(StatusEvent.status_code).order_by(StatusEvent.at)))

    eventually(lambda: statuses() == ["01", "03"])
    eventually(lambda: arrived_at_sender(hanoi) or _acknowledged(hanoi))


def _acknowledged(node) -> bool:
    with node.sessions() as session:
        return session.scalars(select(Delivery.state)).all() == [DeliveryState.ACKNOWLEDGED]


def waiting_for_the_dms(local: LocalNetwork, dms: SdkService, letter: bytes) -> dict:
    """Hà Nội's node sends a letter to Nghệ An: the package that waits for its DMS."""
    envelope = envelope_of(letter, HA_NOI.organ_id, NGHE_AN.organ_id)
    send_envelope(local.nodes[HA_NOI.organ_id], envelope)
    eventually(lambda: len(listed(dms, EDOC)) == 1)
    (item,) = listed(dms, EDOC)
    return item


def test_a_package_said_fail_is_offered_again_later(exchange, letter):
    local, dms = exchange
    item = waiting_for_the_dms(local, dms, letter)
    said = dms.update_status(json.dumps({"status": "fail", "docId": item["docId"]}))
    assert said["status"] == "OK"
    assert listed(dms, EDOC) == []  # not at once: after a wait, as a refused delivery
    eventually(lambda: [i["docId"] for i in listed(dms, EDOC)] == [item["docId"]])


TAMPERING = [
    "no signature",
    "unknown system",
    "wrong secret",
    "header changed after signing",
    "signed text changed",
]


@pytest.mark.parametrize("tamper", TAMPERING)
def test_the_hub_refuses_a_request_it_cannot_authenticate(exchange, letter, tamper):
    local, dms = exchange
    waiting_for_the_dms(local, dms, letter)
    system = "vxp.stranger" if tamper == "unknown system" else DMS
    secret = "not-the-secret" if tamper == "wrong secret" else SECRET
    headers = SdkService(dms.endpoint, system, secret)._headers(EDOC, "application/json")
    if tamper == "no signature":
        headers = {k: v for k, v in headers.items() if not k.startswith("XroadVnpt-")}
        headers["XroadVnpt-systemid"] = DMS
    if tamper == "header changed after signing":
        headers["XroadVnpt-messagetype"] = "status"
    if tamper == "signed text changed":
        text = headers["XroadVnpt-sign-header"]
        headers["XroadVnpt-sign-header"] = text.replace("edoc", "status")
    answer = requests.post(dms.endpoint + "/getReceivedEdocList", headers=headers, timeout=30)
    assert answer.status_code == 401
    body = answer.json()
    assert (body["status"], body["ErrorCode"]) == ("FAIL", "401")
    assert body["ErrorDesc"] and body["ErrorDescEn"]
    assert "data" not in body


def test_a_system_sends_and_fetches_only_for_its_own_agencies(exchange, letter):
    local, dms = exchange
    as_hanoi = envelope_of(letter, HA_NOI.organ_id, VPCP.organ_id)
    refused = dms.send_edoc('{"from":"000.00.00.H26","messagetype":"edoc"}', as_hanoi)
    assert (refused["status"], refused["ErrorCode"]) == ("FAIL", "403")
    refused = dms.send_edoc('{"from":"000.00.00.H41","messagetype":"edoc"}', as_hanoi)
    assert (refused["status"], refused["ErrorCode"]) == ("FAIL", "422")
    assert "came from" in refused["ErrorDescEn"]
    send_envelope(local.nodes[HA_NOI.organ_id], as_hanoi)
    office = local.nodes[VPCP.organ_id]
    eventually(lambda: document_count(office, Direction.RECEIVED) == 1)
    with local.hub.sessions() as session:
        theirs = session.scalar(select(Delivery.id).where(Delivery.kind == "document"))
    answer = dms.get_edoc(json.dumps({"docId": str(theirs)}))
    assert (answer["status"], answer["ErrorCode"]) == ("FAIL", "404")


def test_a_file_that_does_not_match_its_hash_is_refused_and_nothing_is_kept(exchange, letter):
    local, dms = exchange
    envelope = envelope_of(letter, NGHE_AN.organ_id, VPCP.organ_id)
    json_header = '{"from":"000.00.00.H41","messagetype":"edoc","hash-file":"ab12"}'
    headers = dms._headers(json_header, "application/octet-stream")
    answer = requests.post(dms.endpoint + "/sendEdoc", data=envelope, headers=headers, timeout=30)
    assert answer.status_code == 400 and answer.json()["ErrorCode"] == "400"
    with local.hub.sessions() as session:
        assert session.scalar(select(Document.id)) is None


def test_the_agency_registry(exchange):
    _, dms = exchange
    unit = {"id": "", "pcode": "H41", "code": "H41.20", "name": "Sở Nội vụ Nghệ An"}
    added = dms.post("/registerAgency", "{}", json.dumps(unit).encode())
    assert added["status"] == "OK", added
    agencies = {a["code"]: a for a in dms.post("/getAgenciesList", "{}")["data"]}
    assert agencies["000.00.20.H41"]["name"] == "Sở Nội vụ Nghệ An"
    assert set(agencies) >= {HA_NOI.organ_id, VPCP.organ_id, NGHE_AN.organ_id}
    forms = {a["code102"]: a["code"] for a in dms.post("/getAgenciesListQD20", "{}")["data"]}
    assert forms["000.00.20.H41"] == "H41.20" and forms[VPCP.organ_id] == "G22"
    units = {u["code"]: u for u in dms.post("/getSynchronizeUnit", "{}")["data"]}
    assert units["000.00.20.H41"]["centerCode"] == DMS and units[VPCP.organ_id]["centerCode"] == ""
    theirs = dms.post("/registerAgency", "{}", json.dumps({"code": VPCP.organ_id}).encode())
    assert theirs["ErrorCode"] == "403"  # an agency with its own node is not taken over
    assert (
        dms.post("/deleteAgency", json.dumps({"AgencyCode": VPCP.organ_id}))["ErrorCode"] == "403"
    )
    assert dms.post("/deleteAgency", '{"AgencyCode":"000.00.20.H41"}')["status"] == "OK"
    codes = {a["code"] for a in dms.post("/getAgenciesList", "{}")["data"]}
    assert "000.00.20.H41" not in codes


@pytest.fixture
def over_sdk(tmp_path, pki, new_database):
    """The nodes of Hà Nội and the Government Office, each a system of the hub's SDK API."""
    agencies = [Organization(a.organ_id, a.name) for a in (HA_NOI, VPCP)]
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    with LocalNetwork(
        tmp_path, agencies, policy, new_database, FAST, 0.05, hub_api="vdxp"
    ) as local:
        yield {"h26": local.nodes[HA_NOI.organ_id], "g22": local.nodes[VPCP.organ_id]}, local


def test_nodes_exchange_documents_and_statuses_through_the_sdk_api(over_sdk, envelope):
    nodes, local = over_sdk
    assert send_envelope(nodes["h26"], envelope).created
    eventually(lambda: arrived_at_sender(nodes["h26"]))
    assert document_count(nodes["g22"], Direction.RECEIVED) == 1
    with nodes["g22"].sessions() as session:
        received = session.scalar(select(Document))
        assert received.sender_organ_id == HA_NOI.organ_id and received.compliant is True

    def hub_states() -> set[DeliveryState]:
        with local.hub.sessions() as session:
            return set(session.scalars(select(Delivery.state)))

    # every package fetched is said done: the sender's "done" for the 01 status may follow
    # the status's arrival by a moment
    eventually(lambda: hub_states() == {DeliveryState.ACKNOWLEDGED})

    act(nodes["g22"], received.id, StatusCode.ACCEPTED, staff="Văn thư VPCP")
    recall = build(
        dataclasses.replace(
            parse(envelope).message,
            business=Business(BusinessType.RECALL, parse(envelope).message.document_id, "Sai"),
        )
    )
    send_envelope(nodes["h26"], recall)

    def statuses() -> list[str]:
        with nodes["h26"].sessions() as session:
            return list(session.scalars(select(StatusEvent.status_code).order_by(StatusEvent.id)))

    eventually(lambda: statuses() == ["01", "03", "15"])
    with nodes["g22"].sessions() as session:
        assert session.get(Document, received.id).folder == "recalled"
    assert document_count(nodes["g22"], Direction.RECEIVED) == 1


def test_refusals_are_answered_in_the_shape_the_sdk_reads(exchange, letter):
    """The SDK reads DocId from every answer of /sendEdoc, and writes whatever /downloadEdoc
    answers to a file, calling it a success unless it is empty."""
    local, dms = exchange
    item = waiting_for_the_dms(local, dms, letter)
    stranger = SdkService(dms.endpoint, DMS, "not-the-secret")
    envelope = envelope_of(letter, NGHE_AN.organ_id, VPCP.organ_id)
    refused = stranger.send_edoc('{"from":"000.00.00.H41","messagetype":"edoc"}', envelope)
    assert (refused["status"], refused["DocId"]) == ("FAIL", "")
    headers = stranger._headers(json.dumps({"docId": item["docId"]}), "application/json")
    download = requests.get(dms.endpoint + "/downloadEdoc", headers=headers, timeout=30)
    assert download.status_code == 401 and download.content == b""
    assert download.headers["XroadVnpt-ErrorCode"] == "401"


def test_what_the_sdk_adds_crosses_the_hub_byte_for_byte_and_the_clerk_sees_it(exchange, letter):
    """An envelope in VNPT's order, with the SDK's task codes, application type and sending
    clerk and an element nobody knows, sent by the DMS to one of its two recipients."""
    local, dms = exchange
    envelope = (CORPUS / "vnpt-order-new.edxml").read_bytes()
    (pdf,) = [a for a in parse(envelope).message.attachments if a.name.endswith(".pdf")]
    envelope = envelope.replace(base64.b64encode(pdf.data), base64.b64encode(letter))
    envelope = envelope.replace(b"000.00.00.H49", NGHE_AN.organ_id.encode())
    envelope = envelope.replace(b"000.00.00.H56", VPCP.organ_id.encode())  # G09 has no node
    unknown = "<edXML:GhiChu>Mật</edXML:GhiChu>".encode()
    envelope = envelope.replace(b"</edXML:ApplicationType>", b"</edXML:ApplicationType>" + unknown)
    sent = dms.send_edoc('{"from":"000.00.00.H41","to":["000.00.00.G22"]}', envelope)
    assert sent["status"] == "OK", sent
    office = local.nodes[VPCP.organ_id]
    eventually(lambda: document_count(office, Direction.RECEIVED) == 1)
    with office.sessions() as session:
        document = session.scalar(select(Document))
    assert office.blobs.read(document.envelope_sha256) == envelope
    assert document.extensions == {
        "task_codes": ["NV-2026-014", "NV-2026-015"],
        "application_type": "QLVB-QN",
        "sent_by": {
            "department": "Văn phòng Ủy ban", "staff": "Đỗ Minh Châu",
            "email": "chau.dm@quangninh.gov.vn", "mobile": "0915246810",
            "department_id": "VP-07", "staff_id": "CB-1138",
        },
    }  # fmt: skip
    add_user(office.sessions, "vanthu", PASSWORD, VPCP.organ_id, UserRole.CLERK)
    client, _ = logged_in(create_node_app(office, "hub-token", "secret-for-tests"))
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "NV-2026-014, NV-2026-015" in page and "QLVB-QN" in page
    assert "Đỗ Minh Châu · Văn phòng Ủy ban · chau.dm@quangninh.gov.vn" in page


def test_dates_and_pages_narrow_what_is_listed(exchange, letter):
    local, dms = exchange
    hanoi = local.nodes[HA_NOI.organ_id]
    for number in ("71", "72", "73"):
        send_envelope(hanoi, envelope_of(letter, HA_NOI.organ_id, NGHE_AN.organ_id, number))
    eventually(lambda: len(listed(dms, EDOC)) == 3)
    now = dt.datetime.now(VIETNAM)

    def ids(**query) -> list[str]:
        fresh = SdkService(dms.endpoint, DMS, SECRET)  # the SDK would keep the last page
        return [i["docId"] for i in listed(fresh, json.dumps({"messagetype": "edoc", **query}))]

    every = ids()
    assert ids(pageSize="2") == every[:2] and ids(pageSize="2", pageIndex="2") == every[2:]
    minute = dt.timedelta(minutes=1)
    assert ids(fromDate=(now - minute).isoformat()) == every  # in UTC on SQLite too
    assert ids(toDate=(now - minute).isoformat()) == []
    today, tomorrow = now.date(), now.date() + dt.timedelta(days=1)
    assert ids(fromDate=today.strftime("%d/%m/%Y"), toDate=today.isoformat()) == every
    assert ids(fromDate=tomorrow.strftime("%Y/%m/%d")) == []
    for bad in ({"pageIndex": "²"}, {"fromDate": "hôm qua"}, {"toDate": "99999-01-01"}):
        answer = SdkService(dms.endpoint, DMS, SECRET).get_received_edoc_list(json.dumps(bad))
        assert (answer["status"], answer["ErrorCode"]) == ("FAIL", "400"), bad
    huge = dms.get_edoc('{"docId":"99999999999999999999"}')
    assert (huge["status"], huge["ErrorCode"]) == ("FAIL", "404")


def test_what_a_system_said_stands(exchange, letter):
    """done is done: a later fail or processing changes nothing, and the hub's outbox never
    writes over what the system said."""
    local, dms = exchange
    item = waiting_for_the_dms(local, dms, letter)
    for said in ("done", "fail", "processing"):
        dms.update_status(json.dumps({"status": said, "docId": item["docId"]}))
    with local.hub.sessions() as session:
        delivery = session.get(Delivery, int(item["docId"]))
    assert delivery.state is DeliveryState.ACKNOWLEDGED
    assert listed(dms, EDOC) == []


def test_a_system_cannot_see_or_touch_another_agencys_packages(exchange, letter):
    local, dms = exchange
    item = waiting_for_the_dms(local, dms, letter)
    other = "vxp.dms.h49"
    local.hub.register_system(other, "QLVB Quảng Ninh", SECRET, {"000.00.00.H49": "Quảng Ninh"})
    stranger = SdkService(dms.endpoint, other, SECRET)
    asked = json.dumps({"docId": item["docId"], "to": NGHE_AN.organ_id})
    assert stranger.get_edoc(asked)["ErrorCode"] == "404"
    assert (
        stranger.update_status(json.dumps({"status": "done", "docId": item["docId"]}))["ErrorCode"]
        == "404"
    )
    assert stranger.get_received_edoc_list(asked)["data"] == []  # its own: none
    assert stranger.post("/countReceiveEdoc", asked)["count"] == 0
    headers = stranger._headers(asked, "application/json")
    download = requests.get(dms.endpoint + "/downloadEdoc", headers=headers, timeout=30)
    assert download.status_code == 404 and download.content == b""
    assert [i["docId"] for i in listed(dms, EDOC)] == [item["docId"]]  # still waiting


def test_a_status_comes_only_from_an_agency_the_document_went_to(exchange, letter):
    local, dms = exchange
    envelope = envelope_of(letter, HA_NOI.organ_id, VPCP.organ_id)
    send_envelope(local.nodes[HA_NOI.organ_id], envelope)
    eventually(lambda: document_count(local.nodes[VPCP.organ_id], Direction.RECEIVED) == 1)
    document_id = parse(envelope).message.document_id
    forged = dms.send_edoc('{"from":"000.00.00.H41","messagetype":"status"}',
                           status_xml(document_id, "03"))  # fmt: skip
    assert (forged["status"], forged["ErrorCode"]) == ("FAIL", "422")
    assert "not routed to it" in forged["ErrorDescEn"]


def test_the_registry_gives_a_system_only_units_of_its_own_agencies(exchange, letter):
    local, dms = exchange

    def register(unit: dict) -> dict:
        return dms.post("/registerAgency", "{}", json.dumps(unit).encode())

    assert register({"code": "000.00.00.G01", "name": "Bộ Công an"})["ErrorCode"] == "403"
    assert register({"code": "H41.20", "name": "x" * 401})["ErrorCode"] == "400"
    other = "vxp.dms.h41.30"
    local.hub.register_system(other, "Sở", SECRET, {"000.00.30.H41": "Sở Tài chính Nghệ An"})
    assert register({"code": "H41.30", "name": "Lấy lại"})["ErrorCode"] == "403"  # another's
    item = waiting_for_the_dms(local, dms, letter)
    waiting = dms.post("/deleteAgency", json.dumps({"AgencyCode": NGHE_AN.organ_id}))
    assert (waiting["status"], waiting["ErrorCode"]) == ("FAIL", "409")
    dms.update_status(json.dumps({"status": "done", "docId": item["docId"]}))
    gone = dms.post("/deleteAgency", json.dumps({"AgencyCode": NGHE_AN.organ_id}))
    assert gone["status"] == "OK"


def test_an_agency_moved_to_a_system_is_no_longer_its_nodes(exchange):
    local, _ = exchange
    url = local.services["hub"].url + "/api/v1/pending"
    token = {"Authorization": f"Bearer {local.tokens[VPCP.organ_id]}"}
    assert requests.get(url, headers=token, timeout=10).status_code == 200
    new = local.hub.register_system("vxp.h49", "QLVB", SECRET, {"000.00.00.H49": "Quảng Ninh"})
    assert new == []  # nobody's before
    taken = local.hub.register_system("vxp.g22", "QLVB VPCP", SECRET, {VPCP.organ_id: VPCP.name})
    assert taken == [VPCP.organ_id]
    assert requests.get(url, headers=token, timeout=10).status_code == 401


def test_the_hmac_holds_for_a_header_the_sdk_signs_in_utf8(exchange, letter):
    """The SDK signs the UTF-8 of its headers, which its HTTP client sends in Latin-1 (and it
    keeps a Windows folder of getEdoc in every later call)."""
    local, dms = exchange
    item = waiting_for_the_dms(local, dms, letter)
    got = dms.get_edoc(json.dumps({"filePath": "D:\\Tài", "docId": item["docId"]}))
    assert got["status"] == "OK", got
    assert dms.post("/countReceiveEdoc", "{}")["status"] == "OK"


def test_one_bad_package_holds_up_no_other(over_sdk, envelope):
    """A package the hub cannot give whole (its file lost there) is said fail, and the next
    is fetched in the same round."""
    nodes, local = over_sdk
    office = local.services[VPCP.organ_id]
    for worker in office.workers:
        if worker.name == "edoc-fetch":
            worker.stop()
    first = parse(envelope).message
    second = build(dataclasses.replace(first, document_id=first.document_id + "-2"))
    send_envelope(nodes["h26"], envelope)
    send_envelope(nodes["h26"], second)

    def held() -> list[Delivery]:
        with local.hub.sessions() as session:
            query = select(Delivery).where(Delivery.kind == "document").order_by(Delivery.id)
            return session.scalars(query).all()

    eventually(lambda: len(held()) == 2)
    lost, _ = held()
    local.hub.blobs.path(lost.message_sha256).unlink()
    hub_url = local.services["hub"].url
    client = VdxpClient(hub_url, f"edoc-{VPCP.organ_id}", local.tokens[VPCP.organ_id])
    assert fetch_received(nodes["g22"], client) == 1
    with nodes["g22"].sessions() as session:
        kept = session.scalars(select(Document.document_id)).all()
    assert kept == [first.document_id + "-2"]
    with local.hub.sessions() as session:
        assert session.get(Delivery, lost.id).state is DeliveryState.FAILED


def test_one_process_of_a_node_fetches_at_a_time(office):
    first = take_turn(office.sessions, "fetch")
    assert first is not None
    assert take_turn(office.sessions, "fetch") is None  # another gunicorn worker waits
    end_turn(office.sessions, "fetch", first)
    dying = take_turn(office.sessions, "fetch", lasting=dt.timedelta(0))
    assert dying is not None
    assert take_turn(office.sessions, "fetch") is not None  # a turn left behind runs out
