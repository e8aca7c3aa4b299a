"""Forms of the public pages (the editors' forms live in admin.py)."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .intake_input import MAY_HOLD_THOUSANDS_POINT, MEDICATIONS_MAX

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


# The pages' medication lists (intake, MME calculator): two empty rows to start, as many as the
# API takes at most.
MEDICATION_ROWS_MIN = 2
MEDICATION_ROWS_MAX = MEDICATIONS_MAX


def posted_number(text: str) -> str | float:
    """Return a Danish-typed number ("12,5") as a float; anything else unchanged for the error.

    The pages hand their fields to the API's validation, which names what is allowed.
    """
    cleaned = text.strip()
    if MAY_HOLD_THOUSANDS_POINT.fullmatch(cleaned):
        return text  # "1.000": a thousand to a Danish reader, 1 to float(); the API refuses it
    cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return text


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
