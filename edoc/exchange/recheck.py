"""Verifying again, later, the stored PDFs whose revocation status could not be established.

When a CA's OCSP and CRL servers cannot be reached, a signature is INDETERMINATE
(REVOCATION_UNKNOWN, sub-indication TRY_LATER) and its document is never taken for valid.
Its report is stored due for a recheck (``recheck_at``). The background job of a node or
the hub, and ``edoc recheck``, verify each due PDF again with the policy in force, and
replace its report and signatures, the document's compliance and its audit entries; while
the status is still unknown, the next try waits longer (:data:`edoc.exchange.records.RECHECK`).
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from edoc.audit.entries import loaded_for_record, record
from edoc.exchange.hub import Hub
from edoc.exchange.node import Node
from edoc.exchange.records import (
    compliant,
    recheck_at,
    report_values,
    revocation_unknown,
    signature_rows,
    signer_checked,
)
from edoc.storage.models import Attachment, Document, VerificationReport
from signing.validation.policy import Policy
from signing.validation.report import DocumentReport
from signing.validation.revocation import renew_validation
from signing.validation.verify import verify_document

#: How many due reports are read at a time.
BATCH = 50


@dataclass(frozen=True)
class Rechecked:
    """What a recheck did: PDFs verified again, and how many of them have their revocation
    status by now (the others are due again later)."""

    verified: int = 0
    settled: int = 0


@dataclass(frozen=True)
class _Due:
    report_pk: int
    rechecks: int
    attachment_pk: int
    sha256: str
    signer_name: str  # as the document's envelope names its signer


def recheck_due(service: Node | Hub, due_by: dt.datetime | None = None) -> Rechecked:
    """Verify again every PDF of ``service`` (a node or the hub) due by ``due_by`` (now),
    each once, with its policy in force."""
    due_by = due_by or dt.datetime.now(dt.UTC)
    verified = settled = 0
    after = 0
    reports: dict[str, DocumentReport] = {}  # a file kept once may have several reports
    while due := _due(service.sessions, due_by, after):
        renew_validation()  # an answer that failed before is asked for again
        for item in due:
            if item.sha256 not in reports:
                data = service.blobs.read(item.sha256)
                reports[item.sha256] = verify_document(data, service.policy)
            report = signer_checked(reports[item.sha256], item.signer_name, service.policy)
            if _replace(service.sessions, item, report, service.policy):
                verified += 1
                settled += not revocation_unknown(report)
        after = due[-1].report_pk
    return Rechecked(verified, settled)


def _due(sessions: sessionmaker[Session], due_by: dt.datetime, after: int) -> list[_Due]:
    with sessions() as session:
        rows = session.execute(
            select(
                VerificationReport.id,
                VerificationReport.rechecks,
                Attachment.id,
                Attachment.sha256,
                Document.signer_name,
            )
            .join(Attachment, VerificationReport.attachment_pk == Attachment.id)
            .join(Document, Attachment.document_pk == Document.id)
            .where(VerificationReport.recheck_at <= due_by, VerificationReport.id > after)
            .order_by(VerificationReport.id)
            .limit(BATCH)
        ).all()
    return [_Due(*row) for row in rows]


def _replace(
    sessions: sessionmaker[Session], item: _Due, report: DocumentReport, policy: Policy
) -> bool:
    """Store ``report`` in place of the one read as ``item``, in one transaction; False when
    another process verified it again meanwhile (its report stands)."""
    rechecks = item.rechecks + 1
    with sessions() as session:
        taken = session.execute(
            update(VerificationReport)
            .where(VerificationReport.id == item.report_pk)
            .where(VerificationReport.rechecks == item.rechecks)
            .values(
                **report_values(report, policy),
                verified_at=dt.datetime.now(dt.UTC),
                rechecks=rechecks,
                recheck_at=recheck_at(report, rechecks),
            )
        ).rowcount
        if not taken:
            return False
        attachment = session.get(Attachment, item.attachment_pk)
        attachment.signatures = signature_rows(report)
        session.flush()
        document = session.scalar(
            select(Document)
            .where(Document.id == attachment.document_pk)
            .options(*loaded_for_record())
        )
        if document.compliant is not None:  # a received document's, which the inbox shows
            reports = [a.report for a in document.attachments if a.report is not None]
            document.compliant = compliant([r.verdict for r in reports])
        record(document)
        session.commit()
    return True
