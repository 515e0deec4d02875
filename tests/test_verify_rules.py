"""The rules of Nghị định 30 on what a signed document shows, and the changes after signing
that must (and must not) be reported, on documents made by our own code and by other tools."""

import io

import pytest
from PIL import Image
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import NameObject, pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from fixtures.agencies import HA_NOI
from fixtures.documents import appendix, cong_van, scanned
from fixtures.images import seal_image
from signing.sign.pades import sign_attachment, sign_copy, sign_organisation
from signing.sign.signer import signer_for
from signing.validation.checks import Severity
from signing.validation.policy import DEFAULT_POLICY
from signing.validation.report import Verdict
from signing.validation.verify import verify_document
from tests.support.keys import key_of
from tests.support.letters import signed_letter


@pytest.fixture(scope="module")
def policy(pki):
    return DEFAULT_POLICY.with_options(pki.trust_anchors, "off")


@pytest.fixture(scope="module")
def letter():
    return cong_van(HA_NOI)


@pytest.fixture(scope="module")
def signed(pki):
    return signed_letter(pki)


@pytest.fixture(scope="module")
def personal(signed):
    return signed[0]


@pytest.fixture(scope="module")
def both(signed):
    return signed[1]


def problems(report) -> set[str]:
    """The codes a clerk must act on: errors and warnings."""
    return {f.code for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING)}


def other_tool_signature(pdf: bytes, key, box: tuple, page: int = 0, image=None, text=None):
    """A signature made by another tool (plain pyHanko), placed and drawn as it likes."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    name = f"Other{len(pdf)}"
    fields.append_signature_field(writer, fields.SigFieldSpec(name, on_page=page, box=box))
    if image is not None:
        style = StaticStampStyle(background=PdfImage(Image.open(io.BytesIO(image)), writer=writer))
    else:
        style = TextStampStyle(stamp_text=text or "")
    meta = signers.PdfSignatureMetadata(field_name=name, subfilter=fields.SigSeedSubFilter.PADES)
    out = io.BytesIO()
    signers.PdfSigner(meta, signer_for(key), stamp_style=style).sign_pdf(writer, output=out)
    return out.getvalue()


def test_a_scanned_paper_original_signed_only_by_the_agency(pki, policy):
    paper = scanned(HA_NOI).pdf
    seal = sign_organisation(
        paper, key_of(pki, "h26-org"), seal_image(HA_NOI), allow_missing_personal=True
    ).pdf
    report = verify_document(seal, policy)
    assert report.verdict is Verdict.NON_COMPLIANT
    assert problems(report) == {"VN_MISSING_PERSONAL", "VN_SCANNED_ORIGINAL"}


def test_a_personal_signature_without_image_is_named(pki, letter, policy):
    invisible = other_tool_signature(letter.pdf, key_of(pki, "h26-deputy"), (0, 0, 0, 0))
    both = sign_organisation(
        invisible, key_of(pki, "h26-org"), seal_image(HA_NOI), allow_missing_personal=True
    ).pdf
    report = verify_document(both, policy)
    finding = next(f for f in report.findings if f.code == "VN_PERSONAL_APPEARANCE")
    assert finding.signature == report.signatures[0].field
    assert "invisible" in finding.message.en and "ẩn" in finding.message.vi


def test_a_seal_away_from_the_personal_signature_is_named(pki, personal, policy):
    far = other_tool_signature(
        personal, key_of(pki, "h26-org"), (60, 60, 160, 160), image=seal_image(HA_NOI)
    )
    report = verify_document(far, policy)
    assert problems(report) == {"VN_SEAL_APPEARANCE"}
    assert report.verdict is Verdict.COMPLIANT  # a warning by default
    strict = verify_document(far, policy.with_options())
    assert (
        "left third"
        in next(f for f in strict.findings if f.code == "VN_SEAL_APPEARANCE").message.en
    )


def test_our_attachment_and_copy_stamps_pass(pki, policy):
    annex = appendix(HA_NOI).pdf
    for signed in (
        sign_attachment(annex, key_of(pki, "h26-org"), "12/UBND-KT").pdf,
        sign_copy(annex, key_of(pki, "h26-org"), "SAO Y", "Văn phòng UBND").pdf,
    ):
        report = verify_document(signed, policy)
        assert report.verdict is Verdict.COMPLIANT, problems(report)
        assert problems(report) == set()


@pytest.mark.parametrize(
    "box, text, problem",
    [
        ((40, 40, 240, 80), "12/UBND-KT\n2026-11-23T10:15:30+07:00", "top right"),
        ((380, 760, 580, 820), "12/UBND-KT", "ISO 8601"),
        ((380, 760, 580, 820), "Phụ lục\n2026-11-23T10:15:30+07:00", "number"),
    ],
)
def test_a_faulty_attachment_stamp_is_named(pki, policy, box, text, problem):
    stamped = other_tool_signature(appendix(HA_NOI).pdf, key_of(pki, "h26-org"), box, text=text)
    report = verify_document(stamped, policy)
    assert problems(report) == {"VN_ATTACHMENT_STAMP"}
    finding = next(f for f in report.findings if f.code == "VN_ATTACHMENT_STAMP")
    assert problem in finding.message.en


def _incremental(pdf: bytes, change) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _replace_page_content(writer):
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (DA SUA) Tj ET")
    page[pdf_name("/Contents")] = writer.add_object(stream)
    writer.update_container(page)


def _cover_with_annotation(writer):
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    annotation = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Square"),
            pdf_name("/Rect"): generic.ArrayObject(map(generic.FloatObject, (50, 500, 550, 800))),
            pdf_name("/IC"): generic.ArrayObject(map(generic.FloatObject, (1, 1, 1))),
        }
    )
    annotations = page.get("/Annots", generic.ArrayObject())
    annotations.append(writer.add_object(annotation))
    page[NameObject("/Annots")] = annotations
    writer.update_container(page)


@pytest.mark.parametrize(
    "change", [_replace_page_content, _cover_with_annotation], ids=["content", "annotation"]
)
def test_changes_after_both_signatures_are_reported_on_both(both, policy, change):
    report = verify_document(_incremental(both, change), policy)
    assert report.verdict is Verdict.NON_COMPLIANT
    modified = {f.signature for f in report.findings if f.code == "SIG_MODIFIED"}
    assert modified == {s.field for s in report.signatures}


def test_a_later_signature_is_not_a_modification(pki, both, policy):
    third = other_tool_signature(
        both, key_of(pki, "g22-org"), (400, 40, 560, 100), text="Đã nhận %(ts)s"
    )
    report = verify_document(third, policy)
    assert not {"SIG_MODIFIED", "SIG_INTEGRITY"} & {f.code for f in report.findings}
    assert len(report.signatures) == 3
