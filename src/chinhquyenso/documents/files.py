"""Uploaded document files: checked by content before anything is stored, text extracted for
search. Only PDF is accepted: PAdES signing and verification (signatures app) work on PDF, and
Phụ lục VI of NĐ 30/2020 asks for PDF as the format of electronic documents [S]."""

import hashlib
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 200_000  # enough for the search column; a 300-page annex is not indexed in full


def max_file_bytes() -> int:
    return int(getattr(settings, "DOCUMENTS_MAX_FILE_MB", 20)) * 1024 * 1024


@dataclass
class CheckedFile:
    name: str
    content: bytes
    sha256: str
    pages: int
    text: str
    role: str = "main"

    @property
    def size(self) -> int:
        return len(self.content)


def _read(upload) -> bytes:
    if isinstance(upload, (bytes, bytearray)):
        return bytes(upload)
    limit = max_file_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(f"Tệp “{getattr(upload, 'name', '')}” vượt quá {limit // (1024 * 1024)} MB.")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    return data


def check_pdf(upload, name: str | None = None, role: str = "main") -> CheckedFile:
    """Validate one file by its bytes (not its name or declared type) and extract its text.
    Raises ValidationError with a Vietnamese message; nothing is written."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    name = (name or getattr(upload, "name", "") or "van-ban.pdf").rsplit("/", 1)[-1][:200]
    data = _read(upload)
    limit = max_file_bytes()
    if len(data) > limit:
        raise ValidationError(f"Tệp “{name}” vượt quá {limit // (1024 * 1024)} MB.")
    if not data:
        raise ValidationError(f"Tệp “{name}” rỗng.")
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise ValidationError(f"Tệp “{name}” không phải tệp PDF (nội dung không bắt đầu bằng %PDF-).")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(f"Tệp “{name}” được mã hóa bằng mật khẩu; hãy gửi tệp không đặt mật khẩu.")
        pages = len(reader.pages)
        if pages == 0:
            raise ValidationError(f"Tệp “{name}” không có trang nào.")
        chunks, total = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            chunks.append(text)
            total += len(text)
            if total >= MAX_TEXT_CHARS:
                break
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        logger.info("broken PDF %s: %s", name, exc)
        raise ValidationError(f"Tệp “{name}” bị hỏng hoặc không đọc được như một tệp PDF.") from None
    return CheckedFile(name=name, content=data, sha256=hashlib.sha256(data).hexdigest(), pages=pages,
                       text="\n".join(chunks)[:MAX_TEXT_CHARS], role=role)
