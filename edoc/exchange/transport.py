"""The client side of edoc's exchange API: posting a message to a node or the hub,
fetching what waits at the hub, and the transports an outbox delivers with.

The server side (the routes these requests reach) is :mod:`web.api`; both agree on
``PATH``, and on the answers: 200 with ``{"document": id, "created": bool}`` once the
message is stored, another status saying why not (:func:`refused_for_good` tells which of
them are worth retrying).
"""

import requests

from edoc.exchange import trace as trace_header
from edoc.exchange.hub import Hub
from edoc.exchange.node import Node
from edoc.exchange.outbox import DeliveryError, Outgoing, Transport, refused_for_good
from edoc.exchange.receive import receive_message
from edoc.storage.models import DeliveryState

#: Where a node or the hub takes messages.
PATH = "/api/v1/messages"
#: Where a node fetches what waits for it at the hub.
PENDING_PATH = "/api/v1/pending"


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


def pull_pending(node: Node, hub_url: str, token: str, timeout: float = 30) -> int:
    """Fetch what waits at the hub for this node, store each, acknowledge it; how many."""
    headers = {"Authorization": f"Bearer {token}"}
    base = hub_url.rstrip("/") + PENDING_PATH
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
