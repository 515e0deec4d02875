"""Content a PDF viewer may run (JavaScript on opening, on a page, a launched program…),
found without running anything, whatever the file, and told as a note on the file in every
form of the verification report, beside a verdict it does not change."""

import io
import json

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from fixtures.agencies import HA_NOI
from fixtures.documents import cong_van
from fixtures.export import write_pki
from signing.validation import active
from signing.validation.active import UNCHECKED, active_content
from signing.validation.policy import DEFAULT_POLICY
from signing.validation.report import Verdict
from signing.validation.verify import verify_document
from tests.support.letters import signed_letter
from tests.support.scripted_pdfs import PLACES, signed_with_script, with_script


@pytest.fixture(scope="module")
def scripted(pki) -> bytes:
    return signed_with_script(pki)


def test_a_plain_letter_carries_nothing_to_run():
    assert active_content(cong_van(HA_NOI).pdf) == ()


@pytest.mark.parametrize("place", PLACES)
def test_a_script_or_a_program_is_found_where_it_is(place):
    assert active_content(with_script(cong_van(HA_NOI).pdf, place)) == (PLACES[place],)


@pytest.mark.parametrize(
    "data", [b"", b"%PDF-1.7\nnot a PDF body\n", cong_van(HA_NOI).pdf[:2000], b"\x00" * 64]
)
def test_a_file_that_cannot_be_read_is_never_called_clean(data):
    assert active_content(data) == (UNCHECKED,)


def test_a_file_too_large_to_check_entirely_is_not_called_clean(monkeypatch):
    monkeypatch.setattr(active, "MOST_OBJECTS", 5)  # a real letter holds more than five
    assert active_content(cong_van(HA_NOI).pdf) == (UNCHECKED,)


def test_an_action_that_leads_back_to_itself_ends(tmp_path):
    writer = IncrementalPdfFileWriter(io.BytesIO(cong_van(HA_NOI).pdf))
    loop = generic.DictionaryObject({"/S": generic.NameObject("/JavaScript")})
    reference = writer.add_object(loop)
    loop["/Next"] = reference
    writer.root["/OpenAction"] = reference
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    assert active_content(out.getvalue()) == ("/OpenAction /JavaScript",)


def test_the_report_notes_it_and_the_verdict_stands(pki, scripted):
    policy = DEFAULT_POLICY.with_options(pki.trust_anchors, "off")
    report = verify_document(scripted, policy)
    (note,) = report.notes
    assert note.kind == "active_content" and set(note.found) == set(PLACES.values())
    assert "JavaScript" in note.message.en and "không xem trực tiếp" in note.message.vi
    assert report.to_json()["notes"] == [note.to_json()]
    _, plain = signed_letter(pki)  # the same letter, signed the same way, without scripts
    unscripted = verify_document(plain, policy)
    assert unscripted.notes == [] and unscripted.to_json()["notes"] == []
    assert report.verdict == unscripted.verdict == Verdict.COMPLIANT
    assert [f.code for f in report.findings] == [f.code for f in unscripted.findings]


def test_every_form_of_the_report_tells_it(pki, scripted, tmp_path):
    from click.testing import CliRunner

    from cli import main

    write_pki(pki, tmp_path / "pki")
    (tmp_path / "thu.pdf").write_bytes(scripted)
    args = ["verify", str(tmp_path / "thu.pdf"), "--trust", str(tmp_path / "pki" / "trust"),
            "--revocation", "off", "--html", str(tmp_path / "report.html")]  # fmt: skip
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    report = verify_document(scripted, DEFAULT_POLICY.with_options(pki.trust_anchors, "off"))
    (note,) = report.notes
    assert "Ghi chú về tệp:" in text.stdout and note.message.vi in text.stdout
    page = (tmp_path / "report.html").read_text()
    assert 'class="note active_content"' in page and note.message.vi in page
    english = CliRunner().invoke(main, ["--lang", "en", *args, "--json"])
    assert json.loads(english.stdout)["notes"] == [note.to_json()]
    assert note.message.en in CliRunner().invoke(main, ["--lang", "en", *args]).stdout
