"""The database of a workspace: SQLite by default, PostgreSQL by URL, migrated by Alembic."""

import os
import sqlite3
import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from edoc.storage.database import DATABASE_URL_ENV
from edoc.storage.models import Base
from edoc.workspace import open_workspace

TABLES = {
    "agencies", "documents", "attachments", "blobs", "signatures", "verification_reports",
    "status_events", "deliveries", "users", "workspace_settings", "alembic_version",
    "document_events", "drafts", "trust_anchors",
}  # fmt: skip


def test_a_workspace_uses_the_database_its_url_names(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_ENV, database_url.replace("+psycopg", ""))
    workspace = open_workspace(tmp_path / "home")
    workspace.set_settings({"pki_seed": "edoc-test-pki"})
    again = open_workspace(tmp_path / "home")  # a second start migrates nothing, loses nothing
    assert again.get_setting("pki_seed") == "edoc-test-pki"
    assert set(inspect(again.engine).get_table_names()) >= TABLES
    assert again.engine.dialect.name == database_url.split(":")[0].split("+")[0]


def test_a_workspace_from_before_the_migrations_is_upgraded_in_place(tmp_path, monkeypatch):
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    home = tmp_path / "old"
    home.mkdir()
    with sqlite3.connect(home / "edoc.sqlite") as old:
        old.execute("CREATE TABLE workspace_settings (key VARCHAR(64) PRIMARY KEY, value TEXT)")
        old.execute("INSERT INTO workspace_settings VALUES ('created_at', '2026-11-01T00:00:00')")
    workspace = open_workspace(home)
    assert workspace.get_setting("created_at") == "2026-11-01T00:00:00"
    assert set(inspect(workspace.engine).get_table_names()) >= TABLES


def test_the_migrations_build_the_schema_the_code_uses(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv(DATABASE_URL_ENV, database_url.replace("+psycopg", ""))
    workspace = open_workspace(tmp_path / "home")
    with workspace.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


STARTING_WORKER = """
import sys
from edoc.exchange.runtime import remember_node, web_secret
from edoc.workspace import open_workspace
workspace = open_workspace(sys.argv[1])
remember_node(workspace, "000.00.00.G22", None)
print(web_secret(workspace))
"""


def test_processes_starting_at_once_on_a_new_workspace_share_it(database_url, tmp_path):
    """gunicorn's workers each open the workspace as they boot: one migrates it, every one
    keeps the node's settings, and all sign sessions with the same key."""
    env = {**os.environ, DATABASE_URL_ENV: database_url, "PYTHONPATH": os.getcwd()}
    home = str(tmp_path / "home")
    workers = [
        subprocess.Popen([sys.executable, "-c", STARTING_WORKER, home], env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(5)
    ]  # fmt: skip
    answers = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0] * 5, answers
    assert len({out for out, _ in answers}) == 1
