"""``edoc verify`` as auditors and scripts run it: reports, JSON lines, HTML, exit codes."""

import json
import random

import pytest
from click.testing import CliRunner

from cli import main
from fixtures.agencies import HA_NOI
from fixtures.documents import appendix, cong_van
from fixtures.export import write_pki
from signing.sign.pades import sign_attachment
from tests.support.keys import key_of
from tests.support.letters import signed_letter


def edoc(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def folder(pki, tmp_path_factory):
    """Signed documents as an agency would send them, plus one unsigned and one broken file."""
    folder = tmp_path_factory.mktemp("verify-cli")
    write_pki(pki, folder / "pki")
    _, both = signed_letter(pki)
    docs = folder / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "a-signed.pdf").write_bytes(both)
    (docs / "sub" / "b-appendix.pdf").write_bytes(
        sign_attachment(appendix(HA_NOI).pdf, key_of(pki, "h26-org"), "12/UBND-KT").pdf
    )
    (folder / "unsigned.pdf").write_bytes(cong_van(HA_NOI).pdf)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\nthis is not a PDF body\n")
    return folder


def trust(folder):
    return ["--trust", str(folder / "pki" / "trust"), "--revocation", "off"]


def test_compliant_documents_exit_0_with_one_json_object_each(folder):
    result = edoc("verify", str(folder / "docs"), "--recursive", "--json", *trust(folder))
    assert result.exit_code == 0, result.output
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"].rsplit("/", 1)[-1] for r in reports] == ["a-signed.pdf", "b-appendix.pdf"]
    assert {r["verdict"] for r in reports} == {"compliant"}
    letter = reports[0]
    assert [s["role"] for s in letter["signatures"]] == ["personal", "organisation"]
    for key in ("field", "signer", "role", "level", "indication", "sub_indication", "intact",
                "trusted", "covers_whole_file"):  # fmt: skip
        assert key in letter["signatures"][0]
    for finding in letter["findings"]:
        assert set(finding) == {"code", "level", "signature", "message_vi", "message_en"}
    assert "2 documents" in result.stderr or "2 văn bản" in result.stderr


def test_a_non_compliant_document_exits_3_and_names_the_code(folder):
    result = edoc("--lang", "en", "verify", str(folder / "unsigned.pdf"), *trust(folder))
    assert result.exit_code == 3
    assert "NON-COMPLIANT" in result.stdout
    assert "VN_NO_SIGNATURE" in result.stdout


def test_an_unreadable_file_exits_1_and_the_batch_goes_on(folder):
    result = edoc(
        "verify", str(folder / "broken.pdf"), str(folder / "docs" / "a-signed.pdf"),
        "--json", *trust(folder),
    )  # fmt: skip
    assert result.exit_code == 1
    broken, signed = (json.loads(line) for line in result.stdout.splitlines())
    assert broken["verdict"] == "error" and "broken.pdf" in broken["file"]
    assert broken["error"]["message_vi"] and broken["error"]["message_en"]
    assert signed["verdict"] == "compliant"
    assert "Traceback" not in result.output


def test_the_readable_report_is_vietnamese_by_default_and_says_who_signed(folder):
    result = edoc("verify", str(folder / "docs" / "a-signed.pdf"), *trust(folder))
    assert result.exit_code == 0
    assert "HỢP LỆ" in result.stdout and "Chữ ký đúng (TOTAL_PASSED)" in result.stdout
    assert "Phạm Thu Hương (CCCD:001182000262), cá nhân" in result.stdout
    assert "giờ Việt Nam" in result.stdout


def test_the_html_report_shows_the_same_content(folder, tmp_path):
    out = tmp_path / "report.html"
    result = edoc(
        "--lang", "en", "verify", str(folder / "docs"), str(folder / "unsigned.pdf"),
        "--recursive", "--html", str(out), *trust(folder),
    )  # fmt: skip
    assert result.exit_code == 3
    page = out.read_text("utf-8")
    assert page.startswith("<!doctype html>") and "http" not in page.split("<body>")[1]
    assert "Phạm Thu Hương" in page and "VN_NO_SIGNATURE" in page
    assert "NON-COMPLIANT" in page and "COMPLIANT: 2" in page


def test_a_bad_policy_is_a_one_line_error_naming_the_file(folder, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text("[checks]\nSIG_INTEGRITY = 'sometimes'\n")
    result = edoc("--lang", "en", "verify", str(folder / "unsigned.pdf"), "--policy", str(policy))
    assert result.exit_code == 1
    assert str(policy) in result.stderr and "SIG_INTEGRITY" in result.stderr
    assert "Traceback" not in result.output


def test_usage_errors_exit_2(folder):
    assert edoc("verify").exit_code == 2
    assert edoc("verify", str(folder / "unsigned.pdf"), "--revocation", "maybe").exit_code == 2


def test_mutated_copies_of_a_signed_pdf_give_one_json_line_each_and_no_traceback(folder, tmp_path):
    """A batch over hostile copies (bytes changed at random, and a field name /T made of
    bytes that are no PDF text string, which once stopped the batch with a TypeError) is one
    result per file: the batch never stops."""
    signed = (folder / "docs" / "a-signed.pdf").read_bytes()
    name = b"ChuKyCaNhan"
    hex_name = b"<FEFFD8" + b"0" * (len(name) - 6) + b">"  # as long: offsets stay right
    copies = {"field-name.pdf": signed.replace(b"/T (" + name + b")", b"/T " + hex_name, 1)}
    assert copies["field-name.pdf"] != signed
    chance = random.Random(18)
    for n in range(40):
        copy = bytearray(signed)
        for _ in range(chance.randint(1, 20)):
            copy[chance.randrange(len(copy))] = chance.randrange(256)
        copies[f"m{n:02}.pdf"] = bytes(copy)
    for name, data in copies.items():
        (tmp_path / name).write_bytes(data)
    result = edoc("verify", str(tmp_path), "--json", *trust(folder))
    assert result.exit_code in (1, 3) and "Traceback" not in result.output
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["file"].rsplit("/", 1)[-1] for r in reports) == sorted(copies)
    assert {r["verdict"] for r in reports} <= {"non_compliant", "indeterminate", "error"}
    (named,) = [r for r in reports if r["file"].endswith("field-name.pdf")]
    assert named["signatures"][0]["field"].startswith("\\xfe\\xff\\xd8")


def test_whatever_fails_while_verifying_one_file_is_that_files_error(folder, monkeypatch):
    from signing.validation import batch

    def failing_on_broken(document, policy):
        if str(document).endswith("broken.pdf"):
            raise RecursionError("maximum recursion depth exceeded")  # a reader's deep structure
        return verify(document, policy)

    verify = batch.verify_document
    monkeypatch.setattr(batch, "verify_document", failing_on_broken)
    result = edoc(
        "--lang", "en", "verify", str(folder / "broken.pdf"), str(folder / "docs" / "a-signed.pdf"),
        "--json", "--jobs", "1", *trust(folder),
    )  # fmt: skip
    assert result.exit_code == 1 and "Traceback" not in result.output
    broken, signed = (json.loads(line) for line in result.stdout.splitlines())
    assert broken["verdict"] == "error" and "broken.pdf" in broken["file"]
    assert broken["error"]["message_en"] == "Cannot read the PDF: it is damaged or incomplete."
    assert signed["verdict"] == "compliant"
