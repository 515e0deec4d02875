"""Writing files so that a crash never leaves a half-written one behind."""

import os
import tempfile
from pathlib import Path

from edoc.errors import EdocError


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new one, never a mix.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    temporary file is renamed over ``path``; on any failure the temporary file is removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_input(path: Path | str, error: type[EdocError] = EdocError) -> bytes:
    """The bytes of a file the user named, or ``error`` saying, in both languages, why not."""
    try:
        return Path(path).read_bytes()
    except OSError as problem:
        raise error(
            f"Không đọc được tệp: {problem.strerror}.",
            f"Cannot read the file: {problem.strerror}.",
            path=path,
        ) from problem
