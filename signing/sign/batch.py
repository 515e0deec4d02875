"""Signing thousands of documents: every core, each key opened once per worker, nothing lost.

A batch signs each input into the output folder. It can be run again: a document that
already carries the signature asked for (same kind, same certificate) is skipped and said
so; outputs are written atomically, so a crash never leaves half a PDF; one bad document is
reported and the batch goes on.
"""

import enum
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography.x509.oid import NameOID

from edoc.bilingual import Text
from edoc.errors import EdocError, SigningError
from edoc.files import read_input, write_atomic
from signing.geometry import Box
from signing.pdf import DAMAGED
from signing.raw import raw_signatures
from signing.roles import Role, subject_value
from signing.sign.keys import SigningKey, load_pkcs12, open_token_key
from signing.sign.pades import (
    DEFAULT_OPTIONS,
    Options,
    Signed,
    placed_signatures,
    sign_attachment,
    sign_copy,
    sign_organisation,
    sign_personal,
)
from signing.sign.position import Anchor, Field


class Kind(enum.StrEnum):
    """Which signature a batch applies."""

    PERSONAL = "personal"
    ORGANISATION = "organisation"
    ATTACHMENT = "attachment"
    COPY = "copy"

    @property
    def role(self) -> Role:
        return Role.PERSONAL if self is Kind.PERSONAL else Role.ORGANISATION


@dataclass(frozen=True)
class KeySource:
    """How to open the signing key; each worker process opens it once for itself."""

    pkcs12: Path | None = None
    password: str | None = None
    pkcs11_lib: Path | None = None
    token_label: str | None = None
    key_label: str | None = None
    certificate_sha256: str | None = None

    def open(self) -> SigningKey:
        if self.pkcs12 is not None:
            return load_pkcs12(self.pkcs12, self.password)
        if self.pkcs11_lib is not None and self.token_label:
            return open_token_key(
                self.pkcs11_lib,
                self.token_label,
                self.key_label,
                self.password,
                self.certificate_sha256,
            )
        raise SigningError("Chưa chọn khóa để ký.", "No signing key was given.")


@dataclass(frozen=True)
class SignSpec:
    """What to do to every document of a batch."""

    kind: Kind
    key: KeySource
    image: bytes | None = None
    where: Box | Anchor | Field | None = None
    seal_diameter_mm: float = 36.0
    allow_missing_personal: bool = False
    code: str = ""
    copy_form: str = "SAO Y"
    agency_name: str = ""
    options: Options = DEFAULT_OPTIONS


@dataclass(frozen=True)
class SignOutcome:
    """What happened to one document: signed, skipped (already signed) or failed."""

    input: str
    output: str | None
    status: str
    field: str | None = None
    signer: str | None = None
    level: str | None = None
    sha256: str | None = None
    error: Text | None = None

    def to_json(self) -> dict:
        return {
            "input": self.input,
            "output": self.output,
            "status": self.status,
            "field": self.field,
            "signer": self.signer,
            "level": self.level,
            "sha256": self.sha256,
            "error": self.error.en if self.error else None,
            "error_vi": self.error.vi if self.error else None,
        }


def pdf_files(inputs: Sequence[Path], recursive: bool = False) -> list[tuple[Path, Path]]:
    """Pairs of (PDF, its path relative to the folder named): files as named, folders' PDFs."""
    found = []
    for item in inputs:
        if item.is_dir():
            pattern = "**/*" if recursive else "*"
            for path in sorted(item.glob(pattern)):
                if path.is_file() and path.suffix.lower() == ".pdf":
                    found.append((path, path.relative_to(item)))
        else:
            found.append((item, Path(item.name)))
    return found


def plan(inputs: Sequence[Path], out_dir: Path, recursive: bool = False) -> list[tuple[Path, Path]]:
    """Pairs of (input PDF, output path): files as named, folders' PDFs keeping their layout."""
    return [(path, out_dir / relative) for path, relative in pdf_files(inputs, recursive)]


def _refuse_broken(pdf: bytes) -> None:
    """SigningError when a signature already in ``pdf`` is no longer intact: signing on
    would vouch for changed content, and skipping it as signed would pass the change on."""
    for raw in raw_signatures(pdf):
        if problem := raw.byte_range_problem or raw.integrity_problem:
            raise SigningError(
                f"Chữ ký số có sẵn trong tệp không còn nguyên vẹn ({problem.vi}): không ký.",
                f"A signature already in the file is no longer intact ({problem.en}): not signed.",
            )


def _has_signature(pdf: bytes, kind: Kind, key: SigningKey):
    """The signature of ``kind`` by ``key`` already in ``pdf``, if any; SigningError when a
    signature in it is no longer intact (an unreadable file fails opening)."""
    signatures = placed_signatures(pdf, boxes=False)
    if signatures:  # a file with none may still hold byte ranges that are no signature's
        _refuse_broken(pdf)
    for placed in signatures:
        if placed.role is kind.role and placed.certificate == key.certificate:
            return placed
    return None


def _apply(pdf: bytes, spec: SignSpec, key: SigningKey) -> Signed:
    options = spec.options
    if spec.kind is Kind.PERSONAL:
        where = spec.where or Anchor(_common_name(key))
        return sign_personal(pdf, key, spec.image or b"", where, options)
    if spec.kind is Kind.ORGANISATION:
        return sign_organisation(
            pdf,
            key,
            spec.image or b"",
            diameter_mm=spec.seal_diameter_mm,
            allow_missing_personal=spec.allow_missing_personal,
            options=options,
        )
    if spec.kind is Kind.ATTACHMENT:
        return sign_attachment(pdf, key, spec.code, options)
    return sign_copy(pdf, key, spec.copy_form, spec.agency_name or _organisation(key), options)


def _common_name(key: SigningKey) -> str:
    return subject_value(key.certificate, NameOID.COMMON_NAME)


def _organisation(key: SigningKey) -> str:
    return subject_value(key.certificate, NameOID.ORGANIZATION_NAME)


def sign_one(spec: SignSpec, key: SigningKey, source: Path, target: Path) -> SignOutcome:
    """Sign ``source`` into ``target``, or skip it when the signature is already there."""
    signer = _common_name(key)
    try:
        if target.exists() and (placed := _has_signature(target.read_bytes(), spec.kind, key)):
            return SignOutcome(str(source), str(target), "skipped", placed.field, signer)
        pdf = read_input(source, SigningError)
        if placed := _has_signature(pdf, spec.kind, key):
            write_atomic(target, pdf)
            return SignOutcome(str(source), str(target), "skipped", placed.field, signer)
        signed = _apply(pdf, spec, key)
        write_atomic(target, signed.pdf)
    except EdocError as error:
        return _failed(source, signer, error)
    except Exception:  # a reader choking on a hostile file: that file's error, not the batch's
        return _failed(source, signer, DAMAGED)
    digest = hashlib.sha256(signed.pdf).hexdigest()
    level = spec.options.level.value
    return SignOutcome(str(source), str(target), "signed", signed.field, signer, level, digest)


def _failed(source: Path, signer: str, error: EdocError) -> SignOutcome:
    path = error.path or str(source)
    return SignOutcome(
        str(source), None, "error", signer=signer,
        error=Text(f"{path}: {error.message_vi}", f"{path}: {error.message_en}"),
    )  # fmt: skip


_worker: tuple[SignSpec, SigningKey] | None = None


def _start_worker(spec: SignSpec) -> None:
    global _worker
    _worker = (spec, spec.key.open())


def _work(pair: tuple[Path, Path]) -> SignOutcome:
    assert _worker is not None
    spec, key = _worker
    return sign_one(spec, key, *pair)


def sign_batch(
    spec: SignSpec,
    pairs: Sequence[tuple[Path, Path]],
    jobs: int | None = None,
    on_done: Callable[[SignOutcome], None] | None = None,
) -> Iterator[SignOutcome]:
    """Sign every pair, ``jobs`` processes at a time (default: every core), in input order."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(pairs) or 1))
    key = spec.key.open()  # here first: a wrong password fails once, clearly, not per worker
    try:
        if jobs == 1:
            outcomes = (sign_one(spec, key, *pair) for pair in pairs)
            yield from _reported(outcomes, on_done)
            return
        with ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(spec,)) as pool:
            chunk = max(1, len(pairs) // (jobs * 8))
            yield from _reported(pool.map(_work, pairs, chunksize=chunk), on_done)
    finally:
        _close(key)


def _reported(outcomes, on_done) -> Iterator[SignOutcome]:
    for outcome in outcomes:
        if on_done:
            on_done(outcome)
        yield outcome


def _close(key: SigningKey) -> None:
    close = getattr(key.private_key, "close", None)
    if close:
        close()
