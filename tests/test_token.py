"""The test credentials load into a real PKCS#11 token (SoftHSM2) and sign there."""

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from pkcs11 import Attribute, Mechanism, ObjectClass

from fixtures.agencies import HA_NOI
from fixtures.token import create_token, key_id
from tests.support.tools import require_tool


@pytest.fixture(scope="module")
def token(pki, tmp_path_factory):
    require_tool("softhsm2-util", "softhsm2")
    require_tool("pkcs11-tool", "opensc")
    credentials = [pki.organisation(HA_NOI), pki.personal(HA_NOI.leader)]
    return create_token(tmp_path_factory.mktemp("token"), credentials)


@pytest.fixture
def session(token, monkeypatch):
    monkeypatch.setenv("SOFTHSM2_CONF", str(token.config))
    lib = pkcs11.lib(str(token.module))
    lib.reinitialize()
    with lib.get_token(token_label=token.label).open(user_pin=token.user_pin) as opened:
        yield opened


@pytest.mark.parametrize("name", ["h26-org", "h26-leader"])
def test_token_key_signs_and_the_certificate_verifies_it(pki, session, name):
    credential = pki[name]
    key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=name)
    assert key[Attribute.ID].hex() == key_id(credential)
    assert key[Attribute.SENSITIVE]
    message = "Ký số văn bản".encode()
    signature = key.sign(message, mechanism=Mechanism.SHA256_RSA_PKCS)
    credential.certificate.public_key().verify(
        signature, message, padding.PKCS1v15(), hashes.SHA256()
    )


def test_token_holds_the_certificate_under_the_same_label_and_id(pki, session):
    (stored,) = session.get_objects(
        {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: "h26-leader"}
    )
    assert x509.load_der_x509_certificate(stored[Attribute.VALUE]) == pki["h26-leader"].certificate
    assert stored[Attribute.ID].hex() == key_id(pki["h26-leader"])


def test_creating_a_token_again_in_its_folder_replaces_it(pki, token, tmp_path, monkeypatch):
    create_token(tmp_path, [pki["h26-org"]])
    again = create_token(tmp_path, [pki["g22-org"]])
    monkeypatch.setenv("SOFTHSM2_CONF", str(again.config))
    lib = pkcs11.lib(str(again.module))
    lib.reinitialize()
    with lib.get_token(token_label=again.label).open(user_pin=again.user_pin) as opened:
        keys = opened.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})
        assert [k[Attribute.LABEL] for k in keys] == ["g22-org"]
