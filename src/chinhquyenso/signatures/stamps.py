"""Appearances of the signatures, laid out as Decree 30/2020 Appendix I describes them.

- Personal signature: the signer's handwritten-signature image in blue, centred between the
  position title (above) and the full name (below) — one signature widget.
- Organisation signature: the red seal image at actual size, over about the left third of the
  signer's signature image — a second widget drawn on top of the first.
- Attachment in a separate file: no image; at the top right of page 1, the number and symbol and
  the signing time (ISO 8601, Vietnam time), Times New Roman 10 regular black. [V] The font is
  configurable (SIGNATURES_STAMP_FONT) since Times New Roman cannot be redistributed.

pyHanko's TextStamp only left-aligns text, so `BlockStamp` shapes each line itself (HarfBuzz
through pyHanko's GlyphAccumulator, one embedded subset per font) and centres or right-aligns it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.stamp import BaseStamp, BaseStampStyle

from . import conf

MM = 72 / 25.4
BLUE = (0, 51, 204)


def font_path(bold: bool = False) -> str:
    configured = conf.stamp_font(bold)
    if configured:
        return configured
    import fontpkg

    return str(fontpkg.path("Be Vietnam Pro", weight=700 if bold else 400))


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class BlockStampStyle(BaseStampStyle):
    """Lines of text above an image, lines below it; every line centred (or right-aligned)."""

    above: tuple[Line, ...] = ()
    below: tuple[Line, ...] = ()
    image_png: bytes | None = None
    font_size: float = 11
    align: str = "center"  # "center" | "right"
    border_width: int = 0
    # an image-only block (the seal) fills the box; otherwise the image sits between the lines
    image_padding: float = 2
    # lines kept free above the image even if fewer are printed, and the width:height of the frame
    # the image is fitted into: together they fix where the image lands, so the seal can find it
    reserve_above: int = 0
    image_frame_aspect: float | None = None

    def create_stamp(self, writer, box, text_params) -> BlockStamp:
        return BlockStamp(writer=writer, style=self, box=box)


@lru_cache(maxsize=32)
def _pil_image(png: bytes):
    from PIL import Image

    img = Image.open(io.BytesIO(png))
    img.load()
    return img


def tint(png: bytes, rgb: tuple[int, int, int] = BLUE) -> bytes:
    """The image as a single-colour PNG with a transparent background: Appendix I wants the
    signature image blue. Dark pixels of an opaque scan become the ink; a transparent PNG keeps
    its alpha."""
    from PIL import Image, ImageOps

    img = Image.open(io.BytesIO(png))
    img.load()
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        alpha = img.convert("RGBA").getchannel("A")
    else:
        alpha = ImageOps.invert(img.convert("L"))
        alpha = alpha.point(lambda v: 0 if v < 40 else min(255, int(v * 1.4)))
    out = Image.new("RGBA", img.size, (*rgb, 0))
    out.putalpha(alpha)
    buf = io.BytesIO()
    out.save(buf, format="PNG")
    return buf.getvalue()


class BlockStamp(BaseStamp):
    def _render_inner_content(self):
        style: BlockStampStyle = self.style
        width, height = self.box.width, self.box.height
        size = style.font_size
        leading = size * 1.35
        ops: list[bytes] = []

        engines = {}

        def engine(bold: bool):
            if bold not in engines:
                eng = GlyphAccumulatorFactory(font_path(bold), font_size=size).create_font_engine(self.writer)
                eng.font_size = size
                name = "/FB" if bold else "/FR"
                self.set_resource(category=ResourceType.FONT, name=pdf_name(name), value=eng.as_resource())
                engines[bold] = (eng, name)
            return engines[bold]

        def put(line: Line, baseline: float):
            eng, name = engine(line.bold)
            shaped = eng.shape(line.text)
            text_width = shaped.x_advance * size
            x = (width - text_width) / 2 if style.align == "center" else width - text_width
            ops.append(b"BT %s %g Tf 0 0 0 rg %g %g Td %s ET" % (name.encode(), size, max(x, 0), baseline,
                                                                  shaped.graphics_ops))

        for i, line in enumerate(style.above):
            put(line, height - size - i * leading)
        for i, line in enumerate(style.below):
            put(line, (len(style.below) - 1 - i) * leading + size * 0.3)

        if style.image_png:
            fx, fy, fw, fh = image_frame(width, height, size, max(len(style.above), style.reserve_above),
                                         len(style.below), style.image_padding, style.image_frame_aspect)
            x, y, w, h = image_area(fw, fy + fh, fy, _pil_image(style.image_png).size)
            x += fx
            image = PdfImage(_pil_image(style.image_png), writer=self.writer)
            rendered = image.render()
            self.import_resources(image.resources)
            sx, sy = w / image.box.width, h / image.box.height
            ops.append(b"q %g 0 0 %g %g %g cm %s Q" % (sx, sy, x, y, rendered))
        return ops


def image_frame(width, height, font_size, above: int, below: int, padding: float, aspect: float | None):
    """The frame (x, y, w, h) the image is fitted into: between the text lines, centred."""
    leading = font_size * 1.35
    top = height - above * leading - padding
    bottom = below * leading + padding
    frame_h = max(top - bottom, 1)
    frame_w = min(width, frame_h * aspect) if aspect else width
    return (width - frame_w) / 2, bottom, frame_w, frame_h


def image_area(width: float, top: float, bottom: float, pixels: tuple[int, int]) -> tuple[float, float, float, float]:
    """Where the image goes: as large as fits between `bottom` and `top`, centred, aspect kept.
    Returns x, y, w, h in the stamp's coordinates."""
    px_w, px_h = pixels
    avail_h = max(top - bottom, 1)
    scale = min(width / px_w, avail_h / px_h)
    w, h = px_w * scale, px_h * scale
    return (width - w) / 2, bottom + (avail_h - h) / 2, w, h


# --- geometry -----------------------------------------------------------------------------------

PERSONAL_FONT_SIZE = 11
PERSONAL_WIDTH = 230
PERSONAL_HEIGHT = 140
PERSONAL_ABOVE = 2  # signing-authority line + position title
PERSONAL_BELOW = 1  # full name
SIGNATURE_ASPECT = 2.4  # signature images are wide: the frame is 2.4:1


def personal_style(above: tuple[Line, ...], below: tuple[Line, ...], image_png: bytes | None) -> BlockStampStyle:
    return BlockStampStyle(
        above=above, below=below, image_png=image_png, font_size=PERSONAL_FONT_SIZE,
        reserve_above=PERSONAL_ABOVE, image_frame_aspect=SIGNATURE_ASPECT,
    )


def personal_image_frame(rect: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Where a personal block signed here puts the signature image (page coordinates)."""
    x1, y1, x2, y2 = rect
    fx, fy, fw, fh = image_frame(x2 - x1, y2 - y1, PERSONAL_FONT_SIZE, PERSONAL_ABOVE, PERSONAL_BELOW, 2,
                                 SIGNATURE_ASPECT)
    return (x1 + fx, y1 + fy, x1 + fx + fw, y1 + fy + fh)


def default_personal_box(page_width: float, bottom_margin: float = 25 * MM) -> tuple[float, float, float, float]:
    """Bottom right of the page, inside the 15–20 mm right margin of Decree 30 Appendix I."""
    right = page_width - 20 * MM
    return (right - PERSONAL_WIDTH, bottom_margin, right, bottom_margin + PERSONAL_HEIGHT)


def seal_box(signature_image: tuple[float, float, float, float], diameter: float) -> tuple[float, float, float, float]:
    """The seal covers about one third of the signature image, on its left (Appendix I): its right
    edge sits a third of the way into the image, centred on it vertically."""
    x1, y1, x2, y2 = signature_image
    right = x1 + (x2 - x1) / 3
    cy = (y1 + y2) / 2
    return (right - diameter, cy - diameter / 2, right, cy + diameter / 2)


def attachment_box(page_width: float, page_height: float, lines: int, font_size: float = 10):
    """Top right of page 1, inside the margins."""
    width = 75 * MM
    height = lines * font_size * 1.35 + 4
    right = page_width - 20 * MM
    top = page_height - 10 * MM
    return (right - width, top - height, right, top)


