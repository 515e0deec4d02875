"""Shared fixtures: the test PKI, its services on loopback, and the rules for missing tools."""

import os
import shutil

import pytest

from fixtures.pki import DEFAULT_SEED, TestPKI, build_pki
from fixtures.services import PKIServer, free_port


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
