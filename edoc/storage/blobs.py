"""Files by their SHA-256: on disk, written before the database rows that point at them, or
in the database itself.

On disk, a transaction that stores a document first writes its files (atomically, each
once: the same appendix sent twice is one file), then its rows. If the transaction fails,
the files it created are removed again, unless a row (another transaction's, meanwhile)
points at them. In the database (``EDOC_BLOBS=database``, for deployments that back up one
PostgreSQL and nothing else), the bytes are part of the transaction. Either way nothing is
ever half-written and nothing a committed row needs is ever removed.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from edoc.errors import EdocError
from edoc.files import write_atomic
from edoc.storage.database import dialect_insert
from edoc.storage.models import Blob


def insert_ignoring_duplicates(session: Session, model, values: dict) -> None:
    """INSERT that does nothing when the row is already there (SQLite and PostgreSQL)."""
    insert = dialect_insert(session.bind)
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


@dataclass
class Staging:
    """The files one transaction writes; see :meth:`BlobStore.staging`."""

    store: "BlobStore"
    session: Session
    created: list[Path] = field(default_factory=list)

    def put(self, data: bytes) -> str:
        """Store ``data`` (file first, then its row; or in its row); its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        if self.store.root is None:
            row = {"sha256": digest, "size": len(data), "data": data}
            insert_ignoring_duplicates(self.session, Blob, row)
            return digest
        path = self.store.path(digest)
        if not path.exists():
            try:
                write_atomic(path, data)
            except OSError as error:
                raise EdocError(
                    f"Không ghi được tệp: {error.strerror}.",
                    f"Cannot write the file: {error.strerror}.",
                    path=path,
                ) from error
            self.created.append(path)
        insert_ignoring_duplicates(self.session, Blob, {"sha256": digest, "size": len(data)})
        return digest


@dataclass(frozen=True)
class BlobStore:
    """Files under ``root`` as ``ab/cd/abcd…`` by their SHA-256, or, with no ``root``, in the
    database that ``sessions`` opens."""

    root: Path | None
    sessions: sessionmaker

    def path(self, digest: str) -> Path:
        assert self.root is not None
        return self.root / digest[:2] / digest[2:4] / digest

    def read(self, digest: str) -> bytes:
        if self.root is not None:
            return self.path(digest).read_bytes()
        with self.sessions() as session:
            data = session.scalar(select(Blob.data).where(Blob.sha256 == digest))
        if data is None:
            raise FileNotFoundError(digest)
        return data

    @contextmanager
    def staging(self, session: Session) -> Iterator[Staging]:
        """Files written for ``session``'s transaction, removed if it does not commit
        (unless a committed row of another transaction needs them)."""
        staging = Staging(self, session)
        try:
            yield staging
        except BaseException:
            self._forget(staging.created)
            raise

    def _forget(self, created: list[Path]) -> None:
        if not created:
            return
        with self.sessions() as session:
            needed = set(
                session.scalars(
                    select(Blob.sha256).where(Blob.sha256.in_([p.name for p in created]))
                )
            )
        for path in created:
            if path.name not in needed:
                path.unlink(missing_ok=True)
