"""Forms of the public pages (the editors' forms live in admin.py)."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

UNKNOWN_VERSION_CHOICE = _("Vælg en af de udgivne versioner.")


class VersionCompareForm(forms.Form):
    """The two versions the history page compares (?a=older&b=newer)."""

    a = forms.TypedChoiceField(label=_("Fra version"), coerce=int)
    b = forms.TypedChoiceField(label=_("Til version"), coerce=int)

    def __init__(self, *args, versions: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(number, str(number)) for number in versions]
        for field in self.fields.values():
            field.choices = choices
            field.error_messages["invalid_choice"] = UNKNOWN_VERSION_CHOICE


def posted_index(text: str | None) -> int | None:
    """Return a posted row number or count ("3") as an int, or None for anything else."""
    # str.isdigit() accepts "²", which int() refuses, and int() refuses numbers of thousands
    # of digits: both were a 500. Row numbers are small, ASCII and at most a few digits.
    if text and text.isascii() and text.isdigit() and len(text) <= 4:
        return int(text)
    return None


def posted_row_count(post: QueryDict | None, name: str, minimum: int, maximum: int) -> int:
    """Return the posted number of rows of a list on a page, within [minimum, maximum].

    The count is a hidden field the page itself posts; a tampered value counts as the minimum.
    """
    count = posted_index(post.get(name) if post else None)
    return minimum if count is None else max(minimum, min(count, maximum))
