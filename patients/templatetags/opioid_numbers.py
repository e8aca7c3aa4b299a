"""Number display for the opioid pages: "12,5" not "12,50", "60" not "60,00"."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def dose(value) -> str:
    """Return a dose with the decimals it has and no trailing zeros, in the active locale."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value)).normalize()
    places = max(0, -number.as_tuple().exponent)
    return number_format(number, decimal_pos=places)
