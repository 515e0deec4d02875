"""An agency's node on a test database, and the password of the test accounts."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from edoc.envelope.model import Organization
from edoc.exchange.node import Node
from edoc.storage.blobs import BlobStore
from edoc.storage.database import connect, sessions, upgrade
from fixtures.agencies import VPCP, Agency
from fixtures.pki import TestPKI
from signing.validation.policy import DEFAULT_POLICY

PASSWORD = "mật-khẩu-dài"


@contextmanager
def agency_node(url: str, root: Path, pki: TestPKI, agency: Agency = VPCP) -> Iterator[Node]:
    """``agency``'s node on database ``url`` (its schema made), its files under ``root``,
    trusting the test PKI's roots, revocation off."""
    engine = connect(url)
    upgrade(engine)
    factory = sessions(engine)
    try:
        yield Node(
            Organization(agency.organ_id, agency.name), factory, BlobStore(root / "blobs", factory),
            DEFAULT_POLICY.with_options(pki.trust_anchors, "off"),
        )  # fmt: skip
    finally:
        engine.dispose()
