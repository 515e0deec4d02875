"""Exported envelopes and PDFs (folders, .zip, .tar, .tar.gz) to audit, for agencies that do
not run edoc: verified on the fly and stored in a scratch database the way the hub stores what
it routes, so that the same queries count them and a workspace and its exports give the same
figures for the same documents.
"""

import datetime as dt
import hashlib
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from edoc.agency import AgencyId, AgencyIdError
from edoc.audit.entries import apply_status, record
from edoc.audit.report import Source, agency_id
from edoc.bilingual import Text
from edoc.envelope.model import DocumentMessage, StatusMessage
from edoc.envelope.parse import parse
from edoc.errors import AuditError, EdocError
from edoc.exchange.records import (
    attachment_row,
    attachment_rows,
    document_row,
    is_pdf,
    status_row,
)
from edoc.storage.blobs import BlobStore, insert_ignoring_duplicates
from edoc.storage.database import connect, sessions, upgrade
from edoc.storage.models import HUB_ID, Direction, Document, StatusEvent
from edoc.timezone import day_start
from signing.validation.batch import verify_batch
from signing.validation.policy import Policy
from signing.validation.report import DocumentReport
from signing.validation.verify import unreadable_report

ENVELOPES = (".xml", ".edxml")
ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz")
#: An archive member larger than this is refused rather than inflated (zip bombs).
MAX_MEMBER = 200 * 1024 * 1024


@dataclass(frozen=True)
class Exported:
    """A file read from the exports: where it came from, its bytes, and its modification time."""

    name: str
    data: bytes
    modified: dt.datetime
    folder: str  # the folder (or archive folder) it lies in, which may name its agency


@dataclass
class Problem:
    """A file the audit could not count, and why."""

    name: str
    why: Text

    def message(self, lang: str = "vi") -> str:
        return f"{self.name}: {self.why.in_(lang)}"


@dataclass
class Exports:
    """What the exported files hold: document and status envelopes, bare PDFs, problems."""

    documents: list[tuple[Exported, DocumentMessage]] = field(default_factory=list)
    statuses: list[tuple[Exported, StatusMessage]] = field(default_factory=list)
    pdfs: list[tuple[Exported, str]] = field(default_factory=list)  # with the agency's id
    problems: list[Problem] = field(default_factory=list)

    @property
    def to_verify(self) -> list[tuple[str, bytes]]:
        """Every PDF to verify, named ``file`` or ``file#ContentId``, in a stable order."""
        items = [(e.name, e.data) for e, _ in self.pdfs]
        for exported, message in self.documents:
            items += [
                (f"{exported.name}#{a.content_id}", a.data)
                for a in message.attachments
                if is_pdf(a.name, a.data)
            ]
        return items


def _files(path: Path) -> Iterator[Exported]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file():
                yield from _files(child)
        return
    name = path.name.lower()
    if name.endswith(ARCHIVES):
        yield from _archive(path)
    elif name.endswith((*ENVELOPES, ".pdf")):
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        yield Exported(str(path), path.read_bytes(), modified, path.parent.name)


def _archive(path: Path) -> Iterator[Exported]:
    try:
        if path.name.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if not info.is_dir() and _wanted(info.filename, info.file_size, path):
                        modified = dt.datetime(*info.date_time, tzinfo=dt.UTC)
                        yield _member(path, info.filename, archive.read(info), modified)
            return
        with tarfile.open(path) as archive:
            for info in archive:
                if info.isfile() and _wanted(info.name, info.size, path):
                    modified = dt.datetime.fromtimestamp(info.mtime, dt.UTC)
                    data = archive.extractfile(info).read()
                    yield _member(path, info.name, data, modified)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as error:
        raise AuditError(
            f"Không đọc được tệp nén: {error}.", f"Cannot read the archive: {error}.", path=path
        ) from error


def _wanted(name: str, size: int, archive: Path) -> bool:
    if not name.lower().endswith((*ENVELOPES, ".pdf")):
        return False
    if size > MAX_MEMBER:
        raise AuditError(
            f"Tệp {name} trong tệp nén quá lớn ({size} byte).",
            f"{name} in the archive is too large ({size} bytes).",
            path=archive,
        )
    return True


def _member(archive: Path, name: str, data: bytes, modified: dt.datetime) -> Exported:
    folder = Path(name).parent.name or archive.name.split(".")[0]
    return Exported(f"{archive}!{name}", data, modified, folder)


def read_exports(paths: list[Path], agency: str | None = None) -> Exports:
    """Read the envelopes and PDFs under ``paths``, each file and each document once (exports
    overlap: a folder and a zip of it). A bare PDF is a document sent by ``agency`` (an id;
    a pattern names no one), or by the agency its folder is named after."""
    owner = None if agency is None or "*" in agency or "?" in agency else agency_id(agency)
    exports, files, documents = Exports(), set(), set()
    for path in paths:
        if not path.exists():
            raise AuditError("Không có tệp hay thư mục này.", "No such file or folder.", path=path)
        for exported in _files(path):
            digest = hashlib.sha256(exported.data).digest()
            if digest in files:
                continue
            files.add(digest)
            if exported.name.lower().endswith(".pdf"):
                _read_pdf(exports, exported, owner or _agency_of(exported.folder))
                continue
            try:
                message = parse(exported.data).message
            except EdocError as error:
                exports.problems.append(
                    Problem(exported.name, Text(error.message_vi, error.message_en))
                )
                continue
            if isinstance(message, StatusMessage):
                exports.statuses.append((exported, message))
            elif (key := (message.sender.organ_id, message.document_id)) not in documents:
                documents.add(key)
                exports.documents.append((exported, message))
    return exports


def _read_pdf(exports: Exports, exported: Exported, owner: str | None) -> None:
    if owner is None:
        exports.problems.append(
            Problem(
                exported.name,
                Text(
                    "không biết của cơ quan nào: dùng --agency hoặc đặt tệp trong thư "
                    "mục mang mã định danh của cơ quan",
                    "whose document it is is unknown: use --agency or put the file in "
                    "a folder named after the agency's id",
                ),
            )
        )
    else:
        exports.pdfs.append((exported, owner))


def _agency_of(folder: str) -> str | None:
    try:
        return str(AgencyId.parse(folder))
    except AgencyIdError:
        return None


@contextmanager
def exported_source(
    exports: Exports,
    policy: Policy,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Source]:
    """A scratch database holding ``exports``, their PDFs verified ``jobs`` at a time
    (``progress(n)`` after each ``n`` files), as long as the ``with`` block lasts."""
    items = exports.to_verify
    reports: dict[str, DocumentReport] = {}
    for outcome in verify_batch(items, policy, jobs):
        report = outcome.report
        if report is None:  # named as a problem, and counted as the hub counts such a file
            exports.problems.append(Problem(outcome.file, outcome.error))
            report = unreadable_report(EdocError(outcome.error.vi, outcome.error.en))
        reports[outcome.file] = report
        if progress is not None:
            progress(1)
    with tempfile.TemporaryDirectory(prefix="edoc-audit-") as scratch:
        engine = connect(f"sqlite:///{Path(scratch) / 'audit.sqlite'}")
        upgrade(engine)
        factory = sessions(engine)
        blobs = BlobStore(Path(scratch) / "blobs", factory)
        with factory() as session, blobs.staging(session) as stage:
            _store(session, stage, exports, reports, policy)
            session.commit()
        try:
            yield Source(", ".join(_roots(exports)) or scratch, factory)
        finally:
            engine.dispose()


def _roots(exports: Exports) -> list[str]:
    names = [e.name for e, _ in exports.documents + exports.statuses + exports.pdfs]
    return sorted({name.split("!")[0] for name in names})[:5]


def _store(session: Session, stage, exports: Exports, reports: dict, policy: Policy) -> None:
    """Store the exports as the hub stores what it routes (each document already once)."""
    stored: dict[tuple[str, str], Document] = {}
    for exported, message in exports.documents:
        ours = {
            a.content_id: reports[f"{exported.name}#{a.content_id}"]
            for a in message.attachments
            if f"{exported.name}#{a.content_id}" in reports
        }
        document = document_row(HUB_ID, Direction.RECEIVED, message, stage.put(exported.data))
        document.received_at = day_start(message.promulgation_date)
        document.attachments = attachment_rows(message, ours, policy, stage)
        stored[(message.sender.organ_id, message.document_id)] = document
    for exported, owner in exports.pdfs:
        digest = stage.put(exported.data)
        report = reports.get(exported.name)
        name = Path(exported.name.split("!")[-1]).name
        document = Document(
            owner_organ_id=HUB_ID, direction=Direction.RECEIVED, document_id=f"pdf:{digest}",
            sender_organ_id=owner, recipients=[], subject=name, envelope_sha256=digest,
            received_at=_pdf_time(report, exported),
            attachments=[attachment_row("pdf", name, "application/pdf", digest, report, policy)],
        )  # fmt: skip
        stored[(owner, document.document_id)] = document
    for document in stored.values():
        record(document)
        session.add(document)
    session.flush()
    for exported, message in exports.statuses:
        answered = message.response_for
        document = stored.get((answered.organ_id, answered.document_id))
        if document is None:
            exports.problems.append(
                Problem(
                    exported.name,
                    Text(
                        f"trạng thái cho văn bản không có trong dữ liệu: {answered.document_id}",
                        f"a status for a document not in the exports: {answered.document_id}",
                    ),
                )
            )
            continue
        status = status_row(document.id, message, stage.put(exported.data))
        insert_ignoring_duplicates(session, StatusEvent, status)
        apply_status(session, document.id, status["organ_id"], status["status_code"], status["at"])


def _pdf_time(report: DocumentReport | None, exported: Exported) -> dt.datetime:
    """A bare PDF is dated by its last signature (timestamp, else claimed), else by its file."""
    times = [
        s.timestamp_time or s.signing_time
        for s in (report.signatures if report else [])
        if s.timestamp_time or s.signing_time
    ]
    return max(times, default=exported.modified).astimezone(dt.UTC)
