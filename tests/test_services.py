"""The PKI's services answer real HTTP requests the way a CA's CRL, OCSP and TSA servers do."""

import asyncio
import base64
import datetime as dt
import hashlib
import os
from urllib.error import HTTPError

import pytest
from asn1crypto import algos, core, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from fixtures.selfcheck import fetch
from signing.certificates import asn1_certificate


def ocsp_request(certificate, issuer, nonce: bytes | None = None) -> ocsp.OCSPRequest:
    builder = ocsp.OCSPRequestBuilder().add_certificate(certificate, issuer, hashes.SHA256())
    if nonce:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build()


def ask_ocsp(pki, request: ocsp.OCSPRequest) -> ocsp.OCSPResponse:
    der = request.public_bytes(serialization.Encoding.DER)
    return ocsp.load_der_ocsp_response(fetch(pki.ocsp_url, der, "application/ocsp-request"))


def test_ocsp_says_good_for_a_valid_certificate_signed_by_the_delegated_responder(pki, pki_server):
    nonce = os.urandom(16)
    answer = ask_ocsp(
        pki, ocsp_request(pki["h26-leader"].certificate, pki.government_ca.certificate, nonce)
    )
    assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert answer.serial_number == pki["h26-leader"].certificate.serial_number
    assert answer.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == nonce
    responder = answer.certificates[0]
    assert responder == pki.ocsp_responder.certificate
    usage = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.OCSP_SIGNING in usage
    responder.verify_directly_issued_by(pki.government_ca.certificate)
    responder.public_key().verify(
        answer.signature,
        answer.tbs_response_bytes,
        padding.PKCS1v15(),
        answer.signature_hash_algorithm,
    )
    now = dt.datetime.now(dt.UTC)
    assert answer.this_update_utc <= now < answer.next_update_utc


def test_ocsp_says_revoked_with_time_and_reason(pki, pki_server):
    revoked = pki["bad-revoked"].certificate
    answer = ask_ocsp(pki, ocsp_request(revoked, pki.government_ca.certificate))
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert answer.revocation_time_utc == dt.datetime(2026, 1, 15, 3, 0, tzinfo=dt.UTC)
    assert answer.revocation_reason == x509.ReasonFlags.key_compromise


def test_ocsp_get_form_answers_too(pki, pki_server):
    request = ocsp_request(pki["g22-org"].certificate, pki.government_ca.certificate)
    encoded = base64.b64encode(request.public_bytes(serialization.Encoding.DER)).decode()
    answer = ocsp.load_der_ocsp_response(fetch(f"{pki.ocsp_url}/{encoded}"))
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD


def test_ocsp_unknown_serial_unknown_issuer_and_garbage(pki, pki_server):
    issuer = pki.government_ca.certificate
    template = ocsp_request(pki["h26-leader"].certificate, issuer)
    stranger = (
        ocsp.OCSPRequestBuilder()
        .add_certificate_by_hash(
            template.issuer_name_hash, template.issuer_key_hash, 12345, hashes.SHA256()
        )
        .build()
    )
    assert ask_ocsp(pki, stranger).certificate_status == ocsp.OCSPCertStatus.UNKNOWN
    foreign = ocsp_request(pki["bad-untrusted"].certificate, pki.untrusted_root.certificate)
    assert ask_ocsp(pki, foreign).response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED
    garbage = fetch(pki.ocsp_url, b"not an OCSP request", "application/ocsp-request")
    answer = ocsp.load_der_ocsp_response(garbage)
    assert answer.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_crl_of_the_government_ca_lists_the_revoked_certificate(pki, pki_server):
    crl = x509.load_der_x509_crl(fetch(pki.crl_url("gov-ca-g2")))
    assert crl.is_signature_valid(pki.government_ca.certificate.public_key())
    assert crl.issuer == pki.government_ca.certificate.subject
    entry = crl.get_revoked_certificate_by_serial_number(
        pki["bad-revoked"].certificate.serial_number
    )
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.key_compromise
    )
    assert len(crl) == 1
    assert crl.next_update_utc > dt.datetime.now(dt.UTC)


def test_every_crl_distribution_point_in_the_pki_answers(pki, pki_server):
    urls = {
        point.full_name[0].value
        for credential in pki.credentials.values()
        for ext in credential.certificate.extensions
        if isinstance(ext.value, x509.CRLDistributionPoints)
        for point in ext.value
    }
    assert urls == {pki.crl_url(name) for name in ("root", "gov-ca-g2", "untrusted-root")}
    for url in urls:
        assert isinstance(x509.load_der_x509_crl(fetch(url)), x509.CertificateRevocationList)


def test_authority_certificates_are_served_where_the_aia_says(pki, pki_server):
    leaf = pki["h41-org"].certificate
    aia = leaf.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    urls = {d.access_method: d.access_location.value for d in aia}
    issuer = x509.load_der_x509_certificate(
        fetch(urls[x509.AuthorityInformationAccessOID.CA_ISSUERS])
    )
    assert issuer == pki.government_ca.certificate
    assert urls[x509.AuthorityInformationAccessOID.OCSP] == pki.ocsp_url


def timestamp_request(data: bytes, nonce: int) -> tsp.TimeStampReq:
    return tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "hashed_message": hashlib.sha256(data).digest(),
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )


def test_tsa_answers_an_rfc3161_request_with_a_trusted_token(pki, pki_server):
    data = "Quyết định số 56/QĐ-UBND".encode()
    nonce = int.from_bytes(os.urandom(8), "big")
    der = timestamp_request(data, nonce).dump()
    answer = tsp.TimeStampResp.load(fetch(pki.tsa_url, der, "application/timestamp-query"))
    assert answer["status"]["status"].native == "granted"
    signed_data = answer["time_stamp_token"]["content"]
    tst_info = signed_data["encap_content_info"]["content"].parsed
    assert tst_info["nonce"].native == nonce
    gen_time = tst_info["gen_time"].native
    assert abs(gen_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    roots = [asn1_certificate(c) for c in pki.trust_anchors]

    async def validate():
        fetchers = AIOHttpFetcherBackend()
        context = ValidationContext(
            trust_roots=roots, allow_fetching=True, fetcher_backend=fetchers
        )
        try:
            expected = hashlib.sha256(data).digest()
            return await validate_tst_signed_data(signed_data, context, lambda _: expected)
        finally:
            await fetchers.close()

    status = asyncio.run(validate())
    assert status["intact"] and status["valid"]
    assert status["trust_problem_indic"] is None


def test_tsa_rejects_a_malformed_request(pki, pki_server):
    answer = fetch(pki.tsa_url, b"\x30\x03\x02\x01\x01garbage", "application/timestamp-query")
    status = tsp.PKIStatusInfo.load(core.load(answer).contents)
    assert status["status"].native == "rejection"
    assert status["fail_info"].native == {"bad_data_format"}


@pytest.mark.parametrize("path", ["/certs/nobody.cer", "/crl/nobody.crl"])
def test_unknown_names_are_not_found(pki, pki_server, path):
    with pytest.raises(HTTPError) as error:
        fetch(pki.base_url + path)
    assert error.value.code == 404
