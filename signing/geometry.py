"""Rectangles on PDF pages, and where signature images go in them."""

import io
from dataclasses import dataclass

from PIL import Image
from pyhanko.pdf_utils import generic

POINTS_PER_MM = 72 / 25.4


@dataclass(frozen=True)
class Box:
    """A rectangle on a page: 1-based page number, PDF points, origin bottom-left."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (self.x1, self.y1, self.x2, self.y2)


def image_box(area: Box, image: bytes) -> Box:
    """Where an image goes in ``area``: at its real size (from its dpi), shrunk to fit, centred."""
    picture = Image.open(io.BytesIO(image))
    dpi = picture.info.get("dpi", (300, 300))[0] or 300
    width = picture.width / dpi * 72
    height = picture.height / dpi * 72
    scale = min(1.0, area.width / width, area.height / height)
    width, height = width * scale, height * scale
    cx, cy = (area.x1 + area.x2) / 2, (area.y1 + area.y2) / 2
    return Box(area.page, cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)


def seal_box(personal: Box, diameter_mm: float) -> Box:
    """The seal at its real size, its right edge a third into the personal signature image."""
    diameter = diameter_mm * POINTS_PER_MM
    right = personal.x1 + personal.width / 3
    cy = (personal.y1 + personal.y2) / 2
    return Box(personal.page, right - diameter, cy - diameter / 2, right, cy + diameter / 2)


def media_box(page: generic.DictionaryObject) -> tuple[float, float, float, float]:
    """A page's /MediaBox, inherited from its parents when it has none (A4 when none has)."""
    node, depth = page, 0
    while node is not None and depth < 32:
        box = node.get("/MediaBox")
        if box is not None:
            x1, y1, x2, y2 = (float(v) for v in box)
            return x1, y1, x2, y2
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        depth += 1
    return 0.0, 0.0, 595.0, 842.0
