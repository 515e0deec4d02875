"""The hub serving the national hub's SDK API (``/sendEdoc``, ``/getReceivedEdocList``,
``/getEdoc``, ``/updateStatus``, …) at its root, so that an agency whose document management
system uses VNPT's SDK exchanges with edoc nodes through an edoc hub.

Each request is authenticated by its system id and the HMAC of its signed headers
(:func:`edoc.exchange.vdxp.check_request`); what the routes read and change is
:mod:`edoc.exchange.vdxp_hub`'s. Every answer is the API's JSON (or, for ``/downloadEdoc``,
the file, its refusal in headers), never a page.

Where the SDK leaves a choice open, the hub takes what the SDK's own code sends: the file as
the raw body (or a multipart field ``file_doc``), its ``hash-file`` with or without leading
zeros, with or without the CRLF the SDK adds; header names in any case.
"""

import base64
import json
import logging

from flask import Blueprint, Response, request
from sqlalchemy import delete, func, select
from werkzeug.exceptions import HTTPException

from edoc.agency import AgencyId
from edoc.errors import EdocError, VdxpError
from edoc.exchange.hub import route, speak_for
from edoc.exchange.vdxp import (
    DONE,
    EDOC,
    FAIL,
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
from edoc.exchange.vdxp_hub import (
    NAME_LENGTH,
    UNFINISHED,
    agencies_of,
    agency_json,
    all_agencies,
    delivery_of,
    not_theirs,
    organ_id_of,
    package,
    page_of,
    received_query,
    recipients_of,
    say,
    sent_query,
    sent_row,
    unit_json,
    with_senders,
)
from edoc.storage.models import Agency, Delivery, DeliveryState, Document
from web.api.answers import MAX_MESSAGE_BYTES, status_of
from web.context import current_hub

logger = logging.getLogger(__name__)

bp = Blueprint("vdxp", __name__)


def _answer(body: dict, status: int = 200) -> Response:
    return Response(ascii_json(body), status=status, mimetype="application/json")


def _caller() -> SignedRequest:
    """Who calls: the SDK system whose signature the request carries, checked."""
    return check_request(request.headers, current_hub().secret_of)


@bp.errorhandler(EdocError)
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


@bp.errorhandler(413)
def too_large(_error):
    limit = MAX_MESSAGE_BYTES // (1024 * 1024)
    vi, en = f"Gói tin quá {limit} MB.", f"The package is over {limit} MB."
    return refused(VdxpError(vi, en, "413", 413))


@bp.errorhandler(Exception)
def failed_here(error: Exception):
    """Anything else, in the API's own answer: what the SDK can read, never a page."""
    if isinstance(error, HTTPException):
        code = error.code or 500
        return refused(VdxpError(error.name, error.name, str(code), code))
    logger.exception("%s failed", request.path)
    vi = "Trục gặp lỗi khi xử lý yêu cầu; hãy thử lại sau."
    en = "The hub failed to handle the request; try again later."
    return refused(VdxpError(vi, en, "500", 500))


@bp.post("/sendEdoc")
def send_edoc():
    signed = _caller()
    with current_hub().sessions() as session:
        own = agencies_of(session, signed.system_id)
    data = _file(signed)
    sender = signed.get("from")
    senders = [organ_id_of(sender, "from")] if sender else own
    if not set(senders) <= set(own):
        raise not_theirs(sender)
    received = route(current_hub(), data, senders, only=recipients_of(signed.get("to")))
    return _answer(ok(DocId=str(received.document_pk)))


@bp.route("/getReceivedEdocList", methods=["GET", "POST"])
def received_list():
    signed = _caller()
    with current_hub().sessions() as session:
        waiting = with_senders(Document.sender_organ_id).where(
            Delivery.id.in_(received_query(session, signed))
        )
        rows = session.execute(page_of(waiting, signed)).all()
    return _answer(ok(data=[package(*row) for row in rows]))


@bp.route("/countReceiveEdoc", methods=["GET", "POST"])
def count_documents():
    return _count(EDOC)


@bp.route("/countReceiveStatus", methods=["GET", "POST"])
def count_statuses():
    return _count(STATUS)


def _count(kind: str):
    signed = _caller()
    with current_hub().sessions() as session:
        query = received_query(session, signed, kind)
        count = session.scalar(select(func.count()).select_from(query.subquery()))
    return _answer(ok(count=count))


@bp.post("/getEdoc")
def get_edoc():
    signed = _caller()
    data = current_hub().blobs.read(delivery_of(current_hub(), signed).message_sha256)
    return _answer(ok(data=base64.b64encode(data).decode("ascii")))


@bp.route("/downloadEdoc", methods=["GET", "POST"])
def download_edoc():
    signed = _caller()
    data = current_hub().blobs.read(delivery_of(current_hub(), signed).message_sha256)
    return Response(data, mimetype="application/octet-stream")


@bp.post("/updateStatus")
def update_status():
    signed = _caller()
    said = signed.get("status").lower()
    if said not in (DONE, PROCESSING, FAIL):
        raise bad_request(
            f"Trạng thái «{said}» không hợp lệ (done, processing hoặc fail).",
            f"Status '{said}' is not one of done, processing and fail.",
        )
    with current_hub().sessions() as session:
        delivery = session.get(Delivery, delivery_of(current_hub(), signed).id)
        if delivery.state is not DeliveryState.ACKNOWLEDGED:  # done is done
            say(delivery, said)
        session.commit()
    return _answer(ok())


@bp.route("/getSentEdocList", methods=["GET", "POST"])
def sent_list():
    signed = _caller()
    with current_hub().sessions() as session:
        own = agencies_of(session, signed.system_id)
        rows = session.execute(page_of(sent_query(own, signed), signed)).all()
    return _answer(ok(data=[sent_row(*row) for row in rows]))


@bp.route("/getAgenciesList", methods=["GET", "POST"])
def agencies_list():
    _caller()
    return _answer(ok(data=[agency_json(a) for a in all_agencies(current_hub())]))


@bp.route("/getAgenciesListQD20", methods=["GET", "POST"])
def agencies_list_2020():
    _caller()
    return _answer(
        ok(
            data=[
                {**agency_json(a), "code": a.code_2020, "code102": a.organ_id}
                for a in all_agencies(current_hub())
            ]
        )
    )


@bp.route("/getSynchronizeUnit", methods=["GET", "POST"])
def synchronize_units():
    _caller()
    return _answer(ok(data=[unit_json(a) for a in all_agencies(current_hub())]))


@bp.post("/registerAgency")
def register_agency():
    """A unit under one of the caller's agencies (a province's department under the
    province): any other agency is the hub operator's to give (``register-system``)."""
    signed = _caller()
    fields = _json_body()
    organ_id = organ_id_of(str(fields.get("code", "")), "code")
    name = fields.get("name") or ""
    if not isinstance(name, str) or len(name) > NAME_LENGTH:
        raise bad_request(
            f"«name» phải là chuỗi tối đa {NAME_LENGTH} ký tự.",
            f"'name' must be text of at most {NAME_LENGTH} characters.",
        )
    with current_hub().sessions() as session:
        own = agencies_of(session, signed.system_id)
        agency = session.scalar(select(Agency).where(Agency.organ_id == organ_id))
        unit = AgencyId.parse(organ_id)
        under = any(unit.is_within(AgencyId.parse(parent)) for parent in own)
        if not under or (agency is not None and agency.system_id != signed.system_id):
            raise not_theirs(organ_id)
        speak_for(session, signed.system_id, organ_id, name)
        session.commit()
    return _answer(ok())


@bp.post("/deleteAgency")
def delete_agency():
    """One of the caller's agencies, once nothing waits for it (what waits would be
    the next owner's)."""
    signed = _caller()
    organ_id = organ_id_of(signed.get("AgencyCode"), "AgencyCode")
    with current_hub().sessions() as session:
        if organ_id not in agencies_of(session, signed.system_id):
            raise not_theirs(organ_id)
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
