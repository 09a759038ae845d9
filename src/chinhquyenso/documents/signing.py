"""The seam to the signatures app (below documents): PAdES signing of the main PDF by the
competent person, then the organisation; separate attachment files get the organisation's
signature with the number/symbol text stamp (NĐ 30/2020 Phụ lục I part II).

signatures' errors carry a Vietnamese message; they become ValidationError here so every caller
(page, API) answers 4xx with that message and the transaction rolls back.
"""

from django.core.exceptions import ValidationError


def _services():
    try:
        from chinhquyenso.signatures import services
    except ImportError:
        raise ValidationError("Chức năng ký số chưa được cài đặt trên hệ thống.") from None
    return services


def _call(fn, *args, **kwargs) -> bytes:
    from chinhquyenso.signatures.errors import SignatureError

    try:
        result = fn(*args, **kwargs)
    except SignatureError as exc:
        raise ValidationError(str(exc)) from None
    return getattr(result, "pdf", result)


def verify(pdf: bytes):
    """Verification report of every signature in `pdf` (signatures.services.verify), or None when
    the signatures app cannot verify (the page says so)."""
    try:
        services = _services()
        return services.verify(pdf)
    except ValidationError:
        return None
    except Exception as exc:  # noqa: BLE001 — a verification problem must not break the page
        from chinhquyenso.signatures.errors import SignatureError

        if isinstance(exc, SignatureError):
            return {"error": str(exc)}
        raise


def sign_personal(pdf: bytes, *, user) -> bytes:
    return _call(_services().sign_personal, pdf, user=user)


def sign_organization(pdf: bytes, *, agency) -> bytes:
    return _call(_services().sign_organization, pdf, agency=agency)


def sign_attachment(pdf: bytes, *, agency, number_symbol: str) -> bytes:
    return _call(_services().sign_attachment, pdf, agency=agency, number_symbol=number_symbol)
