"""The HTTP face of nodes and the hub: edoc's exchange API (a node's endpoint, the hub's
endpoint and queue) and the national hub's SDK API the hub also serves. Each is a
module-level blueprint; :mod:`web.app` registers them for the role it serves."""

from web.api.answers import MAX_MESSAGE_BYTES, refused, status_of, too_large
from web.api.hub import bp as hub_bp
from web.api.node import bp as node_bp
from web.api.vdxp import bp as vdxp_bp

__all__ = [
    "MAX_MESSAGE_BYTES",
    "hub_bp",
    "node_bp",
    "refused",
    "status_of",
    "too_large",
    "vdxp_bp",
]
