"""The database of a workspace: SQLite by default, PostgreSQL by URL, migrated by Alembic."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from edoc.storage.database import DATABASE_URL_ENV, MIGRATIONS, connect, sessions, upgrade
from edoc.storage.models import Agency, Base, Delivery, Document
from edoc.timezone import as_utc
from edoc.workspace import open_workspace

TABLES = {
    "agencies", "documents", "attachments", "blobs", "signatures", "verification_reports",
    "status_events", "deliveries", "users", "workspace_settings", "alembic_version",
    "document_events", "drafts", "trust_anchors", "vdxp_systems",
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


def test_a_hub_from_before_the_sdk_api_keeps_when_each_delivery_was_queued(database_url):
    """Upgrading a hub's database across revisions 0008 and 0009: a delivery already queued
    is taken to have been queued when it last changed, the hub's agencies speak for no system,
    and its documents carry no extensions."""
    engine = connect(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    last_change = dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.UTC)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        for statement in OLD_HUB:
            connection.execute(text(statement), {"at": last_change})
    upgrade(engine)
    with sessions(engine)() as session:
        delivery = session.scalar(select(Delivery))
        agency = session.scalar(select(Agency))
        document = session.scalar(select(Document))
    assert as_utc(delivery.created_at) == last_change
    assert (agency.organ_id, agency.system_id) == ("000.00.00.G22", "")
    assert document.extensions == {}  # and nothing that points at it was lost on the way
    engine.dispose()


OLD_HUB = [
    "INSERT INTO agencies (organ_id, code_2020, name, node_url, token_sha256) "
    "VALUES ('000.00.00.G22', 'G22', 'Văn phòng Chính phủ', 'http://g22', '')",
    "INSERT INTO blobs (sha256, size, stored_at) VALUES ('e1', 1, :at)",
    "INSERT INTO documents (owner_organ_id, direction, document_id, sender_organ_id, sender_name,"
    " recipients, number, notation, subject, type_name, priority, signer_name, business_type,"
    " envelope_sha256, received_at, folder, status_code, trace) VALUES ('hub', 'received', 'd1',"
    " '000.00.00.H26', '', '[]', '', '', '', '', 0, '', 0, 'e1', :at, 'routed', '', '[]')",
    "INSERT INTO deliveries (document_pk, recipient_organ_id, message_sha256, kind, state,"
    " attempts, next_attempt_at, last_error, updated_at) SELECT id, '000.00.00.G22', 'e1',"
    " 'document', 'queued', 0, :at, '', :at FROM documents",
]
