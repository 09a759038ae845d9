"""Walk the audit hash chain and report the first broken link (docs/adr/0013-audit-hash-chain.md).

    manage.py audit_verify                       # exit 0: intact; exit 1: the first break
    manage.py audit_verify --anchor              # also print the head (seq and hash) to keep elsewhere
    manage.py audit_verify --expect 41873:9f2c…  # and check an anchor kept earlier still holds
"""

import re

from django.core.management import BaseCommand, CommandError
from django.utils import timezone

from chinhquyenso.audit import chain

PROBLEMS = {
    "gap": "thiếu bản ghi trong chuỗi (số thứ tự nhảy cóc — có bản ghi đã bị xóa)",
    "prev_hash": "liên kết tới bản ghi trước không khớp (bản ghi trước đã bị xóa hoặc sửa)",
    "content": "nội dung bản ghi đã bị sửa (hash nội dung không khớp)",
    "hash": "hash liên kết của bản ghi đã bị sửa",
    "head": "đầu chuỗi không khớp với bản ghi tại vị trí của nó",
    "tail": "chuỗi ngắn hơn đầu chuỗi (bản ghi cuối đã bị xóa)",
    "head_missing": "mất đầu chuỗi (bảng audit_chainhead) trong khi có bản ghi",
    "anchor": "bản ghi tại mốc đã lưu mang hash khác (chuỗi đã bị viết lại)",
    "anchor_missing": "chuỗi không còn tới vị trí của mốc đã lưu",
    "unsealed": "có bản ghi nằm ngoài chuỗi (chưa được niêm phong)",
}


def _anchor(value: str) -> tuple[int, str]:
    match = re.fullmatch(r"(\d+):([0-9a-f]{64})", value.strip().lower())
    if match is None:
        raise CommandError("Mốc không hợp lệ: cần dạng SEQ:HASH (số thứ tự, dấu hai chấm, 64 ký tự hex).")
    return int(match.group(1)), match.group(2)


class Command(BaseCommand):
    help = "Kiểm tra chuỗi hash của nhật ký kiểm toán; báo liên kết hỏng đầu tiên (mã thoát 1) hoặc 0 nếu nguyên vẹn."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000, help="Số bản ghi đọc mỗi lượt (mặc định 2000).")
        parser.add_argument("--anchor", action="store_true", help="In mốc đầu chuỗi (SEQ:HASH) để lưu ra ngoài hệ thống.")
        parser.add_argument("--expect", type=_anchor, help="Mốc đã lưu trước đây (SEQ:HASH) phải vẫn khớp.")

    def handle(self, *args, batch_size: int, anchor: bool, expect, **options):
        if batch_size < 1:
            raise CommandError("--batch-size phải lớn hơn 0.")
        result = chain.verify(batch_size=batch_size, expect=expect)
        if result.broken is not None:
            b = result.broken
            where = f"bản ghi id={b.entry_id}" if b.entry_id is not None else "đầu chuỗi"
            if b.seq is not None:
                where += f", seq={b.seq}"
            raise CommandError(
                f"Chuỗi nhật ký HỎNG tại {where}: {PROBLEMS.get(b.problem, b.problem)}. "
                f"Mong đợi: {b.expected or '—'}; tìm thấy: {b.found or '—'}. "
                f"({result.checked} bản ghi trước đó hợp lệ.)",
                returncode=1,
            )
        self.stdout.write(f"Chuỗi nhật ký nguyên vẹn: {result.checked} bản ghi.")
        if anchor:
            self.stdout.write(f"Mốc: {result.head_seq}:{result.head_hash} ({timezone.now():%Y-%m-%dT%H:%M:%S%z})")
