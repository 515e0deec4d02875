"""The national hub's HTTP API as its Java SDK (SDKVXP 2.0) speaks it (vdxp-api.md §2, §3):
the signed headers of a request and the JSON of an answer, for both sides
(:mod:`web.api.vdxp` serves it, :mod:`edoc.exchange.vdxp_client` calls it).

Every parameter of a call travels as a header ``XroadVnpt-NAME: VALUE``; the request is
authenticated by ``XroadVnpt-systemid`` and an HMAC-SHA256, with the system's shared secret,
of the exact text of ``XroadVnpt-sign-header`` (a compact JSON object of those headers). The
secret never travels. A hub therefore checks the HMAC over the text it received, then that
every header the text names was sent with that value, and reads parameters only from it.

Answers are JSON with ``status`` ("OK" or "FAIL"), ``ErrorCode`` ("0" for success) and
``ErrorDesc``, plus what each route returns. The SDK reads some answers as US-ASCII, so they
are written with every other character escaped.
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from edoc.errors import EdocError, VdxpError

PREFIX = "XroadVnpt-"
SIGNED_NAMES = PREFIX + "sign-header-key"
SIGNED_HEADERS = PREFIX + "sign-header"
SIGNATURE = PREFIX + "hash-header"
USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
VERSION = "3.0.201608"

#: The SDK's MessageType: a document package or a status package.
EDOC, STATUS = "edoc", "status"
#: What a receiver says of a package it fetched (``/updateStatus``).
DONE, PROCESSING, FAIL = "done", "processing", "fail"
#: What the list of received packages says of one the receiver has not yet said anything of.
INITIAL = "initial"


def unauthenticated(why_vi: str, why_en: str) -> VdxpError:
    """The refusal of a request the hub cannot tie to a registered system."""
    return VdxpError(
        f"Không xác thực được hệ thống: {why_vi}.", f"The system is not authenticated: {why_en}.",
        "401", 401,
    )  # fmt: skip


def bad_request(why_vi: str, why_en: str) -> VdxpError:
    """The refusal of a request whose parameters are not what the route takes."""
    return VdxpError(why_vi, why_en, "400", 400)


def sdk_hex(digest: bytes) -> str:
    """Hex as the SDK writes ``hash-file``: each byte by Java's ``toHexString``, so without
    its leading zero (a byte under 0x10 is one digit)."""
    return "".join(f"{byte:x}" for byte in digest)


def body_digests(body: bytes) -> dict[str, bytes]:
    """The hex forms a sender may give of a file's SHA-256 (the SDK's short one, the usual
    one), each with the file it names: ``body``, or ``body`` without the CRLF the SDK adds."""
    files = [body[:-2], body] if body.endswith(b"\r\n") else [body]
    forms = {}
    for file in files:
        digest = hashlib.sha256(file).digest()
        forms.setdefault(sdk_hex(digest), file)
        forms.setdefault(digest.hex(), file)
    return forms


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _signed_forms(text: str) -> list[bytes]:
    """The bytes the sender may have signed for a header read as ``text`` (HTTP headers are
    read as Latin-1): the UTF-8 of the text, as the SDK signs it when its HTTP client sends
    the header in Latin-1, or the bytes that came, when it sent them in UTF-8."""
    return [text.encode("utf-8"), text.encode("latin-1", "replace")]


def signed_headers(
    system_id: str, secret: str, parameters: Mapping[str, str], content_type: str, timestamp: str
) -> dict[str, str]:
    """The headers of one request, exactly as the SDK writes them: each parameter (and the
    system id, timestamp and content type) prefixed, the list of names, the JSON they form
    and its HMAC; ``Content-Type`` also unprefixed."""
    values = {
        **parameters, "systemid": system_id, "timestamp": timestamp,
        "Content-Type": content_type,
    }  # fmt: skip
    prefixed = {PREFIX + name: value for name, value in values.items()}
    text = json.dumps(prefixed, separators=(",", ":"), ensure_ascii=False)
    return {
        **prefixed,
        "Content-Type": content_type,
        SIGNED_NAMES: ";".join(values),
        SIGNED_HEADERS: text,
        SIGNATURE: _hmac(secret, text.encode("utf-8")),  # as the SDK signs it
        "User-Agent": USER_AGENT,
        PREFIX + "version": VERSION,
    }


@dataclass(frozen=True)
class SignedRequest:
    """An authenticated request: the system that sent it and the parameters it signed."""

    system_id: str
    parameters: dict[str, str]  # by lower-case name, without the prefix

    def get(self, name: str, default: str = "") -> str:
        """A signed parameter, by name in any case (the SDK's samples write ``docid`` too)."""
        return self.parameters.get(name.lower(), default)


def check_request(
    headers: Mapping[str, str], secret_of: Callable[[str], str | None]
) -> SignedRequest:
    """The request whose ``headers`` these are, authenticated with the secret that
    ``secret_of(system_id)`` gives (None for a system the hub does not know); VdxpError
    when it is not."""
    system_id = headers.get(PREFIX + "systemid", "").strip()
    text = headers.get(SIGNED_HEADERS, "")
    given = headers.get(SIGNATURE, "").strip().lower()
    if not system_id or not text or not given:
        raise unauthenticated(
            "thiếu XroadVnpt-systemid, XroadVnpt-sign-header hoặc XroadVnpt-hash-header",
            "XroadVnpt-systemid, XroadVnpt-sign-header or XroadVnpt-hash-header is missing",
        )
    secret = secret_of(system_id)
    if secret is None:
        raise unauthenticated(
            f"trục không biết hệ thống «{system_id}»", f"the hub knows no system '{system_id}'"
        )
    if not any(hmac.compare_digest(_hmac(secret, form), given) for form in _signed_forms(text)):
        raise unauthenticated(
            "XroadVnpt-hash-header không khớp (sai khóa bí mật hoặc tiêu đề bị sửa)",
            "XroadVnpt-hash-header does not match (a wrong secret, or headers changed)",
        )
    try:
        signed = json.loads(text)
    except ValueError:
        signed = None
    if not isinstance(signed, dict) or not all(isinstance(v, str) for v in signed.values()):
        raise unauthenticated(
            "XroadVnpt-sign-header không phải một đối tượng JSON các chuỗi",
            "XroadVnpt-sign-header is not a JSON object of strings",
        )
    parameters = {}
    for name, value in signed.items():
        if headers.get(name) != value:
            raise unauthenticated(
                f"tiêu đề {name} khác giá trị đã ký", f"header {name} differs from what was signed"
            )
        if name.lower().startswith(PREFIX.lower()):
            parameters[name[len(PREFIX) :].lower()] = value
    if parameters.get("systemid") != system_id:
        raise unauthenticated(
            "mã hệ thống đã ký khác XroadVnpt-systemid",
            "the signed system id differs from XroadVnpt-systemid",
        )
    return SignedRequest(system_id, parameters)


def ok(**fields) -> dict:
    """The answer of a call that succeeded, with what it returns."""
    return {"status": "OK", "ErrorCode": "0", "ErrorDesc": "Thành công / Success", **fields}


def failed(error: EdocError, code: str) -> dict:
    """The answer of a refused call: FAIL, its code, why in Vietnamese (and in English)."""
    return {
        "status": "FAIL", "ErrorCode": code,
        "ErrorDesc": error.message_vi, "ErrorDescEn": error.message_en,
    }  # fmt: skip


def ascii_json(answer: dict) -> bytes:
    """An answer as JSON the SDK reads whatever charset it assumes (US-ASCII for some)."""
    return json.dumps(answer, ensure_ascii=True).encode("ascii")
