"""How a published version came to be, for the version lines of the pages and the admin."""

from django import template

from ..models import version_origin

register = template.Library()


@register.filter(name="version_origin")
def version_origin_filter(change_reason: str | None) -> str:
    """Return "hearing_draft", "seeded" or "published" for a version's change reason."""
    return version_origin(change_reason or "")
