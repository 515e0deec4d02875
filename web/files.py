"""Files the inbox hands to the browser: PDFs shown inline by the browser's own viewer,
anything else downloaded, never sniffed into something the browser would run."""

from urllib.parse import quote

from flask import Response, make_response


def file_response(data: bytes, name: str, media_type: str) -> Response:
    """``data`` as file ``name`` (any characters, UTF-8 in the header) of ``media_type``."""
    media_type = media_type or "application/octet-stream"
    response = make_response(data)
    response.headers["Content-Type"] = media_type
    disposition = "inline" if media_type == "application/pdf" else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
