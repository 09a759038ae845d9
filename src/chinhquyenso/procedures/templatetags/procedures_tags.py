from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """8000 -> "8.000 đồng" (Vietnamese thousands separator); 0 -> "Miễn"."""
    if amount in (None, ""):
        return ""
    amount = Decimal(amount)
    if amount == 0:
        return "Không thu"
    return f"{amount:,.0f}".replace(",", ".") + " đồng"


@register.filter
def number(value) -> str:
    """Decimal 0.50 -> "0,5"; 3.00 -> "3"."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value).normalize():f}".replace(".", ",")
