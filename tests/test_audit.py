"""The audit's figures against a set of documents counted by hand.

Hà Nội sends seven letters to the Government Office, which acts on them; both nodes keep
what they sent and received, and the same envelopes and statuses are exported to files.

| letter | sent (Vietnam time)  | PDF                          | verdict       | statuses    |
|--------|----------------------|------------------------------|---------------|-------------|
| A      | 2026-01-31 23:59:59  | personal + organisation      | compliant     | 03          |
| B      | 2026-02-01 00:00:00  | personal + organisation      | compliant     | 02          |
| C      | 2026-02-10 10:00     | two personal + organisation  | compliant     | none        |
| D      | 2026-02-15 10:00     | by a CA whose OCSP is down   | indeterminate | 03          |
| E      | 2026-02-20 10:00     | no signature                 | non-compliant | 03 on 2/25  |
| F      | 2026-03-01 10:00     | organisation only            | non-compliant | 03, 06      |
| G      | 2026-03-02 10:00     | no PDF at all                | unverified    | none        |

C is due on 2/12 and E on 2/21: both are overdue (C never acted on, E acted on too late).
B is sent at midnight opening February: 2026-01-31 17:00 UTC, and counted in February.
"""

import dataclasses
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from sqlalchemy import delete, func, select

from cli import main
from edoc.agency import AgencyDirectory
from edoc.audit.entries import BACKFILL
from edoc.audit.exports import exported_source, read_exports
from edoc.audit.periods import Range
from edoc.audit.report import Scope, Source, build_report, list_documents
from edoc.envelope.build import build
from edoc.envelope.metadata import document_from_metadata
from edoc.envelope.model import (
    Attachment,
    Business,
    BusinessType,
    Organization,
    StatusCode,
    TraceHeader,
)
from edoc.envelope.parse import parse
from edoc.exchange.actions import act
from edoc.exchange.node import Node
from edoc.exchange.receive import receive_envelope, receive_status
from edoc.exchange.send import send_envelope
from edoc.server import free_port
from edoc.storage.blobs import BlobStore
from edoc.storage.database import connect, sessions, upgrade
from edoc.storage.models import AuditEntry, Delivery, DeliveryState, Direction, Setting
from edoc.timezone import VIETNAM
from fixtures.agencies import HA_NOI, VPCP
from fixtures.documents import cong_van
from fixtures.images import seal_image, signature_image
from fixtures.pki import build_pki
from signing.geometry import Box
from signing.sign.pades import sign_organisation, sign_personal
from signing.validation.policy import DEFAULT_POLICY
from tests.support.letters import letter_envelope

NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def _vn(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=VIETNAM)


def _letters(pki, dead_pki) -> dict[str, bytes | None]:
    letter = cong_van(HA_NOI)
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    image, seal = signature_image(HA_NOI.deputy), seal_image(HA_NOI)

    def signed(ca, *personal: str) -> bytes:
        pdf = letter.pdf
        for name in personal:
            pdf = sign_personal(pdf, ca.signing_key(name), image, area).pdf
        key = ca.signing_key("h26-org")
        return sign_organisation(pdf, key, seal, allow_missing_personal=not personal).pdf

    both = signed(pki, "h26-deputy")
    return {
        "A": both,
        "B": both,
        "C": signed(pki, "h26-deputy", "h26-leader"),
        "D": signed(dead_pki, "h26-deputy"),
        "E": letter.pdf,
        "F": signed(pki),
        "G": None,
    }


SENT = {
    "A": _vn(2026, 1, 31, 23, 59, 59),
    "B": _vn(2026, 2, 1, 0, 0, 0),
    "C": _vn(2026, 2, 10, 10),
    "D": _vn(2026, 2, 15, 10),
    "E": _vn(2026, 2, 20, 10),
    "F": _vn(2026, 3, 1, 10),
    "G": _vn(2026, 3, 2, 10),
}
DUE = {"C": dt.date(2026, 2, 12), "E": dt.date(2026, 2, 21)}


def _envelope(key: str, pdf: bytes | None) -> bytes:
    meta = {
        "from": HA_NOI.organ_id,
        "to": [VPCP.organ_id],
        "code": {"number": str(100 + ord(key)), "notation": "UBND-KT"},
        "promulgation_date": SENT[key].date().isoformat(),
        "subject": f"Thư {key}",
        "signer": {"full_name": HA_NOI.deputy.full_name, "position": "Phó Chủ tịch"},
    }
    if key in DUE:
        meta["due_date"] = DUE[key].isoformat()
    files = (
        [Attachment("main", f"{key}.pdf", "application/pdf", pdf)]
        if pdf
        else [Attachment("main", f"{key}.doc", "application/msword", b"not a pdf")]
    )
    message = document_from_metadata(meta, files, AgencyDirectory.builtin())
    message.traces = [TraceHeader(HA_NOI.organ_id, SENT[key])]
    return build(message)


def _node(root: Path, agency, policy) -> Node:
    root.mkdir()
    engine = connect(f"sqlite:///{root / 'edoc.sqlite'}")
    upgrade(engine)
    factory = sessions(engine)
    return Node(
        Organization(agency.organ_id, agency.name),
        factory,
        BlobStore(root / "blobs", factory),
        policy,
    )


@pytest.fixture(scope="module")
def exchanged(tmp_path_factory, pki, pki_server, key_cache):
    """Both nodes after the exchange, and the folder of exported envelopes and statuses."""
    # its own seed, so that no revocation answer about the session PKI's serials applies
    dead_pki = build_pki("offline", f"http://127.0.0.1:{free_port()}", key_cache=key_cache)
    root = tmp_path_factory.mktemp("audit")
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors + dead_pki.trust_anchors, "soft")
    hanoi = _node(root / "hanoi", HA_NOI, policy)
    office = _node(root / "office", VPCP, policy)
    exports = root / "exports"
    exports.mkdir()
    received = {}
    for key, pdf in _letters(pki, dead_pki).items():
        data = _envelope(key, pdf)
        (exports / f"{key}.xml").write_bytes(data)
        send_envelope(hanoi, data)
        received[key] = receive_envelope(office, data).document_pk
    actions = {
        "A": [(StatusCode.ACCEPTED, _vn(2026, 2, 1, 9))],
        "B": [(StatusCode.RETURNED, _vn(2026, 2, 2, 9))],
        "D": [(StatusCode.ACCEPTED, _vn(2026, 2, 16, 9))],
        "E": [(StatusCode.ACCEPTED, _vn(2026, 2, 25, 9))],
        "F": [(StatusCode.ACCEPTED, _vn(2026, 3, 2, 9)), (StatusCode.COMPLETED, _vn(2026, 3, 9))],
    }
    for key, steps in actions.items():
        for code, at in steps:
            act(office, received[key], code, staff="Văn thư", reason="Sai thể thức", at=at,
                despite_failed_check=True)  # fmt: skip
    with office.sessions() as session:
        statuses = session.scalars(
            select(Delivery.message_sha256).where(Delivery.kind == "status").order_by(Delivery.id)
        ).all()
    for number, digest in enumerate(statuses):
        data = office.blobs.read(digest)
        receive_status(hanoi, data)
        (exports / f"status-{number:02d}.xml").write_bytes(data)
    return {"hanoi": hanoi, "office": office, "exports": exports, "root": root, "policy": policy}


def _sources(exchanged) -> list[Source]:
    return [
        Source("hanoi", exchanged["hanoi"].sessions),
        Source("office", exchanged["office"].sessions),
    ]


def _rows(report) -> dict:
    return {(r.organ_id, r.period, r.direction): r.figures for r in report.rows}


def test_figures_match_the_hand_count(exchanged):
    report = build_report(_sources(exchanged), Scope(period="quarter"), now=NOW)
    sent = _rows(report)[(HA_NOI.organ_id, "2026-Q1", "sent")]
    assert (sent.total, sent.assessed, sent.indeterminate, sent.unverified) == (7, 5, 1, 1)
    assert (sent.signed, sent.personal, sent.organisation) == (4, 3, 4)
    assert (sent.compliant, sent.non_compliant) == (3, 2)
    assert sent.rate("signed") == pytest.approx(0.8)
    assert sent.rate("compliant") == pytest.approx(0.6)
    assert (sent.delivered, sent.accepted, sent.returned, sent.completed) == (7, 4, 1, 1)
    assert sent.overdue == 2  # C never acted on, E acted on after its due date
    assert sent.codes == {"VN_NO_SIGNATURE": 1, "VN_MISSING_PERSONAL": 1}  # E, F
    received = _rows(report)[(VPCP.organ_id, "2026-Q1", "received")]
    assert (received.total, received.assessed, received.compliant) == (7, 5, 3)
    exchange = (received.accepted, received.returned, received.completed, received.overdue)
    assert exchange == (4, 1, 1, 2)


def test_a_letter_sent_at_midnight_opening_a_month_counts_in_that_month(exchanged):
    report = build_report(_sources(exchanged), Scope(direction=Direction.SENT), now=NOW)
    months = {r.period: r.figures for r in report.rows}
    assert sorted(months) == ["2026-01", "2026-02", "2026-03"]
    assert (months["2026-01"].total, months["2026-02"].total, months["2026-03"].total) == (1, 4, 2)
    assert [(m, f.rate("compliant")) for m, f in report.trend[HA_NOI.organ_id]] == [
        ("2026-01", 1.0),
        ("2026-02", pytest.approx(2 / 3)),
        ("2026-03", 0.0),
    ]
    february = Scope(
        period="custom", range=Range(_vn(2026, 2, 1), _vn(2026, 3, 1)), direction=Direction.SENT
    )
    listed = list_documents(_sources(exchanged), february, "total", now=NOW)
    assert sorted(item.subject for _, item in listed) == ["Thư B", "Thư C", "Thư D", "Thư E"]


def test_every_figure_lists_the_documents_behind_it(exchanged):
    sources = _sources(exchanged)
    scope = Scope(direction=Direction.SENT)

    def subjects(figure: str) -> list[str]:
        return sorted(item.subject for _, item in list_documents(sources, scope, figure, now=NOW))

    assert subjects("personal") == ["Thư A", "Thư B", "Thư C"]
    assert subjects("indeterminate") == ["Thư D"]
    assert subjects("unverified") == ["Thư G"]
    assert subjects("overdue") == ["Thư C", "Thư E"]
    assert subjects("VN_MISSING_PERSONAL") == ["Thư F"]
    assert subjects("VN_NO_SIGNATURE") == ["Thư E"]
    assert subjects("unsigned") == ["Thư E"]


def test_the_cli_audits_a_workspace_and_the_same_exports_alike(exchanged, tmp_path):
    runner = CliRunner()
    hanoi = exchanged["root"] / "hanoi"
    from_home = runner.invoke(main, ["audit", "--home", str(hanoi), "--period", "year", "--json"])
    assert from_home.exit_code == 3, from_home.output  # non-compliant documents found
    trust = tmp_path / "trust.pem"
    trust.write_bytes(
        b"".join(c.public_bytes(serialization.Encoding.PEM) for c in exchanged["policy"].trust)
    )
    from_files = runner.invoke(
        main,
        [
            "audit",
            "--from",
            str(exchanged["exports"]),
            "--period",
            "year",
            "--json",
            "--trust",
            str(trust),
            "--revocation",
            "soft",
            "--agency",
            HA_NOI.organ_id,
        ],
    )
    assert from_files.exit_code == 3, from_files.output
    home_rows = {r["direction"]: r for r in json.loads(from_home.stdout)["rows"]}
    file_rows = {r["direction"]: r for r in json.loads(from_files.stdout)["rows"]}
    assert set(file_rows) == {"sent"}
    for figure in (
        "total",
        "assessed",
        "signed",
        "personal",
        "organisation",
        "compliant",
        "indeterminate",
        "unverified",
        "accepted",
        "returned",
        "completed",
        "overdue",
        "codes",
    ):
        assert file_rows["sent"][figure] == home_rows["sent"][figure], figure


def test_documents_stored_before_audits_existed_are_counted_on_the_first_audit(inbox):
    _, node, document_pk = inbox
    with node.sessions() as session:  # as migration 0006 leaves a database it upgraded
        session.execute(delete(AuditEntry))
        session.add(Setting(key=BACKFILL, value=str(document_pk + 1)))
        session.commit()
    sources = [Source("office", node.sessions)]
    assert build_report(sources, Scope()).overall["received"].total == 1
    with node.sessions() as session:
        assert session.get(Setting, BACKFILL) is None  # indexed once, not at every audit
        assert session.scalar(select(func.count(AuditEntry.id))) == 1


def test_a_drill_down_narrows_to_one_period_and_patterns_to_their_agencies(exchanged):
    sources = _sources(exchanged)
    sent = Scope(direction=Direction.SENT)
    february = list_documents(sources, sent, "total", now=NOW, period="2026-02")
    assert sorted(item.subject for _, item in february) == ["Thư B", "Thư C", "Thư D", "Thư E"]
    quarter = Scope(period="quarter", direction=Direction.SENT)
    assert len(list_documents(sources, quarter, "total", now=NOW, period="2026-Q1")) == 7
    provinces = Scope(("H*",), direction=Direction.SENT)
    assert len(list_documents(sources, provinces, "total", now=NOW, limit=1)) == 1
    report = build_report(sources, Scope(("G*",)), now=NOW)  # the Office: received only
    assert {(r.organ_id, r.direction) for r in report.totals} == {(VPCP.organ_id, "received")}
    assert report.first == SENT["A"] and report.last == SENT["G"]


def test_overlapping_exports_count_each_document_and_status_once(exchanged, tmp_path):
    exports = exchanged["exports"]
    archive = tmp_path / "exports.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in exports.iterdir():
            zipped.write(file, file.name)
    found = read_exports([exports, archive], agency="H26")  # the Decision 20 form
    assert (len(found.documents), len(found.statuses), found.problems) == (7, 13, [])
    policy = exchanged["policy"]
    with exported_source(found, policy, jobs=1) as source:
        report = build_report([source], Scope(("H26",), period="quarter"), now=NOW)
    (row,) = report.rows
    assert (row.organ_id, row.figures.total, row.figures.accepted) == (HA_NOI.organ_id, 7, 4)


def test_a_repeated_arrival_does_not_acknowledge_a_recall_still_on_its_way(tmp_path, pki):
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    hanoi = _node(tmp_path / "hanoi", HA_NOI, policy)
    office = _node(tmp_path / "office", VPCP, policy)
    letter = _envelope("G", None)
    send_envelope(hanoi, letter)
    receive_envelope(office, letter)
    with office.sessions() as session:
        (arrived,) = session.scalars(select(Delivery.message_sha256)).all()
    receive_status(hanoi, office.blobs.read(arrived))
    original = parse(letter).message
    recall = Business(BusinessType.RECALL, document_id=original.document_id, reason="Sai số")
    send_envelope(hanoi, build(dataclasses.replace(original, business=recall)))
    receive_status(hanoi, office.blobs.read(arrived))  # the hub delivers the 01 again
    with hanoi.sessions() as session:
        states = session.scalars(select(Delivery.state).order_by(Delivery.id)).all()
    assert states == [DeliveryState.ACKNOWLEDGED, DeliveryState.QUEUED]


def test_an_audit_of_exports_names_each_bad_file_and_counts_the_rest(tmp_path):
    """Files no reader opens among exports: each named as that file's problem, an envelope
    whose PDF is garbage counted as the hub counts it (non-compliant, unsigned), a bare PDF
    no reader opens too, and the audit goes on to its figures."""
    folder = tmp_path / "exports" / HA_NOI.organ_id
    folder.mkdir(parents=True)
    (folder / "random.pdf").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "not-xml.xml").write_bytes(b"\x00\xffnot xml at all")
    (folder / "html.xml").write_bytes(b'<?xml version="1.0"?><html><body>x</body></html>')
    (folder / "folder.pdf").mkdir()
    garbage = [Attachment("main", "9-UBND-KT.pdf", "application/pdf", b"%PDF-1.7\n garbage")]
    (folder / "garbage-pdf.xml").write_bytes(
        letter_envelope(garbage, code={"number": "9", "notation": "UBND-KT"})
    )
    result = CliRunner().invoke(
        main, ["audit", "--from", str(tmp_path / "exports"), "--period", "year", "--json"]
    )
    assert result.exit_code == 3, result.output  # non-compliant documents found, no traceback
    told = result.stderr
    for name in ("random.pdf", "empty.pdf", "not-xml.xml", "html.xml", "garbage-pdf.xml#main"):
        (line,) = [line for line in told.splitlines() if f"{folder / name}:" in line]
        assert line.split(": ", 1)[1].strip(), line  # the problem in words
    sent = json.loads(result.stdout)["overall"]["sent"]
    assert (sent["total"], sent["non_compliant"], sent["signed"]) == (3, 3, 0)
    assert sent["codes"] == {"VN_NO_SIGNATURE": 3}
