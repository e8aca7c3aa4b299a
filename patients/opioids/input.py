"""What the opioid tools accept (API.md): the input serializers and their Danish errors.

The one validation path for the API and the opioid pages: services.py runs these serializers
on the JSON the API receives or the pages reshape their form fields into.
"""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from patients.opioids.plan_types import (
    INTERVAL_ERROR,
    INTERVAL_WEEKS_MAX,
    INTERVAL_WEEKS_MIN,
    MAX_STEPS,
    NOT_OPIOID_ERROR,
    PAUSE_EXTRA_ERROR,
    PAUSE_EXTRA_MAX,
    PAUSE_EXTRA_MIN,
    REDUCTION_ERROR,
    REDUCTION_PERCENT_DEFAULT,
    REDUCTION_PERCENT_MAX,
    REDUCTION_PERCENT_MIN,
    TARGET_DAILY_DOSE_DEFAULT,
    TARGET_ERROR,
    target_above_error,
)
from recommendations.intake_input import (
    DOSE_ERROR,
    DOSE_MAX,
    DRUG_ERROR,
    LIST_ERROR,
    MEDICATIONS_MAX,
    OPIOID_MONTHS_ERROR,
    OPIOID_MONTHS_MAX,
    REQUIRED_ERROR,
    UNIT_CHOICE_ERROR,
    UNIT_ERROR,
    MedicationSerializer,
    OpioidCodeField,
    RefuseUnknownFields,
    StrictBooleanField,
    StrictFloatField,
)
from recommendations.rules.drugs import drug_table

from .taper_calendar import next_working_day
from .taper_shapes import TaperShape

START_DATE_RANGE_DAYS = 730  # a plan starts within two years of today, either way

# Read in the reader's language when shown (recommendations/middleware.py).
MEDICATIONS_EMPTY_ERROR = _("Angiv mindst ét lægemiddel med døgndosis.")
MEDICATIONS_AT_ONCE_ERROR = format_lazy(_("Højst {max} lægemidler ad gangen."), max=MEDICATIONS_MAX)
TREATMENT_MONTHS_REQUIRED_ERROR = _(
    "Angiv hvor mange måneder opioid har været brugt; det afgør standardintervallet "
    "(hver 4. uge ved et år eller mere, ellers hver uge)."
)
START_DATE_ERROR = _("Startdato skal være en dato, fx 2026-03-01 eller 01-03-2026.")
START_DATE_RANGE_ERROR = _("Startdato skal ligge inden for to år fra i dag ({first} til {last}).")
PAUSES_MAX_ERROR = format_lazy(_("Højst {max} pauser."), max=MAX_STEPS)
PAUSE_STEP_NUMBER_ERROR = format_lazy(
    _("En pause skal ligge efter et trin: trinnummeret er et helt tal fra 1 til {max}."),
    max=MAX_STEPS - 1,
)

DATE_INPUT_FORMATS = ["iso-8601", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]
TAPER_NOT_AN_OBJECT_ERROR = _(
    "Forventede et JSON-objekt med planens oplysninger: drug, daily_dose og treatment_months "
    "(resten er valgfrit)."
)
MME_NOT_AN_OBJECT_ERROR = _("Forventede et JSON-objekt med medications: en liste af lægemidler.")
PAUSE_NOT_AN_OBJECT_ERROR = _("Hver pause skal være et objekt med after_step og extra_intervals.")
SHAPE_ERROR = _("Form skal være linear (lige store trin) eller proportional (aftagende trin).")
DRUG_OR_MEDICATIONS_ERROR = _(
    "Angiv enten ét opioid (drug, daily_dose, unit) eller en liste (medications), ikke begge."
)
DRUG_NOT_TEXT_ERROR = _('Opioid skal angives som en lægemiddelkode (tekst), fx "oxycodone".')


class _StrictSerializer(RefuseUnknownFields, serializers.Serializer):
    """Refuse anything but an object, and unknown fields: a misspelt "reduction_percent" must
    not quietly use the default (intake_input.RefuseUnknownFields, shared with /evaluate/)."""


def _percent_escaped(message: str) -> str:
    return str(message).replace("%", "%%")


def _number_messages(message: str) -> dict[str, str]:
    keys = ("invalid", "null", "max_string_length", "overflow")
    # Range messages go through Django's validators, which %-format them: escape "%", when the
    # message is read (in the reader's language), not now.
    in_range = lazy(_percent_escaped, str)(message)
    return (
        dict.fromkeys(keys, message)
        | {"min_value": in_range, "max_value": in_range}
        | {"required": REQUIRED_ERROR}
    )


# --- MME -------------------------------------------------------------------------------------


def _medications(**kwargs) -> MedicationSerializer:
    """Return the list of medications both tools take: the same rows as the intake's (one
    OpenAPI component), at least one, at most MEDICATIONS_MAX."""
    messages = {
        "not_a_list": LIST_ERROR,
        "null": LIST_ERROR,
        "empty": MEDICATIONS_EMPTY_ERROR,
        "max_length": MEDICATIONS_AT_ONCE_ERROR,
    }
    if kwargs.get("required", True):
        messages["required"] = REQUIRED_ERROR
    return MedicationSerializer(
        many=True, allow_empty=False, max_length=MEDICATIONS_MAX, error_messages=messages, **kwargs
    )


class MmeInputSerializer(_StrictSerializer):
    not_an_object_error = MME_NOT_AN_OBJECT_ERROR
    medications = _medications()


# --- Taper plan ------------------------------------------------------------------------------


class PauseSerializer(_StrictSerializer):
    not_an_object_error = PAUSE_NOT_AN_OBJECT_ERROR
    after_step = serializers.IntegerField(
        min_value=1,
        max_value=MAX_STEPS - 1,
        error_messages=_number_messages(PAUSE_STEP_NUMBER_ERROR),
    )
    extra_intervals = serializers.IntegerField(
        min_value=PAUSE_EXTRA_MIN,
        max_value=PAUSE_EXTRA_MAX,
        error_messages=_number_messages(PAUSE_EXTRA_ERROR),
    )


class TaperPlanInputSerializer(_StrictSerializer):
    not_an_object_error = TAPER_NOT_AN_OBJECT_ERROR
    # drug, daily_dose and unit as on a medication row (same checks and messages). Numbers are
    # StrictFloatField: JSON true/false is not 1 or 0.
    drug = OpioidCodeField(
        error_messages={
            "required": REQUIRED_ERROR,
            "blank": REQUIRED_ERROR,
            "null": REQUIRED_ERROR,
            "invalid": DRUG_NOT_TEXT_ERROR,
        }
    )
    daily_dose = StrictFloatField(
        min_value=0.000001, max_value=DOSE_MAX, error_messages=_number_messages(DOSE_ERROR)
    )
    unit = serializers.CharField(
        required=False,
        error_messages={
            "invalid": UNIT_CHOICE_ERROR,
            "blank": UNIT_CHOICE_ERROR,
            "null": UNIT_CHOICE_ERROR,
        },
        help_text="mg (mg/døgn) eller mcg/h (plaster); følger lægemidlet.",
    )
    treatment_months = StrictFloatField(
        min_value=0,
        max_value=OPIOID_MONTHS_MAX,
        error_messages=_number_messages(OPIOID_MONTHS_ERROR)
        | {"required": TREATMENT_MONTHS_REQUIRED_ERROR, "null": TREATMENT_MONTHS_REQUIRED_ERROR},
    )
    reduction_percent = StrictFloatField(
        min_value=REDUCTION_PERCENT_MIN,
        max_value=REDUCTION_PERCENT_MAX,
        default=REDUCTION_PERCENT_DEFAULT,
        error_messages=_number_messages(REDUCTION_ERROR),
        help_text="Reduktion pr. trin i % af startdosis (1-50, standard 10).",
    )
    interval_weeks = serializers.IntegerField(
        min_value=INTERVAL_WEEKS_MIN,
        max_value=INTERVAL_WEEKS_MAX,
        allow_null=True,
        default=None,
        error_messages=_number_messages(INTERVAL_ERROR),
        help_text="Uger mellem trin (1-12); standard 4 ved brug i 12 måneder eller mere, ellers 1.",
    )
    target_daily_dose = StrictFloatField(
        min_value=0,
        max_value=DOSE_MAX,
        default=0,
        error_messages=_number_messages(TARGET_ERROR),
        help_text="Måldosis (standard 0: fuld udtrapning; ikke alle skal trappes helt ud).",
    )
    start_date = serializers.DateField(
        allow_null=True,
        default=None,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": START_DATE_ERROR, "datetime": START_DATE_ERROR},
        help_text="Standard: i dag; med weekdays_only true den næste hverdag.",
    )
    weekdays_only = StrictBooleanField(
        default=False,
        help_text="Ingen trin eller opfølgning i en weekend: en startdato lørdag eller søndag "
        "flyttes til mandagen efter (standard false; planlæggersiden sætter true).",
    )
    shape = serializers.ChoiceField(
        choices=TaperShape.choices,
        default=TaperShape.LINEAR,
        error_messages={"invalid_choice": SHAPE_ERROR, "null": SHAPE_ERROR},
        help_text="linear: hvert trin skærer reduction_percent af startdosis; proportional: af "
        "dosis før (aftagende trin).",
    )
    medications = _medications(
        required=False,
        help_text="I stedet for drug/daily_dose/unit: flere opioider, trappet ned ét ad gangen "
        "i den angivne rækkefølge, mens de andre holdes.",
    )
    round_doses = StrictBooleanField(
        default=False,
        help_text="Rund op til praktiske doser (tabletstyrker, plasterstyrker).",
    )
    pauses = PauseSerializer(
        many=True,
        default=list,
        max_length=MAX_STEPS,
        error_messages={
            "not_a_list": LIST_ERROR,
            "null": LIST_ERROR,
            "max_length": PAUSES_MAX_ERROR,
        },
    )

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.several = isinstance(kwargs.get("data"), dict) and "medications" in kwargs["data"]
        if self.several:
            for name in ("drug", "daily_dose"):
                self.fields[name].required = False

    def validate_drug(self, value: str) -> str:
        drug = drug_table().get(value)
        if drug is None:
            raise serializers.ValidationError(DRUG_ERROR.format(input=value))
        if not drug.is_opioid:
            raise serializers.ValidationError(NOT_OPIOID_ERROR.format(name=drug.name))
        return value

    def validate_start_date(self, value: date | None) -> date | None:
        if value is None:
            return None  # the default depends on weekdays_only: validate()
        first = self.today - timedelta(days=START_DATE_RANGE_DAYS)
        last = self.today + timedelta(days=START_DATE_RANGE_DAYS)
        if not first <= value <= last:
            raise serializers.ValidationError(
                START_DATE_RANGE_ERROR.format(first=first.isoformat(), last=last.isoformat())
            )
        return value

    def to_internal_value(self, data):
        both = self._both_errors(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            # Report a target above the dose together with the other problems, not after them.
            if isinstance(error.detail, dict) and isinstance(data, dict):
                if not self.several:
                    error.detail.update(self._target_errors(data, error.detail))
                error.detail.update(both)
            raise
        if both:
            raise serializers.ValidationError(both)
        return value

    def _both_errors(self, data) -> dict[str, list[str]]:
        """Refuse one drug and a list at once: which plan was meant is not clear."""
        if not (self.several and isinstance(data, dict)):
            return {}
        single = ("drug", "daily_dose", "unit", "target_daily_dose")
        return {name: [DRUG_OR_MEDICATIONS_ERROR] for name in single if name in data}

    def _target_errors(self, data: dict, errors: dict) -> dict[str, list[str]]:
        if {"daily_dose", "target_daily_dose"} & set(errors) or "daily_dose" not in data:
            return {}
        try:
            dose = self.fields["daily_dose"].run_validation(data["daily_dose"])
            target = self.fields["target_daily_dose"].run_validation(
                data.get("target_daily_dose", TARGET_DAILY_DOSE_DEFAULT)
            )
        except serializers.ValidationError:
            return {}
        # The raw values may be any JSON (a list, an object): only a string can name a drug.
        drug_code, unit = data.get("drug"), data.get("unit")
        drug = drug_table().get(drug_code) if isinstance(drug_code, str) else None
        unit = drug.unit if drug else unit if isinstance(unit, str) else ""
        above = target_above_error(target=target, dose=dose, unit=unit)
        return {"target_daily_dose": [above]} if above else {}

    def validate(self, data):
        if data.get("start_date") is None:
            # API.md: today. With working days only (the planner page's default) the next
            # working day, as the clinician starts a plan.
            weekdays = data.get("weekdays_only")
            data["start_date"] = next_working_day(self.today) if weekdays else self.today
        if self.several:
            return data
        drug = drug_table()[data["drug"]]
        if data.get("unit", drug.unit) != drug.unit:
            raise serializers.ValidationError(
                {"unit": [UNIT_ERROR.format(drug=drug.name, unit=drug.unit)]}
            )
        data["unit"] = drug.unit
        return data
