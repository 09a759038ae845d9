"""Rendering of NotificationTemplate text with Django template syntax, in Vietnamese."""

from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from chinhquyenso.core.text import nfc

from .models import NotificationTemplate


def validate_source(source: str, field: str = "nội dung") -> None:
    try:
        Template(source)
    except TemplateSyntaxError as exc:
        raise ValidationError(f"Cú pháp mẫu ở {field} không hợp lệ: {exc}", code="template_syntax") from exc


def validate_template(template: NotificationTemplate) -> None:
    """Raise ValidationError (by field) when any part of the template cannot be compiled."""
    errors: dict[str, list[ValidationError]] = {}
    for name, label in (("subject", "tiêu đề"), ("body", "nội dung")):
        try:
            validate_source(getattr(template, name) or "", label)
        except ValidationError as exc:
            errors.setdefault(name, []).append(exc)
    params = template.provider_params
    if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
        errors.setdefault("provider_params", []).append(
            ValidationError("Tham số mẫu phải là một đối tượng JSON: tên tham số → chuỗi mẫu.")
        )
    else:
        for key, value in params.items():
            try:
                validate_source(value, f"tham số {key}")
            except ValidationError as exc:
                errors.setdefault("provider_params", []).append(exc)
    if errors:
        raise ValidationError(errors)


def render_text(source: str, context: dict[str, Any]) -> str:
    """Plain text out (no HTML escaping), Vietnamese date/number formats, NFC-normalised lines."""
    with translation.override("vi"):
        text = Template(source).render(Context(context, autoescape=False))
    return "\n".join(nfc(line) if line.strip() else "" for line in text.strip().splitlines())


def render(template: NotificationTemplate, context: dict[str, Any]) -> dict[str, Any]:
    return {
        # A subject is a single header line: newlines would make EmailMessage refuse it.
        "subject": nfc(render_text(template.subject, context))[:255],
        "body": render_text(template.body, context),
        "provider_template_id": template.provider_template_id,
        "provider_data": {key: render_text(value, context) for key, value in template.provider_params.items()},
    }
