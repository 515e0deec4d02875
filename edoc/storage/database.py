"""The database of a node: SQLite in the workspace by default, PostgreSQL when
``EDOC_DATABASE_URL`` names one; its schema kept current by Alembic migrations.

A database that goes away (stopped, restarting, the connection cut) is an error the user
can act on, :class:`~edoc.errors.DatabaseUnavailableError`, wherever it happens: the API
answers 503, the inbox and the command line say it in both languages. Connections are
checked before use (``pool_pre_ping``), so a database that comes back is used again without
restarting the node.
"""

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.orm import Session, sessionmaker

from edoc.errors import DatabaseUnavailableError

DATABASE_URL_ENV = "EDOC_DATABASE_URL"
MIGRATIONS = Path(__file__).parent / "migrations"


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


def _unavailable(context: ExceptionContext) -> None:
    """A connection lost, or none to be had, raised as DatabaseUnavailableError (the pool's
    own check before use is left alone: it reconnects by itself)."""
    if context.is_pre_ping or not (context.is_disconnect or context.connection is None):
        return
    lines = str(context.original_exception).strip().splitlines()
    reason = lines[0][:200] if lines else type(context.original_exception).__name__
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
    event.listen(engine, "handle_error", _unavailable)
    return engine


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it in an empty database)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory of a node: objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)
