"""Regenerate the committed administrative-unit data file from ``vietnamadminunits`` 1.0.4.

Development only: ``pip install -e '.[datagen]'`` first. The package is located inside handle()
and read as data (its SQLite ``dataset.db`` and ``converter_2025.json``); nothing of it is needed
at run time.

Where the successor links come from: ``converter_2025.json`` (the data behind the package's
``convert_address``) maps

* ``DICT_PROVINCE``: new province key -> the legacy province keys merged into it;
* ``DICT_PROVINCE_WARD_NO_DIVIDED``: new ward key -> legacy ``province_district_ward`` keys merged
  whole into it (a legacy island district without wards appears as ``province_district_``);
* ``DICT_PROVINCE_WARD_DIVIDED``: legacy key -> the new wards it was split between, one flagged
  ``isDefaultNewWard``.

Keys are joined to ``admin_units`` / ``admin_units_legacy`` on provinceKey, districtKey and wardKey
to get the national codes. A legacy district's successors are the union of its communes' successors
(or, for the five island districts with no communes, the đặc khu they became), so resolving a
district code gives the communes that now cover its territory.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import sqlite3
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chinhquyenso.core.text import nfc
from chinhquyenso.units import datafile

PACKAGE = "vietnamadminunits"
PACKAGE_VERSION = "1.0.4"
# Validity of the pre-reform units. The snapshot carries no per-unit establishment dates; the
# 63-province map dates from the Hà Tây merger (NQ 15/2008/QH12, in force 01/8/2008), so that is the
# earliest date for which "63 provinces" is true. Districts and communes were re-arranged many times
# after it (e.g. NQ 35/2023/UBTVQH15), so their valid_from is a lower bound, not a founding date.
LEGACY_FROM = "2008-08-01"
# The last day of the three-tier model: Luật 72/2025/QH15 and NQ 202/2025/QH15 take effect 01/7/2025.
LEGACY_TO = "2025-06-30"
CURRENT_FROM = "2025-07-01"
# Above this the file is gzipped (the JSON is kept plain below it for readable diffs).
GZIP_ABOVE = 1_100_000


def _round(value: float | None, places: int = 6) -> float | None:
    return None if value is None else round(float(value), places)


class Command(BaseCommand):
    help = "Sinh tệp dữ liệu đơn vị hành chính (units/data) từ gói vietnamadminunits 1.0.4 (chỉ dùng khi phát triển)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=datafile.DATA_FILE, help="Đường dẫn tệp .json")
        parser.add_argument("--check", action="store_true", help="Chỉ so sánh với tệp đã commit; lỗi nếu khác")
        parser.add_argument("--force", action="store_true", help=f"Cho phép phiên bản khác {PACKAGE_VERSION}")

    def handle(self, *args, output: Path, check: bool, force: bool, **options):
        spec = importlib.util.find_spec(PACKAGE)  # locate without importing shapely & co.
        if spec is None or not spec.submodule_search_locations:
            raise CommandError(f"Chưa cài {PACKAGE}: pip install '{PACKAGE}=={PACKAGE_VERSION}' (extra 'datagen').")
        version = importlib.metadata.version(PACKAGE)
        if version != PACKAGE_VERSION and not force:
            raise CommandError(f"Cần {PACKAGE} {PACKAGE_VERSION}, đang có {version} (dùng --force nếu chủ ý).")
        data_dir = Path(next(iter(spec.submodule_search_locations))) / "data"
        doc = build(data_dir, version)
        text = datafile.dumps(doc).encode("utf-8")
        compress = len(text) > GZIP_ABOVE
        if check:
            committed = datafile.default_path()
            if not committed.exists() or datafile.decompressed(committed.read_bytes()) != text:
                raise CommandError(f"{committed} khác với dữ liệu sinh lại từ {PACKAGE} {version}.")
            self.stdout.write(self.style.SUCCESS(f"{committed} khớp với {PACKAGE} {version}."))
            return
        path = datafile.write(doc, output, compress=compress)
        stale = output.with_suffix(".json") if compress else output.with_suffix(".json.gz")
        if stale != path and stale.exists():
            stale.unlink()
        counts = {f"{part}.{level}": len(doc[part][level]) for part in ("current", "legacy")
                  for level in doc[part] if isinstance(doc[part][level], list)}
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {path} ({path.stat().st_size:,} byte): {counts}"))


def build(data_dir: Path, version: str) -> dict:
    """Read the package's data files and return the document datafile.dumps() writes."""
    db = sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    conv = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
    try:
        new_rows = db.execute("SELECT * FROM admin_units").fetchall()
        old_rows = db.execute("SELECT * FROM admin_units_legacy").fetchall()
    finally:
        db.close()

    provinces: dict[str, list] = {}
    communes: list[list] = []
    new_ward_code: dict[tuple[str, str], str] = {}
    new_province_code: dict[str, str] = {}
    for r in new_rows:
        if r["provinceCode"] not in provinces:
            kind, name = datafile.split_kind(r["province"])
            provinces[r["provinceCode"]] = [r["provinceCode"], kind, name, _round(r["provinceLat"]),
                                            _round(r["provinceLon"])]
        kind, name = datafile.split_kind(r["ward"])
        communes.append([r["wardCode"], r["provinceCode"], kind, name, _round(r["wardLat"]), _round(r["wardLon"]),
                         _round(r["wardAreaKm2"], 2)])
        new_ward_code[(r["provinceKey"], r["wardKey"])] = r["wardCode"]
        new_province_code[r["provinceKey"]] = r["provinceCode"]

    # Legacy units, and the key the converter uses for each commune (or ward-less island district).
    old_provinces: dict[str, list] = {}
    old_districts: dict[str, list] = {}
    old_communes: dict[str, list] = {}
    old_key_to: dict[str, tuple[str, str]] = {}  # converter key -> (level, code)
    old_province_key: dict[str, str] = {}
    for r in old_rows:
        pc, dc = r["provinceCode"], r["districtCode"]
        if pc not in old_provinces:
            kind, name = datafile.split_kind(r["province"])
            old_provinces[pc] = [pc, kind, name, _round(r["provinceLat"]), _round(r["provinceLon"])]
            old_province_key[r["provinceKey"]] = pc
        if dc not in old_districts:
            kind, name = datafile.split_kind(r["district"])
            old_districts[dc] = [dc, pc, kind, name, _round(r["districtLat"]), _round(r["districtLon"])]
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if r["wardCode"]:
            kind, name = datafile.split_kind(r["ward"])
            old_communes[r["wardCode"]] = [r["wardCode"], dc, kind, name, _round(r["wardLat"]), _round(r["wardLon"])]
            old_key_to[key] = ("commune", r["wardCode"])
        else:
            old_key_to[key] = ("district", dc)

    # successor lists: default (or only) unit first, then the rest in code order
    succ: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)
    for new_pkey, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wkey, old_keys in wards.items():
            code = new_ward_code[(new_pkey, new_wkey)]
            for old_key in old_keys:
                succ[old_key_to[old_key]][code] = True
    for new_pkey, splits in conv["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in splits.items():
            for t in targets:
                succ[old_key_to[old_key]][new_ward_code[(new_pkey, t["newWardKey"])]] = bool(t["isDefaultNewWard"])

    def ordered(flags: dict[str, bool]) -> list[str]:
        return sorted(flags, key=lambda c: (not flags[c], c))

    for code, row in old_communes.items():
        flags = succ.get(("commune", code))
        if not flags:
            raise CommandError(f"Xã cũ {code} {row[3]} không có đơn vị kế thừa trong converter_2025.json.")
        row.append(ordered(flags))
    district_succ: dict[str, set[str]] = defaultdict(set)
    for row in old_communes.values():
        district_succ[row[1]].update(row[6])
    for code, row in old_districts.items():
        own = succ.get(("district", code), {})
        row.append(ordered(own) if own else sorted(district_succ[code]))
        if not row[6]:
            raise CommandError(f"Huyện cũ {code} {row[3]} không có đơn vị kế thừa.")
    for new_pkey, old_pkeys in conv["DICT_PROVINCE"].items():
        for old_pkey in old_pkeys:
            old_provinces[old_province_key[old_pkey]].append([new_province_code[new_pkey]])

    # Cross-check: a legacy province's communes all land in the province the converter names.
    province_of_new = {c[0]: c[1] for c in communes}
    for row in old_communes.values():
        old_pc = old_districts[row[1]][1]
        landed = {province_of_new[s] for s in row[6]}
        if landed != set(old_provinces[old_pc][5]):
            raise CommandError(f"Xã cũ {row[0]}: tỉnh kế thừa {landed} khác {old_provinces[old_pc][5]}.")

    def by_code(rows) -> list[list]:
        return sorted(rows, key=lambda r: r[0])

    doc = {
        "format": datafile.FORMAT_VERSION,
        "source": {
            "package": PACKAGE,
            "version": version,
            "license": "MIT",
            "files": ["data/dataset.db", "data/converter_2025.json"],
            "note": nfc("Sinh bằng manage.py build_units_data; không sửa tay."),
        },
        "current": {"valid_from": CURRENT_FROM, "provinces": by_code(provinces.values()), "communes": by_code(communes)},
        "legacy": {
            "valid_from": LEGACY_FROM,
            "valid_to": LEGACY_TO,
            "provinces": by_code(old_provinces.values()),
            "districts": by_code(old_districts.values()),
            "communes": by_code(old_communes.values()),
        },
    }
    return doc
