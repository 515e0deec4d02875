"""Fault injection, with real processes and servers: a receiving node killed in the middle
of a batch, its database stopped mid-transaction, the CA's OCSP and CRL server down, the
disk full when an attachment is written. Whatever happens, every document arrives exactly
once, nothing is half-written, no file is left that no row needs, errors are typed and said
in Vietnamese and English, and an unknown revocation status is never taken for valid."""

import datetime as dt
import errno
import io
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from edoc.accounts import add_user
from edoc.agency import AgencyDirectory
from edoc.audit.entries import loaded_for_record
from edoc.envelope.build import build
from edoc.envelope.metadata import document_from_metadata
from edoc.envelope.model import Attachment as EnvelopeAttachment
from edoc.envelope.model import Organization
from edoc.errors import DatabaseUnavailableError
from edoc.exchange.outbox import Backoff
from edoc.exchange.receive import receive_envelope
from edoc.exchange.recheck import Rechecked, recheck_due
from edoc.exchange.runtime import open_node, remember_node
from edoc.exchange.send import send_envelope
from edoc.exchange.transport import PATH
from edoc.server import free_port
from edoc.storage.blobs import BlobStore
from edoc.storage.database import connect, sessions, upgrade
from edoc.storage.models import (
    Attachment,
    Blob,
    Delivery,
    DeliveryState,
    Direction,
    Document,
    DocumentEvent,
    Draft,
    StatusEvent,
    UserRole,
)
from edoc.workspace import Workspace
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from fixtures.images import seal_image, signature_image
from fixtures.pki import build_pki
from fixtures.services import PKIServer
from signing.geometry import Box
from signing.sign.pades import sign_organisation, sign_personal
from signing.validation.policy import DEFAULT_POLICY, load_policy
from signing.validation.revocation import renew_validation
from tests.support.cluster import EDOC, HUB, HUB_TOKEN, Cluster, eventually
from tests.support.nodes import PASSWORD
from tests.support.postgres import PostgresServer, server_binaries
from tests.support.tools import require_tool
from tests.support.web import csrf_of, logged_in
from web.app import create_node_app
from web.local import LocalNetwork

AGENCIES = {"h26": HA_NOI, "g22": VPCP}
BATCH = 30


@pytest.fixture(scope="module")
def signed_pdf(pki) -> bytes:
    """Hà Nội's letter, signed personally and by the agency with the session's PKI."""
    from tests.support.letters import signed_letter

    return signed_letter(pki)[1]


def write_policy(folder: Path, anchors, revocation: str) -> Path:
    """A policy file trusting ``anchors``, checking revocation as ``revocation`` says."""
    roots = folder / "roots"
    roots.mkdir(parents=True)
    for number, certificate in enumerate(anchors):
        pem = certificate.public_bytes(serialization.Encoding.PEM)
        (roots / f"root-{number}.pem").write_bytes(pem)
    policy = folder / "policy.toml"
    policy.write_text(f'[trust]\nanchors = ["roots"]\n[revocation]\nmode = "{revocation}"\n')
    return policy


@pytest.fixture(scope="module")
def quick_policy(tmp_path_factory, pki) -> Path:
    """The session PKI trusted, revocation not checked: the exchange faults are about
    storing, not about verifying."""
    return write_policy(tmp_path_factory.mktemp("policy"), pki.trust_anchors, "off")


@pytest.fixture
def make_cluster(tmp_path, quick_policy):
    """Makes the cluster of the hub, Hà Nội (h26, sending) and the Government Office (g22,
    receiving) on the databases given by member; ends its processes afterwards."""
    made: list[Cluster] = []

    def make(databases: dict[str, str]) -> Cluster:
        made.append(Cluster(tmp_path, AGENCIES, databases, quick_policy))
        return made[-1]

    yield make
    for cluster in made:
        cluster.close()


def letters(
    pdf: bytes, numbers: range, appendix: bytes = b"", signer: str = HA_NOI.deputy.full_name
) -> list[bytes]:
    """Letters from Hà Nội to the Government Office with these ``numbers``: the signed PDF,
    and an appendix of each letter's own (so each has a file no other letter has), signed
    by ``signer`` as the envelope says."""
    made = []
    for number in numbers:
        meta = {
            "from": HA_NOI.organ_id, "to": [VPCP.organ_id],
            "code": {"number": str(number), "notation": "UBND-KT"},
            "promulgation_date": "2026-11-20", "subject": f"Thư số {number} về chữ ký số",
            "signer": {"full_name": signer, "position": "Phó Chủ tịch"},
        }  # fmt: skip
        files = [
            EnvelopeAttachment("main", f"{number}-UBND-KT.pdf", "application/pdf", pdf),
            EnvelopeAttachment(
                "phu-luc", f"phu-luc-{number}.txt", "text/plain",
                f"Phụ lục của thư số {number}\n".encode() + appendix,
            ),
        ]  # fmt: skip
        made.append(build(document_from_metadata(meta, files, AgencyDirectory.builtin())))
    return made


def received_ids(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return connection.scalars(
            select(Document.document_id).where(Document.direction == Direction.RECEIVED)
        ).all()


def all_acknowledged(engine: Engine, expected: int) -> bool:
    """Whether ``engine``'s database has ``expected`` deliveries, every one acknowledged."""
    with engine.connect() as connection:
        states = connection.scalars(select(Delivery.state)).all()
    return len(states) == expected and set(states) == {DeliveryState.ACKNOWLEDGED}


def arrivals_per_document(engine: Engine, direction: Direction) -> Counter:
    """How many 01 statuses each document has (sent by the receiver, received by the sender)."""
    with engine.connect() as connection:
        documents = connection.scalars(
            select(StatusEvent.document_pk)
            .where(StatusEvent.status_code == "01", StatusEvent.direction == direction)
        ).all()  # fmt: skip
    return Counter(documents)


def files_on_disk(home: Path) -> set[str]:
    """Every file of the store: blobs, and anything left over (journals, temporary files)."""
    blobs = home / "blobs"
    return {p.name for p in blobs.rglob("*") if p.is_file()} if blobs.exists() else set()


def blob_rows(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(select(Blob.sha256)))


def referenced(engine: Engine) -> set[str]:
    """The files the rows of documents, attachments, statuses, deliveries and events name."""
    columns = (
        Document.envelope_sha256, Attachment.sha256, StatusEvent.message_sha256,
        Delivery.message_sha256, DocumentEvent.message_sha256,
    )  # fmt: skip
    with engine.connect() as connection:
        return {d for column in columns for d in connection.scalars(select(column)) if d}


def assert_no_orphans(cluster: Cluster, name: str) -> None:
    """The files on disk are exactly those the rows need (a journal or a temporary file
    left over would be a file with no row); a node settles left-overs within seconds."""
    home, engine = cluster.members[name].home, cluster.engines[name]
    explain = lambda: f"{files_on_disk(home) ^ blob_rows(engine)}\n{cluster.report()}"  # noqa: E731
    eventually(lambda: files_on_disk(home) == blob_rows(engine), 30, 0.5, explain)
    assert blob_rows(engine) == referenced(engine)


def assert_exactly_once(cluster: Cluster, batch: list[bytes]) -> None:
    """Every letter of ``batch`` stored once by the Government Office, with one 01 each,
    and every delivery of the hub, the sender and the receiver acknowledged."""
    sender, hub, receiver = (cluster.engines[n] for n in ("h26", HUB, "g22"))
    explain = cluster.report
    eventually(lambda: all_acknowledged(sender, len(batch)), 120, 0.5, explain)
    eventually(lambda: all_acknowledged(hub, 2 * len(batch)), 60, 0.5, explain)  # letters, 01s
    eventually(lambda: all_acknowledged(receiver, len(batch)), 60, 0.5, explain)  # its 01s
    ids = received_ids(receiver)
    assert len(ids) == len(set(ids)) == len(batch)
    assert set(ids) == {re.search(rb"DocumentId>([^<]+)<", d).group(1).decode() for d in batch}
    for engine, direction in ((receiver, Direction.SENT), (sender, Direction.RECEIVED)):
        ones = arrivals_per_document(engine, direction)
        assert len(ones) == len(batch) and set(ones.values()) == {1}  # one 01 per document


def queue(cluster: Cluster, batch: list[bytes]) -> None:
    """Queue ``batch`` at Hà Nội's node, as ``edoc send`` does (its running node delivers)."""
    sender = open_node(cluster.workspace("h26"), HA_NOI.organ_id, load_policy(cluster.policy))
    for data in batch:
        assert send_envelope(sender, data).created


def test_settling_leaves_a_transaction_in_flight_alone(tmp_path):
    """Files of a transaction that has not committed yet are not left-overs: settling waits
    until no transaction writes files (here: it does nothing, and is tried again later)."""
    engine = connect(f"sqlite:///{tmp_path / 'edoc.sqlite'}")
    upgrade(engine)
    store = BlobStore(tmp_path / "blobs", sessions(engine))
    with store.sessions() as session, store.staging(session) as stage:
        digest = stage.put(b"an appendix")
        assert store.settle() == 0 and store.path(digest).exists()
        session.commit()
    assert store.settle() == 0 and files_on_disk(tmp_path) == {digest} == blob_rows(engine)
    engine.dispose()


def test_a_receiving_node_killed_mid_batch_stores_every_document_once(
    make_cluster, new_database, signed_pdf, quick_policy, tmp_path
):
    cluster = make_cluster({name: new_database(name) for name in (HUB, "h26", "g22")})
    batch = letters(signed_pdf, range(1, BATCH + 1))
    queue(cluster, batch)  # all at once when Hà Nội's node starts: a batch in flight
    cluster.start(HUB, "g22", "h26")
    receiver = cluster.engines["g22"]
    eventually(lambda: len(received_ids(receiver)) >= BATCH // 4, 60, 0.02, cluster.report)
    cluster.kill("g22")
    assert len(received_ids(receiver)) < BATCH  # killed in the middle of the batch

    # And once more inside a transaction, its files written and not its rows: a letter that
    # is never sent again, whose files nothing will ever need.
    (never,) = letters(signed_pdf, range(BATCH + 1, BATCH + 2), b"only in the crash")
    (tmp_path / "never.edxml").write_bytes(never)
    crashed = subprocess.run(
        [sys.executable, "-m", "tests.support.crash", str(cluster.members["g22"].home),
         str(tmp_path / "never.edxml"), str(quick_policy)],
        env=cluster.environment("g22"), capture_output=True, timeout=120,
    )  # fmt: skip
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    left = files_on_disk(cluster.members["g22"].home) - blob_rows(receiver)
    assert any(name.endswith(".journal") for name in left) and len(left) >= 3

    cluster.start("g22")  # on the same database and files
    assert_exactly_once(cluster, batch)
    with cluster.engines[HUB].connect() as connection:
        retried = connection.scalar(select(func.max(Delivery.attempts)))
    assert retried > 1  # the hub's outbox did retry the deliveries the dead node missed
    for name in (HUB, "h26", "g22"):
        assert_no_orphans(cluster, name)


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of its own, to be stopped and started again: its server and URL."""
    if server_binaries() is None:
        require_tool("initdb", "postgresql")
    server = PostgresServer()
    with server as url:
        yield server, url


def test_the_database_going_away_mid_batch_fails_clearly_and_loses_nothing(
    make_cluster, own_postgres, signed_pdf, tmp_path
):
    server, url = own_postgres
    databases = {name: f"sqlite:///{tmp_path / name}.sqlite" for name in (HUB, "h26")}
    cluster = make_cluster({**databases, "g22": url})
    added = cluster.run(
        "g22", "user", "add", "vanthu", "--role", "clerk", "--password-env", "PW", PW=PASSWORD
    )
    assert added.returncode == 0, added.stderr
    batch = letters(signed_pdf, range(1, BATCH + 1))
    queue(cluster, batch)
    cluster.start(HUB, "g22", "h26")
    receiver, node = cluster.engines["g22"], cluster.members["g22"]
    eventually(lambda: len(received_ids(receiver)) >= BATCH // 4, 60, 0.02, cluster.report)
    server.stop()  # immediate: every connection cut, transactions in flight lost

    # The node answers what it cannot do, in both languages, never with a traceback.
    answer = requests.post(
        node.url + PATH, data=batch[-1], headers={"Authorization": f"Bearer {HUB_TOKEN}"},
        timeout=30,
    )  # fmt: skip
    assert answer.status_code == 503, answer.text
    error = answer.json()["error"]
    assert "database cannot be reached" in error["message_en"]
    assert "Không kết nối được cơ sở dữ liệu" in error["message_vi"]
    clerk = requests.Session()
    form = {"username": "vanthu", "password": PASSWORD}
    form["csrf_token"] = csrf_of(clerk.get(node.url + "/login", timeout=30).text)
    page = clerk.post(node.url + "/login", data=form, timeout=30)
    assert page.status_code == 503 and "Traceback" not in page.text
    assert "cơ sở dữ liệu" in page.text and "database cannot be reached" in page.text

    def hub_told_503() -> bool:
        with cluster.engines[HUB].connect() as connection:
            errors = connection.scalars(select(Delivery.last_error)).all()
        return any("answered 503" in e and "database cannot be reached" in e for e in errors)

    eventually(hub_told_503, 60, 0.2, cluster.report)  # the deliveries in flight and since
    server.start()

    # And exactly between writing a document's files and committing its rows (as the node
    # does, in this process): the transaction fails, its files cannot be checked against
    # the database, so its journal stays for the node to settle once the database is back.
    here = open_node(cluster.workspace("g22"), VPCP.organ_id, load_policy(cluster.policy))
    (late,) = letters(signed_pdf, range(BATCH + 1, BATCH + 2), b"a failed commit first")
    event.listen(here.sessions, "before_commit", lambda _session: server.stop(), once=True)
    with pytest.raises(DatabaseUnavailableError):
        receive_envelope(here, late)
    staging = node.home / "blobs" / ".staging"
    assert {p.suffix for p in staging.iterdir()} == {".journal"}  # the node's own, maybe
    server.start()
    queue(cluster, [late])  # sent again, properly, through the hub
    assert_exactly_once(cluster, [*batch, late])
    assert node.process.poll() is None  # the same process: its connections came back
    for name in (HUB, "h26", "g22"):
        assert_no_orphans(cluster, name)


def _sign(ca, personal: str) -> bytes:
    """Hà Nội's letter signed personally by ``personal`` and by the agency, both keys of
    the PKI ``ca``."""
    letter = cong_van(HA_NOI)
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    pdf = sign_personal(letter.pdf, ca.signing_key(personal), signature_image(HA_NOI.deputy), area)
    return sign_organisation(pdf.pdf, ca.signing_key("h26-org"), seal_image(HA_NOI)).pdf


def _verifications(engine: Engine) -> dict[str, dict]:
    """Per letter subject: its stored verification, signatures, compliance and audit verdict."""
    with Session(engine) as session:
        documents = session.scalars(
            select(Document).options(*loaded_for_record())
        ).all()  # fmt: skip
        return {
            d.subject: {
                "verdict": d.attachments[0].report.verdict,
                "codes": {f["code"] for f in d.attachments[0].report.report["findings"]},
                "recheck_at": d.attachments[0].report.recheck_at,
                "rechecks": d.attachments[0].report.rechecks,
                "signatures": {
                    (s.indication, s.sub_indication) for s in d.attachments[0].signatures
                },
                "compliant": d.compliant,
                "audit": d.audit_entries[0].verdict,
            }
            for d in documents
        }


def _inbox_page(node) -> str:
    client, answer = logged_in(create_node_app(node, "hub-token", "secret"))
    assert answer.status_code == 302
    return client.get("/").get_data(as_text=True)


def test_with_the_ocsp_server_down_a_document_is_indeterminate_until_rechecked(tmp_path, key_cache):
    # A CA of its own (a seed no other test's revocation answers apply to), its OCSP and CRL
    # server announced on a port where nothing answers yet.
    ca = build_pki("offline", f"http://127.0.0.1:{free_port()}", key_cache=key_cache)
    policy = write_policy(tmp_path / "policy", ca.trust_anchors, "soft")
    home = tmp_path / "g22"
    home.mkdir()
    engine = connect(f"sqlite:///{home / 'edoc.sqlite'}")
    upgrade(engine)
    workspace = Workspace(home, engine)
    remember_node(workspace, VPCP.organ_id, None)
    node = open_node(workspace, VPCP.organ_id, load_policy(policy))
    add_user(node.sessions, "vanthu", PASSWORD, VPCP.organ_id, UserRole.CLERK, "Văn thư")
    renew_validation()  # this thread asks the CA itself, whatever it verified before
    good = letters(_sign(ca, "h26-deputy"), range(1, 2))[0]
    official = ca.end_entities["bad-revoked"].person.full_name  # the envelope names them
    revoked = letters(_sign(ca, "bad-revoked"), range(2, 3), signer=official)[0]
    for data in (good, revoked):
        receive_envelope(node, data)

    down = _verifications(engine)
    for seen in down.values():  # never valid while the revocation status is unknown
        assert seen["verdict"] == seen["audit"] == "indeterminate" and seen["compliant"] is False
        assert "REVOCATION_UNKNOWN" in seen["codes"]
        assert ("INDETERMINATE", "TRY_LATER") in seen["signatures"]
        assert all(indication != "TOTAL_PASSED" for indication, _ in seen["signatures"])
        assert seen["recheck_at"] is not None and seen["rechecks"] == 0
    page = _inbox_page(node)
    assert page.count("Chưa xác định") == 2 and "✓" not in page

    env = {k: v for k, v in os.environ.items() if not k.startswith("EDOC_")}
    env["PYTHONPATH"] = os.getcwd()
    still = subprocess.run(
        [*EDOC, "--lang", "en", "recheck", "--home", str(home), "--policy", str(policy),
         "--all", "--json"], env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert still.returncode == 3, still.stderr  # still unknown: tried again later
    assert json.loads(still.stdout) == {"verified": 2, "settled": 0}
    for subject, seen in _verifications(engine).items():
        assert seen["verdict"] == "indeterminate" and seen["rechecks"] == 1
        assert seen["recheck_at"] > down[subject]["recheck_at"]  # waiting longer each time

    with PKIServer(ca):  # the CA's server is back; this thread had its failures cached
        done = recheck_due(node, dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    assert done == Rechecked(verified=2, settled=2)
    back = _verifications(engine)
    accepted, refused = back["Thư số 1 về chữ ký số"], back["Thư số 2 về chữ ký số"]
    assert accepted["verdict"] == accepted["audit"] == "compliant" and accepted["compliant"]
    assert accepted["signatures"] == {("TOTAL_PASSED", None)}
    assert refused["verdict"] == refused["audit"] == "non_compliant" and not refused["compliant"]
    assert "CERT_REVOKED" in refused["codes"]
    assert accepted["recheck_at"] is None and refused["recheck_at"] is None  # settled
    listed = subprocess.run(
        [*EDOC, "inbox", "list", "--home", str(home), "--json"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    verdicts = {
        json.loads(line)["subject"]: json.loads(line)["verdict"]
        for line in listed.stdout.splitlines()
    }
    assert verdicts == {
        "Thư số 1 về chữ ký số": "compliant",
        "Thư số 2 về chữ ký số": "non_compliant",
    }
    assert "Chưa xác định" not in _inbox_page(node)
    engine.dispose()


@pytest.fixture
def tmpfs():
    """Mounts a tmpfs of a given size on a folder (a disk to fill up): ``mount(path, size)``;
    everything mounted is unmounted afterwards. Skipped where mounting is not permitted,
    except in CI, which must run it."""
    require_tool("mount", "mount")
    mounted: list[Path] = []

    def mount(path: Path, size: int) -> None:
        path.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            reason = f"cannot mount a tmpfs here: {done.stderr.strip()}"
            if os.environ.get("CI") == "true":
                pytest.fail(f"{reason}, and CI must run this test")
            pytest.skip(reason)
        mounted.append(path)

    yield mount
    for path in mounted:
        subprocess.run(["umount", str(path)], check=True)


def resize(path: Path, size: int) -> None:
    """Give the tmpfs on ``path`` ``size`` bytes: space freed."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(path)], check=True)


def _nothing_kept(node, blobs: Path) -> None:
    """No row of a document, a draft or a file, and no file either (no blob, no journal,
    no temporary file): what a refused request must leave."""
    with node.sessions() as session:
        for model in (Document, Draft, Blob):
            assert session.scalar(select(func.count()).select_from(model)) == 0
    assert files_on_disk(blobs.parent) == set()


def test_a_full_disk_refuses_clearly_keeps_nothing_and_the_retry_stores_once(
    tmp_path, tmpfs, pki, signed_pdf
):
    appendix = os.urandom(1024 * 1024)  # does not compress
    (data,) = letters(signed_pdf, range(1, 2), appendix)
    blobs = tmp_path / VPCP.organ_id / "blobs"
    # room for the envelope and the PDF, not for the appendix after them
    tmpfs(blobs, len(data) + len(signed_pdf) + len(appendix) // 2)
    agencies = [Organization(a.organ_id, a.name) for a in (HA_NOI, VPCP)]
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    fast = Backoff(first=0.05, most=0.4)
    with LocalNetwork(tmp_path, agencies, policy, backoff=fast, interval=0.05) as network:
        sender, receiver = network.nodes[HA_NOI.organ_id], network.nodes[VPCP.organ_id]
        answer = requests.post(  # as the hub posts it
            network.services[VPCP.organ_id].url + PATH, data=data,
            headers={"Authorization": f"Bearer {network.hub_token}"}, timeout=30,
        )  # fmt: skip
        assert answer.status_code == 507
        assert "Hết dung lượng đĩa lưu tệp (ENOSPC)" in answer.json()["error"]["message_vi"]
        assert "The disk that keeps the files is full" in answer.json()["error"]["message_en"]
        _nothing_kept(receiver, blobs)

        # A clerk's upload in compose, on the same full disk: said, and nothing kept.
        add_user(receiver.sessions, "vanthu", PASSWORD, VPCP.organ_id, UserRole.CLERK, "Thư")
        client = create_node_app(receiver, "hub-token", "secret").test_client()
        form = {"username": "vanthu", "password": PASSWORD}
        form["csrf_token"] = csrf_of(client.get("/login").get_data(as_text=True))
        client.post("/login", data=form)

        def compose():
            token = csrf_of(client.get("/compose").get_data(as_text=True))
            return client.post("/compose", data={
                "csrf_token": token, "number": "77", "notation": "VPCP-KSTT",
                "date": "2026-11-23", "subject": "Về việc ký số", "to": [HA_NOI.organ_id],
                "pdf": (io.BytesIO(signed_pdf), "77.pdf"),
                "attachments": [(io.BytesIO(os.urandom(3 * 1024 * 1024)), "phu-luc.bin")],
            }, content_type="multipart/form-data")  # fmt: skip

        failed = compose()
        assert failed.status_code == 303 and failed.headers["Location"].endswith("/compose")
        said = client.get("/compose").get_data(as_text=True)
        assert "Hết dung lượng đĩa lưu tệp (ENOSPC)" in said and "Traceback" not in said
        _nothing_kept(receiver, blobs)

        # The letter sent through the hub: refused with 507, retried by the hub's outbox.
        assert send_envelope(sender, data).created

        def refused() -> str:
            with network.hub.sessions() as session:
                return session.scalar(select(Delivery.last_error)) or ""

        eventually(lambda: "answered 507" in refused())
        assert "disk that keeps the files is full (ENOSPC)" in refused()
        resize(blobs, 64 * 1024 * 1024)  # space freed: the hub's next retry is taken
        sent, kept = (node.sessions.kw["bind"] for node in (sender, receiver))
        eventually(lambda: all_acknowledged(sent, 1))  # the letter's 01 came back
        assert len(received_ids(kept)) == 1
        assert "/drafts/" in compose().headers["Location"]
        with receiver.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Draft)) == 1
        assert files_on_disk(blobs.parent) == blob_rows(kept)


def fill(folder: Path) -> Path:
    """A file taking every byte left on ``folder``'s disk."""
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(descriptor, bytes(65536))
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)
    return filler


def test_a_full_database_disk_refuses_clearly_and_the_retry_stores_once(
    tmp_path, tmpfs, pki, signed_pdf
):
    """The same when the disk that is full is the receiver's SQLite database's (its files,
    written first, are removed again)."""
    disk = tmp_path / "database-disk"
    tmpfs(disk, 4 * 1024 * 1024)

    def database_for(name: str) -> str:
        folder = disk if name == VPCP.organ_id else tmp_path / name
        return f"sqlite:///{folder / 'edoc.sqlite'}"

    agencies = [Organization(a.organ_id, a.name) for a in (HA_NOI, VPCP)]
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    with LocalNetwork(tmp_path, agencies, policy, database_for) as network:
        receiver = network.nodes[VPCP.organ_id]
        (data,) = letters(signed_pdf, range(1, 2))
        url = network.services[VPCP.organ_id].url + PATH
        headers = {"Authorization": f"Bearer {network.hub_token}"}
        filler = fill(disk)
        answer = requests.post(url, data=data, headers=headers, timeout=30)
        assert answer.status_code == 507, answer.text
        assert "Hết dung lượng đĩa của cơ sở dữ liệu" in answer.json()["error"]["message_vi"]
        assert "The database's disk is full" in answer.json()["error"]["message_en"]
        assert files_on_disk(tmp_path / VPCP.organ_id) == set()  # its files removed again
        filler.unlink()  # space freed: the same post again
        assert requests.post(url, data=data, headers=headers, timeout=30).json()["created"]
        assert not requests.post(url, data=data, headers=headers, timeout=30).json()["created"]
        kept = receiver.sessions.kw["bind"]
        assert len(received_ids(kept)) == 1
        assert files_on_disk(tmp_path / VPCP.organ_id) == blob_rows(kept)
