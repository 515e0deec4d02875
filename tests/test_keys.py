"""Opening signing keys: PKCS#12 files and PKCS#11 tokens, and what users get when it fails."""

import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization

from edoc.errors import SigningKeyError
from fixtures.export import TEST_PASSWORD, pkcs12_bytes
from fixtures.token import create_token
from signing.roles import fingerprint
from signing.sign.keys import load_pkcs12, open_token_key
from tests.support.tools import require_tool


@pytest.fixture
def p12(pki, tmp_path):
    path = tmp_path / "org.p12"
    path.write_bytes(pkcs12_bytes(pki["h26-org"]))
    return path


def test_pkcs12_opens_with_its_chain(pki, p12):
    key = load_pkcs12(p12, TEST_PASSWORD)
    assert key.certificate == pki["h26-org"].certificate
    assert list(key.chain) == [pki.government_ca.certificate, pki.root.certificate]


def test_pkcs12_with_an_empty_password(pki, tmp_path):
    path = tmp_path / "open.p12"
    path.write_bytes(pkcs12_bytes(pki["h26-org"], password=""))
    assert load_pkcs12(path, "").certificate == pki["h26-org"].certificate
    assert load_pkcs12(path, None).certificate == pki["h26-org"].certificate


def test_wrong_password_and_missing_file_are_named(p12, tmp_path):
    with pytest.raises(SigningKeyError) as error:
        load_pkcs12(p12, "wrong")
    assert error.value.message("en") == f"{p12}: Wrong password, or not a PKCS#12 file."
    with pytest.raises(SigningKeyError, match="Cannot read the file"):
        load_pkcs12(tmp_path / "missing.p12", "x")


@pytest.fixture
def legacy_p12(pki, tmp_path):
    """A PKCS#12 file encrypted with RC2-40, as old CA software and tokens export them."""
    openssl = require_tool("openssl", "openssl")
    credential = pki["h26-org"]
    pem = serialization.Encoding.PEM
    (tmp_path / "cert.pem").write_bytes(credential.certificate.public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(
        credential.key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path = tmp_path / "legacy.p12"
    subprocess.run(
        [openssl, "pkcs12", "-export", "-legacy", "-in", str(tmp_path / "cert.pem"),
         "-inkey", str(tmp_path / "key.pem"), "-out", str(path), "-passout", "pass:1234"],
        check=True, capture_output=True,
    )  # fmt: skip
    return path


def test_legacy_pkcs12_opens_where_the_legacy_provider_is_available(pki, legacy_p12):
    assert load_pkcs12(legacy_p12, "1234").certificate == pki["h26-org"].certificate


def test_legacy_pkcs12_without_the_legacy_provider_says_how_to_convert(legacy_p12):
    script = (
        "from pathlib import Path; from signing.sign.keys import load_pkcs12\n"
        "from edoc.errors import EdocError\n"
        f"try: load_pkcs12(Path({str(legacy_p12)!r}), '1234')\n"
        "except EdocError as e: print(e.message('en'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "CRYPTOGRAPHY_OPENSSL_NO_LEGACY": "1"},
        check=True,
    )
    assert "legacy encryption (pkcs12_sha1_rc2_40)" in done.stdout
    assert "openssl pkcs12 -legacy" in done.stdout


@pytest.fixture(scope="module")
def token(pki, tmp_path_factory):
    require_tool("softhsm2-util", "softhsm2")
    require_tool("pkcs11-tool", "opensc")
    return create_token(tmp_path_factory.mktemp("keys-token"), [pki["h26-org"]])


def test_token_key_opens_and_mistakes_are_explained(pki, token, monkeypatch):
    monkeypatch.setenv("SOFTHSM2_CONF", str(token.config))
    key = open_token_key(token.module, token.label, "h26-org", token.user_pin)
    try:
        assert key.certificate == pki["h26-org"].certificate
        assert key.private_key.key_size == 2048
    finally:
        key.private_key.close()
    with pytest.raises(SigningKeyError, match="Wrong token PIN"):
        open_token_key(token.module, token.label, "h26-org", "0000")
    with pytest.raises(SigningKeyError, match="tokens present: edoc-test"):
        open_token_key(token.module, "no-such-token", "h26-org", token.user_pin)
    with pytest.raises(SigningKeyError, match="has no key 'nobody'"):
        open_token_key(token.module, token.label, "nobody", token.user_pin)


def test_token_key_chosen_by_its_certificate_fingerprint(pki, token, monkeypatch):
    monkeypatch.setenv("SOFTHSM2_CONF", str(token.config))
    certificate = pki["h26-org"].certificate
    key = open_token_key(
        token.module, token.label, None, token.user_pin, certificate_sha256=fingerprint(certificate)
    )
    try:
        assert key.certificate == certificate
    finally:
        key.private_key.close()
    with pytest.raises(SigningKeyError, match="has no key sha256 00ff"):
        open_token_key(token.module, token.label, None, token.user_pin, certificate_sha256="00ff")
