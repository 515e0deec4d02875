"""A node's endpoint of edoc's exchange API: the documents and statuses the hub delivers.

``POST /api/v1/messages`` with the envelope as the body (application/xml) and
``Authorization: Bearer TOKEN``, the hub's token. It answers 200 with
``{"document": id, "created": bool}`` once the message is stored: that answer is the
acknowledgement the hub's outbox waits for (the refusals: :mod:`web.api.answers`).
"""

import hmac

from flask import Blueprint

from edoc.exchange.receive import receive_message
from edoc.exchange.transport import PATH
from web.api.answers import bearer_token, request_trace, taking, unauthorised
from web.context import node_context

bp = Blueprint("node", __name__)


@bp.post(PATH)
def take():
    served = node_context()
    if not hmac.compare_digest(bearer_token().encode(), served.hub_token.encode()):
        return unauthorised()
    return taking(lambda data: receive_message(served.node, data, request_trace()))
