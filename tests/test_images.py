"""Signature images are blue ink on nothing; seals are red, round and at their real size."""

import io
import math

import pytest
from PIL import Image

from fixtures.agencies import AGENCIES, HA_NOI, VPCP
from fixtures.images import seal_image, signature_image


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return image


def _corners(image: Image.Image) -> list[tuple[int, int]]:
    right, bottom = image.width - 1, image.height - 1
    return [(0, 0), (right, 0), (0, bottom), (right, bottom)]


def _inked(image: Image.Image) -> list[tuple[int, int, int, int]]:
    return [pixel for pixel in image.get_flattened_data() if pixel[3] > 128]


@pytest.mark.parametrize("person", [p for a in AGENCIES for p in a.people], ids=lambda p: p.key)
def test_signature_is_blue_ink_on_a_transparent_background(person) -> None:
    image = _open(signature_image(person))
    assert image.mode == "RGBA"
    assert all(image.getpixel(corner)[3] == 0 for corner in _corners(image))
    inked = _inked(image)
    assert len(inked) > 0.03 * image.width * image.height
    blue = [p for p in inked if p[2] > p[0] + 80 and p[2] > p[1] + 80]
    assert len(blue) > 0.95 * len(inked)


def test_signature_is_50_by_20_mm_with_its_dpi_recorded() -> None:
    image = _open(signature_image(HA_NOI.leader, dpi=200))
    assert image.size == (round(50 / 25.4 * 200), round(20 / 25.4 * 200))
    assert tuple(round(d) for d in image.info["dpi"]) == (200, 200)


def test_signatures_differ_between_people_and_stay_the_same_for_one() -> None:
    leader, deputy = HA_NOI.people
    assert signature_image(leader) == signature_image(leader)
    first = _open(signature_image(leader)).getchannel("A")
    second = _open(signature_image(deputy)).getchannel("A")
    differing = sum(
        1
        for a, b in zip(first.get_flattened_data(), second.get_flattened_data(), strict=True)
        if a != b
    )
    assert differing > 0.02 * first.width * first.height


@pytest.mark.parametrize(("diameter_mm", "dpi"), [(36.0, 300), (40.0, 200)])
def test_seal_has_its_real_size_and_dpi(diameter_mm, dpi) -> None:
    image = _open(seal_image(HA_NOI, diameter_mm=diameter_mm, dpi=dpi))
    expected = diameter_mm / 25.4 * dpi
    assert image.width == image.height
    assert image.width == pytest.approx(expected, rel=0.02)
    assert tuple(round(d) for d in image.info["dpi"]) == (dpi, dpi)
    alpha = image.getchannel("A")
    columns = [x for x in range(image.width) if alpha.getpixel((x, image.height // 2)) > 128]
    assert max(columns) - min(columns) + 1 == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("agency", AGENCIES, ids=lambda agency: agency.key)
def test_seal_is_red_and_round(agency) -> None:
    image = _open(seal_image(agency))
    assert image.mode == "RGBA"
    assert all(image.getpixel(corner)[3] == 0 for corner in _corners(image))
    inked = _inked(image)
    red = [p for p in inked if p[0] > p[1] + 120 and p[0] > p[2] + 120]
    assert len(red) > 0.95 * len(inked)
    radius = image.width / 2
    outside = [
        image.getpixel((x, y))[3]
        for y in range(image.height)
        for x in range(image.width)
        if math.hypot(x + 0.5 - radius, y + 0.5 - radius) > radius + 1
    ]
    assert outside and max(outside) == 0
    for step in range(12):
        angle = math.tau * step / 12
        ring = [
            image.getpixel(
                (
                    round(radius + r * math.cos(angle)),
                    round(radius + r * math.sin(angle)),
                )
            )[3]
            for r in range(round(radius * 0.9), round(radius) - 1)
        ]
        assert max(ring) > 200, f"no outer ring at {step * 30}°"


def test_seals_carry_their_agency() -> None:
    assert seal_image(VPCP) == seal_image(VPCP)
    assert seal_image(VPCP) != seal_image(HA_NOI)
