"""verify_document on documents signed by our own code: the verdicts and codes users rely on."""

import dataclasses
import datetime as dt
import enum
import json
import pickle
import time

import pytest
from cryptography import x509

from edoc.errors import EdocError
from edoc.server import free_port
from fixtures.agencies import HA_NOI
from fixtures.documents import cong_van
from fixtures.export import write_pki
from fixtures.images import seal_image
from fixtures.pki import Revocation, build_pki
from fixtures.services import PKIServer
from signing.baseline import Level
from signing.sign.pades import Options, sign_organisation
from signing.validation.checks import CATALOGUE, Severity
from signing.validation.policy import DEFAULT_POLICY, load_policy
from signing.validation.report import Indication, Verdict
from signing.validation.verify import verify_document
from tests.support.keys import key_of, renamed
from tests.support.letters import signed_letter


@pytest.fixture(scope="module")
def policy(pki):
    return DEFAULT_POLICY.with_options(pki.trust_anchors, "off")


@pytest.fixture(scope="module")
def documents(pki):
    letter = cong_van(HA_NOI)
    personal, both = signed_letter(pki)
    seal_only = sign_organisation(
        letter.pdf, key_of(pki, "h26-org"), seal_image(HA_NOI), allow_missing_personal=True
    ).pdf
    return {"unsigned": letter.pdf, "personal": personal, "both": both, "seal_only": seal_only}


def codes(report, severity=None):
    return {f.code for f in report.findings if severity is None or f.severity is severity}


def test_both_signatures_make_a_compliant_document(documents, policy):
    report = verify_document(documents["both"], policy)
    assert report.verdict is Verdict.COMPLIANT
    personal, organisation = report.signatures
    assert (personal.field, personal.role, personal.signer) == (
        "ChuKyCaNhan",
        "personal",
        "Phạm Thu Hương",
    )
    assert personal.identifiers == ["CCCD:001182000262"]
    assert organisation.role == "organisation"
    assert all(s.indication is Indication.TOTAL_PASSED for s in report.signatures)
    assert all(s.level == "B-B" and s.intact and s.trusted for s in report.signatures)
    assert organisation.covers_whole_file and not personal.covers_whole_file
    assert codes(report, Severity.ERROR) == set()
    assert {"FMT_NO_TIMESTAMP", "ALG_RSA_PKCS1V15"} <= codes(report, Severity.NOTICE)


def test_a_report_carries_nothing_of_the_file(documents, policy):
    """A batch sends each report from its worker process: the report, not the PDF."""
    report = verify_document(documents["both"], policy)
    assert len(pickle.dumps(report)) < len(documents["both"]) / 10


def test_a_field_name_that_is_no_pdf_text_is_shown_escaped_not_as_python_bytes(documents, policy):
    """A mutated file's /T that decodes as no PDF text string (a UTF-16 mark, then half a
    character) is named by its bytes, escaped, in the report and its JSON."""
    both = documents["both"]
    name = verify_document(both, policy).signatures[0].field.encode()
    hex_name = b"<FEFFD8" + b"0" * (len(name) - 6) + b">"  # as long: offsets stay right
    mutated = both.replace(b"/T (" + name + b")", b"/T " + hex_name, 1)
    report = verify_document(mutated, policy)
    zeros = (len(name) - 5) // 2  # a last odd digit reads as if a 0 followed it
    field = "\\xfe\\xff\\xd8" + "\\x00" * zeros
    assert field in [s.field for s in report.signatures]
    assert json.loads(json.dumps(report.to_json()))["signatures"][0]["field"] == field


def test_missing_signatures_are_named(documents, policy):
    assert codes(verify_document(documents["unsigned"], policy)) == {"VN_NO_SIGNATURE"}
    personal_only = verify_document(documents["personal"], policy)
    assert personal_only.verdict is Verdict.NON_COMPLIANT
    assert "VN_MISSING_ORGANISATION" in codes(personal_only, Severity.ERROR)
    seal_only = verify_document(documents["seal_only"], policy)
    assert "VN_MISSING_PERSONAL" in codes(seal_only, Severity.ERROR)


def test_a_changed_byte_breaks_integrity(documents, policy):
    tampered = bytearray(documents["both"])
    tampered[2000] ^= 0x01  # inside page content, covered by both signatures
    report = verify_document(bytes(tampered), policy)
    assert report.verdict is Verdict.NON_COMPLIANT
    assert "SIG_INTEGRITY" in codes(report, Severity.ERROR)


def test_without_trust_anchors_the_signers_are_untrusted(documents):
    report = verify_document(documents["both"], DEFAULT_POLICY.with_options(revocation="off"))
    assert "CERT_UNTRUSTED" in codes(report)
    assert all(s.indication is Indication.INDETERMINATE for s in report.signatures)
    assert all(s.sub_indication for s in report.signatures)


def test_findings_name_their_signature_in_both_languages(documents, policy):
    report = verify_document(documents["personal"], policy)
    document = report.to_json()
    assert set(document) == {"file", "verdict", "signatures", "findings", "notes"}
    signature = document["signatures"][0]
    for key in ("field", "signer", "role", "level", "indication", "sub_indication", "intact",
                "trusted", "covers_whole_file"):  # fmt: skip
        assert key in signature
    notice = next(f for f in document["findings"] if f["code"] == "FMT_NO_TIMESTAMP")
    assert notice["signature"] == "ChuKyCaNhan"
    assert notice["message_vi"] and notice["message_en"]


def test_a_policy_file_changes_levels_and_keeps_the_rest(documents, pki, tmp_path):
    write_pki(pki, tmp_path / "pki")
    file = tmp_path / "policy.toml"
    file.write_text(
        '[trust]\nanchors = ["pki/trust"]\n[revocation]\nmode = "off"\n'
        '[checks]\nVN_MISSING_ORGANISATION = "ignore"\nFMT_NO_TIMESTAMP = "warning"\n'
    )
    relaxed = load_policy(file)
    report = verify_document(documents["personal"], relaxed)
    assert report.verdict is Verdict.COMPLIANT
    assert "FMT_NO_TIMESTAMP" in codes(report, Severity.WARNING)
    assert "ALG_RSA_PKCS1V15" in codes(report, Severity.NOTICE)  # from the default policy
    strict = load_policy("strict").with_options(pki.trust_anchors, "off")
    assert "ALG_RSA_PKCS1V15" in codes(verify_document(documents["both"], strict), Severity.ERROR)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("[checks]\nNO_SUCH_CODE = 'error'\n", "NO_SUCH_CODE"),
        ("[checks]\nSIG_INTEGRITY = 'fatal'\n", "'fatal'"),
        ("[checks\n", "TOML"),
        ("[revocation]\nmode = 'sometimes'\n", "sometimes"),
    ],
)
def test_a_bad_policy_file_is_named_with_its_problem(tmp_path, text, problem):
    file = tmp_path / "policy.toml"
    file.write_text(text)
    with pytest.raises(EdocError) as caught:
        load_policy(file)
    assert caught.value.path == str(file)
    assert problem in caught.value.message_en and caught.value.message_vi


def test_the_default_policy_sets_a_level_for_every_check():
    assert set(DEFAULT_POLICY.severities) == set(CATALOGUE)


def test_an_unreadable_signature_is_reported_not_raised(documents, policy):
    broken = bytearray(documents["both"])
    start = broken.index(b"/Contents <") + len(b"/Contents <")
    broken[start : start + 40] = b"f" * 40  # the CMS header is garbage now
    report = verify_document(bytes(broken), policy)
    assert report.verdict is Verdict.NON_COMPLIANT
    assert "SIG_INTEGRITY" in codes(report, Severity.ERROR)


EXPECTED_BAD = {
    "bad-expired": ({"CERT_EXPIRED"}, Verdict.NON_COMPLIANT),
    "bad-not-yet-valid": ({"CERT_NOT_YET_VALID"}, Verdict.NON_COMPLIANT),
    "bad-revoked": ({"CERT_REVOKED"}, Verdict.NON_COMPLIANT),
    "bad-sha1": ({"ALG_WEAK_HASH"}, Verdict.NON_COMPLIANT),
    "bad-untrusted": ({"CERT_UNTRUSTED"}, Verdict.NON_COMPLIANT),
    "bad-no-signing-usage": ({"CERT_UNTRUSTED"}, Verdict.NON_COMPLIANT),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_BAD))
def test_each_bad_certificate_gives_exactly_its_code(name, pki, pki_server, documents):
    _, both = signed_letter(pki, name)
    report = verify_document(both, DEFAULT_POLICY.with_options(pki.trust_anchors, "hard"))
    expected_codes, verdict = EXPECTED_BAD[name]
    serious = {f.code for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING)}
    assert serious == expected_codes
    assert {f.signature for f in report.findings if f.code in expected_codes} == {"ChuKyCaNhan"}
    assert report.verdict is verdict
    personal_report, organisation_report = report.signatures
    assert personal_report.indication is not Indication.TOTAL_PASSED
    assert organisation_report.indication is Indication.TOTAL_PASSED


def test_revocation_is_checked_over_http_and_unknown_status_is_never_valid(key_cache):
    # its own seed: certificates the session PKI already had answered for would be cached
    offline = build_pki("offline", f"http://127.0.0.1:{free_port()}", key_cache=key_cache)
    _, both = signed_letter(offline)  # signed under a PKI whose OCSP and CRL server is down
    soft = DEFAULT_POLICY.with_options(offline.trust_anchors, "soft")
    report = verify_document(both, soft)
    assert report.verdict is Verdict.INDETERMINATE
    assert codes(report, Severity.WARNING) == {"REVOCATION_UNKNOWN"}
    assert [s.sub_indication for s in report.signatures] == ["TRY_LATER", "TRY_LATER"]
    hard = verify_document(both, soft.with_options(revocation="hard"))
    assert hard.verdict is Verdict.NON_COMPLIANT
    assert codes(hard, Severity.ERROR) == {"REVOCATION_UNKNOWN"}


def test_a_good_document_passes_with_revocation_checked(pki, pki_server, documents):
    hard = DEFAULT_POLICY.with_options(pki.trust_anchors, "hard")
    report = verify_document(documents["both"], hard)
    assert report.verdict is Verdict.COMPLIANT
    assert all(s.indication is Indication.TOTAL_PASSED for s in report.signatures)


@pytest.mark.parametrize("level", [Level.B_T, Level.B_LT])
def test_timestamped_and_long_term_signatures_report_their_level(level, pki, pki_server):
    options = Options(level, pki.tsa_url, pki.trust_anchors)
    _, both = signed_letter(pki, options=options)
    report = verify_document(both, DEFAULT_POLICY.with_options(pki.trust_anchors, "hard"))
    assert report.verdict is Verdict.COMPLIANT, codes(report)
    assert [s.level for s in report.signatures] == [level.value, level.value]
    assert all(s.timestamp_time is not None for s in report.signatures)
    assert "FMT_NO_TIMESTAMP" not in codes(report)
    assert ("FMT_NO_LTV" in codes(report)) is (level is Level.B_T)


def test_a_certificate_revoked_after_signing_does_not_fail_the_signature(key_cache):
    """Revocation is judged at the signing time: a leader's certificate revoked after the
    letter was signed (say, on leaving office) leaves the letter valid."""
    later = build_pki("offline", f"http://127.0.0.1:{free_port()}", key_cache=key_cache)
    _, both = signed_letter(later)
    serial = later["h26-deputy"].certificate.serial_number
    revoked_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    later.revocations[serial] = Revocation(
        serial, revoked_at, x509.ReasonFlags.cessation_of_operation
    )
    time.sleep(1.5)
    with PKIServer(later):
        report = verify_document(both, DEFAULT_POLICY.with_options(later.trust_anchors, "hard"))
    assert report.verdict is Verdict.COMPLIANT, codes(report)
    assert "CERT_REVOKED" not in codes(report)


def test_a_verified_document_is_not_kept_in_memory(documents, policy):
    """A batch verifies thousands of files in one process: none may outlive its report
    (the fuzzer found files kept alive by a cache, memory growing until 1 GiB)."""
    import gc

    from pyhanko.pdf_utils.reader import PdfFileReader

    def readers() -> int:
        gc.collect()
        return sum(isinstance(o, PdfFileReader) for o in gc.get_objects())

    before = readers()
    for _ in range(3):
        assert verify_document(documents["both"], policy).verdict is Verdict.COMPLIANT
    assert readers() == before


JSON_TYPES = (str, int, float, bool, type(None))


def json_safe_problems(value, where="report"):
    """Where ``value`` holds anything but plain text, numbers, booleans, None, lists and
    dicts (the report's own enums and times aside): bytes, a library's object, a ``str``
    subclass such as pyHanko's string, or text with a control character in it."""
    if dataclasses.is_dataclass(value):
        fields = dataclasses.fields(value)
        return [
            p
            for f in fields
            for p in json_safe_problems(getattr(value, f.name), f"{where}.{f.name}")
        ]
    if isinstance(value, list | tuple):
        return [
            p for i, item in enumerate(value) for p in json_safe_problems(item, f"{where}[{i}]")
        ]
    if isinstance(value, dict):
        return [
            p
            for key, item in value.items()
            for p in json_safe_problems(key, f"{where} key")
            + json_safe_problems(item, f"{where}[{key!r}]")
        ]
    if isinstance(value, enum.Enum | dt.datetime):
        return []
    if type(value) not in JSON_TYPES:
        return [f"{where}: {type(value).__name__}"]
    if isinstance(value, str) and any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return [f"{where}: control character in {value!r}"]
    return []


def test_a_report_of_a_hostile_pdf_holds_only_plain_json_text(documents, policy):
    """Every field of a report made from a file with a field name that is no PDF text
    string, a SubFilter name with a NUL and a newline in it and a /T with a control
    character: plain types only, so that JSON, PostgreSQL and a page can all hold it."""
    both = documents["both"]
    first, second = [s.field.encode() for s in verify_document(both, policy).signatures]
    hostile = both.replace(
        b"/T (" + first + b")", b"/T <FEFFD800" + b"0" * (len(first) - 8) + b">", 1
    )
    hostile = hostile.replace(b"/T (" + second + b")", b"/T (\x00" + second[1:] + b")", 1)
    assert hostile.count(b"/SubFilter /ETSI.CAdES.detached") == 2
    hostile = hostile.replace(
        b"/SubFilter /ETSI.CAdES.detached", b"/SubFilter /ETSI.CAdES.de#00#0a", 2
    )
    report = verify_document(hostile, policy)
    assert json_safe_problems(report) == []
    assert "ETSI.CAdES.de\\x00\\x0a" in {s.sub_filter for s in report.signatures}
    json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")


def test_a_signer_named_with_a_nul_and_a_newline_is_named_escaped(pki, policy):
    """A certificate's CN and O with a NUL and a newline (PostgreSQL refuses the one, a
    header or a line of the audit is cut by the other): escaped in the report and its
    findings, as in its JSON."""
    hostile = "Văn\x00phòng\nGiả"
    key = renamed(pki, "h26-org", hostile, hostile)  # an agency's seal: its CN is its O
    signed = sign_organisation(
        cong_van(HA_NOI).pdf, key, seal_image(HA_NOI), allow_missing_personal=True
    ).pdf
    report = verify_document(signed, policy)
    assert json_safe_problems(report) == []
    (signature,) = report.signatures
    assert signature.signer == "Văn\\x00phòng\\x0aGiả"
    assert signature.unit == signature.signer
    encoded = json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")
    assert b"\\\\x00" in encoded and b"\\u0000" not in encoded
