"""Validation of an intake, shared by the JSON API and the intake page (one code path).

Messages name what is allowed, in the reader's language (Danish in the API); tests import
them. Every problem is reported at once, and an unknown field is an error rather than silently
ignored: a misspelt "neuropathic_pain" must not quietly change the advice.

A daily dose is required and positive, except in RecordIntakeData: a patient's record may not
tell a drug's dose (an as-needed opioid), and the drug is still a current medication.
"""

import re
import threading

from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.content import red_flags_content_load

from .models import RedFlag
from .rules import Intake, Medication
from .rules.drugs import drug_table, opioid_codes
from .rules.intake import DoseUnit, PainSite, WorkStatus

AGE_MIN, AGE_MAX = 0, 120
DURATION_MAX_WEEKS = 2600  # 50 years
OPIOID_MONTHS_MAX = 1200
DOSE_MAX = 100_000  # above any real daily dose in mg or mcg/h: a typing error
# An input sanity limit, not clinical content (docs/opioids.md): ten of the largest fentanyl
# patch. A higher patch dose is almost certainly a mg figure typed as mcg/h (5000 "mcg/h" of
# fentanyl would count as 12 000 MME), and it bounds the taper planner's work of rounding to
# patches.
PATCH_DOSE_MAX = 1000
STARTBACK_ITEMS = 9
# Caps on list lengths: far above any real patient (the red-flag table has 22 items, the intake
# page 20 medication rows), low enough that a runaway client cannot make us validate 100 000.
MEDICATIONS_MAX = 20
RED_FLAGS_MAX = 50

# Read in the reader's language when shown: the page's, or Danish for the API (middleware.py).
AGE_ERROR = format_lazy(
    _("Alder skal være et helt tal fra {min} til {max} år."), min=AGE_MIN, max=AGE_MAX
)
PAIN_SITE_ERROR = format_lazy(
    _("Ukendt smertelokalisation {{input!r}}. Tilladt: {allowed}."),
    allowed=", ".join(PainSite.values),
)
DURATION_ERROR = format_lazy(
    _("Smertevarighed skal være et tal fra 0 til {max} uger."), max=DURATION_MAX_WEEKS
)
BOOLEAN_ERROR = _("Skal være true eller false.")
RED_FLAG_ERROR = _("Ukendt rødt flag {code!r}.")
WORK_STATUS_ERROR = format_lazy(
    _("Ukendt arbejdssituation {{input!r}}. Tilladt: {allowed}."),
    allowed=", ".join(WorkStatus.values),
)
DRUG_ERROR = _("Ukendt lægemiddel {input!r}.")
DOSE_ERROR = format_lazy(_("Døgndosis skal være et positivt tal (højst {max})."), max=DOSE_MAX)
UNIT_ERROR = _("Enheden for {drug} skal være {unit}.")
PATCH_DOSE_ERROR = format_lazy(
    _("Døgndosis for plaster skal være et positivt tal i mikrogram/time, højst {max}."),
    max=PATCH_DOSE_MAX,
)
UNIT_CHOICE_ERROR = _("Enhed skal være mg eller mcg/h.")
OPIOID_MONTHS_ERROR = format_lazy(
    _("Varighed af opioidbehandling skal være et tal fra 0 til {max} måneder."),
    max=OPIOID_MONTHS_MAX,
)
STARTBACK_ERROR = _("STarT Back skal være ni svar, hvert 0 eller 1.")
REQUIRED_ERROR = _("Skal udfyldes.")
NOT_AN_OBJECT_ERROR = _("Forventede et JSON-objekt med patientens oplysninger.")
UNKNOWN_FIELD_ERROR = _("Ukendt felt.")
# A body of many unknown keys is refused at once, naming only the first few.
UNKNOWN_FIELDS_NAMED = 10
UNKNOWN_FIELDS_MORE_ERROR = _("Kroppen har {count} ukendte felter; de første {named} er nævnt.")
MEDICATION_NOT_AN_OBJECT_ERROR = _(
    "Hvert lægemiddel skal være et objekt med drug, daily_dose og unit."
)
LIST_ERROR = _("Skal være en liste.")
MEDICATIONS_MAX_ERROR = format_lazy(
    _("Feltet medications må højst have {max} lægemidler."), max=MEDICATIONS_MAX
)
RED_FLAGS_MAX_ERROR = format_lazy(
    _("Feltet red_flags må højst have {max} røde flag."), max=RED_FLAGS_MAX
)


@extend_schema_field({"type": "string", "enum": sorted(drug_table())})
class DrugCodeField(serializers.CharField):
    """A drug code from fixtures/drugs.json (API.md), listed in the OpenAPI document."""


@extend_schema_field(
    {"type": "string", "enum": sorted(flag["code"] for flag in red_flags_content_load())}
)
class RedFlagCodeField(serializers.CharField):
    """A red-flag code from fixtures/red_flags.json, listed in the OpenAPI document."""


@extend_schema_field({"type": "string", "enum": sorted(opioid_codes())})
class OpioidCodeField(serializers.CharField):
    """An opioid's drug code, listed in the OpenAPI document."""


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer", "enum": [0, 1]},
        "minItems": STARTBACK_ITEMS,
        "maxItems": STARTBACK_ITEMS,
        "description": "STarT Back: ni svar, hvert 0 (nej/uenig) eller 1 (ja/enig).",
    }
)
class StartBackField(serializers.ListField):
    """The nine STarT Back answers; checked in IntakeSerializer.validate_startback. An answer
    that is no whole number (null, true, "ja") gets the same message as any other wrong one."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if isinstance(error.detail, dict):  # an answer's own error, as "startback[0]"
                raise serializers.ValidationError(STARTBACK_ERROR) from None
            raise


# A number written as text with a point before three digits after a non-zero whole number
# ("1.000", "12.500"): a thousand to a Danish reader, 1 to Python's float(). The pages take a
# point as a decimal mark too ("7.5"), so neither reading is safe: a dose a thousand times off.
MAY_HOLD_THOUSANDS_POINT = re.compile(r"[1-9]\d{0,2}(\.\d{3})+")


class StrictFloatField(serializers.FloatField):
    """A number that refuses JSON true/false (`"pain_duration_weeks": true` is not 1 week) and
    text that may hold a thousands point (MAY_HOLD_THOUSANDS_POINT); JSON numbers are read as
    they are."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, str) and MAY_HOLD_THOUSANDS_POINT.fullmatch(data.strip()):
            self.fail("invalid")
        return super().to_internal_value(data)


class RefuseUnknownFields:
    """Refuse anything but an object, and fields the serializer does not know."""

    not_an_object_error = NOT_AN_OBJECT_ERROR

    def run_validation(self, data=serializers.empty):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [self.not_an_object_error]})
        return super().run_validation(data)

    def to_internal_value(self, data):
        names = [name for name in data if name not in self.fields]
        if len(names) > UNKNOWN_FIELDS_NAMED:
            # Thousands of unknown keys: validating the rest and answering with every one of
            # them cost seconds of CPU and an error twice the size of the body.
            errors = {name: [UNKNOWN_FIELD_ERROR] for name in names[:UNKNOWN_FIELDS_NAMED]}
            more = UNKNOWN_FIELDS_MORE_ERROR.format(count=len(names), named=UNKNOWN_FIELDS_NAMED)
            raise serializers.ValidationError(errors | {"non_field_errors": [more]})
        unknown = {name: [UNKNOWN_FIELD_ERROR] for name in sorted(names)}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            error.detail.update(unknown)
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false and nothing else (API.md says bool).

    DRF's BooleanField also takes 0, 1, "yes", "on" and "true": a client that sends a
    questionnaire score or a form value where a bool belongs has misread the contract, and is
    told so rather than guessed at.
    """

    default_error_messages = {"invalid": BOOLEAN_ERROR, "null": BOOLEAN_ERROR}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid")


def _number_errors(message: str, *, required: bool) -> dict[str, str]:
    """Return a number field's errors: `message` for any value that is not a number in range.

    A required number also says so when it is missing, and gives `message` for a null.
    """
    errors = dict.fromkeys(("invalid", "min_value", "max_value", "max_string_length"), message)
    return errors | {"null": message, "required": REQUIRED_ERROR} if required else errors


def _list_errors(max_length_error: str) -> dict[str, str]:
    """Return a list field's errors: not a list (or null), or longer than it may be."""
    return {"not_a_list": LIST_ERROR, "null": LIST_ERROR, "max_length": max_length_error}


def _bool(**kwargs) -> serializers.BooleanField:
    return StrictBooleanField(**kwargs)


class RecordIntakeData(dict):
    """Intake data mapped from a patient's record (patients/cds/fhir_mapping.py).

    Validated as any intake, except that a medication's daily_dose may be None: the record did
    not tell it, and the evaluator counts the drug without a dose (rules.Medication). Only the
    mapping builds this type; the API's parsed JSON and the form's data are plain dicts, so for
    them a missing or null dose stays an error.
    """


class MedicationSerializer(RefuseUnknownFields, serializers.Serializer):
    not_an_object_error = MEDICATION_NOT_AN_OBJECT_ERROR
    drug = DrugCodeField(
        error_messages={"required": REQUIRED_ERROR, "blank": REQUIRED_ERROR, "null": REQUIRED_ERROR}
    )
    daily_dose = StrictFloatField(
        min_value=0.000001,
        max_value=DOSE_MAX,
        error_messages={key: DOSE_ERROR for key in ("invalid", "min_value", "max_value", "null")}
        | {"required": REQUIRED_ERROR},
    )
    unit = serializers.ChoiceField(
        choices=DoseUnit.choices,
        error_messages={"invalid_choice": UNIT_CHOICE_ERROR, "required": REQUIRED_ERROR},
    )

    def get_fields(self):
        fields = super().get_fields()
        # Only for a record's data (RecordIntakeData); the schema and the API keep the dose
        # required, as this serializer is built without the flag there.
        if getattr(self.root, "dose_unknown_allowed", False):
            fields["daily_dose"].allow_null = True
        return fields

    def validate_drug(self, value: str) -> str:
        if value not in drug_table():
            raise serializers.ValidationError(DRUG_ERROR.format(input=value))
        return value

    def validate(self, data):
        drug = drug_table()[data["drug"]]
        if data["unit"] != drug.unit:
            raise serializers.ValidationError(
                {"unit": [UNIT_ERROR.format(drug=drug.name, unit=drug.unit)]}
            )
        dose = data.get("daily_dose")
        if drug.unit == DoseUnit.MCG_PER_HOUR and dose is not None and dose > PATCH_DOSE_MAX:
            raise serializers.ValidationError({"daily_dose": [PATCH_DOSE_ERROR]})
        return data


class IntakeSerializer(RefuseUnknownFields, serializers.Serializer):
    age = serializers.IntegerField(
        min_value=AGE_MIN,
        max_value=AGE_MAX,
        error_messages=_number_errors(AGE_ERROR, required=True),
    )
    pain_site = serializers.ChoiceField(
        choices=PainSite.choices,
        error_messages={
            "invalid_choice": PAIN_SITE_ERROR,
            "required": REQUIRED_ERROR,
            "null": REQUIRED_ERROR,
        },
    )
    pain_duration_weeks = StrictFloatField(
        min_value=0,
        max_value=DURATION_MAX_WEEKS,
        error_messages=_number_errors(DURATION_ERROR, required=True),
    )
    neuropathic_pain = _bool(default=False)
    radicular_signs = _bool(default=False)
    red_flags = serializers.ListField(
        child=RedFlagCodeField(),
        default=list,
        max_length=RED_FLAGS_MAX,
        error_messages=_list_errors(RED_FLAGS_MAX_ERROR),
    )
    complex_problems = _bool(default=False)
    activity_limitation = _bool(default=False)
    work_status = serializers.ChoiceField(
        choices=WorkStatus.choices,
        allow_null=True,
        default=None,
        error_messages={"invalid_choice": WORK_STATUS_ERROR},
    )
    trains_independently = StrictBooleanField(allow_null=True, default=None)
    nonpharmacological_insufficient = _bool(default=False)
    sleep_problems = _bool(default=False)
    somatic_disease_flare = _bool(default=False)
    medications = MedicationSerializer(
        many=True,
        default=list,
        max_length=MEDICATIONS_MAX,
        error_messages=_list_errors(MEDICATIONS_MAX_ERROR),
    )
    opioid_treatment_months = StrictFloatField(
        min_value=0,
        max_value=OPIOID_MONTHS_MAX,
        allow_null=True,
        default=None,
        error_messages=_number_errors(OPIOID_MONTHS_ERROR, required=False),
    )
    startback = StartBackField(
        child=serializers.IntegerField(),
        allow_null=True,
        default=None,
        error_messages={"not_a_list": STARTBACK_ERROR},
    )

    default_error_messages = {"invalid": NOT_AN_OBJECT_ERROR}

    def __init__(
        self,
        *args,
        red_flag_codes: list[str] | None = None,
        dose_unknown_allowed: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.red_flag_codes = red_flag_codes
        # True for a record's data only (RecordIntakeData): a medication's dose may be None.
        self.dose_unknown_allowed = dose_unknown_allowed

    def validate_red_flags(self, codes: list[str]) -> list[str]:
        known = self.red_flag_codes
        if known is None:
            known = list(RedFlag.objects.values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise serializers.ValidationError([RED_FLAG_ERROR.format(code=c) for c in unknown])
        return codes

    def validate_startback(self, answers: list[int] | None) -> list[int] | None:
        if answers is not None and (
            not isinstance(answers, list)
            or len(answers) != STARTBACK_ITEMS
            or any(isinstance(a, bool) or a not in (0, 1) for a in answers)
        ):
            raise serializers.ValidationError(STARTBACK_ERROR)
        return answers


# A new IntakeSerializer deep-copies its declared fields, the medications' nested ones
# included, before it validates anything: half the cost of validating an intake. Validation
# keeps no state on a serializer (is_valid only stores its result), so each thread builds one
# per kind of data, once, and validates every intake with it. One per language as well: DRF
# words a number's range error once (its validators' lazy_format keeps the first wording), so
# a serializer that has spoken English to a page would go on speaking English to the API.
_BOUND = threading.local()


def intake_validate(
    data: object, *, red_flag_codes: list[str], dose_unknown_allowed: bool = False
) -> dict:
    """Return the validated intake data, as IntakeSerializer(data=...).is_valid() finds it.

    Raise ValidationError with every problem, field by field, as is_valid(raise_exception=True)
    does.
    """
    if not hasattr(_BOUND, "by_kind"):
        _BOUND.by_kind = {}  # (dose_unknown_allowed, language): its serializer
    kind = (dose_unknown_allowed, translation.get_language())
    serializer = _BOUND.by_kind.get(kind)
    if serializer is None:
        serializer = IntakeSerializer(dose_unknown_allowed=dose_unknown_allowed)
        _BOUND.by_kind[kind] = serializer
    serializer.red_flag_codes = red_flag_codes  # read by validate_red_flags, per call
    return serializer.run_validation(data)


def intake_build(data: dict) -> Intake:
    """Return the Intake for validated data."""
    return Intake(
        **{
            **data,
            "red_flags": frozenset(data["red_flags"]),
            "medications": tuple(Medication(**med) for med in data["medications"]),
            "startback": tuple(data["startback"]) if data["startback"] is not None else None,
        }
    )
