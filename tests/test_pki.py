"""The test PKI is what it says: chains build, revocation works over HTTP, the bad ones are bad."""

import asyncio

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    DisallowedAlgorithmError,
    ExpiredError,
    InvalidCertificateError,
    NotYetValidError,
    PathBuildingError,
    RevokedError,
)
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)

from fixtures.agencies import AGENCIES
from fixtures.export import TEST_PASSWORD, write_pki
from fixtures.keys import derive_rsa_key
from fixtures.pki import build_pki
from signing.certificates import asn1_certificate

SIGNING_USAGE = {"non_repudiation", "digital_signature"}


def validate(pki, name: str, usage=frozenset(SIGNING_USAGE), leaf_rule=None):
    """Validate credential ``name`` like a relying party: trust the root, fetch the rest.

    Revocation is checked by every means the certificates declare, or only by ``leaf_rule``
    (e.g. CRL only) for the end-entity certificate.
    """
    credential = pki[name]
    policy = None
    if leaf_rule is not None:
        policy = CertRevTrustPolicy(
            RevocationCheckingPolicy(
                ee_certificate_rule=leaf_rule,
                intermediate_ca_cert_rule=RevocationCheckingRule.CRL_REQUIRED,
            )
        )

    async def run():
        fetchers = AIOHttpFetcherBackend()
        context = ValidationContext(
            trust_roots=[asn1_certificate(c) for c in pki.trust_anchors],
            allow_fetching=True,
            revocation_mode="hard-fail",
            revinfo_policy=policy,
            fetcher_backend=fetchers,
        )
        validator = CertificateValidator(
            asn1_certificate(credential.certificate),
            intermediate_certs=[asn1_certificate(c) for c in credential.chain],
            validation_context=context,
        )
        try:
            return await validator.async_validate_usage(set(usage))
        finally:
            await fetchers.close()

    return asyncio.run(run())


def _uid(certificate: x509.Certificate) -> str:
    return certificate.subject.get_attributes_for_oid(NameOID.USER_ID)[0].value


@pytest.mark.parametrize("agency", AGENCIES, ids=lambda a: a.organ_id)
def test_agency_credentials_validate_with_revocation_fetched_over_http(pki, pki_server, agency):
    for credential in (pki.organisation(agency), *map(pki.personal, agency.people)):
        path = validate(pki, credential.name)
        names = [c.subject.native["common_name"] for c in path]
        assert names == [
            "Test National Root CA",
            "Test Government CA G2",
            credential.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value,
        ]


def test_organisation_certificate_is_named_like_the_agency(pki):
    agency = AGENCIES[1]
    subject = pki.organisation(agency).certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == agency.name
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == agency.name
    assert subject.get_attributes_for_oid(NameOID.LOCALITY_NAME)[0].value == agency.place
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "VN"
    assert _uid(pki.organisation(agency).certificate) == f"MST:{agency.tax_code}"


def test_personal_certificate_carries_title_agency_and_citizen_id(pki):
    agency = AGENCIES[2]
    person = agency.deputy
    subject = pki.personal(person).certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == person.full_name
    assert subject.get_attributes_for_oid(NameOID.TITLE)[0].value == person.position
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == agency.name
    uid = _uid(pki.personal(person).certificate)
    assert uid.startswith("CCCD:")
    assert len(uid.removeprefix("CCCD:")) == 12
    assert uid.removeprefix("CCCD:").isdigit()


@pytest.mark.parametrize(
    "rule", [RevocationCheckingRule.OCSP_REQUIRED, RevocationCheckingRule.CRL_REQUIRED]
)
def test_revoked_certificate_is_refused_by_ocsp_and_by_crl(pki, pki_server, rule):
    validate(pki, "h26-leader", leaf_rule=rule)
    with pytest.raises(RevokedError):
        validate(pki, "bad-revoked", leaf_rule=rule)


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("bad-expired", ExpiredError),
        ("bad-not-yet-valid", NotYetValidError),
        ("bad-untrusted", PathBuildingError),
        ("bad-sha1", DisallowedAlgorithmError),
        ("bad-no-signing-usage", InvalidCertificateError),
    ],
)
def test_bad_certificates_fail_validation(pki, pki_server, name, error):
    with pytest.raises(error):
        validate(pki, name)


def test_weak_key_certificate_has_a_1024_bit_key_but_a_valid_chain(pki, pki_server):
    assert pki["bad-rsa1024"].certificate.public_key().key_size == 1024
    validate(pki, "bad-rsa1024")


def test_sha1_certificate_is_signed_with_sha1(pki):
    certificate = pki["bad-sha1"].certificate
    assert certificate.signature_hash_algorithm.name == "sha1"
    pki.government_ca.certificate.public_key().verify(
        certificate.signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(), hashes.SHA1()
    )


def test_same_seed_gives_the_same_keys_and_another_seed_other_keys():
    first = derive_rsa_key("seed-a", "person", 1024)
    again = derive_rsa_key("seed-a", "person", 1024)
    other = derive_rsa_key("seed-b", "person", 1024)
    assert first.private_numbers() == again.private_numbers()
    assert first.private_numbers() != other.private_numbers()


def test_pki_is_rebuilt_byte_for_byte_from_its_seed(pki, key_cache):
    again = build_pki(pki.seed, pki.base_url, key_cache=key_cache)
    for name, credential in pki.credentials.items():
        assert again[name].certificate == credential.certificate


def test_written_pki_has_working_pkcs12_files_and_a_warning(pki, tmp_path):
    manifest = write_pki(pki, tmp_path)
    assert "TEST" in (tmp_path / "keys" / "README.txt").read_text()
    assert manifest["credentials"]["h26-org"]["role"] == "organisation"
    assert manifest["credentials"]["bad-revoked"]["note"]
    p12 = tmp_path / manifest["credentials"]["h26-leader"]["pkcs12"]
    key, certificate, chain = pkcs12.load_key_and_certificates(
        p12.read_bytes(), TEST_PASSWORD.encode()
    )
    assert certificate == pki["h26-leader"].certificate
    assert key.public_key() == certificate.public_key()
    assert chain == [pki.government_ca.certificate, pki.root.certificate]
    trust = tmp_path / manifest["trust_anchors"][0]
    assert x509.load_pem_x509_certificate(trust.read_bytes()) == pki.root.certificate


def test_writing_the_pki_twice_keeps_the_files(pki, tmp_path):
    write_pki(pki, tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    write_pki(pki, tmp_path)
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before
