"""The provenance wording that pages share with the cards (provenance.py)."""

from django import template

from .. import provenance

register = template.Library()


@register.simple_tag
def pico_doses_note() -> str:
    """Return the line saying that doses in a PICO question's background are not advice."""
    return provenance.PICO_DOSES_NOTE
