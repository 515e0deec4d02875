"""The database of a node: SQLite in the workspace by default, PostgreSQL when
``EDOC_DATABASE_URL`` names one; its schema kept current by Alembic migrations.

A database that goes away (stopped, restarting, the connection cut) is an error the user
can act on, :class:`~edoc.errors.DatabaseUnavailableError`, wherever it happens: the API
answers 503, the inbox and the command line say it in both languages; a database whose
disk is full is a :class:`~edoc.errors.StorageFullError` (507). Connections are checked
before use (``pool_pre_ping``), so a database that comes back is used again without
restarting the node.
"""

import os
import sqlite3
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

from edoc.errors import DatabaseUnavailableError, StorageFullError

DATABASE_URL_ENV = "EDOC_DATABASE_URL"
#: PostgreSQL's SQLSTATE for a full disk (disk_full).
DISK_FULL = "53100"
MIGRATIONS = Path(__file__).parent / "migrations"
#: The PostgreSQL advisory lock a migration holds (see :func:`_one_at_a_time`).
MIGRATION_LOCK = 0x6564_6F63  # "edoc"
#: A mapped class, as :func:`locked` reads one of its rows.
Row = TypeVar("Row")


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


def _typed(context: ExceptionContext) -> None:
    """A full disk raised as StorageFullError; a connection lost, or none to be had, as
    DatabaseUnavailableError (the pool's own check before use is left alone: it reconnects
    by itself)."""
    if context.is_pre_ping:
        return
    original = context.original_exception
    full = getattr(original, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    if full or getattr(original, "sqlstate", None) == DISK_FULL:
        raise StorageFullError(
            "Hết dung lượng đĩa của cơ sở dữ liệu: yêu cầu chưa hoàn tất; "
            "hãy giải phóng dung lượng rồi thử lại.",
            "The database's disk is full: the request did not complete; "
            "free some space and try again.",
        )
    if not (context.is_disconnect or context.connection is None):
        return
    lines = str(original).strip().splitlines()
    reason = lines[0][:200] if lines else type(original).__name__
    raise DatabaseUnavailableError(
        f"Không kết nối được cơ sở dữ liệu ({reason}): yêu cầu chưa hoàn tất, "
        "hãy thử lại khi cơ sở dữ liệu hoạt động trở lại.",
        f"The database cannot be reached ({reason}): the request did not complete; "
        "try again once the database is back.",
    )


def connect(url: str) -> Engine:
    """An engine for ``url``, set up for many threads writing at once."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=40, pool_pre_ping=True)
    event.listen(engine, "handle_error", _typed)
    return engine


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


def locked(session: Session, model: type[Row], key: int) -> Row | None:
    """Row ``key`` of ``model`` (None if there is none), locked until ``session``'s
    transaction ends, so that two requests changing it (a double click, two clerks at once)
    go one after the other and the second sees what the first did. PostgreSQL locks the row
    (SELECT ... FOR UPDATE); SQLite, which has one writer at a time, begins the transaction
    as that writer. It must be the session's first statement."""
    if session.bind.dialect.name == "sqlite":
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")
    return session.get(model, key, with_for_update=True)


def dialect_insert(bind: Connection | Engine):
    """The INSERT of ``bind``'s dialect, the one with ``on_conflict_do_nothing`` and
    ``on_conflict_do_update`` (SQLite and PostgreSQL spell them alike)."""
    return postgresql_insert if bind.dialect.name == "postgresql" else sqlite_insert
