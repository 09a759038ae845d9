"""Identifier validators accept ASCII digits only: Python's \\d also matches full-width and other
Unicode digits, which would store a "phone" no SMS gateway can dial."""

import pytest
from django.core.exceptions import ValidationError

from chinhquyenso.accounts.validators import validate_personal_id, validate_phone


def test_phone_accepts_vietnamese_mobile_numbers():
    for value in ("0912345678", "+84 912 345 678", "0912.345.678", "0386 123 456"):
        validate_phone(value)


@pytest.mark.parametrize("value", ["０９１２３４５６７８", "091234567٨", "0212345678", "091234567", "09123456789"])
def test_phone_refuses_other_digits_and_prefixes(value):
    with pytest.raises(ValidationError, match="Số điện thoại di động không hợp lệ"):
        validate_phone(value)


def test_personal_id_refuses_full_width_digits():
    with pytest.raises(ValidationError, match="đúng 12 chữ số"):
        validate_personal_id("０３８２０３００１２３４")
