"""Verifying a signed document: each signature, then the rules of Nghị định 30 on the whole.

Each signature is validated with pyHanko against the policy's trust anchors (revocation
fetched over HTTP unless the policy turns it off): integrity, the signer's chain at signing
time, and what changed in the file after it. The findings use the stable codes of the check
catalogue, at the levels the policy sets, and every one names the signature it is about.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature, async_validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko_certvalidator import ValidationContext

from edoc.bilingual import Text
from edoc.errors import EdocError
from edoc.files import read_input
from edoc.floor import is_weak_hash, key_floor
from edoc.untrusted import untrusted_text
from signing import aio
from signing.baseline import Level
from signing.pdf import DAMAGED, open_pdf
from signing.raw import raw_signatures
from signing.roles import Role, certificate_role, identifiers, subject_value, subject_values
from signing.validation.active import active_notes
from signing.validation.appearance import (
    PageTree,
    Widget,
    at_top_right,
    covers_left_third,
    is_scanned,
    signature_widget,
    stamp_text_problem,
)
from signing.validation.checks import Severity
from signing.validation.levels import DocumentLevels, kind_of
from signing.validation.modifications import EDOC_DIFF_POLICY
from signing.validation.policy import DEFAULT_POLICY, Policy, Revocation
from signing.validation.report import (
    DocumentReport,
    Finding,
    Indication,
    Note,
    SignatureReport,
    Verdict,
)
from signing.validation.revocation import shared_validation
from signing.validation.structure import issuer_not_ca, signed_attributes_not_der
from signing.validation.wording import sub_indication_word


class _Run:
    """One verification: the policy, its shared revocation fetchers and the findings so far,
    without the checks the policy ignores."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        shared = shared_validation(policy)
        self.trust_roots, self.fetchers, self.present = (
            shared.trust_roots,
            shared.fetchers,
            shared.context,
        )
        self.findings: list[Finding] = []
        self.levels: DocumentLevels | None = None
        self.pages: PageTree | None = None

    def context(self, moment: dt.datetime | None, strict: bool = True) -> ValidationContext:
        """A validation context at the signing time, so a certificate that expired or was
        revoked after a document was signed does not make the signature invalid; ``strict``
        fails when revocation cannot be established."""
        return ValidationContext(
            trust_roots=self.trust_roots,
            allow_fetching=self.fetchers is not None,
            fetchers=self.fetchers,
            revocation_mode="hard-fail" if strict and self.fetchers else "soft-fail",
            moment=moment,
            retroactive_revinfo=True,
        )

    def add(
        self, code: str, signature: str | None, detail: Text | None = None, at_least=None
    ) -> None:
        severity = self.policy.severity(code)
        if at_least is not None and severity is not Severity.IGNORE:
            severity = max(severity, at_least, key=_WEIGHT.index)
        if severity is not Severity.IGNORE:
            self.findings.append(Finding.of(code, severity, signature, detail))


_WEIGHT = [Severity.IGNORE, Severity.NOTICE, Severity.WARNING, Severity.ERROR]


def _signing_moment(embedded: EmbeddedPdfSignature) -> dt.datetime | None:
    """When the signature was made: its timestamp's time, else the time the signer claims."""
    for token in extract_tst_data_iter(embedded.signer_info, signed=False):
        return token["encap_content_info"]["content"].parsed["gen_time"].native
    return embedded.self_reported_timestamp


@dataclass
class _Facts:
    """What is learnt about one signature as its checks run: the report's fields known so far
    (``values``, read as attributes, a field not yet known reading as a report's default)
    and the judgement, until the report is made from them (:meth:`report`), once, with where
    the signature shows on the page."""

    values: dict[str, object]
    indication: Indication = Indication.INDETERMINATE
    sub_indication: str | None = None

    def __getattr__(self, name: str):
        if name == "values":  # not set yet: no recursion through the lookup below
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            return getattr(_EMPTY_REPORT, name)

    def report(self, **placement) -> SignatureReport:
        return SignatureReport(
            **self.values,
            **placement,
            indication=self.indication,
            sub_indication=self.sub_indication,
        )


_EMPTY_REPORT = SignatureReport(field="")


def _signature_facts(embedded, run: _Run) -> tuple[_Facts, Role]:
    field_name = embedded.field_name
    certificate = x509.load_der_x509_certificate(embedded.signer_cert.dump())
    decision = certificate_role(certificate)
    facts = _Facts(
        {
            "field": field_name,
            "revision": embedded.signed_revision,
            "sub_filter": untrusted_text(embedded.sig_object.get("/SubFilter", "")).lstrip("/"),
            "signer": subject_value(certificate, NameOID.COMMON_NAME),
            "identifiers": [f"{prefix}:{number}" for prefix, number in identifiers(certificate)],
            "unit": ", ".join(
                subject_values(certificate, NameOID.ORGANIZATIONAL_UNIT_NAME)
                + subject_values(certificate, NameOID.ORGANIZATION_NAME)
            ),
            "issuer": untrusted_text(certificate.issuer.rfc4514_string()),
            "valid_from": certificate.not_valid_before_utc,
            "valid_until": certificate.not_valid_after_utc,
            "role": decision.role,
            "role_reason": decision.reason_en,
            "key_size": getattr(certificate.public_key(), "key_size", 0),
            "digest_algorithm": embedded.md_algorithm,
        }
    )
    try:
        moment = _signing_moment(embedded)
        status = _validated(embedded, run.present)
        if not _holds_then(status, certificate, moment):
            status = _validated(embedded, run.context(moment))
    except SignatureValidationError as error:
        reason = untrusted_text(error)
        run.add("SIG_INTEGRITY", field_name, Text(reason, reason))
        facts.indication, facts.sub_indication = Indication.TOTAL_FAILED, "FORMAT_FAILURE"
        return facts, decision.role
    facts.values.update(
        signature_algorithm=status.pkcs7_signature_mechanism,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage.name == "ENTIRE_FILE",
        signing_time=status.signer_reported_dt,
        level=run.levels.level(embedded),
    )
    if status.timestamp_validity is not None:
        facts.values["timestamp_time"] = status.timestamp_validity.timestamp
    revocation_unknown = (
        run.fetchers is not None
        and getattr(status.trust_problem_indic, "name", "") == "CERTIFICATE_CHAIN_GENERAL_FAILURE"
        and _trusted_without_revocation(embedded, run.context(moment, strict=False))
    )
    if facts.intact and signed_attributes_not_der(embedded):
        vi = "chữ ký chỉ đúng trên dạng mã hóa không phải DER của các thuộc tính được ký"
        en = "it only verifies over a non-DER encoding of the signed attributes"
        run.add("SIG_INTEGRITY", field_name, Text(vi, en))
        facts.values["intact"] = False
        facts.indication, facts.sub_indication = Indication.TOTAL_FAILED, "SIG_CRYPTO_FAILURE"
    if facts.indication is not Indication.TOTAL_FAILED and (issuer := issuer_not_ca(embedded)):
        vi, en = f"bên cấp không phải CA: {issuer}", f"an issuer is not a CA: {issuer}"
        run.add("CERT_UNTRUSTED", field_name, Text(vi, en), Severity.ERROR)
        facts.indication, facts.sub_indication = (
            Indication.TOTAL_FAILED,
            "CHAIN_CONSTRAINTS_FAILURE",
        )
    unbound = not embedded.signer_info["signed_attrs"].contents
    _judge(facts, status, certificate, run, revocation_unknown, unbound)
    return facts, decision.role


def _validated(embedded: EmbeddedPdfSignature, context: ValidationContext):
    return aio.run(async_validate_pdf_signature(embedded, context, diff_policy=EDOC_DIFF_POLICY))


def _holds_then(status, certificate: x509.Certificate, moment: dt.datetime | None) -> bool:
    """Whether a signature valid now was valid at its signing time too, without looking
    again: its certificate was already within its validity then. (A certificate good now
    was not revoked then; any other answer is looked at again, at the signing time, so that
    a certificate expired or revoked since the signing does not fail the signature.)"""
    if not status.trusted:
        problem = getattr(status.trust_problem_indic, "name", "")
        return problem == "NO_CERTIFICATE_CHAIN_FOUND"  # no anchor: no time changes that
    if moment is None:
        return True
    return certificate.not_valid_before_utc <= moment <= certificate.not_valid_after_utc


def _trusted_without_revocation(embedded: EmbeddedPdfSignature, context) -> bool:
    """pyHanko reports missing revocation data as a general chain failure: telling the two
    apart needs a second look that tolerates it (only done when the first one failed)."""
    status = aio.run(async_validate_pdf_signature(embedded, context, skip_diff=True))
    return bool(status.trusted)


def _judge(
    facts: _Facts,
    status,
    certificate: x509.Certificate,
    run: _Run,
    revocation_unknown: bool = False,
    unbound: bool = False,
):
    policy = run.policy
    public_key = certificate.public_key()
    name = facts.field
    if not status.intact:
        run.add("SIG_INTEGRITY", name)
        facts.indication, facts.sub_indication = Indication.TOTAL_FAILED, "HASH_FAILURE"
    elif not status.valid:
        run.add("SIG_INTEGRITY", name)
        facts.indication, facts.sub_indication = Indication.TOTAL_FAILED, "SIG_CRYPTO_FAILURE"
    modification = getattr(status, "modification_level", None)
    if modification is not None and modification.name not in (
        "NONE",
        "LTA_UPDATES",
        "FORM_FILLING",
    ):
        reason = status.diff_result
        detail = (
            untrusted_text(reason)[:200] if isinstance(reason, Exception) else modification.name
        )
        run.add("SIG_MODIFIED", name, Text(detail, detail))
        facts.indication, facts.sub_indication = Indication.TOTAL_FAILED, "FORMAT_FAILURE"
    if not status.docmdp_ok and status.docmdp_ok is not None:
        run.add("SIG_MODIFIED", name, Text("DocMDP", "DocMDP"))
    if is_weak_hash(facts.digest_algorithm):
        run.add("ALG_WEAK_HASH", name, Text(facts.digest_algorithm, facts.digest_algorithm))
    floor = key_floor(public_key, policy.min_rsa_bits, policy.min_ec_bits)
    if facts.key_size and facts.key_size < floor:
        run.add("ALG_WEAK_KEY", name, Text(f"{facts.key_size} bit", f"{facts.key_size} bits"))
    if "rsassa_pkcs1v15" in facts.signature_algorithm or facts.signature_algorithm.endswith("_rsa"):
        run.add("ALG_RSA_PKCS1V15", name)
    timestamp = status.timestamp_validity
    if timestamp is not None and not (timestamp.intact and timestamp.valid):
        vi, en = "dấu thời gian của chữ ký không hợp lệ", "the signature timestamp does not verify"
        run.add("SIG_INTEGRITY", name, Text(vi, en))
        facts.indication, facts.sub_indication = Indication.TOTAL_FAILED, "HASH_FAILURE"
    if facts.level is Level.NOT_PADES:
        sha1 = Severity.ERROR if facts.sub_filter == "adbe.pkcs7.sha1" else None
        vi = en = facts.sub_filter
        if unbound:
            vi += "; không có thuộc tính được ký: chứng thư của người ký không gắn với chữ ký"
            en += "; no signed attributes: the signer's certificate is not bound to the signature"
        run.add("FMT_LEGACY_SUBFILTER", name, Text(vi, en), sha1)
    if facts.level is Level.B_B:
        run.add("FMT_NO_TIMESTAMP", name)
    if facts.level in (Level.B_B, Level.B_T):
        run.add("FMT_NO_LTV", name)
    problem = getattr(status, "trust_problem_indic", None)
    if facts.indication is Indication.TOTAL_FAILED:
        return
    weak = {"ALG_WEAK_HASH", "ALG_WEAK_KEY"} & {f.code for f in run.findings if f.signature == name}
    if problem is None and status.trusted:
        facts.indication, facts.sub_indication = Indication.TOTAL_PASSED, None
        if weak:  # ETSI EN 319 102-1: below the algorithm floor is never a pass
            facts.indication = Indication.INDETERMINATE
            facts.sub_indication = "CRYPTO_CONSTRAINTS_FAILURE"
        elif unbound:  # nothing ties the certificate to the signature: never a pass either
            facts.indication = Indication.INDETERMINATE
            facts.sub_indication = "SIG_CONSTRAINTS_FAILURE"
        return
    sub = problem.name if problem is not None else "NO_CERTIFICATE_CHAIN_FOUND"
    if revocation_unknown:
        sub = "TRY_LATER"
    facts.indication, facts.sub_indication = Indication.INDETERMINATE, sub
    codes = {
        "REVOKED": "CERT_REVOKED",
        "OUT_OF_BOUNDS": "CERT_EXPIRED",
        "EXPIRED": "CERT_EXPIRED",
        "NOT_YET_VALID": "CERT_NOT_YET_VALID",
        "TRY_LATER": "REVOCATION_UNKNOWN",
        "CRYPTO_CONSTRAINTS": "ALG_WEAK_HASH",
    }
    code = next((c for key, c in codes.items() if key in sub), "CERT_UNTRUSTED")
    moment = facts.timestamp_time or facts.signing_time
    if moment is not None and moment < certificate.not_valid_before_utc:
        code, facts.sub_indication = "CERT_NOT_YET_VALID", "NOT_YET_VALID"
    # what the validation found, in words (the sub-indication stays in the report as a code)
    detail_vi = sub_indication_word(facts.sub_indication, "vi")
    detail_en = sub_indication_word(facts.sub_indication, "en")
    if code == "CERT_UNTRUSTED" and _may_sign(certificate):
        detail_vi = detail_en = ""  # the check's message says it all
    elif code == "CERT_UNTRUSTED":
        detail_vi = "mục đích sử dụng khóa không cho phép ký"
        detail_en = "the key usage does not allow signing"
    if code == "CERT_REVOKED":
        facts.indication = Indication.TOTAL_FAILED
    hard = code == "REVOCATION_UNKNOWN" and policy.revocation is Revocation.HARD
    run.add(code, name, Text(detail_vi, detail_en), Severity.ERROR if hard else None)


def _may_sign(certificate: x509.Certificate) -> bool:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return usage.digital_signature or usage.content_commitment


@dataclass(frozen=True)
class _Read:
    """A signature as the rules of Nghị định 30 see it: its report, its role when it is
    intact, and its widget on the page."""

    report: SignatureReport
    role: Role
    widget: Widget | None
    usable: bool = True


def _read_signature(reader, field_name, value, field_ref, run: _Run) -> _Read | None:
    """One filled signature field: its report, or a finding when it cannot be read at all.

    An empty /Contents is no signature; anything else pyHanko cannot parse (a broken CMS, an
    unknown algorithm, a dangling reference) is reported as an integrity failure of that
    signature, never raised: hostile files must end in a report.
    """
    try:
        signature_object = value.get_object()
        if kind_of(signature_object) != "signature":
            return None
        contents = bytes(signature_object.get("/Contents", b""))
        if not contents.strip(b"\0"):
            return None
        embedded = EmbeddedPdfSignature(reader, field_ref.get_object(), field_name)
        facts, role = _signature_facts(embedded, run)
    except Exception as error:  # pyHanko raises many kinds on hostile signatures
        reason = untrusted_text(f"{type(error).__name__}: {error}")[:200]
        run.add(
            "SIG_INTEGRITY",
            field_name,
            Text(f"không giải mã được ({reason})", f"cannot be decoded ({reason})"),
        )
        report = SignatureReport(
            field=field_name, indication=Indication.TOTAL_FAILED, sub_indication="FORMAT_FAILURE"
        )
        return _Read(report, Role.UNKNOWN, None, usable=False)
    try:
        widget = signature_widget(run.pages, field_ref)
    except Exception:  # a broken page tree hides the widget; the signature still counts
        widget = None
    placement = {} if widget is None else {"page": widget.box.page, "rect": list(widget.box.rect)}
    report = facts.report(**placement)
    return _Read(report, role if report.intact else Role.UNKNOWN, widget)


def verify_document(
    document: bytes | str | Path, policy: Policy = DEFAULT_POLICY
) -> DocumentReport:
    """The verdict on a signed PDF (its bytes or its path) under ``policy``."""
    name = "<bytes>" if isinstance(document, bytes) else str(document)
    data = document if isinstance(document, bytes) else read_input(document)
    run = _Run(policy)
    reader, notes = None, []
    try:
        reader = open_pdf(data, path=None if isinstance(document, bytes) else name)
        notes = active_notes(reader)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
        run.levels = DocumentLevels(reader, fields)
        run.pages = PageTree(reader)
    except Exception as error:  # pyHanko raises many kinds on broken files
        unreadable = error if isinstance(error, EdocError) else EdocError(
            f"Không đọc được tệp PDF: {untrusted_text(error)}.",
            f"Cannot read the PDF: {untrusted_text(error)}.", path=name,
        )  # fmt: skip
        if reader is None:  # never opened: noted as not checked
            notes = active_notes(data)
        return _raw_report(data, name, notes, run, unreadable)
    signatures = [
        read
        for field_name, value, field_ref in fields
        if (read := _read_signature(reader, untrusted_text(field_name), value, field_ref, run))
        is not None
    ]
    signatures.sort(key=lambda read: read.report.revision)  # signing order
    _rules_of_decree_30(signatures, _scanned(run.pages), run)
    reports = [read.report for read in signatures]
    errors = [f for f in run.findings if f.severity is Severity.ERROR]
    indeterminate = any(s.indication is Indication.INDETERMINATE for s in reports)
    if errors:
        verdict = Verdict.NON_COMPLIANT
    elif indeterminate:
        verdict = Verdict.INDETERMINATE
    else:
        verdict = Verdict.COMPLIANT
    return DocumentReport(name, verdict, reports, run.findings, notes)


def verify_received(data: bytes, policy: Policy = DEFAULT_POLICY) -> DocumentReport:
    """The report on a PDF someone else sent, which is kept whatever it holds: a file that
    cannot be verified at all (no reader opens it, or verifying it fails) gets the report
    :func:`unreadable_report` instead of an error, so that it is stored, shown and counted."""
    try:
        return verify_document(data, policy)
    except EdocError as error:
        return unreadable_report(error)
    except Exception:  # one hostile file is that file's report, never the whole envelope's
        return unreadable_report(DAMAGED)


def unreadable_report(error: EdocError) -> DocumentReport:
    """The report on a file that cannot be verified: non-compliant, as no signature on it can
    be relied on (VN_NO_SIGNATURE, saying the file cannot be read), and a note giving why,
    which also keeps the file out of the browser's preview."""
    finding = Finding.of(
        "VN_NO_SIGNATURE", Severity.ERROR, None,
        Text("không đọc được tệp PDF", "the PDF cannot be read"),
    )  # fmt: skip
    note = Note(
        "unreadable", (), Text(
        f"{error.message_vi} Không kiểm tra được chữ ký số của tệp và không xem tệp trong "
        "trình duyệt; nếu cần, hãy đề nghị nơi gửi chuyển lại tệp.",
        f"{error.message_en} Its signatures cannot be checked and it is not shown in the "
        "browser; if needed, ask the sender to send it again.",
    ))  # fmt: skip
    return DocumentReport(
        file="<bytes>", verdict=Verdict.NON_COMPLIANT, findings=[finding], notes=[note]
    )


def _raw_report(
    data: bytes, name: str, notes: list[Note], run: _Run, unreadable: EdocError
) -> DocumentReport:
    """The report on a file no reader can open, from the signatures its bytes still show;
    with no broken one among them there is nothing to judge and the file is unreadable."""
    found = raw_signatures(data)
    if not any(r.byte_range_problem or r.integrity_problem for r in found):
        raise unreadable
    signatures = []
    for number, raw in enumerate(found, 1):
        field_name = f"#{number} (byte {raw.offset})"
        if raw.byte_range_problem:
            run.add("SIG_BYTERANGE", field_name, raw.byte_range_problem)
        if raw.integrity_problem:
            run.add("SIG_INTEGRITY", field_name, raw.integrity_problem)
        if raw.byte_range_problem:
            indication, sub_indication = Indication.TOTAL_FAILED, "FORMAT_FAILURE"
        elif raw.integrity_problem:
            indication, sub_indication = Indication.TOTAL_FAILED, "HASH_FAILURE"
        else:
            indication, sub_indication = Indication.INDETERMINATE, None
        signatures.append(
            SignatureReport(field=field_name, indication=indication, sub_indication=sub_indication)
        )
    return DocumentReport(name, Verdict.NON_COMPLIANT, signatures, run.findings, notes)


def _scanned(pages: PageTree) -> bool:
    try:
        return is_scanned(pages)
    except Exception:  # a page tree too broken to read is not evidence of a scan
        return False


def _rules_of_decree_30(signatures: list[_Read], scanned: bool, run: _Run) -> None:
    if not any(read.usable for read in signatures):  # none, or none that can be decoded
        run.add("VN_NO_SIGNATURE", None)
        return
    roles = [read.role for read in signatures]
    for read in signatures:
        if read.report.role is Role.UNKNOWN:
            reason = read.report.role_reason
            run.add("VN_ROLE_UNKNOWN", read.report.field, Text(reason, reason))
    personal = next((read for read in signatures if read.role is Role.PERSONAL), None)
    # An attachment or an electronic copy carries only the agency's text stamp, by the rules.
    stamped = any(read.role is Role.ORGANISATION and _is_stamp(read.widget) for read in signatures)
    if personal is None and not stamped:
        run.add("VN_MISSING_PERSONAL", None)
        if scanned:
            run.add("VN_SCANNED_ORIGINAL", None)
    if Role.ORGANISATION not in roles:
        run.add("VN_MISSING_ORGANISATION", None)
    both = personal is not None and Role.ORGANISATION in roles
    if both and roles.index(Role.ORGANISATION) < roles.index(Role.PERSONAL):
        run.add("VN_ORDER", None)
    for read in signatures:
        if read.role is Role.PERSONAL:
            _personal_appearance(read, run)
        elif read.role is Role.ORGANISATION:
            _organisation_appearance(read, personal, run)


def _is_stamp(widget: Widget | None) -> bool:
    return widget is not None and widget.visible and not widget.has_image


def _personal_appearance(read: _Read, run: _Run) -> None:
    widget, name = read.widget, read.report.field
    if widget is None or not widget.visible:
        run.add("VN_PERSONAL_APPEARANCE", name, Text("chữ ký ẩn", "an invisible signature"))
    elif not widget.on_page:
        run.add("VN_PERSONAL_APPEARANCE", name, Text("nằm ngoài trang", "outside the page"))
    elif not widget.has_image:
        run.add("VN_PERSONAL_APPEARANCE", name, Text("không có hình chữ ký", "no signature image"))


def _organisation_appearance(read: _Read, personal: _Read | None, run: _Run) -> None:
    widget, name = read.widget, read.report.field
    if personal is None:
        if _is_stamp(widget) and not at_top_right(widget):
            vi, en = "không ở góc trên bên phải trang 1", "not at the top right of page 1"
            run.add("VN_ATTACHMENT_STAMP", name, Text(vi, en))
        elif _is_stamp(widget) and (problem := stamp_text_problem(widget.text)):
            run.add("VN_ATTACHMENT_STAMP", name, problem)
        return
    if widget is None or not widget.visible or not widget.has_image:
        run.add("VN_SEAL_APPEARANCE", name, Text("không có hình con dấu", "no seal image"))
    elif (
        personal.widget is not None
        and personal.widget.visible
        and not covers_left_third(widget.box, personal.widget.box)
    ):
        vi = "không trùm khoảng 1/3 bên trái chữ ký cá nhân"
        en = "not over about the left third of the personal signature"
        run.add("VN_SEAL_APPEARANCE", name, Text(vi, en))
