"""The HTTP face of nodes and the hub: an endpoint that takes edXML messages, and the hub's
queue a node can fetch from.

``POST /api/v1/messages`` with the envelope as the body (application/xml) and
``Authorization: Bearer TOKEN``. It answers 200 with ``{"document": id, "created": bool}``
once the message is stored (that answer is the acknowledgement the sender's outbox waits
for), 401 without a valid token, 413 when the body is too large, 415 when it is said to be
something else than XML, and 422 when the envelope is refused, each with a message in
Vietnamese and English; 503 when its database cannot be reached and 507 when its disk is
full, both with the same kind of message: nothing was kept, and the sender's outbox tries
again later.

A node the hub cannot reach fetches instead: ``GET /api/v1/pending`` lists what waits for
it, ``GET /api/v1/pending/ID`` gives one envelope, ``POST /api/v1/pending/ID/ack`` says it
is stored (see :func:`pull_pending`).
"""

import hmac
from collections.abc import Callable

import requests
from flask import Blueprint, Flask, Response, g, jsonify, request

from edoc.errors import DatabaseUnavailableError, EdocError, StorageFullError
from edoc.exchange import trace as trace_header
from edoc.exchange.hub import Hub, acknowledge, pending, pending_message, route
from edoc.exchange.outbox import DeliveryError, Outgoing, Transport, refused_for_good
from edoc.exchange.receive import Node, receive_message
from edoc.exchange.records import Received
from edoc.storage.models import DeliveryState

MAX_MESSAGE_BYTES = 200 * 1024 * 1024
PATH = "/api/v1/messages"


#: The answer to a refusal that is no fault of the message: try again later.
_LATER = ((DatabaseUnavailableError, 503), (StorageFullError, 507))


def status_of(error: EdocError) -> int:
    """The HTTP status that says why ``error`` refused a request."""
    return next((status for kind, status in _LATER if isinstance(error, kind)), 422)


def refused(error: EdocError, status: int | None = None):
    """The JSON answer of a refused request: its message in both languages."""
    body = {"error": {"message_vi": error.message_vi, "message_en": error.message_en}}
    return jsonify(body), status or status_of(error)


def _unauthorised():
    error = EdocError("Thiếu hoặc sai mã xác thực.", "Missing or wrong token.")
    return refused(error, 401)


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else ""


def _trace() -> list[dict]:
    return trace_header.read_header(request.headers.get(trace_header.HEADER))


def _is_xml(media_type: str) -> bool:
    """Whether a body of ``media_type`` may be an envelope (none said: it is read as one)."""
    return media_type in ("", "application/xml", "text/xml") or media_type.endswith("+xml")


def _taking(store: Callable[[bytes], Received]):
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


def node_blueprint(node: Node, hub_token: str) -> Blueprint:
    """A node's endpoint: documents and statuses the hub delivers (with the hub's token)."""
    blueprint = Blueprint("node", __name__)

    @blueprint.post(PATH)
    def take():
        if not hmac.compare_digest(_bearer().encode(), hub_token.encode()):
            return _unauthorised()
        return _taking(lambda data: receive_message(node, data, _trace()))

    return blueprint


def hub_blueprint(hub: Hub) -> Blueprint:
    """The hub's endpoint: what nodes send (each with its own token)."""
    blueprint = Blueprint("hub", __name__)

    @blueprint.before_request
    def caller():
        """Every hub route: the agency whose node presents the token, else 401."""
        token = _bearer()
        g.agency = hub.agency_of(token) if token else None
        if g.agency is None:
            return _unauthorised()
        return None

    @blueprint.post(PATH)
    def take():
        return _taking(lambda data: route(hub, data, [g.agency], _trace()))

    @blueprint.get("/api/v1/pending")
    def waiting():
        return jsonify(pending(hub, g.agency))

    @blueprint.get("/api/v1/pending/<int:delivery_id>")
    def fetch(delivery_id: int):
        message = pending_message(hub, g.agency, delivery_id)
        if message is None:
            return refused(EdocError("Không có gói tin này.", "No such message."), 404)
        return Response(message, mimetype="application/xml")

    @blueprint.post("/api/v1/pending/<int:delivery_id>/ack")
    def ack(delivery_id: int):
        if not acknowledge(hub, g.agency, delivery_id):
            return refused(EdocError("Không có gói tin này.", "No such message."), 404)
        return jsonify({"acknowledged": delivery_id})

    return blueprint


def pull_pending(node: Node, hub_url: str, token: str, timeout: float = 30) -> int:
    """Fetch what waits at the hub for this node, store each, acknowledge it; how many."""
    headers = {"Authorization": f"Bearer {token}"}
    base = hub_url.rstrip("/") + "/api/v1/pending"
    try:
        waiting = requests.get(base, headers=headers, timeout=timeout)
        waiting.raise_for_status()
        fetched = 0
        for item in waiting.json():
            message = requests.get(f"{base}/{item['id']}", headers=headers, timeout=timeout)
            message.raise_for_status()
            receive_message(node, message.content)
            requests.post(f"{base}/{item['id']}/ack", headers=headers, timeout=timeout)
            fetched += 1
    except requests.RequestException as error:
        raise DeliveryError(
            f"Không lấy được gói tin từ {hub_url}: {error}.",
            f"Cannot fetch from {hub_url}: {error}.",
        ) from error
    return fetched


def create_app(*blueprints: Blueprint) -> Flask:
    """A Flask application serving ``blueprints``, with the message size limit."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_MESSAGE_BYTES
    for blueprint in blueprints:
        app.register_blueprint(blueprint)

    app.register_error_handler(413, too_large)
    app.register_error_handler(EdocError, refused)  # e.g. the database away before a view
    return app


def too_large(_error=None):
    """The answer to a message over MAX_MESSAGE_BYTES."""
    limit = MAX_MESSAGE_BYTES // (1024 * 1024)
    error = EdocError(f"Gói tin quá {limit} MB.", f"The message is over {limit} MB.")
    return refused(error, 413)


def post_message(
    base_url: str, token: str, data: bytes, timeout: float = 30, trace: list | None = None
) -> dict:
    """Post an envelope (and the route it took) to a node or the hub; the answer, or
    DeliveryError saying why not."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}
    if trace:
        headers[trace_header.HEADER] = trace_header.header(trace)
    try:
        response = requests.post(
            base_url.rstrip("/") + PATH, data=data, headers=headers, timeout=timeout
        )
    except requests.RequestException as error:
        raise DeliveryError(
            f"Không gửi được tới {base_url}: {error}.", f"Cannot reach {base_url}: {error}."
        ) from error
    if response.status_code != 200:
        raise DeliveryError(
            f"{base_url} trả lời {response.status_code}: {response.text[:300]}",
            f"{base_url} answered {response.status_code}: {response.text[:300]}",
            final=refused_for_good(response.status_code),
        )
    return response.json()


def to_hub(hub_url: str, token: str) -> Transport:
    """A node's transport: everything goes to the hub. A document is then 'sent' (its
    arrival is acknowledged by the recipient's 01); a status is done once the hub has it."""

    def send(message: Outgoing) -> DeliveryState:
        post_message(hub_url, token, message.data, trace=message.trace)
        return DeliveryState.SENT if message.kind == "document" else DeliveryState.ACKNOWLEDGED

    return send


def to_nodes(hub: Hub, token: str) -> Transport:
    """The hub's transport: to the recipient's node, acknowledged by its answer; held for an
    agency whose system fetches what it has (the SDK API)."""

    def send(message: Outgoing) -> DeliveryState:
        if hub.held_for(message.recipient):
            return DeliveryState.HELD
        url = hub.node_url(message.recipient)
        if not url:
            raise DeliveryError(
                f"Không có nút của {message.recipient}.", f"No node for {message.recipient}."
            )
        post_message(url, token, message.data, trace=message.trace)
        return DeliveryState.ACKNOWLEDGED

    return send
