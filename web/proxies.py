"""Serving behind reverse proxies: the client's address (and scheme) as the proxies say.

Behind a proxy, every request comes from the proxy's address, so the brakes on password
guessing (:mod:`web.lockout`) would slow down the whole office at once. With ``hops``
trusted proxies in front (``edoc serve --trusted-proxies N``, or ``EDOC_TRUSTED_PROXIES``),
the address is taken from the ``X-Forwarded-For`` header those proxies add, the last
``hops`` of its entries: what a client writes there itself is not believed. Without
trusted proxies, the header is ignored (anybody could write it).
"""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from edoc.errors import ConfigurationError


def proxy_hops(text: str) -> int:
    """How many trusted proxies ``text`` (``EDOC_TRUSTED_PROXIES``) says; ConfigurationError
    when it is no whole number from 0."""
    if not text.strip().isdigit():
        raise ConfigurationError(
            f"EDOC_TRUSTED_PROXIES phải là số proxy tin cậy (0, 1, 2…): {text}",
            f"EDOC_TRUSTED_PROXIES must be the number of trusted proxies (0, 1, 2…): {text}",
        )
    return int(text)


def trust_proxies(app: Flask, hops: int) -> Flask:
    """``app``, taking the client's address and scheme from the ``hops`` proxies in front
    of it; as it is when ``hops`` is 0."""
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app
