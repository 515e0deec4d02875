"""Shared fixtures: the test PKI, its services on loopback, the databases edoc runs on, and
the rules for missing tools."""

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from edoc.envelope.model import Attachment as EnvelopeAttachment
from edoc.envelope.model import Organization
from edoc.exchange.node import Node
from edoc.exchange.receive import receive_envelope
from edoc.server import free_port
from edoc.storage.blobs import BlobStore
from edoc.storage.database import connect, sessions, upgrade
from edoc.storage.models import UserRole
from fixtures.agencies import HA_NOI, VPCP, Agency
from fixtures.letters import letter_envelope, signed_letter
from fixtures.pki import DEFAULT_SEED, TestPKI, build_pki
from fixtures.postgres import PostgresServer, server_binaries
from fixtures.services import PKIServer
from signing.policy import DEFAULT_POLICY
from web.app import create_node_app
from web.users import add_user


def require_tool(name: str, package: str) -> str:
    """The path of program ``name``; skip without it, but fail in CI, where it must be installed."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed (Debian package {package})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI must run this test")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def key_cache(request: pytest.FixtureRequest):
    """Derived keys kept between test runs on this machine (a fresh clone derives them once)."""
    return request.config.cache.mkdir("edoc-test-pki-keys")


@pytest.fixture(scope="session")
def pki(key_cache) -> TestPKI:
    """The test PKI, its services announced on a free loopback port."""
    return build_pki(DEFAULT_SEED, f"http://127.0.0.1:{free_port()}", key_cache=key_cache)


@pytest.fixture(scope="session")
def pki_server(pki: TestPKI):
    """The PKI's CRL, OCSP and TSA services, running over HTTP for the whole session."""
    with PKIServer(pki) as server:
        yield server


@pytest.fixture(scope="session")
def postgres() -> str:
    """A PostgreSQL server of Debian's package, for the session: its URL."""
    if server_binaries() is None:
        require_tool("initdb", "postgresql")
    with PostgresServer() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def new_database(request: pytest.FixtureRequest, tmp_path):
    """Makes empty databases of each kind edoc runs on (the same tests run on both): call it
    with a name, get a URL."""

    def make(name: str) -> str:
        if request.param == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}.sqlite'}"
        server = request.getfixturevalue("postgres")
        database = ("db_" + re.sub(r"\W", "_", name) + "_" + uuid.uuid4().hex[:12]).lower()
        engine = create_engine(server, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {database}"))
        engine.dispose()
        return server.rsplit("/", 1)[0] + "/" + database

    return make


@pytest.fixture
def database_url(new_database) -> str:
    """An empty database, on SQLite and on PostgreSQL."""
    return new_database("edoc")


@pytest.fixture(scope="session")
def envelope(pki) -> bytes:
    """A signed letter from Hà Nội to the Government Office, as the hub delivers it."""
    _, letter = signed_letter(pki)
    files = [EnvelopeAttachment("main", "1234-UBND-KT.pdf", "application/pdf", letter)]
    return letter_envelope(files)


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


@pytest.fixture
def office(tmp_path, pki):
    """The Government Office's node, on SQLite, with a clerk."""
    with agency_node(f"sqlite:///{tmp_path / 'edoc.sqlite'}", tmp_path, pki) as node:
        add_user(node.sessions, "vanthu", PASSWORD, VPCP.organ_id, UserRole.CLERK, "Nguyễn Văn Thư")
        yield node


@pytest.fixture
def inbox(office, envelope):
    """The Government Office's node with one received letter, and its web app."""
    node = office
    received = receive_envelope(node, envelope)
    add_user(node.sessions, "hanoi", PASSWORD, HA_NOI.organ_id, UserRole.CLERK, "Văn thư Hà Nội")
    yield create_node_app(node, "hub-token", "secret-for-tests"), node, received.document_pk
