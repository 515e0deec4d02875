"""A client of the national hub's API written from ``shared/spec/vdxp-api.md`` alone, as VNPT's
Java SDK (SDKVXP 2.0) behaves, quirks included, and not from edoc's own code: the tests use it
to play an agency's document management system against an edoc hub.

What it copies from the SDK: one header map per service object, so keys of earlier calls stay
in later requests; the time the object was made as ``timestamp``; each map entry sent as
``XroadVnpt-K``, ``Content-Type`` also unprefixed; ``sign-header-key``, the compact JSON
``sign-header`` and its HMAC-SHA256 in lowercase hex; ``hash-file`` with each byte in hex
without its leading zero; the file sent as the raw body with CRLF after it and the
``application/octet-stream`` type; the answers' ``status``, ``ErrorCode`` and ``ErrorDesc``.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json

import requests


class SdkService:
    """One SDK service object: ``SdkService(endpoint, system_id, secret)``."""

    def __init__(self, endpoint: str, system_id: str, secret: str) -> None:
        self.endpoint = endpoint
        self.secret = secret
        now = dt.datetime.now()
        self.headers: dict[str, str] = {
            "timestamp": now.strftime("%d%m%YT%H%M%S+") + f"{now.microsecond // 1000:04d}",
            "systemid": system_id,
        }

    def _headers(self, json_header: str, content_type: str) -> dict[str, str]:
        for key, value in json.loads(json_header).items():
            self.headers[key] = json.dumps(value) if key == "to" else str(value)
        self.headers["Content-Type"] = content_type
        wire = {"Content-Type": content_type}
        signed = {}
        for key, value in self.headers.items():
            wire["XroadVnpt-" + key] = value
            signed["XroadVnpt-" + key] = value
        text = json.dumps(signed, separators=(",", ":"), ensure_ascii=False)
        wire["XroadVnpt-sign-header-key"] = ";".join(self.headers)
        wire["XroadVnpt-sign-header"] = text
        wire["XroadVnpt-hash-header"] = hmac.new(
            self.secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256
        ).hexdigest()
        wire["User-Agent"] = "JAVASDKAgent/1.0.0 XRoad/VPCP"
        wire["XroadVnpt-version"] = "3.0.201608"
        return wire

    def post(self, route: str, json_header: str, body: bytes = b"") -> dict:
        """A call with an empty body or ``{}`` and the JSON content type."""
        headers = self._headers(json_header, "application/json")
        answer = requests.post(self.endpoint + route, data=body, headers=headers, timeout=60)
        return answer.json()

    def send_edoc(self, json_header: str, file: bytes) -> dict:
        digest = hashlib.sha256(file).digest()
        self.headers["hash-file"] = "".join(format(byte, "x") for byte in digest)
        headers = self._headers(json_header, "application/octet-stream")
        body = file + b"\r\n"
        answer = requests.post(self.endpoint + "/sendEdoc", data=body, headers=headers, timeout=60)
        return json.loads(answer.content.decode("ascii"))

    def get_received_edoc_list(self, json_header: str) -> dict:
        return self.post("/getReceivedEdocList", json_header)

    def get_edoc(self, json_header: str) -> dict:
        """The answer, with ``data`` decoded from base64 to the envelope's text."""
        answer = self.post("/getEdoc", json_header, b"{}")
        if answer.get("status") != "FAIL":
            answer["data"] = base64.b64decode(answer["data"]).decode("utf-8")
        return answer

    def update_status(self, json_header: str) -> dict:
        return self.post("/updateStatus", json_header, b"{}")

    def get_sent_edoc_list(self, json_header: str) -> dict:
        return self.post("/getSentEdocList", json_header)
