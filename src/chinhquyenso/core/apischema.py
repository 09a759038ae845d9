"""Helpers for the apps' API schemas (django-ninja, pydantic)."""

import datetime
import re
from collections.abc import Callable
from typing import Annotated, Any

from django.db.models import IntegerChoices
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema


def inline_choices(choices: type, title: str) -> Any:
    """A Django Choices class as a field type whose JSON schema is written in place.

    pydantic names an enum's OpenAPI component after the class alone and ninja keeps one component
    per name for the whole API, so the `Status` of one app silently replaced another's in
    /api/v1/openapi.json. Validation still yields the Choices member."""
    kind = "integer" if issubclass(choices, IntegerChoices) else "string"
    return Annotated[choices, WithJsonSchema({"title": title, "type": kind, "enum": list(choices.values)})]


# Every refusal of the JSON API (the docstrings are the descriptions in the OpenAPI document).
class ApiError(Schema):
    """Lỗi, kèm thông báo bằng tiếng Việt."""

    detail: str = Field(description="Thông báo lỗi")


class ApiValidationError(ApiError):
    """Dữ liệu gửi lên không khớp tham số hoặc nội dung mà thao tác nhận (chinhquyenso.api)."""

    errors: list[dict] = Field([], description="Chi tiết theo từng trường (loc, msg, type)")


def decimal_string(pattern: str, **number: Any) -> Callable[[dict], None]:
    """json_schema_extra for a Decimal field. pydantic documents a Decimal as a number or *any*
    string, so generated clients and Schemathesis send text it then refuses; give the string
    form the pattern of (a subset of) the numbers the field takes, and the number form any
    keywords its constraints need beyond pydantic's (e.g. type="integer" for decimal_places=0)."""

    def extra(schema: dict) -> None:
        for branch in schema.get("anyOf", [schema]):
            if branch.get("type") == "string":
                branch["pattern"] = pattern
            elif branch.get("type") == "number":
                branch.update(number)

    return extra


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date_only(value: Any) -> Any:
    if isinstance(value, datetime.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("Ngày phải theo dạng YYYY-MM-DD.")


# A date as the OpenAPI document states it (format: date, i.e. YYYY-MM-DD). pydantic alone also
# takes a Unix time, even as text: ?ngay=0.0 was read as 1970-01-01.
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_only)]
