"""The opioid tools' entry points: raw data in, MME table or taper plan out.

The API (api.py) and the pages (views.py) both call these; input.py validates.
"""

from datetime import date

from rest_framework.exceptions import ValidationError

from patients.opioids.calculations import taper_plan_build
from patients.opioids.mme import mme_table
from patients.opioids.plan_types import MmeTable, Pause, TaperPlan, TaperPlanError, TaperSettings
from recommendations.rules import Medication

from .input import MmeInputSerializer, TaperPlanInputSerializer
from .taper_combined import CombinedTaperPlan, TaperDrug, taper_plan_combined_build


def mme_table_from_data(*, data: object) -> MmeTable:
    """Return the MME table for raw data; raise ValidationError listing every problem."""
    serializer = MmeInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    medications = [Medication(**med) for med in serializer.validated_data["medications"]]
    return mme_table(medications=medications)


def taper_plan_from_data(*, data: object, today: date) -> TaperPlan | CombinedTaperPlan:
    """Return the taper plan for raw data; raise ValidationError listing every problem."""
    serializer = TaperPlanInputSerializer(data=data, today=today)
    serializer.is_valid(raise_exception=True)
    values = serializer.validated_data
    settings = _taper_settings(values)
    try:
        if "medications" in values:
            drugs = [TaperDrug(m["drug"], m["daily_dose"]) for m in values["medications"]]
            return taper_plan_combined_build(medications=drugs, settings=settings)
        return taper_plan_build(
            drug=values["drug"],
            daily_dose=values["daily_dose"],
            target_daily_dose=values["target_daily_dose"],
            settings=settings,
        )
    except TaperPlanError as error:
        raise ValidationError(error.errors) from None


def _taper_settings(values: dict) -> TaperSettings:
    """Return the plan-wide settings of validated taper-plan data (one drug or several)."""
    return TaperSettings(
        start_date=values["start_date"],
        treatment_months=values["treatment_months"],
        reduction_percent=values["reduction_percent"],
        interval_weeks=values["interval_weeks"],
        round_doses=values["round_doses"],
        pauses=tuple(Pause(**pause) for pause in values["pauses"]),
        shape=values["shape"],
        weekdays_only=values["weekdays_only"],
    )
