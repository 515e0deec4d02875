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
from fixtures.images import seal_image, signature_image
from signing import active
from signing.active import UNCHECKED, active_content
from signing.geometry import Box
from signing.pades import sign_organisation, sign_personal
from signing.policy import DEFAULT_POLICY
from signing.report import Verdict
from signing.verify import verify_document
from tests.support.letters import signed_letter
from tests.test_signing import key_of

#: Where a script is put, and what finds it there.
PLACES = {
    "open": "/OpenAction /JavaScript",  # run when the file opens
    "names": "/Names /JavaScript",  # the document's scripts, run when it opens
    "page": "/AA /JavaScript",  # run when page 1 is shown
    "link": "/A /Launch",  # a link on page 1 that starts a program
    "chain": "/OpenAction /JavaScript",  # an innocent open action, then a script after it
    "submit": "/A /SubmitForm",  # a link that sends the form somewhere
}


def with_script(pdf: bytes, *places: str) -> bytes:
    """``pdf`` with a script (or an action as bad) at each of ``places`` (see PLACES)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))

    def action(kind: str, **entries: generic.PdfObject) -> generic.IndirectObject:
        entries = {f"/{key}": value for key, value in entries.items()}
        return writer.add_object(
            generic.DictionaryObject({"/S": generic.NameObject(kind), **entries})
        )

    def script() -> generic.IndirectObject:
        return action("/JavaScript", JS=generic.TextStringObject("app.alert('edoc')"))

    root = writer.root
    if "open" in places:
        root["/OpenAction"] = script()
    if "chain" in places:
        start = generic.ArrayObject([writer.root["/Pages"]["/Kids"].raw_get(0)])
        root["/OpenAction"] = action("/GoTo", D=start, Next=script())
    if "names" in places:
        tree = generic.DictionaryObject({"/Names": generic.ArrayObject([
            generic.TextStringObject("mo-tep"), script()])})  # fmt: skip
        root["/Names"] = generic.DictionaryObject({"/JavaScript": writer.add_object(tree)})
    writer.update_root()
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    if "page" in places:
        page["/AA"] = generic.DictionaryObject({"/O": script()})
    links = [
        action(kind, F=generic.TextStringObject("calc.exe"))
        for place, kind in (("link", "/Launch"), ("submit", "/SubmitForm"))
        if place in places
    ]
    if links:
        page["/Annots"] = generic.ArrayObject([
            writer.add_object(generic.DictionaryObject({
                "/Type": generic.NameObject("/Annot"), "/Subtype": generic.NameObject("/Link"),
                "/Rect": generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, 99, 99)]),
                "/A": link,
            }))
            for link in links
        ])  # fmt: skip
    writer.mark_update(page_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_with_script(pki) -> bytes:
    """A Hà Nội letter carrying a script at every place, signed by its deputy and the agency
    as any letter (its signatures hold)."""
    letter = cong_van(HA_NOI)
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    pdf = with_script(letter.pdf, *PLACES)
    first = sign_personal(pdf, key_of(pki, "h26-deputy"), signature_image(HA_NOI.deputy), area)
    return sign_organisation(first.pdf, key_of(pki, "h26-org"), seal_image(HA_NOI)).pdf


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
    assert "JavaScript" in note.message_en and "không xem trực tiếp" in note.message_vi
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
    assert "Ghi chú về tệp:" in text.stdout and note.message_vi in text.stdout
    page = (tmp_path / "report.html").read_text()
    assert 'class="note active_content"' in page and note.message_vi in page
    english = CliRunner().invoke(main, ["--lang", "en", *args, "--json"])
    assert json.loads(english.stdout)["notes"] == [note.to_json()]
    assert note.message_en in CliRunner().invoke(main, ["--lang", "en", *args]).stdout
