"""A hub and agency nodes on loopback, in one process: for the demo and for tests.

Each service has its own database and files under ``root`` (or the databases a test
chooses), its own HTTP server on a free port and its own background workers (outbox, files,
rechecks), exactly as separate ``edoc serve`` processes would; only the process is shared.
The nodes speak edoc's own API with the hub (the hub posts to them), or the national hub's
SDK API (``hub_api="vdxp"``: each node a system of the hub, fetching what waits for it).
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from edoc.envelope.model import Organization
from edoc.exchange.configuration import configure
from edoc.exchange.hub import Hub
from edoc.exchange.node import Node
from edoc.exchange.outbox import Backoff
from edoc.exchange.transport import to_hub, to_nodes
from edoc.exchange.vdxp_client import VdxpClient, fetch_received, through_vdxp
from edoc.exchange.worker import Worker, background
from edoc.server import BackgroundServer, free_port
from edoc.storage.blobs import BlobStore
from edoc.storage.database import connect, sessions, upgrade
from edoc.storage.models import HUB_ID
from signing.validation.policy import Policy
from web.app import create_hub_app, create_node_api_app


@dataclass
class Service:
    """One running service: its app on a port, and its background workers."""

    app: object
    port: int
    workers: list[Worker]
    server: BackgroundServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> None:
        """Answer requests (again)."""
        if self.server is None:
            self.server = BackgroundServer(self.app, "127.0.0.1", self.port).start()

    def down(self) -> None:
        """Stop answering, as a node that is down; its outbox keeps its queue."""
        if self.server is not None:
            self.server.stop()
            self.server = None


class LocalNetwork:
    """``with LocalNetwork(root, agencies, policy) as network:`` a hub and a node per agency."""

    def __init__(
        self,
        root: Path,
        agencies: list[Organization],
        policy: Policy,
        database_for: Callable[[str], str] | None = None,
        backoff: Backoff = Backoff(first=0.2, most=5),  # noqa: B008 - frozen
        interval: float = 0.1,
        node_app: Callable[[Node, str], object] | None = None,
        hub_api: str = "edoc",
    ) -> None:
        """``node_app(node, hub_token)`` makes each node's web application (default: the
        exchange API alone; the demo adds the inbox); ``hub_api`` is what the nodes speak
        with the hub (``edoc`` or ``vdxp``)."""
        self.root = root
        self._database_for = database_for or (
            lambda name: f"sqlite:///{root / name / 'edoc.sqlite'}"
        )
        self._engines = []
        self.hub_token = hub_token = secrets.token_urlsafe(24)
        self.tokens: dict[str, str] = {}  # each node's token, or its secret with the SDK API
        self.hub = Hub(*self._storage(HUB_ID), policy)
        hub_port = free_port()
        hub_url = f"http://127.0.0.1:{hub_port}"
        self.nodes: dict[str, Node] = {}
        self.services: dict[str, Service] = {}
        for agency in agencies:
            node = Node(agency, *self._storage(agency.organ_id), policy)
            configure(node)
            token, port = secrets.token_urlsafe(24), free_port()
            self.tokens[agency.organ_id] = token
            self.hub.register(agency.organ_id, agency.organ_name, f"http://127.0.0.1:{port}", token)
            if hub_api == "vdxp":
                system_id = f"edoc-{agency.organ_id}"
                names = {agency.organ_id: agency.organ_name}
                self.hub.register_system(system_id, agency.organ_name, token, names)
                client = VdxpClient(hub_url, system_id, token)
                transport = through_vdxp(client, agency.organ_id)
                fetch = lambda node=node, client=client: fetch_received(node, client)  # noqa: E731
            else:
                transport, fetch = to_hub(hub_url, token), None
            workers = background(node, transport, backoff, interval, fetch, interval)
            app = (node_app or create_node_api_app)(node, hub_token)
            self.nodes[agency.organ_id] = node
            self.services[agency.organ_id] = Service(app, port, workers)
        workers = background(self.hub, to_nodes(self.hub, hub_token), backoff, interval)
        self.services["hub"] = Service(create_hub_app(self.hub), hub_port, workers)

    def _storage(self, name: str):
        (self.root / name).mkdir(parents=True, exist_ok=True)
        engine = connect(self._database_for(name))
        upgrade(engine)
        self._engines.append(engine)
        factory = sessions(engine)
        return factory, BlobStore(self.root / name / "blobs", factory)

    def __enter__(self) -> "LocalNetwork":
        for service in self.services.values():
            service.up()
            for worker in service.workers:
                worker.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        for service in self.services.values():
            for worker in service.workers:
                worker.stop()
            service.down()
        for engine in self._engines:
            engine.dispose()
