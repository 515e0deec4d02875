"""What every request and response of an agency's inbox goes through, against hostile input.

- Headers: pages take styles and scripts only from the inbox's own ``<style>`` and
  ``<script>`` elements (a nonce per response; the one script shows an upload's progress and
  talks to the inbox only), so that text someone slipped past the escaping could still not
  run; nothing is framed by another site; nothing is sniffed into another type.
  A file sets its own policy (:mod:`web.files`). Nothing is kept by the browser's cache or
  a proxy's (``no-store``): after logging out, Back shows no page of the agency's documents.
- A NUL character in a query, a form or a file name is refused (400): nobody types one,
  and databases store none (PostgreSQL refuses it, which would end in an error page).
- Going back to the page one came from only goes back within the inbox.
"""

import secrets

from flask import Flask, Response, abort, g, request

from web.text import labels

#: The policy of the inbox's pages; ``{nonce}`` is the response's own.
PAGES = (
    "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'self'; "
    "base-uri 'none'"
)


def nonce() -> str:
    """The nonce of this response's ``<style>`` and ``<script>`` elements (one per request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def back_or(default: str) -> str:
    """The page the request came from when it is one of the inbox's, else ``default``: a
    link elsewhere must not make the inbox send its users to another site."""
    back = request.referrer or ""
    return back if back.startswith(request.host_url) else default


def _no_nul() -> None:
    """400 for a NUL character in what a person sends (the node API reads its own body)."""
    if request.path.startswith("/api/"):
        return
    texts = [value for _, value in request.args.items(multi=True)]
    texts += [value for _, value in request.form.items(multi=True)]
    texts += [upload.filename or "" for _, upload in request.files.items(multi=True)]
    if any("\x00" in text for text in texts):
        abort(400, description=labels()["nul_refused"])


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", PAGES.format(nonce=nonce()))
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def protect(app: Flask) -> None:
    """Refuse NUL characters and give every response the headers above."""
    app.before_request(_no_nul)
    app.after_request(_headers)
    app.add_template_global(nonce, "csp_nonce")
