"""``edoc sign personal | organisation | attachment | copy`` over folders, as scripts run it."""

import io
import json

import pytest
from click.testing import CliRunner
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer

from cli import main
from fixtures.agencies import HA_NOI
from fixtures.documents import appendix, cong_van, quyet_dinh
from fixtures.export import TEST_PASSWORD, write_pki
from fixtures.images import seal_image, signature_image
from fixtures.token import create_token
from signing.roles import Role
from signing.sign.pades import placed_signatures
from tests.support.letters import signed_letter
from tests.support.statuses import pyhanko_statuses
from tests.support.tools import require_tool


def edoc(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["--lang", "en", *args], env=env)


@pytest.fixture(scope="module")
def setup(pki, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sign-cli")
    manifest = write_pki(pki, folder / "pki")
    inbox = folder / "in"
    (inbox / "sub").mkdir(parents=True)
    letter = cong_van(HA_NOI).pdf
    (inbox / "a.pdf").write_bytes(letter)
    (inbox / "b.PDF").write_bytes(letter)
    (inbox / "sub" / "c.pdf").write_bytes(letter)
    (inbox / "notes.txt").write_text("not a document")
    (folder / "signature.png").write_bytes(signature_image(HA_NOI.deputy))
    (folder / "seal.png").write_bytes(seal_image(HA_NOI))

    def p12(name):
        return str(folder / "pki" / manifest["credentials"][name]["pkcs12"])

    return folder, p12


def personal_args(folder, p12, output):
    return [
        "sign", "personal", str(folder / "in"), "--recursive", "-o", str(output),
        "--key", p12("h26-deputy"), "--password-env", "PW",
        "--image", str(folder / "signature.png"), "--json", "--jobs", "2",
    ]  # fmt: skip


def test_personal_then_organisation_over_a_folder_with_two_processes(pki, setup, tmp_path):
    folder, p12 = setup
    result = edoc(*personal_args(folder, p12, tmp_path / "personal"), env={"PW": TEST_PASSWORD})
    assert result.exit_code == 0, result.output
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(o["input"].rsplit("/", 1)[-1] for o in outcomes) == ["a.pdf", "b.PDF", "c.pdf"]
    assert {o["status"] for o in outcomes} == {"signed"}
    assert {o["field"] for o in outcomes} == {"ChuKyCaNhan"}
    assert {o["signer"] for o in outcomes} == {"Phạm Thu Hương"}
    assert (tmp_path / "personal" / "sub" / "c.pdf").exists()
    assert "3 signed, 0 skipped, 0 failed" in result.stderr

    result = edoc(
        "sign", "organisation", str(tmp_path / "personal"), "--recursive",
        "-o", str(tmp_path / "both"), "--key", p12("h26-org"), "--password-env", "PW",
        "--seal", str(folder / "seal.png"), "--json",
        env={"PW": TEST_PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    signed = (tmp_path / "both" / "sub" / "c.pdf").read_bytes()
    assert [p.role for p in placed_signatures(signed)] == [Role.PERSONAL, Role.ORGANISATION]
    assert all(s.intact and s.valid and s.trusted for s in pyhanko_statuses(pki, signed))


def test_running_again_skips_what_is_signed(setup, tmp_path):
    folder, p12 = setup
    args = personal_args(folder, p12, tmp_path / "out")
    assert edoc(*args, env={"PW": TEST_PASSWORD}).exit_code == 0
    before = {p: p.read_bytes() for p in (tmp_path / "out").rglob("*.pdf")}
    again = edoc(*args, env={"PW": TEST_PASSWORD})
    assert again.exit_code == 0
    assert {json.loads(line)["status"] for line in again.stdout.splitlines()} == {"skipped"}
    assert {p: p.read_bytes() for p in (tmp_path / "out").rglob("*.pdf")} == before


def test_a_bad_document_is_reported_and_the_batch_goes_on(setup, tmp_path):
    folder, p12 = setup
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "good.pdf").write_bytes(cong_van(HA_NOI).pdf)
    (mixed / "broken.pdf").write_bytes(b"%PDF-1.7 this is not really a PDF")
    (mixed / "other-signer.pdf").write_bytes(quyet_dinh(HA_NOI).pdf)
    result = edoc(
        "sign", "personal", str(mixed), "-o", str(tmp_path / "out"), "--key", p12("h26-deputy"),
        "--password-env", "PW", "--image", str(folder / "signature.png"), "--json",
        env={"PW": TEST_PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 1
    by_name = {
        json.loads(line)["input"].rsplit("/", 1)[-1]: json.loads(line)
        for line in result.stdout.splitlines()
    }
    assert by_name["good.pdf"]["status"] == "signed"
    assert by_name["broken.pdf"]["status"] == "error"
    assert "broken.pdf" in by_name["broken.pdf"]["error"]
    assert "is not printed in the document" in by_name["other-signer.pdf"]["error"]
    assert not (tmp_path / "out" / "broken.pdf").exists()


def test_wrong_password_fails_once_before_any_document(setup, tmp_path):
    folder, p12 = setup
    result = edoc(*personal_args(folder, p12, tmp_path / "out"), env={"PW": "wrong"})
    assert result.exit_code == 1
    assert result.stderr.count("Wrong password") == 1
    assert not (tmp_path / "out").exists()


def test_attachment_and_copy_commands(pki, setup, tmp_path):
    _, p12 = setup
    annexes = tmp_path / "annexes"
    annexes.mkdir()
    (annexes / "phu-luc.pdf").write_bytes(appendix(HA_NOI).pdf)
    common = ["--key", p12("h26-org"), "--password-env", "PW", "--json"]
    attached = edoc(
        "sign", "attachment", str(annexes), "-o", str(tmp_path / "a"), "--code", "1234/UBND-KT",
        *common, env={"PW": TEST_PASSWORD},
    )  # fmt: skip
    copied = edoc(
        "sign", "copy", str(annexes), "-o", str(tmp_path / "c"), "--copy-form", "TRÍCH SAO",
        *common, env={"PW": TEST_PASSWORD},
    )  # fmt: skip
    for result, folder_name in ((attached, "a"), (copied, "c")):
        assert result.exit_code == 0, result.output
        signed = (tmp_path / folder_name / "phu-luc.pdf").read_bytes()
        (status,) = pyhanko_statuses(pki, signed)
        assert status.intact and status.valid


def test_personal_signature_with_a_token_through_the_cli(pki, setup, tmp_path):
    require_tool("softhsm2-util", "softhsm2")
    require_tool("pkcs11-tool", "opensc")
    folder, _ = setup
    token = create_token(tmp_path / "token", [pki["h26-deputy"]])
    single = tmp_path / "single"
    single.mkdir()
    (single / "a.pdf").write_bytes(cong_van(HA_NOI).pdf)
    result = edoc(
        "sign", "personal", str(single), "-o", str(tmp_path / "out"),
        "--pkcs11-lib", str(token.module), "--token-label", token.label,
        "--key-label", "h26-deputy", "--password-env", "PIN",
        "--image", str(folder / "signature.png"), "--json", "--jobs", "1",
        env={"PIN": token.user_pin, **token.environment},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    signed = (tmp_path / "out" / "a.pdf").read_bytes()
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert embedded.signer_cert.subject.native["common_name"] == "Phạm Thu Hương"


def test_two_positions_at_once_is_a_usage_error(setup, tmp_path):
    folder, p12 = setup
    result = edoc(
        *personal_args(folder, p12, tmp_path / "out"), "--field", "X", "--anchor", "Y",
        env={"PW": TEST_PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 2


def test_ltv_signing_through_the_cli(pki, pki_server, setup, tmp_path):
    folder, p12 = setup
    single = tmp_path / "single"
    single.mkdir()
    (single / "a.pdf").write_bytes(cong_van(HA_NOI).pdf)
    common = [
        "sign", "personal", str(single), "-o", str(tmp_path / "out"), "--key", p12("h26-deputy"),
        "--password-env", "PW", "--image", str(folder / "signature.png"), "--json",
        "--tsa", pki.tsa_url, "--ltv",
    ]  # fmt: skip
    assert edoc(*common, env={"PW": TEST_PASSWORD}).exit_code == 2
    result = edoc(*common, "--trust", str(folder / "pki" / "trust"), env={"PW": TEST_PASSWORD})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["level"] == "B-LT"
    reader = PdfFileReader(io.BytesIO((tmp_path / "out" / "a.pdf").read_bytes()))
    assert "/DSS" in reader.root


def test_password_from_a_file_or_a_prompt(setup, tmp_path):
    folder, p12 = setup
    single = tmp_path / "single"
    single.mkdir()
    (single / "a.pdf").write_bytes(cong_van(HA_NOI).pdf)
    password_file = tmp_path / "password"
    password_file.write_text(TEST_PASSWORD + "\n")
    common = [
        "sign", "personal", str(single), "--key", p12("h26-deputy"),
        "--image", str(folder / "signature.png"), "--json",
    ]  # fmt: skip
    from_file = edoc(*common, "-o", str(tmp_path / "f"), "--password-file", str(password_file))
    assert from_file.exit_code == 0, from_file.output
    prompted = CliRunner().invoke(
        main, ["--lang", "en", *common, "-o", str(tmp_path / "p")], input=TEST_PASSWORD + "\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert TEST_PASSWORD not in prompted.stdout
    assert json.loads(prompted.stdout.splitlines()[-1])["status"] == "signed"


def _encrypted(pdf: bytes) -> bytes:
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf)))
    writer.encrypt("mật khẩu", "mật khẩu")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _tampered(pdf: bytes) -> bytes:
    """``pdf`` with a byte its signatures cover changed (as an attacker or a bad disk would)."""
    at = pdf.index(b"stream") + 20
    return pdf[:at] + bytes([pdf[at] ^ 0xFF]) + pdf[at + 1 :]


#: Each kind of batch: the key it signs with and what else it needs.
KINDS = {
    "personal": ("h26-deputy", ["--image", "signature.png"]),
    "organisation": ("h26-org", ["--seal", "seal.png", "--allow-missing-personal"]),
    "attachment": ("h26-org", ["--code", "1234/UBND-KT"]),
    "copy": ("h26-org", []),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_bad_file_of_a_batch_is_one_error_in_words_and_the_rest_is_signed(
    pki, setup, tmp_path, kind, lang
):
    folder, p12 = setup
    letter = cong_van(HA_NOI).pdf
    _, signed = signed_letter(pki)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    bad = {
        "random.pdf": bytes(range(256)) * 20,
        "truncated.pdf": letter[: len(letter) // 2],
        "empty.pdf": b"",
        "encrypted.pdf": _encrypted(letter),
        "tampered.pdf": _tampered(signed),
    }
    for name, data in {"good.pdf": letter, **bad}.items():
        (mixed / name).write_bytes(data)
    (mixed / "folder.pdf").mkdir()  # not a document: not in the batch
    key, extra = KINDS[kind]
    extra = [str(folder / a) if a.endswith(".png") else a for a in extra]
    result = CliRunner().invoke(
        main,
        ["--lang", lang, "sign", kind, str(mixed), "-o", str(tmp_path / "out"), "--key", p12(key),
         "--password-env", "PW", "--json", *extra],
        env={"PW": TEST_PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # an error among them
    assert "Traceback" not in result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    by_name = {line["input"].rsplit("/", 1)[-1]: line for line in lines}
    assert sorted(by_name) == sorted(["good.pdf", *bad])  # one line per document
    assert by_name["good.pdf"]["status"] == "signed"
    for name in bad:
        outcome = by_name[name]
        assert outcome["status"] == "error", outcome
        assert outcome["error"].startswith(str(mixed / name) + ": ")
        assert outcome["error_vi"].startswith(str(mixed / name) + ": ")
    said = by_name["tampered.pdf"]["error_vi" if lang == "vi" else "error"]
    assert ("không còn nguyên vẹn" if lang == "vi" else "no longer intact") in said
    encrypted = by_name["encrypted.pdf"]["error_vi" if lang == "vi" else "error"]
    assert ("mật khẩu" if lang == "vi" else "password") in encrypted
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.pdf"]
    summary = "1 đã ký, 0 bỏ qua, 5 lỗi" if lang == "vi" else "1 signed, 0 skipped, 5 failed"
    assert summary in result.stderr


def test_a_file_a_reader_chokes_on_while_signing_is_that_files_error(setup, tmp_path):
    folder, p12 = setup
    letter = cong_van(HA_NOI).pdf
    at = letter.index(b"/Parent")  # the page's dictionary: a key that is no name before it
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "choking.pdf").write_bytes(letter[: at - 1] + b"\x9b" + letter[at:])
    (mixed / "good.pdf").write_bytes(letter)
    result = edoc(
        "sign", "personal", str(mixed), "-o", str(tmp_path / "out"), "--key", p12("h26-deputy"),
        "--password-env", "PW", "--image", str(folder / "signature.png"), "--json",
        "--jobs", "1", env={"PW": TEST_PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 1 and "Traceback" not in result.output
    choking, good = (json.loads(line) for line in result.stdout.splitlines())
    assert choking["status"] == "error"
    damaged = "Cannot read the PDF: it is damaged or incomplete."
    assert choking["error"] == f"{mixed / 'choking.pdf'}: {damaged}"
    assert good["status"] == "signed"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.pdf"]
