"""How big an upload may be, said the same way by the server and the browser.

The server refuses a request over ``MAX_CONTENT_LENGTH`` by its Content-Length (413, told on
the page the person was on); the pages also tell the browser that limit, so a file too big is
refused before its upload starts, and a file within it is sent with a progress bar (the
script in ``base.html``).
"""

from flask import Flask, current_app

from web.text import labels, language


def upload_limit() -> int:
    """The most bytes one request may carry (files and form together)."""
    return current_app.config["MAX_CONTENT_LENGTH"]


def too_large_message() -> str:
    """ "The upload is over N MB.", in the reader's language, N as the limit in MB."""
    lang = language()
    megabytes = f"{round(upload_limit() / 2**20, 2):g}"
    return labels(lang)["too_large"].format(mb=megabytes.replace(".", "," if lang == "vi" else "."))


def register(app: Flask) -> None:
    """Give the pages the limit and its message."""
    app.add_template_global(upload_limit, "upload_limit")
    app.add_template_global(too_large_message, "too_large_message")
