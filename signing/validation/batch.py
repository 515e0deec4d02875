"""Verifying thousands of documents: every core, revocation answers shared, nothing skipped.

A file that cannot be read is reported as such and the batch goes on; results come back in
input order, so a report over a folder is the same from one run to the next.
"""

import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from edoc.bilingual import Text
from edoc.errors import EdocError
from signing.pdf import DAMAGED
from signing.validation.policy import Policy
from signing.validation.report import DocumentReport
from signing.validation.verify import verify_document


@dataclass(frozen=True)
class VerifyOutcome:
    """One file of a batch: its report, or why it could not be read."""

    file: str
    report: DocumentReport | None = None
    error: Text | None = None

    def to_json(self) -> dict:
        if self.report is not None:
            return self.report.to_json()
        return {
            "file": self.file,
            "verdict": "error",
            "error": {"message_vi": self.error.vi, "message_en": self.error.en},
            "signatures": [],
            "findings": [],
            "notes": [],
        }


#: A file to verify: its path, or its name and bytes (a PDF inside an envelope or an archive).
Item = Path | tuple[str, bytes]


def verify_one(item: Item, policy: Policy) -> VerifyOutcome:
    """The report on ``item``, or the reason it could not be read."""
    name, data = item if isinstance(item, tuple) else (str(item), item)
    try:
        return VerifyOutcome(name, verify_document(data, policy))
    except EdocError as error:
        return VerifyOutcome(name, None, error.text)
    except Exception:  # one hostile file is that file's error, never the batch's traceback
        return VerifyOutcome(name, None, DAMAGED.text)


_policy: Policy | None = None


def _start_worker(policy: Policy) -> None:
    global _policy
    _policy = policy


def _work(item: Item) -> VerifyOutcome:
    assert _policy is not None
    return verify_one(item, _policy)


def verify_batch(
    paths: Sequence[Item], policy: Policy, jobs: int | None = None
) -> Iterator[VerifyOutcome]:
    """Verify every file, ``jobs`` processes at a time (default: every core), in input order."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(paths) or 1))
    if jobs == 1:
        yield from (verify_one(path, policy) for path in paths)
        return
    with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(policy,)) as pool:
        chunk = max(1, min(16, len(paths) // (jobs * 8)))
        yield from pool.map(_work, paths, chunksize=chunk)
