"""Signing official documents in PAdES (signature-format.md §3–§5): the personal signature
with its image, the agency's with its seal, attachments' and copies' stamps, one at a time
or in batches, with keys from PKCS#12 files or PKCS#11 tokens.

Importing this package installs the fast paths of :mod:`signing.speedups` (once).
"""

from signing import speedups
from signing.baseline import Level
from signing.sign.batch import KeySource, Kind, SignSpec, pdf_files, plan, sign_batch
from signing.sign.keys import SigningKey, load_pkcs12, open_token_key, pkcs12_key
from signing.sign.pades import (
    DEFAULT_OPTIONS,
    Options,
    placed_signatures,
    sign_attachment,
    sign_copy,
    sign_organisation,
    sign_personal,
)
from signing.sign.position import Anchor, Field
from signing.sign.signer import signer_for

speedups.install()

__all__ = [
    "DEFAULT_OPTIONS",
    "Anchor",
    "Field",
    "KeySource",
    "Kind",
    "Level",
    "Options",
    "SignSpec",
    "SigningKey",
    "load_pkcs12",
    "open_token_key",
    "pdf_files",
    "pkcs12_key",
    "placed_signatures",
    "plan",
    "sign_attachment",
    "sign_batch",
    "sign_copy",
    "sign_organisation",
    "sign_personal",
    "signer_for",
]
