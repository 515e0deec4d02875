"""Files by their SHA-256: on disk, written before the database rows that point at them, or
in the database itself.

On disk, a transaction that stores a document first writes its files (atomically, each
once: the same appendix sent twice is one file), then its rows. If the transaction fails,
the files it created are removed again, unless a row (another transaction's, meanwhile)
points at them; what a killed process or a vanished database leaves is removed later by
:meth:`BlobStore.settle` (see :mod:`edoc.storage.journal`). A full disk is a
:class:`~edoc.errors.StorageFullError`, with nothing kept. In the database
(``EDOC_BLOBS=database``, for deployments that back up one PostgreSQL and nothing else),
the bytes are part of the transaction. Either way nothing is ever half-written and nothing
a committed row needs is ever removed.
"""

import errno
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from edoc.errors import EdocError, StorageFullError
from edoc.files import write_atomic
from edoc.storage import journal
from edoc.storage.database import dialect_insert
from edoc.storage.models import Blob

#: How many names one query checks against the blobs table.
CHUNK = 500


def insert_ignoring_duplicates(session: Session, model, values: dict) -> None:
    """INSERT that does nothing when the row is already there (SQLite and PostgreSQL)."""
    insert = dialect_insert(session.bind)
    session.execute(insert(model).values(**values).on_conflict_do_nothing())


def _unwritable(error: OSError, root: Path) -> EdocError:
    """The error of a file that could not be written: StorageFullError for a full disk."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFullError(
            "Hết dung lượng đĩa lưu tệp (ENOSPC): không lưu được gì; "
            "hãy giải phóng dung lượng rồi thử lại.",
            "The disk that keeps the files is full (ENOSPC): nothing was stored; "
            "free some space and try again.",
            path=root,
        )
    return EdocError(
        f"Không ghi được tệp: {error.strerror}.", f"Cannot write the file: {error.strerror}.",
        path=root,
    )  # fmt: skip


@dataclass
class Staging:
    """The files one transaction writes; see :meth:`BlobStore.staging`."""

    store: "BlobStore"
    session: Session
    created: list[Path] = field(default_factory=list)
    notes: journal.Journal | None = None  # made when the first file is looked at

    def put(self, data: bytes) -> str:
        """Store ``data`` (file first, then its row; or in its row); its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        if self.store.root is None:
            row = {"sha256": digest, "size": len(data), "data": data}
            insert_ignoring_duplicates(self.session, Blob, row)
            return digest
        try:
            if self.notes is None:  # before looking at the store: see edoc.storage.journal
                self.notes = journal.Journal(self.store.root)
            path = self.store.path(digest)
            if not path.exists():
                self.notes.note(digest)
                write_atomic(path, data)
                self.created.append(path)
        except OSError as error:
            raise _unwritable(error, self.store.root) from error
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
        """Files written for ``session``'s transaction (which commits inside the block),
        removed if it does not commit, unless a committed row of another transaction needs
        them; when that cannot be checked (the database away), left to :meth:`settle`."""
        staging = Staging(self, session)
        checked = True
        try:
            yield staging
        except BaseException:
            try:
                self._forget(staging.created)
            except Exception:
                checked = False
            raise
        finally:
            if staging.notes is not None:
                staging.notes.close(keep=not checked)

    def _needed(self, names: list[str]) -> set[str]:
        """Which of ``names`` a committed row has."""
        needed: set[str] = set()
        with self.sessions() as session:
            for start in range(0, len(names), CHUNK):
                chunk = names[start : start + CHUNK]
                needed.update(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(chunk))))
        return needed

    def _forget(self, created: list[Path]) -> None:
        if not created:
            return
        needed = self._needed([p.name for p in created])
        for path in created:
            if path.name not in needed:
                path.unlink(missing_ok=True)

    def settle(self) -> int:
        """Remove the files of transactions that never committed (a process killed, the
        database gone), which their journals name, unless a row needs them; how many.
        Nothing is done while a transaction is writing files: call it again later."""
        if self.root is None or not journal.left_over(self.root):
            return 0
        removed = 0
        with journal.settling(self.root) as journals:
            if not journals:
                return 0
            names = journal.names(journals)
            for name in names - self._needed(sorted(names)):
                path = self.path(name)
                for leftover in (path, *path.parent.glob(f".{name}.*.tmp")):
                    if leftover.exists():
                        leftover.unlink()
                        removed += 1
            for used in journals:
                used.unlink()
        return removed
