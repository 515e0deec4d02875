"""The database of a node: SQLite in the workspace by default, PostgreSQL when
``EDOC_DATABASE_URL`` names one; its schema kept current by Alembic migrations.
"""

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

DATABASE_URL_ENV = "EDOC_DATABASE_URL"
MIGRATIONS = Path(__file__).parent / "migrations"
#: The PostgreSQL advisory lock a migration holds (see :func:`_one_at_a_time`).
MIGRATION_LOCK = 0x6564_6F63  # "edoc"


def database_url(root: Path) -> str:
    """``EDOC_DATABASE_URL`` if set, else the SQLite file of the workspace at ``root``."""
    url = os.environ.get(DATABASE_URL_ENV)
    if not url:
        return f"sqlite:///{root / 'edoc.sqlite'}"
    if url.startswith(("postgresql://", "postgres://")):  # psycopg 3, not SQLAlchemy's default
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
    cursor.execute("PRAGMA busy_timeout=30000")  # writers queue instead of failing
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def connect(url: str) -> Engine:
    """An engine for ``url``, set up for many threads writing at once."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=10, max_overflow=40, pool_pre_ping=True)


def _one_at_a_time(connection: Connection) -> None:
    """Make the migration's transaction wait for any other one: processes that start at once
    (gunicorn's workers) migrate one after the other, the later ones finding the schema
    current. SQLite's driver would run each DDL statement in a transaction of its own, so the
    transaction (with the write lock) is begun explicitly."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        _one_at_a_time(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory of a node: objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def dialect_insert(bind: Connection | Engine):
    """The INSERT of ``bind``'s dialect, the one with ``on_conflict_do_nothing`` and
    ``on_conflict_do_update`` (SQLite and PostgreSQL spell them alike)."""
    return postgresql_insert if bind.dialect.name == "postgresql" else sqlite_insert
