"""The entry point of a production WSGI server: ``gunicorn 'web.wsgi:application()'`` serves
a workspace as ``edoc serve`` does, configured from the environment.

``EDOC_HOME`` (the workspace), ``EDOC_ROLE`` (``node``, the default, or ``hub``),
``EDOC_AGENCY`` (a node's agency, needed the first time), ``EDOC_HUB_URL``, ``EDOC_HUB_API``
(``edoc`` or ``vdxp``), ``EDOC_POLICY`` (``default``), ``EDOC_ORG_KEY``, ``EDOC_SEAL`` and
``EDOC_TRUSTED_PROXIES`` (the reverse proxies in front, 0 by default) and ``EDOC_RETRY_HOURS``
(how long a message is retried before it is given up, 72 by default) are ``edoc serve``'s
options; the secrets are in the variables ``edoc serve`` reads by default
(``EDOC_HUB_TOKEN``, ``EDOC_NODE_TOKEN``, ``EDOC_VDXP_SYSTEM_ID``, ``EDOC_VDXP_SECRET``,
``EDOC_ORG_KEY_PASSWORD``), and ``EDOC_DATABASE_URL`` and ``EDOC_BLOBS`` say where the data
is, as for every command.

gunicorn calls it in each worker, which then has its own database connections and its own
outbox worker: do not start gunicorn with ``--preload`` (that would build one application
in the master, whose connections every worker would share).
"""

import os
from collections.abc import Mapping

from flask import Flask

from edoc.errors import ConfigurationError
from edoc.exchange.outbox import MOST_RETRY_HOURS
from web.proxies import proxy_hops
from web.service import ServeOptions, build_service


def options_from(environ: Mapping[str, str]) -> ServeOptions:
    """The options of ``edoc serve`` that the variables of ``environ`` give."""
    return ServeOptions(
        home=environ.get("EDOC_HOME") or None,
        role=environ.get("EDOC_ROLE") or "node",
        agency=environ.get("EDOC_AGENCY") or None,
        hub_url=environ.get("EDOC_HUB_URL") or None,
        hub_api=environ.get("EDOC_HUB_API") or None,
        policy=environ.get("EDOC_POLICY") or "default",
        org_key=environ.get("EDOC_ORG_KEY") or None,
        seal=environ.get("EDOC_SEAL") or None,
        trusted_proxies=proxy_hops(environ.get("EDOC_TRUSTED_PROXIES") or "0"),
        retry_hours=_hours(environ.get("EDOC_RETRY_HOURS") or "72"),
    )


def application() -> Flask:
    """This process's application, its background workers started."""
    service = build_service(options_from(os.environ))
    service.start()
    return service.app


def _hours(text: str) -> float:
    """The hours ``text`` (``EDOC_RETRY_HOURS``) says; ConfigurationError when it is no
    number from 0 to MOST_RETRY_HOURS (infinity would overflow the window's date)."""
    try:
        hours = float(text)
    except ValueError:
        hours = -1.0
    if not 0 <= hours <= MOST_RETRY_HOURS:
        raise ConfigurationError(
            f"EDOC_RETRY_HOURS phải là số giờ (0, 1.5, 72…): {text}",
            f"EDOC_RETRY_HOURS must be a number of hours (0, 1.5, 72…): {text}",
        )
    return hours
