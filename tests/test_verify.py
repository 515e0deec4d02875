"""verify_document on documents signed by our own code: the verdicts and codes users rely on."""

import pytest

from fixtures.agencies import HA_NOI
from fixtures.documents import cong_van
from fixtures.images import seal_image, signature_image
from signing.checks import Severity
from signing.geometry import Box
from signing.pades import sign_organisation, sign_personal
from signing.report import Indication, Verdict
from signing.verify import Policy, verify_document
from tests.test_signing import key_of


@pytest.fixture(scope="module")
def policy(pki):
    return Policy(trust=pki.trust_anchors, revocation="off")


@pytest.fixture(scope="module")
def documents(pki):
    letter = cong_van(HA_NOI)
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    personal = sign_personal(
        letter.pdf, key_of(pki, "h26-deputy"), signature_image(HA_NOI.deputy), area
    ).pdf
    both = sign_organisation(personal, key_of(pki, "h26-org"), seal_image(HA_NOI)).pdf
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
    report = verify_document(documents["both"], Policy(revocation="off"))
    assert "CERT_UNTRUSTED" in codes(report)
    assert all(s.indication is Indication.INDETERMINATE for s in report.signatures)
    assert all(s.sub_indication for s in report.signatures)


def test_findings_name_their_signature_in_both_languages(documents, policy):
    report = verify_document(documents["personal"], Policy(trust=policy.trust, revocation="off"))
    document = report.to_json()
    assert set(document) == {"file", "verdict", "signatures", "findings"}
    signature = document["signatures"][0]
    for key in ("field", "signer", "role", "level", "indication", "sub_indication", "intact",
                "trusted", "covers_whole_file"):  # fmt: skip
        assert key in signature
    notice = next(f for f in document["findings"] if f["code"] == "FMT_NO_TIMESTAMP")
    assert notice["signature"] == "ChuKyCaNhan"
    assert notice["message_vi"] and notice["message_en"]


def test_policy_levels_change_the_verdict(documents, policy):
    relaxed = Policy(
        trust=policy.trust,
        revocation="off",
        severities={"VN_MISSING_ORGANISATION": Severity.IGNORE},
    )
    assert verify_document(documents["personal"], relaxed).verdict is Verdict.COMPLIANT


def test_an_unreadable_signature_is_reported_not_raised(documents, policy):
    broken = bytearray(documents["both"])
    start = broken.index(b"/Contents <") + len(b"/Contents <")
    broken[start : start + 40] = b"f" * 40  # the CMS header is garbage now
    report = verify_document(bytes(broken), policy)
    assert report.verdict is Verdict.NON_COMPLIANT
    assert "SIG_INTEGRITY" in codes(report, Severity.ERROR)
