"""The hub's side of the national hub's SDK API, without HTTP: which agencies a system
speaks for, the packages waiting for them and those they sent, as the SDK's lists show
them, and what a system says of a package it fetched (:mod:`web.api.vdxp` serves it).

A system sends and fetches only for the agencies registered to it. What the hub routes to
those agencies waits for them (held) until fetched: each delivery is a package the system
lists, fetches and says ``done`` (or ``processing``, or ``fail``: offered again after a
wait, as a refused delivery is retried) of. Documents and statuses go through the same
routing as the nodes' own API: stored once, verified, audited.
"""

import datetime as dt
import json

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from edoc.agency import AgencyId, AgencyIdError
from edoc.errors import VdxpError
from edoc.exchange.hub import Hub
from edoc.exchange.outbox import Backoff
from edoc.exchange.vdxp import (
    DONE,
    EDOC,
    FAIL,
    INITIAL,
    PROCESSING,
    STATUS,
    SignedRequest,
    bad_request,
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


def say(delivery: Delivery, said: str) -> None:
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


def agencies_of(session: Session, system_id: str) -> list[str]:
    """The agencies system ``system_id`` speaks for."""
    return list(
        session.scalars(
            select(Agency.organ_id).where(Agency.system_id == system_id).order_by(Agency.id)
        )
    )


def not_theirs(organ_id: str) -> VdxpError:
    return VdxpError(
        f"Hệ thống này không được gửi, nhận thay cơ quan «{organ_id}».",
        f"This system may not send or fetch for agency '{organ_id}'.",
        "403", 403,
    )  # fmt: skip


def organ_id_of(text: str, name: str) -> str:
    """An agency id in either form, as the hub keeps it (the QCVN 102 form)."""
    try:
        return str(AgencyId.parse(text))
    except AgencyIdError as error:
        vi, en = f"«{name}»: {error.message_vi}", f"'{name}': {error.message_en}"
        raise bad_request(vi, en) from error


def recipients_of(text: str) -> list[str] | None:
    """The ``to`` parameter: one agency id, or a JSON string or array of them (the SDK
    sends ``to`` as its JSON text)."""
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    values = value if isinstance(value, list) else [value]
    return [organ_id_of(str(v), "to") for v in values]


def number_in(text: str, most: int = LARGEST_ID) -> int | None:
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


def received_query(session: Session, signed: SignedRequest, kind: str | None = None):
    """The query of the packages waiting for the caller's agencies (``to``: those of them),
    of ``messagetype`` (``kind``), queued in the dates asked.

    The SDK keeps every parameter of a service object's earlier calls in its later ones: a
    ``status`` left by ``/updateStatus``, a ``to`` left by ``/sendEdoc``. So the list is
    always of what waits (not yet said done, nor fail), and a ``to`` naming agencies the
    caller does not speak for narrows nothing."""
    own = agencies_of(session, signed.system_id)
    own = [organ_id for organ_id in recipients_of(signed.get("to")) or () if organ_id in own] or own
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


def with_senders(*columns):
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


def page_of(query, signed: SignedRequest):
    """``query`` narrowed to page ``pageIndex`` (from 1) of ``pageSize`` rows (100 unless
    asked, at most 1000)."""
    size = number_in(signed.get("pageSize", str(PAGE)), MOST * 1000)
    index = number_in(signed.get("pageIndex", "1"))
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


def package(delivery: Delivery, document_sender: str, status_sender: str | None) -> dict:
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


def sent_query(own: list[str], signed: SignedRequest):
    """The packages the caller's agencies sent, each to one recipient: documents they sent,
    statuses they gave; ``messagetype`` and ``docId`` (the sender's) narrow it."""
    query = with_senders(Document).where(
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
        query = query.where(Document.id == (number_in(doc_id) or -1))
    return query


def sent_row(delivery: Delivery, document: Document, status_sender: str | None) -> dict:
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


def all_agencies(hub: Hub) -> list[Agency]:
    with hub.sessions() as session:
        return list(session.scalars(select(Agency).order_by(Agency.organ_id)))


def agency_json(agency: Agency) -> dict:
    return {
        "id": str(agency.id), "code": agency.organ_id, "name": agency.name, "mail": "",
        "pid": "", "oldCode": "",
    }  # fmt: skip


def unit_json(agency: Agency) -> dict:
    return {
        **agency_json(agency), "version": 1, "centerCode": agency.system_id, "deleted": False,
        "modifyDate": "", "isAgency": True,
    }  # fmt: skip


def delivery_of(hub: Hub, signed: SignedRequest) -> Delivery:
    """The package ``docId`` names, if it is for one of the caller's agencies."""
    doc_id = signed.get("docId").strip()
    key = number_in(doc_id)
    with hub.sessions() as session:
        own = agencies_of(session, signed.system_id)
        delivery = session.get(Delivery, key) if key is not None else None
    if delivery is None or delivery.recipient_organ_id not in own:
        raise VdxpError(
            f"Không có gói tin «{doc_id}» cho hệ thống này.",
            f"No package '{doc_id}' for this system.",
            "404", 404,
        )  # fmt: skip
    return delivery
