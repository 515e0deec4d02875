"""The route of a document: one hop per node or hub it passed, with the time it passed.

edXML has a TraceHeaderList for this, but it sits under the envelope's XML signature, so a
hub cannot add to a signed envelope. The hops travel beside the envelope instead, in the
``X-Edoc-Trace`` HTTP header (a JSON list), and every node and the hub store the route with
the document: where it has been and when is there to see in the inbox and the audits.
"""

import datetime as dt
import json

HEADER = "X-Edoc-Trace"
MAX_HOPS = 32


def hop(organ_id: str) -> dict:
    """This service's hop, now (UTC)."""
    return {"organ_id": organ_id, "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def read_header(value: str | None) -> list[dict]:
    """The hops of an ``X-Edoc-Trace`` header; what is not a list of hops is ignored."""
    try:
        hops = json.loads(value or "[]")
    except ValueError:
        return []
    if not isinstance(hops, list):
        return []
    return [
        {"organ_id": h["organ_id"][:64], "at": h["at"][:40]}
        for h in hops[:MAX_HOPS]
        if isinstance(h, dict)
        and isinstance(h.get("organ_id"), str)
        and isinstance(h.get("at"), str)
    ]


def header(hops: list[dict]) -> str:
    return json.dumps(hops[:MAX_HOPS], ensure_ascii=True)
