"""Telling a person's certificate from an agency's, by the rules of signature-format.md §6."""

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from fixtures.agencies import AGENCIES
from signing.roles import Role, certificate_role, fingerprint


def certificate(pki, *attributes: tuple[x509.ObjectIdentifier, str]) -> x509.Certificate:
    """A certificate with the given subject, issued by the test government CA."""
    issuer = pki.government_ca
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(oid, value) for oid, value in attributes]))
        .issuer_name(issuer.certificate.subject)
        .public_key(pki["h26-leader"].key.public_key())
        .serial_number(7)
        .not_valid_before(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        .sign(issuer.key, hashes.SHA256())
    )


@pytest.mark.parametrize("agency", AGENCIES, ids=lambda a: a.key)
def test_test_pki_roles(pki, agency):
    assert certificate_role(pki.organisation(agency).certificate).role is Role.ORGANISATION
    for person in agency.people:
        decision = certificate_role(pki.personal(person).certificate)
        assert decision.role is Role.PERSONAL
        assert "CCCD" in decision.reason_en


def test_an_employee_certificate_with_mst_and_cccd_is_personal(pki):
    both = certificate(
        pki,
        (NameOID.COMMON_NAME, "Nguyễn Văn A"),
        (NameOID.USER_ID, "MST:0100000026"),
        (NameOID.USER_ID, "CCCD:001075000261"),
    )
    assert certificate_role(both).role is Role.PERSONAL


@pytest.mark.parametrize("prefix", ["CMND:012345678", "HC:B1234567", "BHXH:0101234567"])
def test_older_personal_prefixes_are_personal(pki, prefix):
    subject = certificate(pki, (NameOID.COMMON_NAME, "Trần B"), (NameOID.USER_ID, prefix))
    assert certificate_role(subject).role is Role.PERSONAL


def test_government_certificates_without_uid_go_by_cn_and_agency_name(pki):
    agency = certificate(
        pki,
        (NameOID.ORGANIZATION_NAME, "Ủy ban nhân dân tỉnh Nghệ An"),
        (NameOID.COMMON_NAME, "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN"),
    )
    assert certificate_role(agency).role is Role.ORGANISATION
    unit = certificate(
        pki,
        (NameOID.ORGANIZATION_NAME, "Bộ Tài chính"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "Tổng cục Thuế"),
        (NameOID.COMMON_NAME, "Tổng cục Thuế"),
    )
    assert certificate_role(unit).role is Role.ORGANISATION
    person = certificate(
        pki,
        (NameOID.ORGANIZATION_NAME, "Bộ Tài chính"),
        (NameOID.COMMON_NAME, "Lê Văn C"),
    )
    assert certificate_role(person).role is Role.PERSONAL


def test_without_uid_or_agency_name_the_role_is_unknown_with_a_reason(pki):
    bare = certificate(pki, (NameOID.COMMON_NAME, "Ai đó"))
    decision = certificate_role(bare)
    assert decision.role is Role.UNKNOWN
    assert "O/OU" in decision.reason_en
    assert decision.reason_vi


def test_configuration_pins_a_certificate_to_a_role(pki):
    bare = certificate(pki, (NameOID.COMMON_NAME, "Ai đó"))
    decision = certificate_role(bare, {fingerprint(bare): Role.ORGANISATION})
    assert decision.role is Role.ORGANISATION
    assert decision.reason_en == "pinned by configuration"
