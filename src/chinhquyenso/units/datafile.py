"""The committed administrative-unit data file: its format, reading and writing.

The file is generated at development time by ``manage.py build_units_data`` from the MIT-licensed
``vietnamadminunits`` 1.0.4 package and read at run time by ``manage.py load_units``; the package
itself is never imported at run time (it pulls shapely, numpy and geopy).

Format (JSON, one row per line so a data change shows as a readable git diff)::

    {"format": 1, "source": {...},
     "current": {"valid_from": "2025-07-01",
                 "provinces": [[code, kind, name, lat, lon], ...],
                 "communes":  [[code, province_code, kind, name, lat, lon, area_km2], ...]},
     "legacy":  {"valid_from": "2008-08-01", "valid_to": "2025-06-30",
                 "provinces": [[code, kind, name, lat, lon, [successor province codes]], ...],
                 "districts": [[code, province_code, kind, name, lat, lon, [successor commune codes]], ...],
                 "communes":  [[code, district_code, kind, name, lat, lon, [successor commune codes]], ...]}}

``kind`` is lower case ("xã", "phường", "đặc khu", "thị trấn", "huyện", "quận", "thị xã",
"thành phố", "tỉnh"); the full name is rebuilt as ``Kind name`` (``full_name`` below). Successor
lists put the converter's default unit first (for a commune split between several new communes),
then the others in code order.
"""

from __future__ import annotations

import datetime
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chinhquyenso.core.text import nfc

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA_DIR / "units.json"
FORMAT_VERSION = 1

# Longest first so "thị xã" wins over "xã" and "thành phố" is not read as something shorter.
KINDS = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")


def split_kind(full_name: str) -> tuple[str, str]:
    """"Thị Trấn Ái Tử" -> ("thị trấn", "Ái Tử"). The kind is read from the official full name,
    not from the package's separate type column, which is wrong for a few rows (e.g. it calls
    "Phường Việt Hòa", Hải Phòng, a xã). A bare number stays whole: "Phường 5" -> ("phường", "Phường 5")
    because "5" alone is not a name anybody searches for or prints."""
    full = nfc(full_name)
    lowered = full.lower()
    for kind in KINDS:
        if lowered.startswith(kind + " "):
            rest = full[len(kind) + 1 :].strip()
            return kind, (full_name_of(kind, rest) if rest.isdigit() else rest)
    raise ValueError(f"Không nhận ra loại đơn vị hành chính trong tên: {full_name!r}")


def full_name_of(kind: str, name: str) -> str:
    """("thành phố", "Hà Nội") -> "Thành phố Hà Nội"; a name that already carries its kind is kept."""
    if name.lower().startswith(kind + " "):
        return name
    return f"{kind[:1].upper()}{kind[1:]} {name}"


@dataclass(frozen=True)
class UnitRow:
    """One unit as the file describes it, before it becomes a database row."""

    level: str  # "province" | "district" | "commune" (models.Level values)
    code: str
    kind: str
    name: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    parent_code: str = ""  # province for a district or current commune, district for a legacy commune
    province_code: str = ""  # the province containing it (itself for a province)
    latitude: float | None = None
    longitude: float | None = None
    area_km2: float | None = None
    successors: tuple[str, ...] = field(default=())  # codes of the next-tier units, see module doc

    @property
    def full_name(self) -> str:
        return full_name_of(self.kind, self.name)

    @property
    def key(self) -> tuple[str, str, datetime.date]:
        return (self.level, self.code, self.valid_from)


@dataclass
class UnitData:
    source: dict[str, Any]
    current: list[UnitRow]
    legacy: list[UnitRow]

    @property
    def rows(self) -> list[UnitRow]:
        return self.current + self.legacy


def read(path: Path | None = None) -> UnitData:
    """Parse the data file (plain or gzip JSON) into rows, provinces before districts before communes."""
    path = Path(path) if path else default_path()
    doc = json.loads(decompressed(path.read_bytes()).decode("utf-8"))
    if doc.get("format") != FORMAT_VERSION:
        raise ValueError(f"Tệp dữ liệu {path} có định dạng {doc.get('format')!r}, cần {FORMAT_VERSION}.")
    cur, leg = doc["current"], doc["legacy"]
    cur_from = datetime.date.fromisoformat(cur["valid_from"])
    leg_from = datetime.date.fromisoformat(leg["valid_from"])
    leg_to = datetime.date.fromisoformat(leg["valid_to"])

    current = [
        UnitRow("province", c, k, n, cur_from, None, province_code=c, latitude=la, longitude=lo)
        for c, k, n, la, lo in cur["provinces"]
    ] + [
        UnitRow("commune", c, k, n, cur_from, None, parent_code=p, province_code=p, latitude=la, longitude=lo,
                area_km2=a)
        for c, p, k, n, la, lo, a in cur["communes"]
    ]
    district_province = {d[0]: d[1] for d in leg["districts"]}
    legacy = (
        [
            UnitRow("province", c, k, n, leg_from, leg_to, province_code=c, latitude=la, longitude=lo,
                    successors=tuple(s))
            for c, k, n, la, lo, s in leg["provinces"]
        ]
        + [
            UnitRow("district", c, k, n, leg_from, leg_to, parent_code=p, province_code=p, latitude=la,
                    longitude=lo, successors=tuple(s))
            for c, p, k, n, la, lo, s in leg["districts"]
        ]
        + [
            UnitRow("commune", c, k, n, leg_from, leg_to, parent_code=d, province_code=district_province[d],
                    latitude=la, longitude=lo, successors=tuple(s))
            for c, d, k, n, la, lo, s in leg["communes"]
        ]
    )
    return UnitData(source=doc.get("source", {}), current=current, legacy=legacy)


def decompressed(raw: bytes) -> bytes:
    """The JSON bytes of the file, whether it was written plain or gzipped."""
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def default_path() -> Path:
    """The committed file: gzip if the builder found the JSON too large to keep plain."""
    gz = DATA_FILE.with_suffix(".json.gz")
    return gz if gz.exists() and not DATA_FILE.exists() else DATA_FILE


def dumps(doc: dict[str, Any]) -> str:
    """Compact JSON with one row per line: small, yet diffable and byte-for-byte reproducible."""

    def block(rows: list) -> str:
        body = ",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows)
        return "[\n" + body + "\n]"

    def section(obj: dict[str, Any]) -> str:
        parts = []
        for key, value in obj.items():
            rendered = block(value) if isinstance(value, list) else json.dumps(value, ensure_ascii=False)
            parts.append(f"{json.dumps(key)}:{rendered}")
        return "{\n" + ",\n".join(parts) + "\n}"

    head = {k: v for k, v in doc.items() if k not in ("current", "legacy")}
    parts = [f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False, sort_keys=True, separators=(',', ':'))}"
             for k, v in head.items()]
    parts += [f'"current":{section(doc["current"])}', f'"legacy":{section(doc["legacy"])}']
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write(doc: dict[str, Any], path: Path, *, compress: bool) -> Path:
    """Write deterministically: gzip with mtime 0 and no file name, so a rebuild gives no git diff."""
    data = dumps(doc).encode("utf-8")
    if compress:
        path = path.with_suffix(".json.gz")
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
