"""A workspace served as an agency's node or as the hub: its WSGI application and the
background workers that deliver its outbox, clear files left by transactions that never
committed and verify again what could not be checked (:mod:`edoc.exchange.worker`).

``edoc serve`` builds it (and serves it with werkzeug in its own process, or with gunicorn,
whose every worker builds its own), and so does :mod:`web.wsgi` for a gunicorn started on
its own: one way to configure a node, whatever serves it. Each process that serves has its
own database connections and its own workers; many may start at once on the same
workspace (:mod:`edoc.workspace`, :mod:`edoc.exchange.outbox` and the store's journal allow
for it).
"""

import datetime as dt
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from edoc.agency import AgencyId
from edoc.environment import read_secret
from edoc.errors import ConfigurationError, SigningError
from edoc.exchange.node import Node
from edoc.exchange.outbox import GIVE_UP_AFTER, Backoff, Transport
from edoc.exchange.runtime import (
    AGENCY,
    HUB_API,
    HUB_APIS,
    HUB_URL,
    NodeSettings,
    open_hub,
    open_node,
    remember_node,
    web_secret,
)
from edoc.exchange.transport import to_hub, to_nodes
from edoc.exchange.vdxp_client import VdxpClient, fetch_received, through_vdxp
from edoc.exchange.worker import Worker, background
from edoc.files import read_input
from edoc.workspace import Workspace, open_workspace
from signing.sign.keys import load_pkcs12
from signing.validation.policy import load_policy
from web.app import create_hub_app, create_node_app
from web.compose import Stamp
from web.proxies import trust_proxies

ROLES = ("node", "hub")


@dataclass(frozen=True)
class ServeOptions:
    """What to serve: the workspace ``home`` (None: $EDOC_HOME, else ./edoc-demo) as
    ``role``; for a node its agency (the workspace's own after the first start), its hub's
    URL and API (edoc's, or the national hub's SDK API: ``vdxp``; the workspace's after the
    first start) and the agency's key and seal. Secrets are read from the variables named
    here."""

    home: str | None = None
    role: str = "node"
    agency: str | None = None
    hub_url: str | None = None
    hub_api: str | None = None
    policy: str = "default"
    hub_token_env: str = "EDOC_HUB_TOKEN"  # the token the hub presents to nodes
    node_token_env: str = "EDOC_NODE_TOKEN"  # this node's token at the hub
    system_id_env: str = "EDOC_VDXP_SYSTEM_ID"  # this node's system id at an SDK API hub
    secret_env: str = "EDOC_VDXP_SECRET"  # its shared secret there
    org_key: str | None = None  # the agency's PKCS#12, for clerks to sign what they send
    org_key_password_env: str = "EDOC_ORG_KEY_PASSWORD"
    seal: str | None = None  # the agency's seal (PNG)
    trusted_proxies: int = 0  # reverse proxies in front, whose X-Forwarded-For is believed
    retry_hours: float = GIVE_UP_AFTER / dt.timedelta(hours=1)  # then a message is given up

    @property
    def backoff(self) -> Backoff:
        """How the outbox retries: for ``retry_hours``, then a message is undeliverable."""
        return Backoff(give_up_after=dt.timedelta(hours=self.retry_hours))


@dataclass
class Service:
    """A served workspace: its application, and its background workers, not started (a
    node without a hub has no outbox worker: what it sends stays queued until it has one)."""

    role: str
    app: Flask
    workspace: Workspace
    workers: list[Worker]
    delivers: bool = True  # False: a node without a hub, its outbox kept

    def start(self) -> None:
        for worker in self.workers:
            worker.start()

    def close(self) -> None:
        """Stop the workers and close the database connections."""
        for worker in self.workers:
            worker.stop()
        self.workspace.engine.dispose()


def build_service(options: ServeOptions) -> Service:
    """The workspace of ``options`` opened (migrated, the node's settings kept) and ready to
    serve; ConfigurationError when something it needs is missing."""
    if options.role not in ROLES:
        raise ConfigurationError(
            f"Vai trò không hợp lệ: {options.role} (node hoặc hub).",
            f"Not a role: {options.role} (node or hub).",
        )
    if options.role == "hub":
        hub_token = read_secret(options.hub_token_env, "mã của trục", "the hub's token")
        workspace = open_workspace(options.home)
        hub = open_hub(workspace, load_policy(options.policy))
        workers = background(hub, to_nodes(hub, hub_token), options.backoff)
        app = trust_proxies(create_hub_app(hub), options.trusted_proxies)
        return Service("hub", app, workspace, workers)
    return _node(options)


def _node(options: ServeOptions) -> Service:
    stamp = _stamp(options)
    workspace = open_workspace(options.home)
    saved = workspace.get_setting(AGENCY)
    if not options.agency and not saved:
        raise ConfigurationError(
            "Lần chạy đầu tiên, nút cần mã cơ quan (--agency, hoặc EDOC_AGENCY).",
            "The first time, a node needs its agency (--agency, or EDOC_AGENCY).",
            path=workspace.root,
        )
    organ_id = str(AgencyId.parse(options.agency)) if options.agency else saved
    hub_api = options.hub_api or workspace.get_setting(HUB_API) or "edoc"
    if hub_api not in HUB_APIS:
        raise ConfigurationError(
            f"API của trục không hợp lệ: {hub_api} (edoc hoặc vdxp).",
            f"Not a hub API: {hub_api} (edoc or vdxp).",
        )
    hub_url = options.hub_url or workspace.get_setting(HUB_URL)
    settings = remember_node(workspace, organ_id, hub_url, hub_api)
    node = open_node(workspace, settings.organ_id, load_policy(options.policy))
    # without a hub that posts to it, nobody may post to this node: a token no one knows
    hub_token = os.environ.get(options.hub_token_env) or secrets.token_urlsafe(32)
    app = create_node_app(node, hub_token, web_secret(workspace), stamp)
    trust_proxies(app, options.trusted_proxies)
    transport, fetch = _exchange(options, settings, node)
    workers = background(node, transport, options.backoff, fetch=fetch)
    return Service("node", app, workspace, workers, delivers=transport is not None)


def _exchange(
    options: ServeOptions, settings: NodeSettings, node: Node
) -> tuple[Transport | None, Callable[[], object] | None]:
    """How the node sends to its hub, and fetches from it (a hub of the SDK API does not
    post to nodes); neither without a hub."""
    if not settings.hub_url:
        return None, None
    if settings.hub_api == "edoc":
        token = read_secret(options.node_token_env, "mã của nút tại trục", "this node's token")
        return to_hub(settings.hub_url, token), None
    client = VdxpClient(
        settings.hub_url,
        read_secret(options.system_id_env, "mã hệ thống tại trục", "this node's system id"),
        read_secret(options.secret_env, "khóa bí mật tại trục", "this node's secret at the hub"),
    )
    return through_vdxp(client, node.organ_id), lambda: fetch_received(node, client)


def _stamp(options: ServeOptions) -> Stamp | None:
    if not options.org_key:
        return None
    if not options.seal:
        raise ConfigurationError(
            "Khóa của cơ quan cần đi kèm ảnh con dấu (--seal).",
            "The agency's key needs its seal image (--seal).",
        )
    password = read_secret(
        options.org_key_password_env, "mật khẩu khóa của cơ quan", "the agency key's password"
    )
    return Stamp(
        load_pkcs12(Path(options.org_key), password), read_input(options.seal, SigningError)
    )
