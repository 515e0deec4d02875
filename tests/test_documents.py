"""The sample documents read like Vietnamese official documents, with an exact signer block."""

import datetime
import io
import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from fixtures.agencies import AGENCIES, HA_NOI, NGHE_AN, VPCP
from fixtures.documents import (
    APPENDIX_STAMP_BOX,
    MOTTO,
    NATIONAL_TITLE,
    SampleDocument,
    appendix,
    cong_van,
    quyet_dinh,
    scanned,
    write_samples,
)

Run = tuple[str, float, float, float]  # text, x, y of the baseline start, font size


@pytest.fixture(scope="module")
def letter() -> SampleDocument:
    return cong_van(HA_NOI)


@pytest.fixture(scope="module")
def decision() -> SampleDocument:
    return quyet_dinh(NGHE_AN)


@pytest.fixture(scope="module")
def annex() -> SampleDocument:
    return appendix(VPCP)


@pytest.fixture(scope="module")
def scan() -> SampleDocument:
    return scanned(HA_NOI)


def _reader(document: SampleDocument) -> PdfReader:
    return PdfReader(io.BytesIO(document.pdf))


def _text(document: SampleDocument) -> str:
    """All the text pypdf extracts, with every run of white space made one space."""
    return " ".join(" ".join(page.extract_text() for page in _reader(document).pages).split())


def _runs(document: SampleDocument, page_number: int) -> list[Run]:
    """The text runs of a page with where their baselines start on the page."""
    runs: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), x, y, size * tm[3] * cm[3]))

    _reader(document).pages[page_number - 1].extract_text(visitor_text=visit)
    return runs


def _run(runs: list[Run], text: str) -> Run:
    [found] = [run for run in runs if run[0] == text]
    return found


@pytest.mark.parametrize("build", [cong_van, quyet_dinh])
@pytest.mark.parametrize("agency", AGENCIES, ids=lambda agency: agency.key)
def test_vietnamese_text_round_trips(build, agency) -> None:
    document = build(agency)
    text = _text(document)
    signer = document.signer_block
    for phrase in (
        NATIONAL_TITLE,
        MOTTO,
        document.subject,
        signer.full_name,
        signer.position,
        f"Số: {document.code}",
        f"{agency.place}, ngày 23 tháng 11 năm 2026"
        if build is cong_van
        else f"{agency.place}, ngày 20 tháng 11 năm 2026",
    ):
        assert phrase in text


def test_letter_reads_as_a_letter(letter) -> None:
    text = _text(letter)
    assert letter.code == "1234/UBND-KT"
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI" in text
    assert f"V/v {letter.subject}" in text
    assert "Kính gửi:" in text
    assert "Nơi nhận:" in text
    assert "KT. CHỦ TỊCH" in text
    assert "- Như trên;" in text
    assert "- Lưu: VT, KT." in text


def test_decision_has_authority_bases_and_articles(decision) -> None:
    text = _text(decision)
    assert decision.code == "56/QĐ-UBND"
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH NGHỆ AN" in text
    assert "Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023;" in text
    assert "QUYẾT ĐỊNH:" in text
    for article in ("Điều 1.", "Điều 2.", "Điều 3."):
        assert article in text
    assert "chịu trách nhiệm thi hành Quyết định này./." in text


def test_small_day_and_month_take_a_leading_zero() -> None:
    text = _text(cong_van(HA_NOI, date=datetime.date(2027, 2, 5), pages=1))
    assert "Hà Nội, ngày 05 tháng 02 năm 2027" in text


def test_appendix_names_its_letter_and_holds_a_table(annex) -> None:
    text = _text(annex)
    assert annex.signer_block is None
    assert annex.subject in text
    assert "(Kèm theo Công văn số 1234/VPCP-KT ngày 23/11/2026 của Văn phòng Chính phủ)" in text
    for cell in ("Cơ quan, đơn vị", "Mã định danh", "000.00.01.G22", "Vụ Tổ chức cán bộ"):
        assert cell in text


def test_appendix_keeps_the_stamp_area_empty(annex) -> None:
    x1, y1, x2, _ = APPENDIX_STAMP_BOX
    runs = _runs(annex, 1)
    assert runs
    assert all(y + size < y1 for _, _, y, size in runs)
    assert x2 - x1 == pytest.approx(60 / 25.4 * 72)


@pytest.mark.parametrize("build", [cong_van, quyet_dinh])
@pytest.mark.parametrize("pages", [1, 2, 3])
def test_pages_are_respected_and_the_signer_block_is_on_the_last(build, pages) -> None:
    document = build(HA_NOI, pages=pages)
    assert len(_reader(document).pages) == pages
    assert document.signer_block.page == pages
    runs = _runs(document, pages)
    _run(runs, document.signer_block.full_name)


@pytest.mark.parametrize("build", [cong_van, quyet_dinh])
def test_no_pages_is_refused(build) -> None:
    with pytest.raises(ValueError):
        build(HA_NOI, pages=0)


@pytest.mark.parametrize("document", ["letter", "decision"])
def test_signature_box_lies_between_the_title_lines_and_the_name(document, request) -> None:
    document = request.getfixturevalue(document)
    block = document.signer_block
    runs = _runs(document, block.page)
    _, position_x, position_y, position_size = _run(runs, block.position)
    _, name_x, name_y, name_size = _run(runs, block.full_name)
    _, _, competence_y, _ = _run(runs, block.competence)
    bx1, by1, bx2, by2 = block.box
    sx1, sy1, sx2, sy2 = block.signature_box
    assert bx1 <= sx1 < sx2 <= bx2
    assert by1 <= sy1 < sy2 <= by2
    assert sy2 - sy1 == pytest.approx(30 / 25.4 * 72)
    assert competence_y > position_y > sy2 + 0.2 * position_size
    assert sy1 > name_y + 0.7 * name_size
    assert by1 < name_y and competence_y < by2
    assert bx1 < position_x < bx2 and bx1 < name_x < bx2
    inside = [run for run in runs if sx1 <= run[1] <= sx2 and sy1 <= run[2] <= sy2]
    assert not inside


def test_fonts_are_embedded_liberation_serif_subsets(letter, decision, annex) -> None:
    names = set()
    for document in (letter, decision, annex):
        for page in _reader(document).pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                names.add(str(font["/BaseFont"]))
                assert "/FontFile2" in font["/FontDescriptor"]
    assert names
    for name in names:
        assert re.fullmatch(r"/[A-Z]{6}\+LiberationSerif(-Bold|-Italic|-BoldItalic)?", name)
    assert {name.split("+")[1] for name in names} >= {"LiberationSerif", "LiberationSerif-Bold"}


def test_metadata_and_version(letter) -> None:
    reader = _reader(letter)
    assert reader.metadata.title == "Công văn số 1234/UBND-KT"
    assert reader.metadata.author == HA_NOI.name
    assert reader.metadata.subject == letter.subject
    assert reader.pdf_header >= "%PDF-1.4"


def test_scan_has_no_text_at_all(scan) -> None:
    reader = _reader(scan)
    assert "".join(page.extract_text() for page in reader.pages).strip() == ""
    text_operators = {b"BT", b"ET", b"Tj", b"TJ", b"'", b'"', b"Tf"}
    for page in reader.pages:
        operators = {op for _, op in ContentStream(page.get_contents(), reader).operations}
        assert not operators & text_operators


def test_scan_pages_are_colour_images_of_at_least_200_dpi(scan) -> None:
    reader = _reader(scan)
    assert len(reader.pages) == 2
    for page in reader.pages:
        [image] = page.images
        operations = ContentStream(page.get_contents(), reader).operations
        [scale] = [
            matrix
            for (matrix, op), (_, next_op) in itertools.pairwise(operations)
            if op == b"cm" and next_op == b"Do"
        ]
        width_inches, height_inches = float(scale[0]) / 72, float(scale[3]) / 72
        assert width_inches == pytest.approx(210 / 25.4, rel=0.01)
        assert image.image.width / width_inches >= 200
        assert image.image.height / height_inches >= 200
        assert image.image.mode == "RGB"


def test_scan_is_signed_in_blue_and_stamped_in_red_over_the_signer_block(scan) -> None:
    page = _reader(scan).pages[scan.signer_block.page - 1]
    image = page.images[0].image
    scale = image.width / float(page.mediabox.width)
    x1, y1, x2, y2 = scan.signer_block.signature_box
    height = float(page.mediabox.height)
    space = image.crop(
        (
            round(x1 * scale),
            round((height - y2) * scale),
            round(x2 * scale),
            round((height - y1) * scale),
        )
    )
    pixels = list(space.get_flattened_data())
    blue = sum(1 for r, g, b in pixels if b > r + 60 and b > g + 60)
    red = sum(1 for r, g, b in pixels if r > b + 60 and r > g + 60)
    assert blue > 0.01 * len(pixels)
    assert red > 0.01 * len(pixels)
    elsewhere = image.crop((0, 0, image.width, round((height - y2 - 40) * scale)))
    assert not any(b > r + 60 for r, _, b in elsewhere.get_flattened_data())


def test_scan_refuses_low_resolution() -> None:
    with pytest.raises(ValueError):
        scanned(HA_NOI, dpi=150)


def test_pdftotext_reads_the_vietnamese_text(letter, tmp_path) -> None:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) must be installed on CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(letter.pdf)
    output = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(output.split())
    assert NATIONAL_TITLE in text
    assert MOTTO in text
    assert letter.signer_block.full_name in text


def test_write_samples_writes_every_file_atomically_and_deterministically(tmp_path: Path) -> None:
    expected = {
        name
        for agency in AGENCIES
        for name in (
            *(
                f"{agency.key}-{kind}.pdf"
                for kind in ("cong-van", "quyet-dinh", "phu-luc", "scanned")
            ),
            f"{agency.key}-seal.png",
            *(f"{person.key}-signature.png" for person in agency.people),
        )
    }
    first = write_samples(tmp_path)
    assert {path.name for path in first} == expected
    assert {path.name for path in tmp_path.iterdir()} == expected
    before = {path.name: path.read_bytes() for path in first}

    second = write_samples(tmp_path)
    assert second == first
    assert {path.name for path in tmp_path.iterdir()} == expected
    for path in second:
        assert path.read_bytes() == before[path.name], path.name
        if path.suffix == ".pdf":
            assert len(PdfReader(path).pages) >= 1
