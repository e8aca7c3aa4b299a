"""Forms of the public pages (the editors' forms live in admin.py)."""

from django import forms
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
