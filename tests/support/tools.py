"""The programs some tests need, found on the machine or the test skipped."""

import os
import shutil

import pytest


def require_tool(name: str, package: str) -> str:
    """The path of program ``name``; skip without it, but fail in CI, where it must be installed."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is not installed (Debian package {package})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI must run this test")
        pytest.skip(reason)
    return path
