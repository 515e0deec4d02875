"""What edoc's exchange API answers, whoever serves it (a node, the hub): the JSON of a
refusal in both languages and its status, the size limit, and taking an envelope's body.

A refusal is ``{"error": {"message_vi": ..., "message_en": ...}}``: 401 without a valid
token, 413 when the body is too large, 415 when it is said to be something else than XML,
and 422 when the envelope is refused; 503 when the database cannot be reached and 507 when
the disk is full, both saying that nothing was kept and the sender's outbox tries again
later.
"""

from collections.abc import Callable

from flask import jsonify, request

from edoc.errors import DatabaseUnavailableError, EdocError, StorageFullError
from edoc.exchange import trace as trace_header
from edoc.exchange.records import Received

MAX_MESSAGE_BYTES = 200 * 1024 * 1024

#: The answer to a refusal that is no fault of the message: try again later.
_LATER = ((DatabaseUnavailableError, 503), (StorageFullError, 507))


def status_of(error: EdocError) -> int:
    """The HTTP status that says why ``error`` refused a request."""
    return next((status for kind, status in _LATER if isinstance(error, kind)), 422)


def refused(error: EdocError, status: int | None = None):
    """The JSON answer of a refused request: its message in both languages."""
    body = {"error": {"message_vi": error.message_vi, "message_en": error.message_en}}
    return jsonify(body), status or status_of(error)


def unauthorised():
    """The answer to a request without a valid token."""
    error = EdocError("Thiếu hoặc sai mã xác thực.", "Missing or wrong token.")
    return refused(error, 401)


def not_found():
    """The answer about a pending message that is not the caller's, or none."""
    return refused(EdocError("Không có gói tin này.", "No such message."), 404)


def too_large(_error=None):
    """The answer to a message over MAX_MESSAGE_BYTES."""
    limit = MAX_MESSAGE_BYTES // (1024 * 1024)
    error = EdocError(f"Gói tin quá {limit} MB.", f"The message is over {limit} MB.")
    return refused(error, 413)


def bearer_token() -> str:
    """The token of the request's ``Authorization: Bearer`` header, or ''."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else ""


def request_trace() -> list[dict]:
    """The route the request's message took so far (its trace header)."""
    return trace_header.read_header(request.headers.get(trace_header.HEADER))


def _is_xml(media_type: str) -> bool:
    """Whether a body of ``media_type`` may be an envelope (none said: it is read as one)."""
    return media_type in ("", "application/xml", "text/xml") or media_type.endswith("+xml")


def taking(store: Callable[[bytes], Received]):
    """The answer to a posted envelope, which ``store`` keeps: its document and whether it
    was new, or why it was refused."""
    if not _is_xml(request.mimetype):
        error = EdocError(
            f"Gói tin phải là XML (application/xml), không phải {request.mimetype}.",
            f"The message must be XML (application/xml), not {request.mimetype}.",
        )
        return refused(error, 415)
    try:
        received = store(request.get_data(cache=False))
    except EdocError as error:
        return refused(error)
    return jsonify({"document": received.document_pk, "created": received.created})
