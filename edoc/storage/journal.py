"""The names of the files a transaction is creating, noted before they are written.

Files are written before the rows that point at them, and a transaction that fails removes
the files it created. A process killed in between, or a database that went away before the
files could be checked against it, leaves files no row points at: a journal of each
transaction, in the store's ``.staging/`` folder, names the only files that can be left
over, so that they are found without reading the whole store (:meth:`BlobStore.settle`).

A transaction writing files holds a shared lock on the ``.staging/`` folder from before it looks
at the store until it has committed or rolled back; settling holds the lock exclusively.
So settling sees only journals of transactions that are over, and no transaction can take
up a left-over file while it is being removed. Journals are written without fsync: they
are there for a process that dies, and a machine that loses power may at worst keep an
unreferenced file (space, never a document).
"""

import fcntl
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FOLDER = ".staging"
SUFFIX = ".journal"


def _lock(folder: Path) -> int:
    """The folder itself, opened to be locked (no lock file to leave behind)."""
    folder.mkdir(parents=True, exist_ok=True)
    return os.open(folder, os.O_RDONLY | os.O_DIRECTORY)


class Journal:
    """One transaction's journal: the shared lock, and the file noting what it creates.

    Raises OSError when the journal cannot be written (e.g. the disk is full)."""

    def __init__(self, root: Path) -> None:
        folder = root / FOLDER
        self._lock = _lock(folder)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_SH)  # waits while a settling runs
            self.path = folder / f"{uuid.uuid4().hex}{SUFFIX}"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
            self._file = os.open(self.path, flags, 0o644)
        except BaseException:
            os.close(self._lock)
            raise

    def note(self, name: str) -> None:
        """Note ``name`` before the file is written."""
        os.write(self._file, f"{name}\n".encode())

    def close(self, keep: bool = False) -> None:
        """The transaction is over: its journal removed (kept, for settling, when ``keep``:
        its files could not be checked), its lock released."""
        os.close(self._file)
        if not keep:
            self.path.unlink(missing_ok=True)
        os.close(self._lock)


def left_over(root: Path) -> bool:
    """Whether any journal is there (of a transaction running now, or of one that is over)."""
    folder = root / FOLDER
    if not folder.is_dir():
        return False
    with os.scandir(folder) as entries:
        return any(entry.name.endswith(SUFFIX) for entry in entries)


@contextmanager
def settling(root: Path) -> Iterator[list[Path] | None]:
    """The journals of transactions that are over, with no transaction running while they
    are handled; None (nothing to do now) when a transaction is writing files."""
    lock = _lock(root / FOLDER)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            held = False
        yield sorted((root / FOLDER).glob(f"*{SUFFIX}")) if held else None
    finally:
        os.close(lock)


def names(journals: list[Path]) -> set[str]:
    """The file names the ``journals`` noted."""
    return {name for journal in journals for name in journal.read_text().split()}
