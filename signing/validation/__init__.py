"""Verifying signed documents (signature-format.md §6–§7): each signature's integrity, chain,
revocation, PAdES level and appearance, the rules of Nghị định 30, and the report on the
document with its verdict, in JSON, text or HTML, one file at a time or in batches.

Importing this package installs the fast paths of :mod:`signing.speedups` (once).
"""

from signing import speedups
from signing.validation.active import UNCHECKED, active_content
from signing.validation.batch import VerifyOutcome, verify_batch
from signing.validation.checks import CATALOGUE, Severity
from signing.validation.policy import (
    DEFAULT_POLICY,
    SHIPPED,
    Policy,
    Revocation,
    load_policy,
    parse_policy,
)
from signing.validation.render import html_report, text_report
from signing.validation.report import (
    DocumentReport,
    Finding,
    Indication,
    Note,
    SignatureReport,
    Verdict,
)
from signing.validation.revocation import renew_validation
from signing.validation.trust import load_certificates, read_certificates
from signing.validation.verify import unreadable_report, verify_document, verify_received
from signing.validation.wording import (
    TRUST_CODES,
    VERDICTS,
    indication_code,
    indication_word,
    level_word,
    sub_indication_word,
    verdict_word,
)

speedups.install()

__all__ = [
    "CATALOGUE",
    "DEFAULT_POLICY",
    "SHIPPED",
    "TRUST_CODES",
    "UNCHECKED",
    "VERDICTS",
    "DocumentReport",
    "Finding",
    "Indication",
    "Note",
    "Policy",
    "Revocation",
    "Severity",
    "SignatureReport",
    "Verdict",
    "VerifyOutcome",
    "active_content",
    "html_report",
    "indication_code",
    "indication_word",
    "level_word",
    "load_certificates",
    "load_policy",
    "parse_policy",
    "read_certificates",
    "renew_validation",
    "sub_indication_word",
    "text_report",
    "unreadable_report",
    "verdict_word",
    "verify_batch",
    "verify_document",
    "verify_received",
]
