"""The provenance wording that pages share with the cards (provenance.py)."""

from django import template

from .. import provenance
from ..models import reason_for_readers

register = template.Library()


@register.simple_tag
def pico_doses_note() -> str:
    """Return the line saying that doses in a PICO question's background are not advice."""
    return provenance.PICO_DOSES_NOTE


@register.filter(name="reason_for_readers")
def reason_for_readers_filter(change_reason: str | None) -> str:
    """Return a change reason without build references (models.reason_for_readers)."""
    return reason_for_readers(change_reason or "")
