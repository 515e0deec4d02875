"""A node exchanging through a hub that speaks the national hub's SDK API (the national hub
itself, a province's platform, an edoc hub): ``edoc serve --hub URL --hub-api vdxp``.

Its outbox sends each document and status with ``/sendEdoc`` (one recipient per call, as
``to``); a worker lists what waits for it (``/getReceivedEdocList``, documents then
statuses), fetches each (``/getEdoc``), stores it as a delivery from the hub is stored (once,
verified, answered with 01) and says ``done``, or ``fail`` when it refuses it. The requests
are written as VNPT's SDK writes them, byte for byte where a hub might look: the signed
headers, the file's hash without leading zeros, the file as the body followed by CRLF.
"""

import base64
import datetime as dt
import hashlib
import json
import logging
import re

import requests

from edoc.errors import DatabaseUnavailableError, EdocError, StorageFullError
from edoc.exchange.node import Node
from edoc.exchange.outbox import DeliveryError, Outgoing, Transport
from edoc.exchange.receive import receive_message
from edoc.exchange.vdxp import DONE, EDOC, FAIL, STATUS, sdk_hex, signed_headers
from edoc.storage.models import DeliveryState
from edoc.timezone import VIETNAM

logger = logging.getLogger(__name__)


class VdxpClient:
    """The SDK API of the hub at ``endpoint``, called as system ``system_id``.

    Like the SDK's service object, it keeps one ``timestamp`` (when it was made) and one
    HTTP connection pool for all its calls.
    """

    def __init__(self, endpoint: str, system_id: str, secret: str, timeout: float = 30) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.system_id = system_id
        self._secret = secret
        self._timeout = timeout
        now = dt.datetime.now(VIETNAM)
        self.timestamp = now.strftime("%d%m%YT%H%M%S+") + f"{now.microsecond // 1000:04d}"
        self._http = requests.Session()

    def call(
        self,
        route: str,
        parameters: dict[str, str],
        body: bytes = b"{}",
        content_type: str = "application/json",
    ) -> dict:
        """Answer of ``route`` to the signed ``parameters``; DeliveryError when there is none
        or it is FAIL."""
        headers = signed_headers(
            self.system_id, self._secret, parameters, content_type, self.timestamp
        )
        url = self.endpoint + route
        try:
            response = self._http.post(url, data=body, headers=headers, timeout=self._timeout)
            answer = response.json()
        except (requests.RequestException, ValueError) as error:
            raise DeliveryError(
                f"Không gọi được {url}: {error}.", f"Cannot call {url}: {error}."
            ) from error
        if not isinstance(answer, dict) or str(answer.get("ErrorCode")) != "0":
            said = answer.get("ErrorDesc", "") if isinstance(answer, dict) else ""
            raise DeliveryError(
                f"{url} trả lời {response.status_code}: {said or response.text[:300]}",
                f"{url} answered {response.status_code}: {said or response.text[:300]}",
            )
        return answer

    def send_edoc(self, data: bytes, sender: str, kind: str, recipient: str) -> str:
        """Send an edXML file (``kind``: edoc or status) from ``sender`` to ``recipient``;
        the hub's id of it."""
        parameters = {
            "from": sender, "servicetype": "eDoc", "messagetype": kind,
            "to": json.dumps([recipient]), "hash-file": sdk_hex(hashlib.sha256(data).digest()),
        }  # fmt: skip
        answer = self.call("/sendEdoc", parameters, data + b"\r\n", "application/octet-stream")
        return str(answer.get("DocId", ""))

    def received(self, kind: str, organ_id: str) -> list[dict]:
        """What waits at the hub for ``organ_id``, of ``kind`` (edoc or status)."""
        parameters = {"servicetype": "eDoc", "messagetype": kind, "to": organ_id}
        return list(self.call("/getReceivedEdocList", parameters, b"").get("data") or [])

    def get_edoc(self, doc_id: str) -> bytes:
        """The edXML file of package ``doc_id`` (its base64 may be broken into lines)."""
        answer = self.call("/getEdoc", {"docId": doc_id})
        try:
            text = re.sub(r"\s+", "", str(answer.get("data") or ""))
            return base64.b64decode(text, validate=True)
        except ValueError as error:
            raise DeliveryError(
                f"Gói tin {doc_id}: dữ liệu base64 hỏng.", f"Package {doc_id}: broken base64."
            ) from error

    def update_status(self, doc_id: str, said: str) -> None:
        """Tell the hub what became of package ``doc_id``: done, processing or fail."""
        self.call("/updateStatus", {"status": said, "docId": doc_id})


def through_vdxp(client: VdxpClient, organ_id: str) -> Transport:
    """A node's transport over the SDK API: a document is then 'sent' (its arrival is
    acknowledged by the recipient's 01); a status is done once the hub has it."""

    def send(message: Outgoing) -> DeliveryState:
        kind = EDOC if message.kind == "document" else STATUS
        client.send_edoc(message.data, organ_id, kind, message.recipient)
        return DeliveryState.SENT if message.kind == "document" else DeliveryState.ACKNOWLEDGED

    return send


def fetch_received(node: Node, client: VdxpClient) -> int:
    """Fetch what waits at the hub for this node (documents first, then statuses), store
    each and say so; how many were stored.

    A package the node refuses, or cannot fetch whole, is said ``fail`` (the hub offers it
    again later) and the next one is fetched: one bad package holds up no other. While the
    node cannot store anything (its database away, its disk full), or the hub cannot be
    reached, the round ends and nothing more is said, so it is all fetched again."""
    stored = 0
    for kind in (EDOC, STATUS):
        for item in client.received(kind, node.organ_id):
            doc_id = str(item.get("docId", ""))
            try:
                receive_message(node, client.get_edoc(doc_id))
            except (DatabaseUnavailableError, StorageFullError):
                raise
            except Exception as error:  # this package only: refused, unreadable, a bug
                logger.warning("package %s not taken: %s", doc_id, _reason(error))
                client.update_status(doc_id, FAIL)
                continue
            client.update_status(doc_id, DONE)
            stored += 1
    return stored


def _reason(error: Exception) -> str:
    return error.message("en") if isinstance(error, EdocError) else repr(error)
