"""Criteria sets in and out as JSON and Excel (.xlsx).

JSON: {"format": FORMAT, "version": 1, "set": {...}, "groups": [{..., "indicators": [...]}]}
Excel: three sheets — «Bo_tieu_chi» (field | value rows), «Nhom» (groups), «Chi_tieu» (indicators,
one row each; steps as "4:20; 3:15", options as "key=Nhãn:điểm; ...", evidence as
"number, date, summary, file"). docs/assessment.md shows both layouts.

`parse(content)` reads a file and validates EVERYTHING before anything is stored; it raises
ImportFailed with one message per bad row/field ("Trang tính «Chi_tieu», dòng 7 (chỉ tiêu 1.3):
điểm tối đa phải là số dương."). services.import_criteria then writes in one transaction.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from chinhquyenso.core.text import nfc

from . import sources
from .models import EVIDENCE_PARTS, Method, SourceKind, Subject

FORMAT = "chinhquyenso.assessment.criteria"
FORMAT_VERSION = 1
MAX_BYTES = 5 * 1024 * 1024
MAX_INDICATORS = 500
SHEET_SET, SHEET_GROUPS, SHEET_INDICATORS = "Bo_tieu_chi", "Nhom", "Chi_tieu"
SET_KEYS = ("code", "name", "subject", "decision_number", "decision_date", "issuer", "valid_from", "valid_to",
            "completion_min_points", "completion_min_group_percent", "note")
GROUP_KEYS = ("code", "name", "note")
INDICATOR_KEYS = ("group", "code", "name", "max_points", "method", "threshold", "steps", "options", "evidence",
                  "source_kind", "source_key", "unit_of_measure", "verifier", "note")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*$")
SOURCE_METHODS = {Method.RATIO, Method.THRESHOLD, Method.STEPS}


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


# --- reading -----------------------------------------------------------------------------------

def read(content: bytes) -> dict:
    """JSON or Excel, told apart by content, never by file name."""
    if len(content) > MAX_BYTES:
        raise ImportFailed([_("Tệp quá lớn (tối đa 5 MB).")])
    if content[:4] == b"PK\x03\x04":
        return read_xlsx(content)
    if content.lstrip()[:1] in (b"{", b"\xef"):
        return read_json(content)
    raise ImportFailed([_("Tệp không phải JSON hoặc bảng tính Excel (.xlsx) theo mẫu bộ tiêu chí.")])


def read_json(content: bytes) -> dict:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed([_("Tệp JSON không đọc được: %(e)s") % {"e": exc}]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFailed([_("Tệp JSON không đúng định dạng (cần \"format\": \"%(f)s\").") % {"f": FORMAT}])
    if data.get("version") != FORMAT_VERSION:
        raise ImportFailed([_("Phiên bản định dạng %(v)r chưa được hỗ trợ (cần %(n)s).") % {
            "v": data.get("version"), "n": FORMAT_VERSION}])
    if not isinstance(data.get("set"), dict) or not isinstance(data.get("groups"), list):
        raise ImportFailed([_("Tệp JSON thiếu mục \"set\" hoặc danh sách \"groups\".")])
    groups, indicators = [], []
    for i, group in enumerate(data["groups"], start=1):
        if not isinstance(group, dict):
            raise ImportFailed([_("Nhóm thứ %(i)s không phải một đối tượng JSON.") % {"i": i}])
        where = _("Nhóm thứ %(i)s") % {"i": i}
        groups.append({**{k: group.get(k) for k in GROUP_KEYS}, "_where": where})
        items = group.get("indicators")
        if not isinstance(items, list):
            raise ImportFailed([_("%(w)s: thiếu danh sách \"indicators\".") % {"w": where}])
        for j, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise ImportFailed([_("%(w)s, chỉ tiêu thứ %(j)s không phải một đối tượng JSON.") % {"w": where, "j": j}])
            indicators.append({**{k: item.get(k) for k in INDICATOR_KEYS}, "group": group.get("code"),
                               "_where": _("%(w)s, chỉ tiêu thứ %(j)s") % {"w": where, "j": j}})
    return {"set": data["set"], "groups": groups, "indicators": indicators}


def read_xlsx(content: bytes) -> dict:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise ImportFailed([_("Tệp không phải bảng tính Excel (.xlsx) hợp lệ.")]) from None
    errors = []
    for title in (SHEET_SET, SHEET_GROUPS, SHEET_INDICATORS):
        if title not in book.sheetnames:
            errors.append(_("Thiếu trang tính «%(t)s».") % {"t": title})
    if errors:
        book.close()
        raise ImportFailed(errors)
    set_data = {}
    for values in book[SHEET_SET].iter_rows(min_row=2, values_only=True):
        if values and values[0] is not None and str(values[0]).strip():
            set_data[str(values[0]).strip()] = values[1] if len(values) > 1 else None

    def table(title: str, keys: tuple[str, ...]) -> list[dict]:
        rows = book[title].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        missing = [k for k in keys if k not in header]
        if missing:
            errors.append(_("Trang tính «%(t)s» thiếu cột: %(c)s.") % {"t": title, "c": ", ".join(missing)})
            return []
        out = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            row = {h: v for h, v in zip(header, values, strict=False) if h in keys}
            row["_where"] = _("Trang tính «%(t)s», dòng %(n)s") % {"t": title, "n": number}
            out.append(row)
        return out

    groups = table(SHEET_GROUPS, GROUP_KEYS)
    indicators = table(SHEET_INDICATORS, INDICATOR_KEYS)
    book.close()
    if errors:
        raise ImportFailed(errors)
    for row in indicators:
        row["steps"] = _parse_steps_text(row.get("steps"))
        row["options"] = _parse_options_text(row.get("options"))
        row["evidence"] = [p.strip() for p in str(row.get("evidence") or "").replace(";", ",").split(",") if p.strip()]
    return {"set": set_data, "groups": groups, "indicators": indicators}


def _parse_steps_text(value):
    if value is None or isinstance(value, list):
        return value or []
    out = []
    for part in str(value).split(";"):
        if part.strip():
            lower, _sep, points = part.partition(":")
            out.append({"from": lower.strip(), "points": points.strip()})
    return out


def _parse_options_text(value):
    if value is None or isinstance(value, list):
        return value or []
    out = []
    for part in str(value).split(";"):
        if part.strip():
            key, _sep, rest = part.partition("=")
            label, _sep, points = rest.rpartition(":")
            out.append({"key": key.strip(), "label": label.strip(), "points": points.strip()})
    return out


# --- validation --------------------------------------------------------------------------------

def _text(value, limit: int) -> str:
    if value is None:
        return ""
    return nfc(str(value).replace("\x00", ""))[:limit]


def _decimal(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError
    text = str(value).strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def _date(value) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def validate(raw: dict) -> dict:
    """Check every field of a read file; return the clean structure or raise ImportFailed with
    every problem found (not just the first)."""
    errors: list[str] = []

    def err(where: str, message: str) -> None:
        errors.append(f"{where}: {message}")

    s = raw.get("set") or {}
    where_set = _("Thông tin bộ tiêu chí")
    clean_set = {"code": _text(s.get("code"), 64), "name": _text(s.get("name"), 255),
                 "subject": _text(s.get("subject"), 10), "decision_number": _text(s.get("decision_number"), 64),
                 "issuer": _text(s.get("issuer"), 255), "note": _text(s.get("note"), 5000)}
    if not CODE_RE.match(clean_set["code"]):
        err(where_set, _("mã bộ tiêu chí (code) bắt buộc, chỉ gồm chữ không dấu, số, dấu chấm, gạch."))
    if not clean_set["name"]:
        err(where_set, _("thiếu tên bộ tiêu chí (name)."))
    if clean_set["subject"] not in Subject.values:
        err(where_set, _("đối tượng đánh giá (subject) phải là một trong: %(v)s.") % {"v": ", ".join(Subject.values)})
    for key in ("decision_date", "valid_from", "valid_to"):
        try:
            clean_set[key] = _date(s.get(key))
        except ValueError:
            clean_set[key] = None
            err(where_set, _("%(k)s “%(v)s” không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY).") % {"k": key, "v": s.get(key)})
    if clean_set.get("valid_from") and clean_set.get("valid_to") and clean_set["valid_to"] < clean_set["valid_from"]:
        err(where_set, _("ngày hết áp dụng trước ngày bắt đầu áp dụng."))
    for key, upper in (("completion_min_points", Decimal(100000)), ("completion_min_group_percent", Decimal(100))):
        try:
            value = _decimal(s.get(key))
        except ValueError:
            value = None
            err(where_set, _("%(k)s “%(v)s” không phải là số.") % {"k": key, "v": s.get(key)})
        if value is not None and not (0 <= value <= upper):
            err(where_set, _("%(k)s phải từ 0 đến %(u)s.") % {"k": key, "u": upper})
        clean_set[key] = value

    groups: dict[str, dict] = {}
    for order, g in enumerate(raw.get("groups") or [], start=1):
        code, name = _text(g.get("code"), 16), _text(g.get("name"), 255)
        where = g.get("_where", "")
        if not CODE_RE.match(code):
            err(where, _("mã nhóm (code) bắt buộc, chỉ gồm chữ không dấu, số, dấu chấm, gạch (tối đa 16 ký tự)."))
        elif code in groups:
            err(where, _("mã nhóm %(c)s bị lặp.") % {"c": code})
        if not name:
            err(where, _("thiếu tên nhóm (name)."))
        groups[code] = {"code": code, "name": name, "order": order, "note": _text(g.get("note"), 5000),
                        "indicators": []}
    if not groups:
        errors.append(_("Bộ tiêu chí phải có ít nhất một nhóm."))

    items = raw.get("indicators") or []
    if len(items) > MAX_INDICATORS:
        errors.append(_("Quá nhiều chỉ tiêu (tối đa %(n)s).") % {"n": MAX_INDICATORS})
        items = items[:MAX_INDICATORS]
    seen: set[str] = set()
    for order, row in enumerate(items, start=1):
        clean, problems = _indicator(row)
        where = row.get("_where", "") + (f" ({_('chỉ tiêu')} {clean['code']})" if clean["code"] else "")
        for p in problems:
            err(where, p)
        if clean["code"] in seen:
            err(where, _("mã chỉ tiêu %(c)s bị lặp.") % {"c": clean["code"]})
        seen.add(clean["code"])
        group_code = _text(row.get("group"), 16)
        if group_code not in groups:
            err(where, _("không có nhóm mã “%(g)s”.") % {"g": group_code})
            continue
        clean["order"] = order
        groups[group_code]["indicators"].append(clean)
    for g in groups.values():
        if not g["indicators"] and g["code"]:
            errors.append(_("Nhóm %(c)s không có chỉ tiêu nào.") % {"c": g["code"]})
    if errors:
        raise ImportFailed(errors)
    return {"set": clean_set, "groups": list(groups.values())}


def _indicator(row: dict) -> tuple[dict, list[str]]:
    problems: list[str] = []
    clean = {"code": _text(row.get("code"), 16), "name": _text(row.get("name"), 500),
             "method": _text(row.get("method"), 10), "source_kind": _text(row.get("source_kind"), 10) or SourceKind.SELF,
             "source_key": _text(row.get("source_key"), 64), "unit_of_measure": _text(row.get("unit_of_measure"), 32),
             "verifier": _text(row.get("verifier"), 255), "note": _text(row.get("note"), 5000),
             "threshold": None, "steps": [], "options": [], "evidence": []}
    if not CODE_RE.match(clean["code"]):
        problems.append(_("mã chỉ tiêu (code) bắt buộc, chỉ gồm chữ không dấu, số, dấu chấm, gạch (tối đa 16 ký tự)."))
    if not clean["name"]:
        problems.append(_("thiếu tên chỉ tiêu (name)."))
    try:
        maximum = _decimal(row.get("max_points"))
    except ValueError:
        maximum = None
    if maximum is None or not (0 < maximum <= 10000) or maximum != maximum.quantize(Decimal("0.01")):
        problems.append(_("điểm tối đa (max_points) “%(v)s” phải là số dương, tối đa 2 chữ số thập phân.") % {
            "v": row.get("max_points")})
        maximum = None
    clean["max_points"] = maximum
    method = clean["method"]
    if method not in Method.values:
        problems.append(_("cách tính điểm (method) “%(m)s” phải là một trong: %(v)s.") % {
            "m": method, "v": ", ".join(Method.values)})
    if method == Method.THRESHOLD:
        try:
            t = _decimal(row.get("threshold"))
        except ValueError:
            t = None
        if t is None or not (0 < t <= 100):
            problems.append(_("ngưỡng (threshold) phải là số phần trăm lớn hơn 0 và không quá 100."))
        clean["threshold"] = t
    if method == Method.STEPS:
        steps = row.get("steps")
        if not isinstance(steps, list) or not steps:
            problems.append(_("bảng bậc (steps) phải có ít nhất một bậc “từ:điểm”."))
        else:
            lowers = set()
            for k, step in enumerate(steps, start=1):
                try:
                    lower, points = _decimal(step.get("from")), _decimal(step.get("points"))
                except (ValueError, AttributeError):
                    lower = points = None
                if lower is None or points is None or points < 0 or (maximum is not None and points > maximum):
                    problems.append(_("bậc thứ %(k)s không hợp lệ (cần “từ:điểm”, điểm từ 0 đến điểm tối đa).") % {"k": k})
                    continue
                if lower in lowers:
                    problems.append(_("bậc thứ %(k)s trùng mốc %(f)s.") % {"k": k, "f": lower})
                lowers.add(lower)
                clean["steps"].append({"from": str(lower), "points": str(points)})
            clean["steps"].sort(key=lambda s: Decimal(s["from"]))
    if method == Method.CHOICE:
        options = row.get("options")
        if not isinstance(options, list) or len(options) < 2:
            problems.append(_("chỉ tiêu lựa chọn (options) phải có ít nhất hai phương án “mã=nhãn:điểm”."))
        else:
            keys = set()
            for k, option in enumerate(options, start=1):
                try:
                    key, label, points = (_text(option.get("key"), 64), _text(option.get("label"), 255),
                                          _decimal(option.get("points")))
                except (ValueError, AttributeError):
                    key, label, points = "", "", None
                if not key or not label or points is None or points < 0 or (maximum is not None and points > maximum):
                    problems.append(_("phương án thứ %(k)s không hợp lệ (cần mã, nhãn, điểm từ 0 đến điểm tối đa).") % {
                        "k": k})
                    continue
                if key in keys:
                    problems.append(_("phương án mã %(c)s bị lặp.") % {"c": key})
                keys.add(key)
                clean["options"].append({"key": key, "label": label, "points": str(points)})
    evidence = row.get("evidence") or []
    if not isinstance(evidence, list) or any(p not in EVIDENCE_PARTS for p in evidence):
        problems.append(_("minh chứng (evidence) chỉ gồm: %(v)s.") % {"v": ", ".join(EVIDENCE_PARTS)})
    else:
        clean["evidence"] = [p for p in EVIDENCE_PARTS if p in evidence]
    kind = clean["source_kind"]
    if kind not in SourceKind.values:
        problems.append(_("nguồn dữ liệu (source_kind) phải là một trong: %(v)s.") % {"v": ", ".join(SourceKind.values)})
    elif kind == SourceKind.COMPUTED and clean["source_key"] not in sources.REGISTRY:
        problems.append(_("khóa nguồn tính toán “%(k)s” không có; các khóa hiện có: %(v)s.") % {
            "k": clean["source_key"], "v": ", ".join(sources.REGISTRY)})
    elif kind == SourceKind.SERIES and not clean["source_key"]:
        problems.append(_("thiếu mã chuỗi số liệu ngành (source_key)."))
    elif kind == SourceKind.SELF:
        clean["source_key"] = ""
    if kind in (SourceKind.COMPUTED, SourceKind.SERIES) and method in Method.values and method not in SOURCE_METHODS:
        problems.append(_("chỉ tiêu lấy số liệu tự động phải tính theo tỷ lệ, ngưỡng hoặc bảng bậc."))
    return clean, problems


def parse(content: bytes) -> dict:
    return validate(read(content))


# --- writing -----------------------------------------------------------------------------------

def export(criteria_set) -> dict:
    """The set as the JSON structure `read_json` accepts (round trip: export → import = same set)."""
    def num(value):
        return None if value is None else format(value.normalize(), "f")

    groups = []
    indicators = list(criteria_set.indicators.all().order_by("order", "code"))
    for group in criteria_set.groups.all().order_by("order", "code"):
        items = []
        for ind in indicators:
            if ind.group_id != group.pk:
                continue
            items.append({
                "code": ind.code, "name": ind.name, "max_points": num(ind.max_points), "method": ind.method,
                "threshold": num(ind.threshold), "steps": ind.steps, "options": ind.options, "evidence": ind.evidence,
                "source_kind": ind.source_kind, "source_key": ind.source_key, "unit_of_measure": ind.unit_of_measure,
                "verifier": ind.verifier, "note": ind.note,
            })
        groups.append({"code": group.code, "name": group.name, "note": group.note, "indicators": items})
    s = criteria_set
    return {
        "format": FORMAT, "version": FORMAT_VERSION,
        "set": {"code": s.code, "name": s.name, "subject": s.subject, "decision_number": s.decision_number,
                "decision_date": s.decision_date.isoformat() if s.decision_date else None, "issuer": s.issuer,
                "valid_from": s.valid_from.isoformat() if s.valid_from else None,
                "valid_to": s.valid_to.isoformat() if s.valid_to else None,
                "completion_min_points": num(s.completion_min_points),
                "completion_min_group_percent": num(s.completion_min_group_percent), "note": s.note},
        "groups": groups,
    }


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_SET
    sheet.append(["field", "value"])
    for key in SET_KEYS:
        sheet.append([key, data["set"].get(key)])
    groups = book.create_sheet(SHEET_GROUPS)
    groups.append(list(GROUP_KEYS))
    items = book.create_sheet(SHEET_INDICATORS)
    items.append(list(INDICATOR_KEYS))
    for group in data["groups"]:
        groups.append([group[k] for k in GROUP_KEYS])
        for ind in group["indicators"]:
            steps = "; ".join(f"{s['from']}:{s['points']}" for s in ind["steps"])
            options = "; ".join(f"{o['key']}={o['label']}:{o['points']}" for o in ind["options"])
            items.append([group["code"], ind["code"], ind["name"], ind["max_points"], ind["method"], ind["threshold"],
                          steps, options, ", ".join(ind["evidence"]), ind["source_kind"], ind["source_key"],
                          ind["unit_of_measure"], ind["verifier"], ind["note"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
