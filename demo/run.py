"""``edoc demo``: the main job on the embedded defaults, start to finish, in one workspace.

Today it sets up what every later step uses: the workspace and its SQLite database, the test
PKI (certificates, PKCS#12 files, a SoftHSM2 token when SoftHSM2 is installed), the sample
official documents and signature images, letters signed well and with each fault a checker
finds (``samples/kiem-tra/``), and it starts the PKI's CRL, OCSP and timestamp
services on loopback long enough to show they answer. Running it again reuses what is there.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from demo.exchange import run_exchange
from edoc.errors import EdocError, ToolMissingError
from edoc.workspace import database_path, open_workspace
from fixtures.documents import write_samples
from fixtures.export import write_pki
from fixtures.pki import DEFAULT_SEED, TestPKI, build_pki
from fixtures.selfcheck import check_services
from fixtures.services import PKIServer
from fixtures.signed_samples import write_signed_samples
from fixtures.token import create_token

DEFAULT_PKI_PORT = 18480

#: Called with a progress message in Vietnamese and in English.
Progress = Callable[[str, str], None]


@dataclass
class DemoSummary:
    """What the demo did, for people (the CLI prints it) and for machines (``--json``)."""

    home: str
    database: str
    first_run: bool
    pki: dict
    samples: list[str]
    token: dict
    services: dict = field(default_factory=dict)
    exchange: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(self.exchange)  # the exchange's figures at the top, as scripts read them
        return data


def _quiet(vi: str, en: str) -> None:
    """Progress that goes nowhere, for library callers that want none."""


def run_demo(
    home: str | Path | None = None,
    *,
    pki_port: int = DEFAULT_PKI_PORT,
    seed: str = DEFAULT_SEED,
    progress: Progress = _quiet,
    serve: Callable[[], None] | None = None,
) -> DemoSummary:
    """Run the demo in the workspace ``home``; safe to run again on the same workspace.
    ``serve``, when given, is called while the hub, the nodes and their inboxes still run."""
    workspace = open_workspace(home)
    first_run = workspace.get_setting("pki_seed") is None
    base_url = f"http://127.0.0.1:{pki_port}"

    progress("Tạo hạ tầng khóa công khai thử nghiệm…", "Building the test PKI…")
    pki = build_pki(seed, base_url, key_cache=workspace.cache_dir / "keys")
    with _serve(pki, pki_port):
        manifest = write_pki(pki, workspace.pki_dir)
        workspace.set_settings({"pki_seed": seed, "pki_base_url": pki.base_url})

        progress(
            "Tạo văn bản mẫu, chữ ký và con dấu…",
            "Writing sample documents, signatures and seals…",
        )
        samples = write_samples(workspace.samples_dir)
        progress(
            "Ký số văn bản mẫu để kiểm tra (hợp lệ và từng loại lỗi)…",
            "Signing sample letters to check (compliant and each kind of fault)…",
        )
        samples += write_signed_samples(workspace.samples_dir / "kiem-tra", pki)

        progress("Nạp khóa vào token SoftHSM2…", "Loading keys into a SoftHSM2 token…")
        token = _make_token(workspace.token_dir, pki)

        progress(
            "Kiểm tra dịch vụ CRL, OCSP và cấp dấu thời gian…", "Checking the CRL, OCSP and TSA…"
        )
        services = check_services(pki)

        exchange = run_exchange(workspace.root / "exchange" / _run_name(), pki, progress, serve)

    return DemoSummary(
        home=str(workspace.root),
        database=str(database_path(workspace.root)),
        first_run=first_run,
        pki={
            "folder": str(workspace.pki_dir),
            "seed": seed,
            "base_url": pki.base_url,
            "credentials": len(manifest["credentials"]),
            "bad_credentials": sorted(
                name for name, entry in manifest["credentials"].items() if entry["note"]
            ),
            "trust_anchors": [str(workspace.pki_dir / path) for path in manifest["trust_anchors"]],
            "pkcs12_password": manifest["pkcs12_password"],
        },
        samples=[str(path.relative_to(workspace.root)) for path in samples],
        token=token,
        services={
            "crl_revoked_entries": services.crl_revoked,
            "ocsp_good_certificate": services.ocsp_good,
            "ocsp_revoked_certificate": services.ocsp_revoked,
            "timestamp": services.timestamp,
        },
        exchange=exchange,
    )


def _run_name() -> str:
    """Each demo run exchanges in a folder of its own: runs never mix their documents."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")


def _serve(pki: TestPKI, port: int) -> PKIServer:
    """The PKI's services on ``port``, or a clear error when the port is taken."""
    try:
        return PKIServer(pki)
    except OSError as error:
        raise EdocError(
            f"Không chạy được dịch vụ PKI trên cổng {port}: {error.strerror or error}. "
            "Hãy chọn cổng khác với --pki-port.",
            f"Cannot serve the PKI on port {port}: {error.strerror or error}. "
            "Choose another port with --pki-port.",
        ) from error


def _make_token(folder: Path, pki: TestPKI) -> dict:
    """Put the agencies' credentials on a SoftHSM2 token, or say why not."""
    credentials = [c for c in pki.end_entities.values() if not c.note]
    try:
        token = create_token(folder, credentials)
    except ToolMissingError as error:
        return {"created": False, "reason_vi": error.message_vi, "reason_en": error.message_en}
    return {
        "created": True,
        "label": token.label,
        "user_pin": token.user_pin,
        "module": str(token.module),
        "softhsm2_conf": str(token.config),
        "keys": list(token.key_labels),
    }
