"""The databases of a workspace to audit: a node's or the hub's, and the demo's nodes.

A workspace is a node's or the hub's database; the demo's workspace also holds the node
databases of its exchange runs, and the latest run is audited with it.
"""

from pathlib import Path

from edoc.audit.report import Source
from edoc.storage.database import connect, sessions, upgrade
from edoc.storage.models import HUB_ID
from edoc.workspace import open_workspace


def workspace_sources(home: str | Path | None) -> list[Source]:
    """The databases of workspace ``home``: its own, and the node databases of its latest
    demo exchange run (not the hub's, which counts the same documents again)."""
    workspace = open_workspace(home)
    found = [Source(str(workspace.root), sessions(workspace.engine))]
    runs = sorted(p for p in (workspace.root / "exchange").glob("*") if p.is_dir())
    if runs:
        for node in sorted(runs[-1].iterdir()):
            database = node / "edoc.sqlite"
            if node.name != HUB_ID and database.is_file():
                engine = connect(f"sqlite:///{database}")
                upgrade(engine)
                found.append(Source(str(node), sessions(engine)))
    return found
