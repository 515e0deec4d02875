"""What an application's views act for, kept in its ``extensions`` when it is created
(:mod:`web.app`): the blueprints are module-level objects, as in Flask's tutorial, and each
view finds the node (or the hub) it serves through ``current_app``.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Flask, current_app

from edoc.exchange.hub import Hub
from edoc.exchange.node import Node
from web.throttle import LoginThrottle

if TYPE_CHECKING:
    from web.compose import Stamp

_NODE = "edoc.node"
_HUB = "edoc.hub"


@dataclass(frozen=True)
class NodeContext:
    """An agency's node as its application serves it: the node, the token the hub presents
    when it posts to it, the agency's key and seal (``stamp``, None: clerks cannot seal),
    and the failed logins per address and guesses at a held key's password per leader
    (brakes kept in this application's memory, :mod:`web.throttle`)."""

    node: Node
    hub_token: str
    stamp: "Stamp | None" = None
    address_failures: LoginThrottle = field(default_factory=LoginThrottle)
    key_failures: LoginThrottle = field(default_factory=LoginThrottle)


def serve_node(app: Flask, context: NodeContext) -> None:
    """Make ``app`` serve the node of ``context``."""
    app.extensions[_NODE] = context


def serve_hub(app: Flask, hub: Hub) -> None:
    """Make ``app`` serve ``hub``."""
    app.extensions[_HUB] = hub


def node_context() -> NodeContext:
    """The node the current application serves, and what comes with it."""
    return current_app.extensions[_NODE]


def current_node() -> Node:
    """The node the current application serves."""
    return node_context().node


def current_hub() -> Hub:
    """The hub the current application serves."""
    return current_app.extensions[_HUB]
