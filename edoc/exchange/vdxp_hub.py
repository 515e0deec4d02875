"""The hub serving the national hub's SDK API (``/sendEdoc``, ``/getReceivedEdocList``,
``/getEdoc``, ``/updateStatus``, …), so that an agency whose document management system uses
VNPT's SDK exchanges with edoc nodes through an edoc hub (a province's own platform).

Each request is authenticated by its system id and the HMAC of its signed headers
(:func:`edoc.exchange.vdxp.check_request`); a system sends and fetches only for the agencies
registered to it. What the hub routes to those agencies waits for them (held) until fetched:
each delivery is a package the system lists, fetches and says ``done`` (or ``processing``, or
``fail``: offered again after a wait, as a refused delivery is retried) of. Documents and
statuses go through the same routing as the nodes' own API: stored once, verified, audited.

Where the SDK leaves a choice open, the hub takes what the SDK's own code sends: the file as
the raw body (or a multipart field ``file_doc``), its ``hash-file`` with or without leading
zeros, with or without the CRLF the SDK adds; header names in any case.
"""

import base64
import datetime as dt
import json
import logging

from flask import Blueprint, Flask, Response, request
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from edoc.agency import AgencyId, AgencyIdError
from edoc.errors import EdocError, VdxpError
from edoc.exchange.api import MAX_MESSAGE_BYTES, create_app, hub_blueprint, status_of
from edoc.exchange.hub import Hub, route, speak_for
from edoc.exchange.outbox import Backoff
from edoc.exchange.vdxp import (
    DONE,
    EDOC,
    FAIL,
    INITIAL,
    PROCESSING,
    STATUS,
    SignedRequest,
    ascii_json,
    bad_request,
    body_digests,
    check_request,
    failed,
    ok,
)
from edoc.storage.models import (
    HUB_ID,
    Agency,
    Delivery,
    DeliveryState,
    Direction,
    Document,
    StatusEvent,
)
from edoc.timezone import day_start, to_utc, to_vietnam

logger = logging.getLogger(__name__)

#: How a delivery's state reads in the SDK's lists.
STATES = {
    DeliveryState.QUEUED: INITIAL,
    DeliveryState.HELD: INITIAL,
    DeliveryState.SENT: PROCESSING,
    DeliveryState.ACKNOWLEDGED: DONE,
    DeliveryState.FAILED: FAIL,
    DeliveryState.UNDELIVERABLE: FAIL,  # given up by the hub's outbox
}
MEANINGS = {
    INITIAL: "Chờ nhận / Waiting to be fetched",
    PROCESSING: "Đang xử lý / Being processed",
    DONE: "Đã nhận / Received",
    FAIL: "Nhận lỗi, sẽ gửi lại / Failed, offered again later",
}
#: A package the receiver has not said ``done`` or ``fail`` of is listed again.
LISTED = (DeliveryState.QUEUED, DeliveryState.HELD, DeliveryState.SENT)
#: A package not yet done: listed, or to be listed again after a ``fail``.
UNFINISHED = (*LISTED, DeliveryState.FAILED)
NAME_LENGTH = Agency.__table__.c.name.type.length
#: The largest id a package may have (the column's integer).
LARGEST_ID = 2**31 - 1
#: How long a package the receiver said ``fail`` of waits before it is offered again.
AGAIN = Backoff()
PAGE, MOST = 100, 1000
KINDS = {EDOC: "document", STATUS: "status"}


def hub_app(hub: Hub) -> Flask:
    """The hub's application: the nodes' API and the SDK API."""
    return create_app(hub_blueprint(hub), vdxp_blueprint(hub))


def _answer(body: dict, status: int = 200) -> Response:
    return Response(ascii_json(body), status=status, mimetype="application/json")


def vdxp_blueprint(hub: Hub) -> Blueprint:
    """The SDK API's routes, at the hub's root (the SDK appends them to its endpoint)."""
    blueprint = Blueprint("vdxp", __name__)

    def caller() -> SignedRequest:
        return check_request(request.headers, hub.secret_of)

    @blueprint.errorhandler(EdocError)
    def refused(error: EdocError):
        if isinstance(error, VdxpError):
            code, status = error.code, error.status
        else:
            status = status_of(error)
            code = str(status)
        if request.endpoint == "vdxp.download_edoc":
            # the SDK writes whatever comes to a file and calls it a success unless it is
            # empty: the reason goes in headers
            headers = {"XroadVnpt-ErrorCode": code, "XroadVnpt-ErrorDesc": error.message_en}
            return Response(b"", status=status, headers=headers)
        answer = failed(error, code)
        if request.endpoint == "vdxp.send_edoc":
            answer["DocId"] = ""  # the SDK reads it, answered or refused
        return _answer(answer, status)

    @blueprint.errorhandler(413)
    def too_large(_error):
        limit = MAX_MESSAGE_BYTES // (1024 * 1024)
        vi, en = f"Gói tin quá {limit} MB.", f"The package is over {limit} MB."
        return refused(VdxpError(vi, en, "413", 413))

    @blueprint.errorhandler(Exception)
    def failed_here(error: Exception):
        """Anything else, in the API's own answer: what the SDK can read, never a page."""
        if isinstance(error, HTTPException):
            code = error.code or 500
            return refused(VdxpError(error.name, error.name, str(code), code))
        logger.exception("%s failed", request.path)
        vi = "Trục gặp lỗi khi xử lý yêu cầu; hãy thử lại sau."
        en = "The hub failed to handle the request; try again later."
        return refused(VdxpError(vi, en, "500", 500))

    @blueprint.post("/sendEdoc")
    def send_edoc():
        signed = caller()
        with hub.sessions() as session:
            own = _agencies(session, signed.system_id)
        data = _file(signed)
        sender = signed.get("from")
        senders = [_organ_id(sender, "from")] if sender else own
        if not set(senders) <= set(own):
            raise _not_theirs(sender)
        received = route(hub, data, senders, only=_recipients(signed.get("to")))
        return _answer(ok(DocId=str(received.document_pk)))

    @blueprint.route("/getReceivedEdocList", methods=["GET", "POST"])
    def received_list():
        signed = caller()
        with hub.sessions() as session:
            waiting = _with_senders(Document.sender_organ_id).where(
                Delivery.id.in_(_received(session, signed))
            )
            rows = session.execute(_page(waiting, signed)).all()
        return _answer(ok(data=[_package(*row) for row in rows]))

    @blueprint.route("/countReceiveEdoc", methods=["GET", "POST"])
    def count_documents():
        return _count(EDOC)

    @blueprint.route("/countReceiveStatus", methods=["GET", "POST"])
    def count_statuses():
        return _count(STATUS)

    def _count(kind: str):
        signed = caller()
        with hub.sessions() as session:
            query = _received(session, signed, kind)
            count = session.scalar(select(func.count()).select_from(query.subquery()))
        return _answer(ok(count=count))

    @blueprint.post("/getEdoc")
    def get_edoc():
        signed = caller()
        data = hub.blobs.read(_delivery_of(signed).message_sha256)
        return _answer(ok(data=base64.b64encode(data).decode("ascii")))

    @blueprint.route("/downloadEdoc", methods=["GET", "POST"])
    def download_edoc():
        signed = caller()
        data = hub.blobs.read(_delivery_of(signed).message_sha256)
        return Response(data, mimetype="application/octet-stream")

    @blueprint.post("/updateStatus")
    def update_status():
        signed = caller()
        said = signed.get("status").lower()
        if said not in (DONE, PROCESSING, FAIL):
            raise bad_request(
                f"Trạng thái «{said}» không hợp lệ (done, processing hoặc fail).",
                f"Status '{said}' is not one of done, processing and fail.",
            )
        with hub.sessions() as session:
            delivery = session.get(Delivery, _delivery_of(signed).id)
            if delivery.state is not DeliveryState.ACKNOWLEDGED:  # done is done
                _say(delivery, said)
            session.commit()
        return _answer(ok())

    @blueprint.route("/getSentEdocList", methods=["GET", "POST"])
    def sent_list():
        signed = caller()
        with hub.sessions() as session:
            own = _agencies(session, signed.system_id)
            rows = session.execute(_page(_sent(own, signed), signed)).all()
        return _answer(ok(data=[_sent_row(*row) for row in rows]))

    @blueprint.route("/getAgenciesList", methods=["GET", "POST"])
    def agencies_list():
        caller()
        return _answer(ok(data=[_agency_json(a) for a in _all_agencies(hub)]))

    @blueprint.route("/getAgenciesListQD20", methods=["GET", "POST"])
    def agencies_list_2020():
        caller()
        return _answer(
            ok(
                data=[
                    {**_agency_json(a), "code": a.code_2020, "code102": a.organ_id}
                    for a in _all_agencies(hub)
                ]
            )
        )

    @blueprint.route("/getSynchronizeUnit", methods=["GET", "POST"])
    def synchronize_units():
        caller()
        return _answer(ok(data=[_unit(a) for a in _all_agencies(hub)]))

    @blueprint.post("/registerAgency")
    def register_agency():
        """A unit under one of the caller's agencies (a province's department under the
        province): any other agency is the hub operator's to give (``register-system``)."""
        signed = caller()
        fields = _json_body()
        organ_id = _organ_id(str(fields.get("code", "")), "code")
        name = fields.get("name") or ""
        if not isinstance(name, str) or len(name) > NAME_LENGTH:
            raise bad_request(
                f"«name» phải là chuỗi tối đa {NAME_LENGTH} ký tự.",
                f"'name' must be text of at most {NAME_LENGTH} characters.",
            )
        with hub.sessions() as session:
            own = _agencies(session, signed.system_id)
            agency = session.scalar(select(Agency).where(Agency.organ_id == organ_id))
            unit = AgencyId.parse(organ_id)
            under = any(unit.is_within(AgencyId.parse(parent)) for parent in own)
            if not under or (agency is not None and agency.system_id != signed.system_id):
                raise _not_theirs(organ_id)
            speak_for(session, signed.system_id, organ_id, name)
            session.commit()
        return _answer(ok())

    @blueprint.post("/deleteAgency")
    def delete_agency():
        """One of the caller's agencies, once nothing waits for it (what waits would be
        the next owner's)."""
        signed = caller()
        organ_id = _organ_id(signed.get("AgencyCode"), "AgencyCode")
        with hub.sessions() as session:
            if organ_id not in _agencies(session, signed.system_id):
                raise _not_theirs(organ_id)
            waiting = session.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(Delivery.recipient_organ_id == organ_id, Delivery.state.in_(UNFINISHED))
            )
            if waiting:
                raise VdxpError(
                    f"Còn {waiting} gói tin chờ {organ_id}: hãy nhận hết trước khi hủy đăng ký.",
                    f"{waiting} packages still wait for {organ_id}: fetch them before deleting it.",
                    "409", 409,
                )  # fmt: skip
            session.execute(delete(Agency).where(Agency.organ_id == organ_id))
            session.commit()
        return _answer(ok())

    def _delivery_of(signed: SignedRequest) -> Delivery:
        """The package ``docId`` names, if it is for one of the caller's agencies."""
        doc_id = signed.get("docId").strip()
        key = _number(doc_id)
        with hub.sessions() as session:
            own = _agencies(session, signed.system_id)
            delivery = session.get(Delivery, key) if key is not None else None
        if delivery is None or delivery.recipient_organ_id not in own:
            raise VdxpError(
                f"Không có gói tin «{doc_id}» cho hệ thống này.",
                f"No package '{doc_id}' for this system.",
                "404", 404,
            )  # fmt: skip
        return delivery

    return blueprint


def _say(delivery: Delivery, said: str) -> None:
    """What the receiving system said of a package, as the delivery's state."""
    if said == DONE:
        delivery.state = DeliveryState.ACKNOWLEDGED
        return
    if said == PROCESSING:
        delivery.state = DeliveryState.SENT
        return
    delivery.attempts += 1
    delivery.state = DeliveryState.FAILED  # the hub's outbox holds it again when due
    delivery.last_error = "Hệ thống nhận báo lỗi (fail) / the receiving system said fail"
    delivery.next_attempt_at = dt.datetime.now(dt.UTC) + AGAIN.after(delivery.attempts)


def _agencies(session: Session, system_id: str) -> list[str]:
    """The agencies system ``system_id`` speaks for."""
    return list(
        session.scalars(
            select(Agency.organ_id).where(Agency.system_id == system_id).order_by(Agency.id)
        )
    )


def _not_theirs(organ_id: str) -> VdxpError:
    return VdxpError(
        f"Hệ thống này không được gửi, nhận thay cơ quan «{organ_id}».",
        f"This system may not send or fetch for agency '{organ_id}'.",
        "403", 403,
    )  # fmt: skip


def _organ_id(text: str, name: str) -> str:
    """An agency id in either form, as the hub keeps it (the QCVN 102 form)."""
    try:
        return str(AgencyId.parse(text))
    except AgencyIdError as error:
        vi, en = f"«{name}»: {error.message_vi}", f"'{name}': {error.message_en}"
        raise bad_request(vi, en) from error


def _recipients(text: str) -> list[str] | None:
    """The ``to`` parameter: one agency id, or a JSON string or array of them (the SDK
    sends ``to`` as its JSON text)."""
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    values = value if isinstance(value, list) else [value]
    return [_organ_id(str(v), "to") for v in values]


def _file(signed: SignedRequest) -> bytes:
    """The edXML file of ``/sendEdoc``: the body (or its multipart ``file_doc``), the one
    whose SHA-256 the signed ``hash-file`` names."""
    upload = request.files.get("file_doc")
    body = upload.read() if upload is not None else request.get_data(cache=False)
    given = signed.get("hash-file").strip().lower()
    if not given:
        raise bad_request("Thiếu hash-file.", "hash-file is missing.")
    file = body_digests(body).get(given)
    if file is None:
        raise bad_request(
            "hash-file không khớp nội dung tệp gửi lên.",
            "hash-file does not match the file sent.",
        )
    return file


def _json_body() -> dict:
    try:
        fields = json.loads(request.get_data(cache=False) or b"{}")
    except ValueError as error:
        raise bad_request("Nội dung không phải JSON.", "The body is not JSON.") from error
    if not isinstance(fields, dict):
        raise bad_request("Nội dung phải là một đối tượng JSON.", "The body must be a JSON object.")
    return fields


def _number(text: str, most: int = LARGEST_ID) -> int | None:
    """A whole number written in ASCII digits, at most ``most``; None for anything else."""
    text = text.strip()
    if not (text.isascii() and text.isdecimal()) or len(text) > len(str(most)):
        return None
    value = int(text)
    return value if value <= most else None


def _date(text: str, name: str, end: bool) -> dt.datetime | None:
    """``fromDate``/``toDate`` in UTC: a day in Vietnam (yyyy-MM-dd, yyyy/MM/dd or
    dd/MM/yyyy), its start or, for ``end``, the next day's; or a moment in ISO 8601."""
    text = text.strip()
    if not text:
        return None
    for form in ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(text, form).date()
            return day_start(day + dt.timedelta(days=1) if end else day)
        except (ValueError, OverflowError):
            continue
    try:
        return to_utc(dt.datetime.fromisoformat(text))
    except (ValueError, OverflowError) as error:
        raise bad_request(
            f"«{name}»: «{text}» không phải ngày (yyyy-MM-dd hoặc dd/MM/yyyy).",
            f"'{name}': '{text}' is not a date (yyyy-MM-dd or dd/MM/yyyy).",
        ) from error


def _received(session: Session, signed: SignedRequest, kind: str | None = None):
    """The query of the packages waiting for the caller's agencies (``to``: those of them),
    of ``messagetype`` (``kind``), queued in the dates asked.

    The SDK keeps every parameter of a service object's earlier calls in its later ones: a
    ``status`` left by ``/updateStatus``, a ``to`` left by ``/sendEdoc``. So the list is
    always of what waits (not yet said done, nor fail), and a ``to`` naming agencies the
    caller does not speak for narrows nothing."""
    own = _agencies(session, signed.system_id)
    own = [organ_id for organ_id in _recipients(signed.get("to")) or () if organ_id in own] or own
    query = select(Delivery.id).where(
        Delivery.recipient_organ_id.in_(own), Delivery.state.in_(LISTED)
    )
    kind = kind or signed.get("messagetype").lower()
    if kind in KINDS:
        query = query.where(Delivery.kind == KINDS[kind])
    if since := _date(signed.get("fromDate"), "fromDate", end=False):
        query = query.where(Delivery.created_at >= since)
    if until := _date(signed.get("toDate"), "toDate", end=True):
        query = query.where(Delivery.created_at < until)
    return query


def _with_senders(*columns):
    """Deliveries with ``columns`` and who sent each: a document's sender, or the agency
    whose status it is (None for a document)."""
    return (
        select(Delivery, *columns, StatusEvent.organ_id)
        .join(Document, Document.id == Delivery.document_pk)
        .outerjoin(
            StatusEvent,
            and_(
                Delivery.kind == "status",
                StatusEvent.document_pk == Delivery.document_pk,
                StatusEvent.message_sha256 == Delivery.message_sha256,
            ),
        )
        .order_by(Delivery.id)
    )


def _page(query, signed: SignedRequest):
    """``query`` narrowed to page ``pageIndex`` (from 1) of ``pageSize`` rows (100 unless
    asked, at most 1000)."""
    size = _number(signed.get("pageSize", str(PAGE)), MOST * 1000)
    index = _number(signed.get("pageIndex", "1"))
    if size is None or index is None:
        raise bad_request(
            "pageSize và pageIndex phải là số.", "pageSize and pageIndex must be numbers."
        )
    size = min(max(size, 1), MOST)
    return query.limit(size).offset((max(index, 1) - 1) * size)


def _time(moment: dt.datetime | None) -> str:
    """A stored moment as the lists write it: ISO 8601 in Vietnam time, with its offset."""
    return to_vietnam(moment).isoformat(timespec="seconds") if moment else ""


def _message_type(delivery: Delivery) -> str:
    return EDOC if delivery.kind == KINDS[EDOC] else STATUS


def _package(delivery: Delivery, document_sender: str, status_sender: str | None) -> dict:
    said = STATES[delivery.state]
    return {
        "docId": str(delivery.id),
        "serviceType": "eDoc",
        "messageType": _message_type(delivery),
        "created_time": _time(delivery.created_at),
        "updated_time": _time(delivery.updated_at),
        "from": status_sender or document_sender,
        "to": delivery.recipient_organ_id,
        "status": said,
        "status_desc": MEANINGS[said],
    }


def _sent(own: list[str], signed: SignedRequest):
    """The packages the caller's agencies sent, each to one recipient: documents they sent,
    statuses they gave; ``messagetype`` and ``docId`` (the sender's) narrow it."""
    query = _with_senders(Document).where(
        Document.owner_organ_id == HUB_ID,
        Document.direction == Direction.RECEIVED,
        or_(
            and_(Delivery.kind == KINDS[EDOC], Document.sender_organ_id.in_(own)),
            and_(Delivery.kind == KINDS[STATUS], StatusEvent.organ_id.in_(own)),
        ),
    )
    kind = signed.get("messagetype").lower()
    if kind in KINDS:
        query = query.where(Delivery.kind == KINDS[kind])
    doc_id = signed.get("docId").strip()
    if doc_id:
        query = query.where(Document.id == (_number(doc_id) or -1))
    return query


def _sent_row(delivery: Delivery, document: Document, status_sender: str | None) -> dict:
    said = STATES[delivery.state]
    done = delivery.state is DeliveryState.ACKNOWLEDGED
    return {
        "serviceType": "eDoc",
        "messageType": _message_type(delivery),
        "senderDocId": str(document.id),
        "receiverDocId": str(delivery.id),
        "fromCode": status_sender or document.sender_organ_id,
        "toCode": delivery.recipient_organ_id,
        "title": document.subject,
        "notation": f"{document.number}/{document.notation}",
        "sentTime": _time(delivery.created_at),
        "receivedTime": _time(delivery.updated_at) if done else "",
        "sendStatus": DONE,
        "sendStatusDesc": "Trục đã nhận / Taken by the hub",
        "receiveStatus": said,
        "receiveStatusDesc": MEANINGS[said],
    }


def _all_agencies(hub: Hub) -> list[Agency]:
    with hub.sessions() as session:
        return list(session.scalars(select(Agency).order_by(Agency.organ_id)))


def _agency_json(agency: Agency) -> dict:
    return {
        "id": str(agency.id), "code": agency.organ_id, "name": agency.name, "mail": "",
        "pid": "", "oldCode": "",
    }  # fmt: skip


def _unit(agency: Agency) -> dict:
    return {
        **_agency_json(agency), "version": 1, "centerCode": agency.system_id, "deleted": False,
        "modifyDate": "", "isAgency": True,
    }  # fmt: skip
