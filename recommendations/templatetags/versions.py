"""How a published version came to be, for the version lines of the pages and the admin."""

from django import template

from ..models import reason_for_readers, version_origin

register = template.Library()


@register.filter(name="version_origin")
def version_origin_filter(change_reason: str | None) -> str:
    """Return "hearing_draft", "seeded" or "published" for a version's change reason."""
    return version_origin(change_reason or "")


@register.filter(name="reason_for_readers")
def reason_for_readers_filter(change_reason: str | None) -> str:
    """Return a change reason without build references (models.reason_for_readers)."""
    return reason_for_readers(change_reason or "")
