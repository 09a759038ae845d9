"""Open311 GeoReport v2 documents in both formats (GeoReport_v2/index.md).

XML is the reference format (schemaless, no namespace, `text/xml; charset=utf-8`); JSON is its
mechanical mapping (`application/json; charset=utf-8`). `None` becomes an empty element in XML
and `null` in JSON; booleans are `true`/`false` in both."""

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

# For each list root, the element name of one item (XML only).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "service_request_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _xml_value(parent: ET.Element, name: str, value) -> None:
    el = ET.SubElement(parent, name)
    _fill(el, name, value)


def _fill(el: ET.Element, name: str, value) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        el.text = "true" if value else "false"
    elif isinstance(value, dict):
        for k, v in value.items():
            _xml_value(el, k, v)
    elif isinstance(value, list):
        item = ITEM_NAMES.get(name, "item")
        for v in value:
            _xml_value(el, item, v)
    else:
        el.text = str(value)


def respond(fmt: str, root: str, payload, status: int = 200) -> HttpResponse:
    """`payload` is a list (services, requests, errors…) or a dict (service definition, discovery)."""
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False)
        return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    el = ET.Element(root)
    _fill(el, root, payload)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(el, encoding="utf-8", xml_declaration=False)
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def errors(fmt: str, status: int, *items: tuple[int | str, str]) -> HttpResponse:
    return respond(fmt, "errors", [{"code": code, "description": text} for code, text in items], status)
