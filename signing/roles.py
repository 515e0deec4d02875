"""Whose certificate is it: a person's or an agency's (signature-format.md §6).

Public CAs put identifiers in UID as ``PREFIX:number``: a personal prefix (CCCD, CMND, HC,
BHXH, PID, PPID) makes a certificate personal, even when it also carries the employer's MST;
an organisation prefix (MST, MNS) alone makes it an organisation's. Government CA
certificates carry no prefixes: there a CN equal to the agency's name (O, or the last OU)
marks the agency's own certificate, any other CN names a person of that agency. A
deployment can pin certificates to roles; what no rule decides is "unknown", itself a finding.
"""

import enum
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from edoc.untrusted import untrusted_text

PERSONAL_PREFIXES = ("CCCD", "CMND", "HC", "BHXH", "PID", "PPID")
ORGANISATION_PREFIXES = ("MST", "MNS")

_PREFIXED = re.compile(r"^\s*([A-Za-z]+)\s*:\s*(\S+)\s*$")


class Role(enum.StrEnum):
    PERSONAL = "personal"
    ORGANISATION = "organisation"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class RoleDecision:
    """A role and why: the reason is shown next to every signature in reports."""

    role: Role
    reason_vi: str
    reason_en: str


def identifiers(certificate: x509.Certificate) -> list[tuple[str, str]]:
    """The ``(PREFIX, number)`` identifiers in the subject's UID attributes."""
    found = []
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.USER_ID):
        match = _PREFIXED.match(str(attribute.value))
        if match:
            found.append((match.group(1).upper(), match.group(2)))
    return found


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the certificate, in hex: how configuration pins a certificate to a role."""
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def subject_values(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> list[str]:
    """The values of attribute ``oid`` in the certificate's subject, in order, as text a
    report, a database and a page can hold (a certificate is made by someone else)."""
    return [untrusted_text(a.value) for a in certificate.subject.get_attributes_for_oid(oid)]


def subject_value(certificate: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    """The last (most specific) value of attribute ``oid`` in the subject, or ""."""
    values = subject_values(certificate, oid)
    return values[-1] if values else ""


def certificate_role(
    certificate: x509.Certificate, pinned: Mapping[str, Role] | None = None
) -> RoleDecision:
    """The role of ``certificate``, by configuration first, then by the rules of §6."""
    if pinned and (role := pinned.get(fingerprint(certificate))):
        return RoleDecision(role, "gán theo cấu hình", "pinned by configuration")
    prefixes = [prefix for prefix, _ in identifiers(certificate)]
    personal = [p for p in prefixes if p in PERSONAL_PREFIXES]
    if personal:
        return RoleDecision(
            Role.PERSONAL,
            f"UID mang định danh cá nhân {personal[0]}",
            f"UID carries the personal identifier {personal[0]}",
        )
    organisation = [p for p in prefixes if p in ORGANISATION_PREFIXES]
    if organisation:
        return RoleDecision(
            Role.ORGANISATION,
            f"UID mang mã số tổ chức {organisation[0]} và không có định danh cá nhân",
            f"UID carries the organisation identifier {organisation[0]} and no personal one",
        )
    common_names = subject_values(certificate, NameOID.COMMON_NAME)
    units = subject_values(certificate, NameOID.ORGANIZATIONAL_UNIT_NAME)
    agency_names = subject_values(certificate, NameOID.ORGANIZATION_NAME) + units[-1:]
    if not common_names or not agency_names:
        return RoleDecision(
            Role.UNKNOWN,
            "chứng thư không có định danh UID, thiếu CN hoặc tên cơ quan (O/OU)",
            "the certificate has no UID identifier and lacks a CN or an agency name (O/OU)",
        )
    common_name = _normalised(common_names[-1])
    if any(common_name == _normalised(name) for name in agency_names):
        return RoleDecision(
            Role.ORGANISATION,
            "CN trùng tên cơ quan (O/OU)",
            "the CN is the agency's name (O/OU)",
        )
    return RoleDecision(
        Role.PERSONAL,
        "CN là tên một người thuộc cơ quan (O/OU)",
        "the CN names a person of the agency (O/OU)",
    )
