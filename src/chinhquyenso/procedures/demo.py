"""Demo catalogue: real Thanh Hóa procedures at commune and province level, loaded from the
committed data file in the import format (data/demo_thanh_hoa.json, docs/procedures.md says which
facts were checked against published sources and which are marked "[I] chưa đối chiếu").

Idempotent: an unchanged file changes nothing (transfer.import_catalogue compares with the
version in force). Agencies are named by their demo short names (STP, STC, SXD), which
portal/demo.py creates before this runs."""

import json
from pathlib import Path

from .transfer import import_catalogue

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_thanh_hoa.json"


def load(province, stdout) -> None:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    data["province"] = province.code  # the demo file serves whichever province the demo loads
    for i, item in enumerate(data["procedures"], start=1):
        item["_where"] = f"Thủ tục thứ {i} (mã {item['code']})"
    result = import_catalogue(data, province=province, publish=True)
    stdout.write(
        f"Thủ tục hành chính: {len(result.created)} thêm mới, {len(result.updated)} cập nhật, "
        f"{len(result.unchanged)} không đổi."
    )
