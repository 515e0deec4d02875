"""Personal and organisation PAdES signatures: valid, placed as Nghị định 30 says, or refused."""

import io
import subprocess

import pytest
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields

from edoc.errors import SigningError
from edoc.timezone import to_vietnam
from fixtures.agencies import HA_NOI
from fixtures.documents import appendix, cong_van
from fixtures.images import seal_image, signature_image
from fixtures.token import create_token
from signing.baseline import Level
from signing.geometry import Box
from signing.roles import Role
from signing.sign.keys import open_token_key
from signing.sign.pades import (
    Options,
    placed_signatures,
    sign_attachment,
    sign_copy,
    sign_organisation,
    sign_personal,
)
from signing.sign.position import Anchor, Field
from tests.support.keys import key_of
from tests.support.statuses import pyhanko_statuses
from tests.support.tools import require_tool


@pytest.fixture(scope="module")
def letter():
    return cong_van(HA_NOI)


@pytest.fixture(scope="module")
def signed_twice(pki, letter):
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    personal = sign_personal(
        letter.pdf, key_of(pki, "h26-deputy"), signature_image(HA_NOI.deputy), area
    ).pdf
    both = sign_organisation(personal, key_of(pki, "h26-org"), seal_image(HA_NOI)).pdf
    return personal, both


def test_both_signatures_are_intact_trusted_pades_and_the_personal_one_survives(pki, signed_twice):
    personal_only, both = signed_twice
    (alone,) = pyhanko_statuses(pki, personal_only)
    assert alone.intact and alone.valid and alone.trusted
    first, second = pyhanko_statuses(pki, both)
    for status in (first, second):
        assert status.intact and status.valid and status.trusted
        assert status.md_algorithm == "sha256"
    assert first.signing_cert.subject.native["common_name"] == "Phạm Thu Hương"
    assert second.signing_cert.subject.native["common_name"] == HA_NOI.name
    assert second.coverage.name == "ENTIRE_FILE"
    assert first.modification_level.name in ("FORM_FILLING", "LTA_UPDATES")
    reader = PdfFileReader(io.BytesIO(both))
    for embedded in reader.embedded_signatures:
        assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert both.startswith(personal_only)


def test_the_signatures_know_their_roles_and_fields(signed_twice):
    _, both = signed_twice
    placed = placed_signatures(both)
    assert [(p.field, p.role) for p in placed] == [
        ("ChuKyCaNhan", Role.PERSONAL),
        ("ChuKyCoQuan", Role.ORGANISATION),
    ]


def test_personal_image_sits_in_the_signer_block(letter, signed_twice):
    _, both = signed_twice
    personal = placed_signatures(both)[0].box
    x1, y1, x2, y2 = letter.signer_block.signature_box
    assert personal.page == letter.signer_block.page
    assert x1 <= personal.x1 < personal.x2 <= x2
    assert y1 <= personal.y1 < personal.y2 <= y2
    assert abs((personal.x1 + personal.x2) / 2 - (x1 + x2) / 2) < 1


def test_anchor_on_the_signer_name_finds_the_free_space_of_the_block(pki, letter):
    signed = sign_personal(
        letter.pdf,
        key_of(pki, "h26-deputy"),
        signature_image(HA_NOI.deputy),
        Anchor(HA_NOI.deputy.full_name),
    ).pdf
    placed = placed_signatures(signed)[0].box
    x1, y1, x2, y2 = letter.signer_block.signature_box
    assert placed.page == letter.signer_block.page
    assert y1 - 3 <= placed.y1 < placed.y2 <= y2 + 3
    assert x1 <= placed.x1 < placed.x2 <= x2
    (status,) = pyhanko_statuses(pki, signed)
    assert status.intact and status.valid


def test_an_anchor_that_is_not_printed_is_a_clear_error(pki, letter):
    with pytest.raises(SigningError) as error:
        sign_personal(
            letter.pdf, key_of(pki, "h26-deputy"), signature_image(HA_NOI.deputy),
            Anchor("Nguyễn Không Có"),
        )  # fmt: skip
    assert "'Nguyễn Không Có' is not printed" in error.value.message_en


def _render(pdf: bytes, page: int, dpi: int, tmp_path) -> Image.Image:
    require_tool("pdftoppm", "poppler-utils")
    source = tmp_path / "signed.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
         str(source), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    return Image.open(tmp_path / "page.png").convert("RGB")


def _pixels(image: Image.Image, box: Box, page_height: float, dpi: int, test) -> int:
    scale = dpi / 72
    left, right = int(box.x1 * scale), int(box.x2 * scale)
    top, bottom = int((page_height - box.y2) * scale), int((page_height - box.y1) * scale)
    return sum(
        1 for x in range(left, right) for y in range(top, bottom) if test(*image.getpixel((x, y)))
    )


def red(r: int, g: int, b: int) -> bool:
    return r > 150 and g < 100 and b < 100


def blue(r: int, g: int, b: int) -> bool:
    return b > 120 and r < 100 and g < 120


def test_rendered_seal_is_red_and_covers_the_left_third_of_the_signature(signed_twice, tmp_path):
    _, both = signed_twice
    personal = placed_signatures(both)[0].box
    dpi = 100
    page = _render(both, personal.page, dpi, tmp_path)
    page_height = page.height * 72 / dpi
    third = personal.width / 3
    left = Box(personal.page, personal.x1, personal.y1, personal.x1 + third, personal.y2)
    middle = Box(personal.page, personal.x1 + third, personal.y1, personal.x2 - third, personal.y2)
    right = Box(personal.page, personal.x2 - third, personal.y1, personal.x2, personal.y2)
    assert _pixels(page, left, page_height, dpi, red) > 200
    assert _pixels(page, right, page_height, dpi, red) == 0
    assert (
        _pixels(page, middle, page_height, dpi, blue) + _pixels(page, right, page_height, dpi, blue)
        > 100
    )


def test_organisation_signature_without_a_personal_one_is_refused(pki, letter):
    with pytest.raises(SigningError) as error:
        sign_organisation(letter.pdf, key_of(pki, "h26-org"), seal_image(HA_NOI))
    assert "no personal signature" in error.value.message_en
    assert "chưa có chữ ký số" in error.value.message_vi


def test_allowed_missing_personal_is_signed_and_marked(pki, letter):
    signed = sign_organisation(
        letter.pdf, key_of(pki, "h26-org"), seal_image(HA_NOI), allow_missing_personal=True
    ).pdf
    (embedded,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert "no personal digital signature" in embedded.sig_object["/Reason"]
    (status,) = pyhanko_statuses(pki, signed)
    assert status.intact and status.valid


@pytest.mark.parametrize(
    ("signing", "name", "message"),
    [
        ("personal", "h26-org", "not a personal certificate"),
        ("organisation", "h26-leader", "not an organisation certificate"),
        ("personal", "bad-rsa1024", "below the floor of 2048"),
    ],
)
def test_wrong_certificates_and_weak_keys_are_refused(
    pki, letter, signed_twice, signing, name, message
):
    key = key_of(pki, name)
    with pytest.raises(SigningError) as error:
        if signing == "personal":
            area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
            sign_personal(letter.pdf, key, signature_image(HA_NOI.leader), area)
        else:
            sign_organisation(signed_twice[0], key, seal_image(HA_NOI))
    assert message in error.value.message_en


def test_b_t_signature_carries_a_timestamp_from_the_tsa(pki, pki_server, letter):
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    signed = sign_personal(
        letter.pdf,
        key_of(pki, "h26-deputy"),
        signature_image(HA_NOI.deputy),
        area,
        Options(Level.B_T, pki.tsa_url),
    ).pdf
    (status,) = pyhanko_statuses(pki, signed)
    assert status.intact and status.valid
    assert status.timestamp_validity is not None
    assert status.timestamp_validity.intact


def test_b_lt_signature_embeds_revocation_data_in_a_dss(pki, pki_server, letter):
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    signed = sign_personal(
        letter.pdf,
        key_of(pki, "h26-deputy"),
        signature_image(HA_NOI.deputy),
        area,
        Options(Level.B_LT, pki.tsa_url, pki.trust_anchors),
    ).pdf
    reader = PdfFileReader(io.BytesIO(signed))
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 3
    assert len(dss.get("/OCSPs", [])) + len(dss.get("/CRLs", [])) >= 2
    (status,) = pyhanko_statuses(pki, signed)
    assert status.intact and status.valid and status.trusted


def test_b_lt_of_a_revoked_certificate_is_refused(pki, pki_server, letter):
    revoked = key_of(pki, "bad-revoked")
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    with pytest.raises(SigningError, match="Cannot validate the certificate") as error:
        sign_personal(
            letter.pdf, revoked, signature_image(HA_NOI.deputy), area,
            Options(Level.B_LT, pki.tsa_url, pki.trust_anchors),
        )  # fmt: skip
    assert "revoked" in error.value.message_en.lower()


def test_b_t_without_a_tsa_is_refused(pki, letter):
    area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
    with pytest.raises(SigningError, match="B-T"):
        sign_personal(
            letter.pdf, key_of(pki, "h26-deputy"), signature_image(HA_NOI.deputy), area,
            Options(Level.B_T),
        )  # fmt: skip


def test_personal_signature_with_a_key_on_a_token(pki, letter, tmp_path, monkeypatch):
    require_tool("softhsm2-util", "softhsm2")
    require_tool("pkcs11-tool", "opensc")
    token = create_token(tmp_path, [pki["h26-deputy"]])
    monkeypatch.setenv("SOFTHSM2_CONF", str(token.config))
    key = open_token_key(token.module, token.label, "h26-deputy", token.user_pin)
    try:
        area = Box(letter.signer_block.page, *letter.signer_block.signature_box)
        signed = sign_personal(letter.pdf, key, signature_image(HA_NOI.deputy), area).pdf
    finally:
        key.private_key.close()
    (status,) = pyhanko_statuses(pki, signed)
    assert status.intact and status.valid


def _stamp_text(pdf: bytes, tmp_path) -> str:
    require_tool("pdftotext", "poppler-utils")
    source = tmp_path / "stamped.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(source), "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def _appearance(pdf: bytes) -> bytes:
    (embedded,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return embedded.sig_field["/AP"]["/N"].data


def test_attachment_stamp_shows_number_and_vietnam_signing_time_top_right(pki, tmp_path):
    annex = appendix(HA_NOI)
    signed = sign_attachment(annex.pdf, key_of(pki, "h26-org"), annex.code).pdf
    (status,) = pyhanko_statuses(pki, signed)
    assert status.intact and status.valid and status.trusted
    signing_time = to_vietnam(status.signer_reported_dt).isoformat(timespec="seconds")
    assert signing_time.endswith("+07:00")
    text = _stamp_text(signed, tmp_path)
    assert "1234/UBND-KT" in text
    assert signing_time in text
    (placed,) = placed_signatures(signed)
    assert placed.box.page == 1
    assert placed.box.x2 > 595 - 20 * 72 / 25.4 and placed.box.y2 > 842 - 25 * 72 / 25.4
    stream = _appearance(signed)
    assert b" 10 Tf" in stream
    assert b"0 0 0 rg" in stream


def test_copy_stamp_names_the_copy_form_and_the_agency(pki, tmp_path):
    annex = appendix(HA_NOI)
    signed = sign_copy(annex.pdf, key_of(pki, "h26-org"), "SAO Y", HA_NOI.name).pdf
    text = _stamp_text(signed, tmp_path)
    assert "SAO Y" in text
    assert HA_NOI.name in text
    (status,) = pyhanko_statuses(pki, signed)
    assert status.intact and status.valid


def test_stamps_need_an_organisation_certificate(pki):
    annex = appendix(HA_NOI)
    with pytest.raises(SigningError, match="not an organisation certificate"):
        sign_attachment(annex.pdf, key_of(pki, "h26-leader"), annex.code)


@pytest.fixture(scope="module")
def with_field(letter):
    """The letter with an empty signature field over its signer block, as some editors make."""
    writer = IncrementalPdfFileWriter(io.BytesIO(letter.pdf))
    box = letter.signer_block.signature_box
    spec = fields.SigFieldSpec("ChuKyLanhDao", on_page=letter.signer_block.page - 1, box=box)
    fields.append_signature_field(writer, spec)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_personal_signature_fills_the_documents_own_empty_field(pki, letter, with_field):
    signed = sign_personal(
        with_field, key_of(pki, "h26-deputy"), signature_image(HA_NOI.deputy),
        Field("ChuKyLanhDao"),
    ).pdf  # fmt: skip
    (placed,) = placed_signatures(signed)
    assert placed.field == "ChuKyLanhDao"
    assert placed.box.rect == pytest.approx(letter.signer_block.signature_box, abs=0.01)
    (status,) = pyhanko_statuses(pki, signed)
    assert status.intact and status.valid
    with pytest.raises(SigningError, match="already signed"):
        sign_personal(
            signed, key_of(pki, "h26-deputy"), signature_image(HA_NOI.deputy),
            Field("ChuKyLanhDao"),
        )  # fmt: skip


def test_a_missing_field_is_a_clear_error(pki, letter):
    with pytest.raises(SigningError, match="no empty signature field 'Nope'"):
        sign_personal(
            letter.pdf, key_of(pki, "h26-deputy"), signature_image(HA_NOI.deputy), Field("Nope")
        )
