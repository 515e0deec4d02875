"""``edoc envelope pack | inspect | unpack | status`` as scripts and clerks use them."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from fixtures.agencies import HA_NOI
from fixtures.documents import appendix, cong_van
from fixtures.export import TEST_PASSWORD, write_pki
from fixtures.token import create_token
from tests.support.envelopes import BILLION_LAUGHS, CORPUS
from tests.support.tools import require_tool


def edoc(*args: str, env: dict | None = None, input: str | None = None):
    return CliRunner().invoke(main, ["--lang", "en", *args], env=env, input=input)


@pytest.fixture(scope="module")
def files(pki, tmp_path_factory):
    folder = tmp_path_factory.mktemp("envelope-cli")
    manifest = write_pki(pki, folder / "pki")
    letter = folder / "1234-UBND-KT.pdf"
    letter.write_bytes(cong_van(HA_NOI).pdf)
    annex = folder / "phu-luc.pdf"
    annex.write_bytes(appendix(HA_NOI).pdf)
    p12 = folder / "pki" / manifest["credentials"]["h26-org"]["pkcs12"]
    return letter, annex, p12


PACK_OPTIONS = [
    "--from", "000.00.00.H26",
    "--to", "000.00.00.G22",
    "--to", "G12",
    "--number", "1234",
    "--notation", "UBND-KT",
    "--subject", "V/v triển khai gửi, nhận văn bản điện tử có ký số",
    "--date", "2026-11-23",
    "--place", "Hà Nội",
    "--type-name", "Công văn",
    "--signer-name", "Phạm Thu Hương",
]  # fmt: skip


def inspect_json(path: Path) -> dict:
    result = edoc("envelope", "inspect", str(path), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_pack_signs_with_a_pkcs12_key_and_inspect_reports_it(files, tmp_path):
    letter, annex, p12 = files
    out = tmp_path / "out.edxml"
    result = edoc(
        "envelope", "pack", str(letter), str(annex), "-o", str(out), *PACK_OPTIONS,
        "--key", str(p12), "--password-env", "P12_PASSWORD",
        env={"P12_PASSWORD": TEST_PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = inspect_json(out)
    assert summary["kind"] == "document"
    assert summary["document_id"] == "000.00.00.H26,2026/11/23,1234/UBND-KT"
    assert summary["from"] == {
        "organ_id": "000.00.00.H26",
        "organ_name": "Ủy ban nhân dân thành phố Hà Nội",
    }
    assert summary["to"] == [
        {"organ_id": "000.00.00.G22", "organ_name": "Văn phòng Chính phủ"},
        {"organ_id": "000.00.00.G12", "organ_name": "Bộ Tài chính"},
    ]
    assert summary["code"] == {"number": "1234", "notation": "UBND-KT"}
    assert summary["promulgation_date"] == "2026-11-23"
    assert summary["business_type"] == "new"
    assert [a["sha256"] for a in summary["attachments"]] == [
        hashlib.sha256(letter.read_bytes()).hexdigest(),
        hashlib.sha256(annex.read_bytes()).hexdigest(),
    ]
    assert summary["attachments"][0]["content_type"] == "application/pdf"
    assert summary["signature"]["present"] and summary["signature"]["valid"]
    assert summary["signature"]["algorithm"] == "rsa-sha256"
    assert summary["signature"]["xmldsig_namespace"] is True
    assert summary["warnings"] == []


def test_pack_reads_metadata_from_toml(files, tmp_path):
    letter, _, _ = files
    metadata = tmp_path / "meta.toml"
    metadata.write_text(
        'from = "000.00.00.H41"\nto = ["000.00.00.H26"]\nsubject = "Báo cáo tình hình"\n'
        "promulgation_date = 2026-11-20\npriority = 2\n"
        '[code]\nnumber = "56"\nnotation = "BC-UBND"\n'
        '[signer]\nfull_name = "Hoàng Quốc Việt"\nposition = "Chủ tịch"\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.edxml"
    result = edoc("envelope", "pack", str(letter), "-o", str(out), "--metadata", str(metadata))
    assert result.exit_code == 0, result.output
    summary = inspect_json(out)
    assert summary["from"]["organ_name"] == "Ủy ban nhân dân tỉnh Nghệ An"
    assert summary["priority"] == 2
    assert summary["signer"]["full_name"] == "Hoàng Quốc Việt"
    assert summary["warnings"][0]["code"] == "ENV_SIGNATURE"
    assert summary["signature"]["present"] is False
    assert summary["signature"]["xmldsig_namespace"] is None


def test_pack_signs_with_a_key_on_a_pkcs11_token(pki, files, tmp_path):
    require_tool("softhsm2-util", "softhsm2")
    require_tool("pkcs11-tool", "opensc")
    letter, _, _ = files
    token = create_token(tmp_path / "token", [pki["h26-org"]])
    out = tmp_path / "out.edxml"
    result = edoc(
        "envelope", "pack", str(letter), "-o", str(out), *PACK_OPTIONS,
        "--pkcs11-lib", str(token.module), "--token-label", token.label,
        "--key-label", "h26-org", "--password-env", "PIN",
        env={"PIN": token.user_pin, **token.environment},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    signature = inspect_json(out)["signature"]
    assert signature["valid"] is True
    assert "MST:0100000026" in signature["signer"]


def test_wrong_password_is_a_one_line_error(files, tmp_path):
    letter, _, p12 = files
    result = edoc(
        "envelope", "pack", str(letter), "-o", str(tmp_path / "x.edxml"), *PACK_OPTIONS,
        "--key", str(p12), "--password-env", "P", env={"P": "wrong"},
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == f"edoc: error: {p12}: Wrong password, or not a PKCS#12 file.\n"
    assert not (tmp_path / "x.edxml").exists()


def test_missing_metadata_is_named(files, tmp_path):
    letter, _, _ = files
    result = edoc("envelope", "pack", str(letter), "-o", str(tmp_path / "x.edxml"))
    assert result.exit_code == 1
    assert "lacks 'from'" in result.stderr


def test_inspect_reports_the_quirks_of_real_senders_as_warnings():
    summary = inspect_json(CORPUS / "sdk-quirks-xlink-agency-id.edxml")
    codes = [w["code"] for w in summary["warnings"]]
    assert codes == ["ENV_XLINK_UNDECLARED", "ENV_AGENCY_ID", "ENV_SIGNATURE"]
    assert summary["attachments"][0]["zipped"] is True


def test_inspect_text_output_in_vietnamese():
    result = CliRunner().invoke(
        main, ["envelope", "inspect", str(CORPUS / "status-accepted.edxml")]
    )
    assert result.exit_code == 0
    assert "Trạng thái: 03 Đã tiếp nhận" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ((CORPUS / "stray-bytes.edxml").read_bytes(), "stray bytes"),
        (BILLION_LAUGHS, "DTD"),
        ((CORPUS / "status-unknown-code.edxml").read_bytes(), "'07' is not defined"),
    ],
)
def test_inspect_of_a_bad_file_is_one_line_naming_the_file(tmp_path, content, message):
    bad = tmp_path / "bad.edxml"
    bad.write_bytes(content)
    result = edoc("envelope", "inspect", str(bad), "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"edoc: error: {bad}: ")
    assert message in result.stderr


def test_unpack_writes_the_attachments_and_metadata(tmp_path):
    out = tmp_path / "unpacked"
    result = edoc("envelope", "unpack", str(CORPUS / "sdk-document-zipped.edxml"), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "7816-VPCP-TTDT.pdf").read_bytes().startswith(b"%PDF-1.4")
    metadata = json.loads((out / "metadata.json").read_text("utf-8"))
    assert metadata["code"] == {"number": "7816", "notation": "VPCP-TTĐT"}


def test_unpack_writes_nothing_outside_its_folder_whatever_the_names(tmp_path):
    from edoc.agency import AgencyDirectory
    from edoc.envelope.build import build
    from edoc.envelope.metadata import document_from_metadata
    from edoc.envelope.model import Attachment

    meta = {"from": "000.00.00.H26", "to": ["000.00.00.G22"], "subject": "Tên tệp",
            "code": {"number": "1", "notation": "UBND-VP"},
            "promulgation_date": "2026-11-20"}  # fmt: skip
    files = [
        Attachment("../../../evil", "../../evil.txt", "text/plain", b"one"),
        Attachment("phu-luc", "..\\..\\evil.txt", "text/plain", b"two"),
    ]
    envelope = tmp_path / "hostile.edxml"
    envelope.write_bytes(build(document_from_metadata(meta, files, AgencyDirectory.builtin())))
    out = tmp_path / "a" / "b" / "out"
    result = edoc("envelope", "unpack", str(envelope), "-o", str(out))
    assert result.exit_code == 0, result.output
    written = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {"hostile.edxml", "a/b/out/1.bin", "a/b/out/phu-luc.bin",
                       "a/b/out/metadata.json"}  # fmt: skip
    assert (out / "1.bin").read_bytes() == b"one"


def test_status_answers_a_document(files, tmp_path):
    _, _, p12 = files
    out = tmp_path / "status.edxml"
    result = edoc(
        "envelope", "status", str(CORPUS / "sdk-document-zipped.edxml"), "--code", "02",
        "--from", "000.00.00.G12", "--description", "Thiếu chữ ký cá nhân", "-o", str(out),
        "--key", str(p12), "--password-env", "P", env={"P": TEST_PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = inspect_json(out)
    assert summary["kind"] == "status"
    assert summary["status_code"] == "02"
    assert summary["from"]["organ_name"] == "Bộ Tài chính"
    assert summary["response_for"]["document_id"] == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert summary["description"] == "Thiếu chữ ký cá nhân"
    assert summary["signature"]["valid"] is True


def test_returning_without_a_reason_is_a_usage_error(tmp_path):
    result = edoc(
        "envelope", "status", str(CORPUS / "sdk-document-zipped.edxml"), "--code", "02",
        "--from", "000.00.00.G12", "-o", str(tmp_path / "s.edxml"),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--description" in result.stderr


def test_validate_passes_a_good_envelope_and_exits_3_with_every_violation(tmp_path):
    good = edoc("envelope", "validate", str(CORPUS / "status-accepted.edxml"))
    assert good.exit_code == 0
    assert good.stdout.endswith("status-accepted.edxml: valid\n")
    bad = tmp_path / "bad.edxml"
    bad.write_bytes(
        (CORPUS / "sdk-quirks-xlink-agency-id.edxml")
        .read_bytes()
        .replace(b">1</edXML:Priority>", b">9</edXML:Priority>")
    )
    result = edoc("envelope", "validate", str(bad), "--json")
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["valid"] is False
    messages = [v["message"] for v in report["violations"]]
    assert any("'28.22.H17' does not have the required form" in m for m in messages)
    assert any("Priority: value 9 is out of the allowed range" in m for m in messages)
    assert any(m.startswith("The xlink prefix is used without being declared") for m in messages)
    assert all(v["line"] for v in report["violations"])


def test_unpack_never_writes_over_another_file(tmp_path):
    from edoc.envelope.build import build
    from edoc.envelope.model import Attachment
    from tests.support.envelopes import sample_document

    files = [
        Attachment("../../escape", "../../escape.pdf", "application/pdf", b"%PDF-1 one"),
        Attachment("b", "/etc/passwd", "text/plain", b"two"),
        Attachment("c", "same.pdf", "application/pdf", b"%PDF-1 three"),
        Attachment("d", "same.pdf", "application/pdf", b"%PDF-1 four"),
        Attachment("e", "metadata.json", "application/json", b"{}"),
    ]
    envelope = tmp_path / "hostile.edxml"
    envelope.write_bytes(build(sample_document(attachments=files)))
    out = tmp_path / "deep" / "unpacked"
    result = edoc("envelope", "unpack", str(envelope), "-o", str(out))
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(written) == sorted(
        ["1.bin", "b.bin", "same.pdf", "4-same.pdf", "5-metadata.json", "metadata.json"]
    )  # fmt: skip
    assert {written["same.pdf"], written["4-same.pdf"]} == {b"%PDF-1 three", b"%PDF-1 four"}
    assert json.loads(written["metadata.json"])["kind"] == "document"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [*written, "hostile.edxml"]
    )


def _zip_of(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def vietnamese_files(tmp_path) -> list[Path]:
    """A PDF and two zip files (.zip and .ZIP) with Vietnamese names, as clerks name them."""
    folder = tmp_path / "gửi"
    folder.mkdir()
    files = {
        "Công văn số 1.pdf": b"%PDF-1.4\n% V\xc4\x83n b\xe1\xba\xa3n\n",
        "hồ sơ.zip": _zip_of("tờ trình.pdf", b"%PDF-1.4 to trinh"),
        "BẢN VẼ.ZIP": _zip_of("mặt bằng.dwg", b"AC1032" + bytes(range(256))),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / name for name in files]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ORIGINAL = "000.00.00.H26,2026/11/20,1200/UBND-KT"
BUSINESS_OPTIONS = {
    "new": [],
    "recall": ["--business", "recall", "--original", ORIGINAL, "--reason", "Gửi nhầm nơi nhận"],
    "update": ["--business", "update", "--original", ORIGINAL, "--reason", "Đổi nơi nhận"],
    "replace": ["--business", "replace", "--original", ORIGINAL, "--reason", "Sai số liệu"],
}
#: What the metadata adds to the options: the receivers an update adds (1) and removes (0).
BUSINESS_METADATA = {
    "update": {
        "receivers": [
            {"organ_id": "000.00.00.H41", "receiver_type": 1},
            {"organ_id": "G12", "receiver_type": 0},
        ]
    },
}
#: The business block inspect --json then shows.
BUSINESS_SHOWN = {
    "new": None,
    "recall": {
        "type": "recall", "document_id": ORIGINAL, "reason": "Gửi nhầm nơi nhận", "paper": 0,
        "document_info_changed": None, "receivers_changed": None, "receivers": [],
        "replacements": [], "staff": None,
    },
    "update": {
        "type": "update", "document_id": ORIGINAL, "reason": "Đổi nơi nhận", "paper": 0,
        "document_info_changed": True, "receivers_changed": True,
        "receivers": [
            {"organ_id": "000.00.00.H41", "receiver_type": 1},
            {"organ_id": "000.00.00.G12", "receiver_type": 0},
        ],
        "replacements": [], "staff": None,
    },
    "replace": {
        "type": "replace", "document_id": ORIGINAL, "reason": "Sai số liệu", "paper": 0,
        "document_info_changed": None, "receivers_changed": None, "receivers": [],
        "replacements": [
            {"document_id": ORIGINAL, "organ_ids": ["000.00.00.G22", "000.00.00.G12"]}
        ],
        "staff": None,
    },
}  # fmt: skip


def _pack(output: Path, files: list[Path], *options: str, business: str = "new"):
    metadata = output.with_suffix(".json")
    metadata.write_text(json.dumps({"business": BUSINESS_METADATA.get(business)}), "utf-8")
    return edoc(
        "envelope", "pack", *map(str, files), "-o", str(output), *PACK_OPTIONS,
        "--metadata", str(metadata), *BUSINESS_OPTIONS[business], *options,
    )  # fmt: skip


@pytest.mark.parametrize("zipping", ["--zip", "--no-zip"])
@pytest.mark.parametrize("business", list(BUSINESS_OPTIONS))
def test_pack_then_unpack_returns_every_attachment_byte_for_byte(
    tmp_path, vietnamese_files, business, zipping
):
    envelope = tmp_path / "out.edxml"
    result = _pack(envelope, vietnamese_files, zipping, business=business)
    assert result.exit_code == 0, result.output
    unpacked = tmp_path / "nhận"
    result = edoc("envelope", "unpack", str(envelope), "-o", str(unpacked))
    assert result.exit_code == 0, result.output
    for sent in vietnamese_files:
        assert _sha256(unpacked / sent.name) == _sha256(sent), sent.name
    summary = inspect_json(envelope)
    assert summary["business_type"] == business
    assert summary["business"] == BUSINESS_SHOWN[business]
    attachments = summary["attachments"]
    assert [a["sha256"] for a in attachments] == [_sha256(f) for f in vietnamese_files]
    assert [a["zipped"] for a in attachments] == [zipping == "--zip", False, False]
    assert [a["content_type"] for a in attachments] == [
        "application/pdf",
        "application/zip",
        "application/zip",
    ]
    again = tmp_path / "again.edxml"
    result = edoc(
        "envelope", "pack", *(str(unpacked / f.name) for f in vietnamese_files),
        "-o", str(again), "--metadata", str(unpacked / "metadata.json"), zipping,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert inspect_json(again)["business"] == BUSINESS_SHOWN[business]
    assert inspect_json(again)["attachments"] == attachments


@pytest.mark.parametrize(
    ("business", "options", "problem"),
    [
        ("new", ["--original", ORIGINAL], "--original and --reason need --business"),
        ("new", ["--reason", "Sai"], "--original and --reason need --business"),
        ("new", ["--business", "recall"], "--business recall needs --original DOCUMENT_ID"),
        ("new", ["--business", "replace"], "--business replace needs --original DOCUMENT_ID"),
        ("update", ["--business", "recall"], "does not go with the metadata's business.receivers"),
        ("new", ["--business", "undo"], "'undo' is not one of 'recall', 'update', 'replace'"),
    ],
)
def test_business_options_that_do_not_go_together_are_a_usage_error(
    tmp_path, vietnamese_files, business, options, problem
):
    result = _pack(tmp_path / "x.edxml", vietnamese_files[:1], *options, business=business)
    assert result.exit_code == 2, result.output
    assert problem in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.edxml").exists()


@pytest.mark.parametrize(
    ("business", "problem"),
    [
        ({"type": "undo"}, "'business.type': 'undo' is not new, recall, update or replace."),
        ({"type": "recall"}, "a recall or an update names the original's DocumentId"),
        (
            {"type": "update", "document_id": ORIGINAL, "receivers": [{"organ_id": "G12"}]},
            "The metadata lacks 'receiver_type'.",
        ),
        (
            {
                "type": "update",
                "document_id": ORIGINAL,
                "receivers": [{"organ_id": "G12", "receiver_type": 7}],
            },
            "'receiver_type': only 0 or 1.",
        ),
        (
            {
                "type": "update",
                "document_id": ORIGINAL,
                "receivers": [{"organ_id": "28.22.H17", "receiver_type": 1}],
            },
            "'receivers': ",
        ),
        (
            {"type": "recall", "document_id": ORIGINAL, "replacements": [{"document_id": "x"}]},
            "'business.replacements': for a replace only.",
        ),
        ({"type": "recall", "document_id": ORIGINAL, "paper": "yes"}, "'paper': 'yes' is not"),
        ("recall", "'business' must be an object."),
    ],
)
def test_a_bad_business_object_in_the_metadata_is_a_clear_error(
    tmp_path, vietnamese_files, business, problem
):
    metadata = tmp_path / "meta.json"
    metadata.write_text(json.dumps({"business": business}), "utf-8")
    result = edoc(
        "envelope", "pack", str(vietnamese_files[0]), "-o", str(tmp_path / "x.edxml"),
        *PACK_OPTIONS, "--metadata", str(metadata),
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("edoc: error: ")
    assert problem in result.stderr
    assert result.stderr.count("\n") == 1


def test_inspect_shows_what_an_update_changes_and_who_sent_it():
    result = edoc("envelope", "inspect", str(CORPUS / "vnpt-order-update.edxml"))
    assert result.exit_code == 0, result.output
    for line in (
        "Business: update",
        "Original document: 000.00.00.H49,2026/02/20,198/UBND-VX",
        "Reason: Bổ sung nơi nhận, bỏ một nơi nhận",
        "Receiver added: 000.00.00.H41",
        "Receiver removed: 000.00.00.G09",
    ):
        assert f"{line}\n" in result.stdout


def test_inspect_json_shows_a_replacement_with_its_agencies_and_clerk():
    business = inspect_json(CORPUS / "vnpt-order-replace.edxml")["business"]
    assert business["type"] == "replace"
    assert business["paper"] == 1
    assert business["replacements"] == [
        {
            "document_id": "000.00.00.H49,2026/02/20,198/UBND-VX",
            "organ_ids": ["000.00.00.H56", "000.00.00.G09"],
        }
    ]
    assert business["staff"] == {
        "department": "Văn phòng Ủy ban",
        "staff": "Đỗ Minh Châu",
        "email": "chau.dm@quangninh.gov.vn",
        "mobile": "0915246810",
        "department_id": "VP-07",
        "staff_id": "CB-1138",
    }


HEADER_KEYS = [
    "document_id", "from", "to", "code", "subject", "content", "promulgation_date", "place",
    "document_type", "document_type_code", "document_type_detail", "signer", "priority",
    "due_date", "to_places", "sphere_of_promulgation", "typer_notation", "promulgation_amount",
    "page_amount", "appendixes", "direction", "reply_fors", "reference_codes", "response_for",
    "steering_type", "task_codes", "application_type", "business", "unknown_elements",
]  # fmt: skip
VNPT_FILES = ["Kế hoạch tập huấn.pdf", "hồ sơ tập huấn.zip", "BẢN ĐỒ.ZIP"]


def _unpacked_and_packed_again(received: Path, folder: Path) -> tuple[object, Path]:
    """``received`` (with VNPT's three files) unpacked into ``folder``, then packed again from
    its metadata.json: the result of pack and the envelope it writes."""
    unpacked = folder / "nhận"
    assert edoc("envelope", "unpack", str(received), "-o", str(unpacked)).exit_code == 0
    again = folder / "again.edxml"
    result = edoc(
        "envelope", "pack", *(str(unpacked / name) for name in VNPT_FILES), "-o", str(again),
        "--metadata", str(unpacked / "metadata.json"),
    )  # fmt: skip
    return result, again


def test_unpack_then_pack_writes_the_senders_header_and_extensions_again(tmp_path):
    received = CORPUS / "vnpt-order-new.edxml"
    result, again = _unpacked_and_packed_again(received, tmp_path)
    assert result.exit_code == 0, result.output
    first, second = inspect_json(received), inspect_json(again)
    assert {key: second[key] for key in HEADER_KEYS} == {key: first[key] for key in HEADER_KEYS}
    assert second["task_codes"] == ["NV-2026-014", "NV-2026-015"]
    assert second["direction"] is True
    # document_type stays the name scripts read; its code and detail beside it
    assert (second["document_type"], second["document_type_detail"]) == ("Kế hoạch", "5")
    sha = [a["sha256"] for a in first["attachments"]]
    assert [a["sha256"] for a in second["attachments"]] == sha


def test_inspect_shows_the_extension_fields_and_who_sent_the_document():
    result = edoc("envelope", "inspect", str(CORPUS / "vnpt-order-new.edxml"))
    assert result.exit_code == 0, result.output
    for line in (
        "Task codes: NV-2026-014, NV-2026-015",
        "Application type: QLVB-QN",
        "Direction: true",
        "Replies to: 198/UBND-VX",
        "Reference codes: KH-LT-2026",
        "Sent by: Đỗ Minh Châu (CB-1138), Văn phòng Ủy ban (VP-07), chau.dm@quangninh.gov.vn, "
        "0915246810",
    ):
        assert f"{line}\n" in result.stdout
    vietnamese = CliRunner().invoke(
        main, ["envelope", "inspect", str(CORPUS / "vnpt-order-new.edxml")]
    )
    assert "Trả lời văn bản: 198/UBND-VX\n" in vietnamese.stdout
    assert "Mã tham chiếu: KH-LT-2026\n" in vietnamese.stdout
    assert "Người gửi: Đỗ Minh Châu (CB-1138), Văn phòng Ủy ban (VP-07)" in vietnamese.stdout


def test_inspect_leaves_out_the_extension_fields_and_clerk_a_sender_did_not_give(tmp_path):
    from edoc.envelope.build import build
    from tests.support.envelopes import sample_document

    envelope = tmp_path / "plain.edxml"
    envelope.write_bytes(build(sample_document()))
    result = edoc("envelope", "inspect", str(envelope))
    assert result.exit_code == 0, result.output
    labels = ("Task codes", "Application type", "Direction", "Replies to", "Reference codes")
    for label in (*labels, "Sent by"):
        assert f"\n{label}: " not in result.stdout


def test_inspect_shows_who_sent_a_status():
    result = edoc("envelope", "inspect", str(CORPUS / "status-accepted.edxml"))
    assert result.exit_code == 0, result.output
    assert "Sent by: Trần Thị B, Văn phòng Bộ, vanthu@mof.gov.vn, 0912000000\n" in result.stdout


def test_an_unknown_element_in_the_metadata_must_be_xml(tmp_path):
    metadata = tmp_path / "meta.json"
    metadata.write_text(
        json.dumps(
            {
                "unknown_elements": [
                    {"parent": "edXMLHeader/MessageHeader", "xml": "<!DOCTYPE x><x/>"}
                ]
            }
        ),
        encoding="utf-8",
    )
    letter = tmp_path / "a.pdf"
    letter.write_bytes(b"%PDF-1.4")
    result = edoc(
        "envelope", "pack", str(letter), "-o", str(tmp_path / "x.edxml"), *PACK_OPTIONS,
        "--metadata", str(metadata),
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"edoc: error: {metadata}: 'unknown_elements': The envelope contains a DTD"
    )


MESSAGE_HEADER = "edXMLEnvelope/edXMLHeader/MessageHeader"
NOTE = '<x:Note xmlns:x="urn:example:dms">x</x:Note>'


@pytest.mark.parametrize(
    ("unknown", "problem"),
    [
        (
            {"parent": f"{MESSAGE_HEADER}/StatusCode", "xml": NOTE},
            f"An unknown element cannot be put back into '{MESSAGE_HEADER}/StatusCode'",
        ),
        (
            {"parent": "edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness", "xml": NOTE},
            "would change what a reader takes from the envelope (business)",
        ),
        (
            {"parent": f"{MESSAGE_HEADER}/Subject", "xml": NOTE},
            f"An unknown element cannot be put back into '{MESSAGE_HEADER}/Subject'",
        ),
        (
            {"parent": "edXMLEnvelope/edXMLHeader/TraceHeaderList/TraceHeader", "xml": NOTE},
            "The envelope would be unreadable (the unknown elements make)",
        ),
        (
            {"parent": "/".join(["edXMLEnvelope"] * 50_000), "xml": NOTE},
            "An unknown element cannot be put back into 'edXMLEnvelope/edXMLEnvelope",
        ),
        (
            {
                "parent": MESSAGE_HEADER,
                "xml": '<edXML:To xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
                "<edXML:OrganId>000.00.00.G01</edXML:OrganId></edXML:To>",
            },
            f"'{MESSAGE_HEADER}/To': edoc knows this element here",
        ),
    ],
    ids=["status-code", "bussiness", "subject", "empty-hop", "deep", "recipient"],
)
def test_a_bad_unknown_element_in_the_metadata_is_one_line_naming_the_file(
    tmp_path, unknown, problem
):
    metadata = tmp_path / "meta.json"
    metadata.write_text(json.dumps({"unknown_elements": [unknown]}), encoding="utf-8")
    letter = tmp_path / "a.pdf"
    letter.write_bytes(b"%PDF-1.4")
    out = tmp_path / "x.edxml"
    result = edoc(
        "envelope", "pack", str(letter), "-o", str(out), *PACK_OPTIONS,
        "--metadata", str(metadata),
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith(f"edoc: error: {metadata}: ")
    assert problem in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_recipient_in_no_namespace_never_becomes_one_through_unpack_and_pack(tmp_path):
    received = (CORPUS / "vnpt-order-new.edxml").read_bytes()
    smuggled = '<To xmlns=""><OrganId>000.00.00.G01</OrganId><OrganName>Bộ X</OrganName></To>'
    envelope = tmp_path / "received.edxml"
    envelope.write_bytes(
        received.replace(b"</edXML:MessageHeader>", smuggled.encode() + b"</edXML:MessageHeader>")
    )
    summary = inspect_json(envelope)
    assert [t["organ_id"] for t in summary["to"]] == ["000.00.00.H56", "000.00.00.G09"]
    (warning,) = [w for w in summary["warnings"] if w["code"] == "ENV_UNKNOWN_ELEMENT"]
    assert "(no namespace)" in warning["message"]
    result, again = _unpacked_and_packed_again(envelope, tmp_path)
    assert result.exit_code == 1
    metadata = tmp_path / "nhận" / "metadata.json"
    assert result.stderr == (
        f"edoc: error: {metadata}: '{MESSAGE_HEADER}/To': the unknown element holds an element "
        "in no namespace; written into an edXML envelope it would fall into edXML's namespace, "
        "so it is not written.\n"
    )
    assert not again.exists()
