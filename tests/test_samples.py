"""The demo's signed samples (``samples/kiem-tra/``): a clerk checks each on *Kiểm tra chữ
ký* and the report says what its name says: the compliant letter is compliant, each faulty
one is not, with the check code of its fault."""

import io
import re

import pytest

from fixtures.signed_samples import write_signed_samples
from signing.validation.policy import DEFAULT_POLICY
from tests.support.web import csrf_of, logged_in
from web.app import create_node_app

#: Each sample's verdict as the page words it, and the codes its report must name.
EXPECTED = {
    "compliant": ("Hợp lệ", set()),
    "missing-personal": ("Không hợp lệ", {"VN_MISSING_PERSONAL"}),
    "scanned-original": ("Không hợp lệ", {"VN_MISSING_PERSONAL", "VN_SCANNED_ORIGINAL"}),
    "tampered": ("Không hợp lệ", {"SIG_INTEGRITY"}),
    "sha1": ("Không hợp lệ", {"ALG_WEAK_HASH"}),
    "revoked": ("Không hợp lệ", {"CERT_REVOKED"}),
    "expired": ("Không hợp lệ", {"CERT_EXPIRED"}),
    "wrong-order": ("Không hợp lệ", {"VN_ORDER"}),
}


@pytest.fixture(scope="module")
def samples(pki, tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("samples") / "kiem-tra"
    return {
        path.stem.removeprefix("h26-"): path.read_bytes()
        for path in write_signed_samples(folder, pki)
    }


def test_each_signed_sample_checks_as_its_name_says(samples, office, pki, pki_server):
    assert set(samples) == set(EXPECTED)
    office.policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "soft")  # as the demo's
    client, _ = logged_in(create_node_app(office, "hub-token", "secret-for-tests"))
    for name, (verdict, codes) in EXPECTED.items():
        token = csrf_of(client.get("/verify").get_data(as_text=True))
        page = client.post(
            "/verify",
            data={"csrf_token": token, "pdf": (io.BytesIO(samples[name]), f"h26-{name}.pdf")},
        ).get_data(as_text=True)
        shown = re.search(r'class="verdict">.*?<strong[^>]*>([^<]+)<', page, re.S).group(1)
        assert shown == verdict, name
        assert codes <= set(re.findall(r"<code>(\w+)</code>", page)), name
