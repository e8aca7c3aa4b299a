"""Numbers as a Dane reads them: 12 not 12.0, 12,5 not 12.5 (pure: the rules module uses it)."""

from decimal import Decimal


def danish_number(value: float | int | Decimal) -> str:
    """Return a number with a decimal comma and no trailing ".0"."""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}".replace(".", ",")
