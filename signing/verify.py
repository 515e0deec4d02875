"""Verifying a signed document: each signature, then the rules of Nghị định 30 on the whole.

Each signature is validated with pyHanko against the policy's trust anchors (revocation
fetched over HTTP unless the policy turns it off): integrity, the signer's chain at signing
time, and what changed in the file after it. The findings use the stable codes of the check
catalogue, at the levels the policy sets, and every one names the signature it is about.
"""

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext

from edoc.errors import EdocError
from edoc.files import read_input
from signing.checks import CATALOGUE, Severity
from signing.report import DocumentReport, Finding, Indication, SignatureReport, Verdict
from signing.roles import Role, certificate_role, identifiers
from signing.signer import asn1_certificate

WEAK_HASHES = ("md5", "sha1")
PADES_SUBFILTER = "/ETSI.CAdES.detached"


@dataclass(frozen=True)
class Policy:
    """What counts and how much: levels per check code, trust anchors, revocation checking."""

    trust: tuple[x509.Certificate, ...] = ()
    revocation: str = "soft"
    severities: Mapping[str, Severity] = field(default_factory=dict)
    min_rsa_bits: int = 2048
    min_ec_bits: int = 256

    def severity(self, code: str) -> Severity:
        return self.severities.get(code, CATALOGUE[code].severity)


DEFAULT_POLICY = Policy()


class _Findings:
    """Collects findings, dropping the checks the policy ignores."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.items: list[Finding] = []

    def add(self, code: str, signature: str | None, vi: str = "", en: str = "") -> None:
        severity = self.policy.severity(code)
        if severity is not Severity.IGNORE:
            self.items.append(Finding.of(code, severity, signature, (vi, en)))


def _name(certificate: x509.Certificate, oid) -> str:
    values = certificate.subject.get_attributes_for_oid(oid)
    return str(values[-1].value) if values else ""


def _context(policy: Policy) -> ValidationContext:
    return ValidationContext(
        trust_roots=[asn1_certificate(c) for c in policy.trust],
        allow_fetching=policy.revocation != "off",
        revocation_mode="hard-fail" if policy.revocation == "hard" else "soft-fail",
    )


def _level(embedded, status, reader: PdfFileReader) -> str:
    if embedded.sig_object.get("/SubFilter") != PADES_SUBFILTER:
        return "NOT_PADES"
    if status.timestamp_validity is None:
        return "B-B"
    dss = reader.root.get("/DSS")
    if dss is None:
        return "B-T"
    later_timestamps = [
        s
        for s in reader.embedded_timestamp_signatures
        if s.signed_revision > embedded.signed_revision
    ]
    return "B-LTA" if later_timestamps else "B-LT"


def _signature_report(embedded, reader: PdfFileReader, policy: Policy, found: _Findings):
    field_name = embedded.field_name
    report = SignatureReport(field=field_name, revision=embedded.signed_revision)
    report.sub_filter = str(embedded.sig_object.get("/SubFilter", "")).lstrip("/")
    certificate = x509.load_der_x509_certificate(embedded.signer_cert.dump())
    report.signer = _name(certificate, NameOID.COMMON_NAME)
    report.identifiers = [f"{prefix}:{number}" for prefix, number in identifiers(certificate)]
    report.issuer = certificate.issuer.rfc4514_string()
    decision = certificate_role(certificate)
    report.role, report.role_reason = decision.role.value, decision.reason_en
    report.key_size = getattr(certificate.public_key(), "key_size", 0)
    report.digest_algorithm = embedded.md_algorithm
    try:
        status = validate_pdf_signature(embedded, _context(policy))
    except SignatureValidationError as error:
        found.add("SIG_INTEGRITY", field_name, str(error), str(error))
        report.indication, report.sub_indication = Indication.TOTAL_FAILED, "FORMAT_FAILURE"
        return report, decision.role
    report.signature_algorithm = status.pkcs7_signature_mechanism
    report.intact = bool(status.intact and status.valid)
    report.trusted = bool(status.trusted)
    report.covers_whole_file = status.coverage.name == "ENTIRE_FILE"
    report.signing_time = status.signer_reported_dt
    if status.timestamp_validity is not None:
        report.timestamp_time = status.timestamp_validity.timestamp
    report.level = _level(embedded, status, reader)
    _judge(report, status, certificate, policy, found)
    return report, decision.role


def _judge(report: SignatureReport, status, certificate, policy: Policy, found: _Findings):
    name = report.field
    if not status.intact:
        found.add("SIG_INTEGRITY", name)
        report.indication, report.sub_indication = Indication.TOTAL_FAILED, "HASH_FAILURE"
    elif not status.valid:
        found.add("SIG_INTEGRITY", name)
        report.indication, report.sub_indication = Indication.TOTAL_FAILED, "SIG_CRYPTO_FAILURE"
    modification = getattr(status, "modification_level", None)
    if modification is not None and modification.name not in (
        "NONE",
        "LTA_UPDATES",
        "FORM_FILLING",
    ):
        found.add("SIG_MODIFIED", name, modification.name, modification.name)
        report.indication, report.sub_indication = Indication.TOTAL_FAILED, "FORMAT_FAILURE"
    if not status.docmdp_ok and status.docmdp_ok is not None:
        found.add("SIG_MODIFIED", name, "DocMDP", "DocMDP")
    if report.digest_algorithm in WEAK_HASHES:
        found.add("ALG_WEAK_HASH", name, report.digest_algorithm, report.digest_algorithm)
    if report.key_size and report.key_size < policy.min_rsa_bits:
        found.add("ALG_WEAK_KEY", name, f"{report.key_size} bit", f"{report.key_size} bits")
    if "rsassa_pkcs1v15" in report.signature_algorithm or report.signature_algorithm.endswith(
        "_rsa"
    ):
        found.add("ALG_RSA_PKCS1V15", name)
    if report.sub_filter == "adbe.pkcs7.sha1" or report.level == "NOT_PADES":
        found.add("FMT_LEGACY_SUBFILTER", name, report.sub_filter, report.sub_filter)
    if report.level == "B-B":
        found.add("FMT_NO_TIMESTAMP", name)
    if report.level in ("B-B", "B-T"):
        found.add("FMT_NO_LTV", name)
    problem = getattr(status, "trust_problem_indic", None)
    if report.indication is Indication.TOTAL_FAILED:
        return
    if problem is None and status.trusted:
        report.indication, report.sub_indication = Indication.TOTAL_PASSED, None
        return
    sub = problem.name if problem is not None else "NO_CERTIFICATE_CHAIN_FOUND"
    report.indication, report.sub_indication = Indication.INDETERMINATE, sub
    codes = {
        "REVOKED": "CERT_REVOKED",
        "OUT_OF_BOUNDS": "CERT_EXPIRED",
        "EXPIRED": "CERT_EXPIRED",
        "NOT_YET_VALID": "CERT_NOT_YET_VALID",
        "TRY_LATER": "REVOCATION_UNKNOWN",
        "CRYPTO_CONSTRAINTS": "ALG_WEAK_HASH",
    }
    code = next((c for key, c in codes.items() if key in sub), "CERT_UNTRUSTED")
    if code == "CERT_REVOKED":
        report.indication = Indication.TOTAL_FAILED
    found.add(code, name, sub, sub)


def _read_signature(reader, field_name, value, field_ref, policy: Policy, found: _Findings):
    """One filled signature field: its report, or a finding when it cannot be read at all.

    An empty /Contents is no signature; anything else pyHanko cannot parse (a broken CMS, an
    unknown algorithm, a dangling reference) is reported as an integrity failure of that
    signature, never raised: hostile files must end in a report.
    """
    try:
        signature_object = value.get_object()
        if signature_object.get("/Type", "/Sig") != "/Sig":
            return None, Role.UNKNOWN
        contents = bytes(signature_object.get("/Contents", b""))
        if not contents.strip(b"\0"):
            return None, Role.UNKNOWN
        embedded = EmbeddedPdfSignature(reader, field_ref.get_object(), field_name)
        return _signature_report(embedded, reader, policy, found)
    except Exception as error:  # pyHanko raises many kinds on hostile signatures
        reason = f"{type(error).__name__}: {error}"[:200]
        found.add("SIG_INTEGRITY", field_name, reason, reason)
        report = SignatureReport(field=field_name)
        report.indication, report.sub_indication = Indication.TOTAL_FAILED, "FORMAT_FAILURE"
        return report, Role.UNKNOWN


def verify_document(
    document: bytes | str | Path, policy: Policy = DEFAULT_POLICY
) -> DocumentReport:
    """The verdict on a signed PDF (its bytes or its path) under ``policy``."""
    name = "<bytes>" if isinstance(document, bytes) else str(document)
    data = document if isinstance(document, bytes) else read_input(document)
    found = _Findings(policy)
    report = DocumentReport(file=name, verdict=Verdict.COMPLIANT)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as error:  # pyHanko raises many kinds on broken files
        raise EdocError(
            f"Không đọc được tệp PDF: {error}.", f"Cannot read the PDF: {error}.", path=name
        ) from error
    read = []
    for field_name, value, field_ref in fields:
        signature, role = _read_signature(reader, field_name, value, field_ref, policy, found)
        if signature is not None:
            read.append((signature, role if signature.intact else Role.UNKNOWN))
    read.sort(key=lambda pair: pair[0].revision)  # signing order
    report.signatures = [signature for signature, _ in read]
    roles = [role for _, role in read]
    _rules_of_decree_30(report, roles, found)
    report.findings = found.items
    errors = [f for f in found.items if f.severity is Severity.ERROR]
    indeterminate = any(s.indication is Indication.INDETERMINATE for s in report.signatures)
    if errors:
        report.verdict = Verdict.NON_COMPLIANT
    elif indeterminate:
        report.verdict = Verdict.INDETERMINATE
    return report


def _rules_of_decree_30(report: DocumentReport, roles: list[Role], found: _Findings) -> None:
    if not report.signatures:
        found.add("VN_NO_SIGNATURE", None)
        return
    for signature in report.signatures:
        if signature.role == Role.UNKNOWN.value:
            found.add(
                "VN_ROLE_UNKNOWN", signature.field, signature.role_reason, signature.role_reason
            )
    if Role.PERSONAL not in roles:
        found.add("VN_MISSING_PERSONAL", None)
    if Role.ORGANISATION not in roles:
        found.add("VN_MISSING_ORGANISATION", None)
    both = Role.PERSONAL in roles and Role.ORGANISATION in roles
    if both and roles.index(Role.ORGANISATION) < roles.index(Role.PERSONAL):
        found.add("VN_ORDER", None)
