import pytest

from chinhquyenso.core.text import is_digits


@pytest.mark.parametrize("value", ["0", "0912345678", "2026"])
def test_ascii_digits(value):
    assert is_digits(value)


@pytest.mark.parametrize("value", ["", None, "²", "٣", "１２", "12a", " 12", "-1", "1.5"])
def test_anything_else(value):
    assert not is_digits(value)
