"""Photo intake: content check, public copy without EXIF, thumbnail.

- The bytes must decode as JPEG, PNG or WebP (Pillow `verify()` then a full `load()`); the file
  name and the browser's content type are ignored.
- Size limit FEEDBACK_PHOTO_MAX_BYTES (default 8 MB) and pixel limit FEEDBACK_PHOTO_MAX_PIXELS
  (default 40 MP, against decompression bombs); at most FEEDBACK_MAX_PHOTOS (default 5) per report.
- The public copy and the thumbnail are re-encoded from pixels only: no EXIF (GPS position,
  camera make/model, serial numbers), no XMP, no ICC comments. The orientation tag is applied to
  the pixels first so the copy is not shown sideways. The original is kept for the IOC only.
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
PUBLIC_MAX_SIDE = 1600
THUMB_SIDE = 320


def max_bytes() -> int:
    return int(getattr(settings, "FEEDBACK_PHOTO_MAX_BYTES", 8 * 1024 * 1024))


def max_photos() -> int:
    return int(getattr(settings, "FEEDBACK_MAX_PHOTOS", 5))


@dataclass
class ProcessedPhoto:
    original: ContentFile
    public: ContentFile
    thumbnail: ContentFile
    width: int
    height: int
    sha256: str


def _encode(image: Image.Image, side: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side))
    if copy.mode not in ("RGB", "L"):
        copy = copy.convert("RGB")
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=82, optimize=True)  # no exif= argument: nothing is carried over
    return out.getvalue()


def process(upload) -> ProcessedPhoto:
    """Validate one uploaded file and produce its three copies, or raise ValidationError."""
    name = getattr(upload, "name", "anh") or "anh"
    size = getattr(upload, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            "Ảnh %(name)s quá lớn (tối đa %(mb)s MB).", code="photo_too_large",
            params={"name": name, "mb": limit // (1024 * 1024)},
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError("Ảnh %(name)s quá lớn (tối đa %(mb)s MB).", code="photo_too_large",
                              params={"name": name, "mb": limit // (1024 * 1024)})
    if not data:
        raise ValidationError("Tệp ảnh %(name)s rỗng.", code="photo_empty", params={"name": name})
    max_pixels = int(getattr(settings, "FEEDBACK_PHOTO_MAX_PIXELS", 40_000_000))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError("Tệp %(name)s không phải ảnh JPEG, PNG hoặc WebP.", code="photo_format",
                                      params={"name": name})
            if probe.width * probe.height > max_pixels:
                raise ValidationError("Ảnh %(name)s có kích thước điểm ảnh quá lớn.", code="photo_too_large",
                                      params={"name": name})
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
        image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("Tệp %(name)s không phải ảnh hợp lệ.", code="photo_invalid", params={"name": name}) from None
    digest = hashlib.sha256(data).hexdigest()
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]
    return ProcessedPhoto(
        original=ContentFile(data, name=f"goc-{digest[:16]}.{ext}"),
        public=ContentFile(_encode(image, PUBLIC_MAX_SIDE), name=f"anh-{digest[:16]}.jpg"),
        thumbnail=ContentFile(_encode(image, THUMB_SIDE), name=f"nho-{digest[:16]}.jpg"),
        width=image.width,
        height=image.height,
        sha256=digest,
    )


def process_all(uploads) -> list[ProcessedPhoto]:
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > max_photos():
        raise ValidationError("Chỉ được gửi tối đa %(n)s ảnh.", code="too_many_photos", params={"n": max_photos()})
    return [process(u) for u in uploads]
