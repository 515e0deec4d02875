"""The national hub's SDK API at an edoc hub: two edoc nodes and an agency's document
management system registered at the hub, and the letters they exchange."""

import pytest

from edoc.envelope.model import Attachment, Organization
from fixtures.agencies import HA_NOI, NGHE_AN, VPCP
from signing.validation.policy import DEFAULT_POLICY
from tests.support.exchange import FAST
from tests.support.letters import letter_envelope, signed_letter
from tests.support.sdk_client import SdkService
from web.local import LocalNetwork

DMS = "vxp.dms.h41"


SECRET = "AwyOIWljooz1hxgZsxpEBjCoj5rg9dMMsLJl0YydfZpd"


@pytest.fixture(scope="module")
def letter(pki) -> bytes:
    """A Hà Nội letter signed by its deputy and the agency."""
    return signed_letter(pki)[1]


def envelope_of(letter: bytes, sender: str, recipient: str, number: str = "77") -> bytes:
    """The envelope of ``letter`` from ``sender`` to ``recipient``, numbered ``number``."""
    files = [Attachment("main", f"{number}-UBND.pdf", "application/pdf", letter)]
    return letter_envelope(
        files, **{"from": sender, "to": [recipient], "code": {"number": number, "notation": "UBND"}}
    )


@pytest.fixture
def exchange(tmp_path, pki, new_database):
    """The nodes of Hà Nội and the Government Office on edoc's own API, and Nghệ An's document
    management system registered at the hub for the SDK API: (local network, the DMS)."""
    agencies = [Organization(a.organ_id, a.name) for a in (HA_NOI, VPCP)]
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    with LocalNetwork(tmp_path, agencies, policy, new_database, FAST, 0.05) as local:
        local.hub.register_system(DMS, "QLVB Nghệ An", SECRET, {NGHE_AN.organ_id: NGHE_AN.name})
        yield local, SdkService(local.services["hub"].url, DMS, SECRET)
