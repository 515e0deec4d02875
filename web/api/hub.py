"""The hub's endpoint of edoc's exchange API: what nodes send, and the queue a node the hub
cannot reach fetches from. Every route needs the token of a node the hub knows, which says
whose agency it speaks for.

``POST /api/v1/messages`` takes an envelope as a node's does (:mod:`web.api.node`) and
routes it; ``GET /api/v1/pending`` lists what waits for the caller's agency,
``GET /api/v1/pending/ID`` gives one envelope, ``POST /api/v1/pending/ID/ack`` says it is
stored (:func:`edoc.exchange.transport.pull_pending` is the other side).
"""

from flask import Blueprint, Response, g, jsonify

from edoc.exchange.hub import acknowledge, pending, pending_message, route
from edoc.exchange.transport import PATH, PENDING_PATH
from web.api.answers import bearer_token, not_found, request_trace, taking, unauthorised
from web.context import current_hub

bp = Blueprint("hub", __name__)


@bp.before_request
def caller():
    """Every hub route: the agency whose node presents the token, else 401."""
    token = bearer_token()
    g.agency = current_hub().agency_of(token) if token else None
    if g.agency is None:
        return unauthorised()
    return None


@bp.post(PATH)
def take():
    return taking(lambda data: route(current_hub(), data, [g.agency], request_trace()))


@bp.get(PENDING_PATH)
def waiting():
    return jsonify(pending(current_hub(), g.agency))


@bp.get(f"{PENDING_PATH}/<int:delivery_id>")
def fetch(delivery_id: int):
    message = pending_message(current_hub(), g.agency, delivery_id)
    if message is None:
        return not_found()
    return Response(message, mimetype="application/xml")


@bp.post(f"{PENDING_PATH}/<int:delivery_id>/ack")
def ack(delivery_id: int):
    if not acknowledge(current_hub(), g.agency, delivery_id):
        return not_found()
    return jsonify({"acknowledged": delivery_id})
