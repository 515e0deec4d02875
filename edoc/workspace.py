"""The workspace: the folder where edoc keeps its database, keys and documents.

Every command that uses a workspace finds it the same way: ``--home DIR``, else the
``EDOC_HOME`` environment variable, else ``./edoc-demo``. The database is SQLite inside the
workspace unless configured otherwise.
"""

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from edoc.errors import WorkspaceError
from edoc.storage.database import connect, database_url, dialect_insert, upgrade
from edoc.storage.models import Setting

HOME_ENV = "EDOC_HOME"
DEFAULT_HOME = "edoc-demo"


def resolve_home(home: str | os.PathLike | None = None) -> Path:
    """The workspace folder: ``home`` if given, else $EDOC_HOME, else ./edoc-demo."""
    chosen = home or os.environ.get(HOME_ENV) or DEFAULT_HOME
    return Path(chosen).expanduser().absolute()


@dataclass(frozen=True)
class Workspace:
    """An opened workspace folder and its database."""

    root: Path
    engine: Engine

    @property
    def pki_dir(self) -> Path:
        return self.root / "pki"

    @property
    def samples_dir(self) -> Path:
        return self.root / "samples"

    @property
    def token_dir(self) -> Path:
        return self.root / "token"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache"

    def get_setting(self, key: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.scalar(select(Setting.value).where(Setting.key == key))

    def set_settings(self, values: dict[str, str]) -> None:
        """Store ``values`` in one transaction (processes that start at once may all do so:
        each write replaces the value in place, none fails on the other's row)."""
        with self.engine.begin() as connection:
            insert = dialect_insert(connection)
            for key, value in values.items():
                row = insert(Setting).values(key=key, value=value)
                connection.execute(
                    row.on_conflict_do_update(index_elements=["key"], set_={"value": value})
                )

    def keep_setting(self, key: str, value: str) -> str:
        """The value of ``key``, ``value`` if it had none: the first process that keeps one
        decides it for all the others that start at once."""
        with self.engine.begin() as connection:
            insert = dialect_insert(connection)
            connection.execute(
                insert(Setting).values(key=key, value=value).on_conflict_do_nothing()
            )
            return connection.scalar(select(Setting.value).where(Setting.key == key))


def database_path(root: Path) -> Path:
    return root / "edoc.sqlite"


def open_workspace(home: str | os.PathLike | None = None) -> Workspace:
    """Open the workspace, creating its folder and database on first use."""
    root = resolve_home(home)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WorkspaceError(
            f"Không tạo được thư mục làm việc: {error.strerror}.",
            f"Cannot create the workspace folder: {error.strerror}.",
            path=root,
        ) from error
    url = database_url(root)
    try:
        engine = connect(url)
        upgrade(engine)
        workspace = Workspace(root, engine)
        workspace.keep_setting("created_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    except SQLAlchemyError as error:
        raise WorkspaceError(
            f"Không mở được cơ sở dữ liệu của thư mục làm việc: {error.orig or error}.",
            f"Cannot open the workspace database: {error.orig or error}.",
            path=database_path(root) if url.startswith("sqlite") else url.split("@")[-1],
        ) from error
    return workspace
