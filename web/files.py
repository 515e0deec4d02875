"""Files the inbox hands to the browser: PDFs shown inline by the browser's own viewer,
anything else downloaded, never sniffed into something the browser would run; and the names
files are kept and served under.

A PDF carrying content a viewer may run (:mod:`signing.validation.active`) is downloaded too, never
shown: the browser's viewer would run it inside the inbox's own origin.
"""

import re
import unicodedata
from urllib.parse import quote

from flask import Response, make_response

from signing.validation.active import active_content

#: What a PDF shown in the inbox's own frame may do: be framed by the inbox only.
INLINE = "frame-ancestors 'self'"
#: A downloaded file, should a browser render it anyway: in a sandbox, fetching nothing.
DOWNLOAD = "sandbox; default-src 'none'"
#: A media type as it may appear in a header (the sender's, from its envelope).
MEDIA_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+")


def plain_name(name: str | None, fallback: str) -> str:
    """A file name as given (a browser's upload, a sender's envelope) without any folder it
    names, control or direction-changing characters (U+202E makes ``gpj.exe`` read as
    ``exe.jpg``); ``fallback`` when nothing is left of it."""
    last = re.split(r"[/\\]", name or "")[-1]
    kept = "".join(c for c in last if unicodedata.category(c) not in ("Cc", "Cf")).strip()
    return kept if kept.strip(".") else fallback


def file_response(data: bytes, name: str, media_type: str, report: dict | None = None) -> Response:
    """``data`` as file ``name`` (its plain name, UTF-8 in the header) of ``media_type``
    (bytes, when that is no media type): inline for a PDF with nothing a viewer may run, as
    its stored verification ``report`` notes (the file is looked at only when it has none),
    else a download."""
    if not MEDIA_TYPE.fullmatch(media_type or ""):
        media_type = "application/octet-stream"
    runs = report.get("notes") if report is not None else active_content(data)
    inline = media_type == "application/pdf" and not runs
    response = make_response(data)
    response.headers["Content-Type"] = media_type
    disposition = "inline" if inline else "attachment"
    served = quote(plain_name(name, "file"), safe="")
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{served}"
    response.headers["Content-Security-Policy"] = INLINE if inline else DOWNLOAD
    return response
