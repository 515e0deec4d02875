"""A node or the hub, opened from a workspace: its database, files, identity and policy.

A workspace becomes a node the first time it is served as one (``edoc serve --agency ID``,
with ``--hub URL`` to exchange): the agency, the hub's address and the API it speaks (edoc's
own, or the national hub's SDK API) are kept in its settings, so that ``edoc send`` and later
starts know who is sending and where.
"""

import os
import secrets
from dataclasses import dataclass

from edoc.agency import AgencyDirectory
from edoc.envelope.metadata import organization
from edoc.errors import WorkspaceError
from edoc.exchange.configuration import configure
from edoc.exchange.hub import Hub
from edoc.exchange.node import Node
from edoc.storage.blobs import BlobStore
from edoc.storage.database import sessions
from edoc.workspace import Workspace
from signing.validation.policy import Policy
from signing.validation.trust import load_certificates

AGENCY = "node.organ_id"
BLOBS_ENV = "EDOC_BLOBS"
WEB_SECRET = "web.secret_key"
HUB_URL = "node.hub_url"
HUB_API = "node.hub_api"
#: The APIs a node may speak with its hub: edoc's own, or the national hub's SDK API.
HUB_APIS = ("edoc", "vdxp")


@dataclass(frozen=True)
class NodeSettings:
    """Who a node is, where its hub is and which API it speaks there."""

    organ_id: str
    hub_url: str
    hub_api: str = "edoc"


def remember_node(
    workspace: Workspace, organ_id: str, hub_url: str | None, hub_api: str = "edoc"
) -> NodeSettings:
    workspace.set_settings({AGENCY: organ_id, HUB_URL: hub_url or "", HUB_API: hub_api})
    return NodeSettings(organ_id, hub_url or "", hub_api)


def node_settings(workspace: Workspace) -> NodeSettings:
    """The node this workspace is, or a WorkspaceError saying how to make it one."""
    organ_id = workspace.get_setting(AGENCY)
    if not organ_id:
        raise WorkspaceError(
            "Thư mục làm việc chưa là nút của cơ quan nào: chạy "
            "«edoc serve --role node --agency ID --hub URL» trước.",
            "This workspace is no agency's node yet: run "
            "'edoc serve --role node --agency ID --hub URL' first.",
            path=workspace.root,
        )
    return NodeSettings(
        organ_id, workspace.get_setting(HUB_URL) or "", workspace.get_setting(HUB_API) or "edoc"
    )


def default_policy(workspace: Workspace, policy: Policy) -> Policy:
    """``policy``, trusting the workspace's own test PKI when it has one (the demo's)."""
    trust = workspace.pki_dir / "trust"
    return policy.with_options(tuple(load_certificates([trust]))) if trust.is_dir() else policy


def blob_store(workspace: Workspace) -> BlobStore:
    """Files in the workspace's ``blobs/`` folder, or in its database with EDOC_BLOBS=database."""
    factory = sessions(workspace.engine)
    if os.environ.get(BLOBS_ENV, "disk") == "database":
        return BlobStore(None, factory)
    return BlobStore(workspace.root / "blobs", factory)


def open_node(workspace: Workspace, organ_id: str, policy: Policy) -> Node:
    """The workspace's node, verifying with ``policy`` as its admins configured it."""
    node = Node(
        organization(organ_id, AgencyDirectory.builtin(), "agency"),
        sessions(workspace.engine),
        blob_store(workspace),
        default_policy(workspace, policy),
    )
    configure(node)
    return node


def open_hub(workspace: Workspace, policy: Policy) -> Hub:
    """The workspace's hub, verifying what it routes with ``policy``."""
    return Hub(sessions(workspace.engine), blob_store(workspace), default_policy(workspace, policy))


def web_secret(workspace: Workspace) -> str:
    """The key that signs the inbox's sessions: made once per workspace and kept, the same
    for every process serving it (a session a worker signed must be good in the others)."""
    return workspace.keep_setting(WEB_SECRET, secrets.token_urlsafe(32))
