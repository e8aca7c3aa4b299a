"""Opioid tools (API.md): POST /api/v1/opioids/mme/ and POST /api/v1/opioids/taper-plan/.

The views and the shape of their answers. What they accept is input.py's; the result comes
from services.py, which the opioid pages call too.
"""

from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from recommendations.intake_input import (
    StrictFloatField,
)

from ..api_endpoint import patient_data_endpoint
from .input import MmeInputSerializer, TaperPlanInputSerializer
from .services import mme_table_from_data, taper_plan_from_data
from .taper_combined import CombinedTaperPlan


# One drug at its daily dose: how an MME row and a combined step's dose begin. (A comment, not
# a docstring: drf-spectacular would show a docstring as both components' description.)
class _DrugAtDoseSerializer(serializers.Serializer):
    drug = serializers.CharField()
    name = serializers.CharField()
    daily_dose = serializers.FloatField()
    unit = serializers.CharField()


class MmeItemSerializer(_DrugAtDoseSerializer):
    factor = serializers.FloatField(allow_null=True)
    mme = serializers.FloatField(allow_null=True)
    source = serializers.CharField()


class MmeTableSerializer(serializers.Serializer):
    daily_mme = serializers.FloatField(allow_null=True)
    threshold = serializers.IntegerField(
        allow_null=True, help_text="Højeste amerikanske tærskel (CDC 2022) der er nået: 50, 90."
    )
    items = MmeItemSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class TaperStepSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    date = serializers.DateField()
    daily_dose = serializers.FloatField()
    daily_mme = serializers.FloatField(allow_null=True)
    patches = serializers.ListField(
        child=serializers.FloatField(),
        help_text="Plastre der udgør dosis, som den rate de afgiver i mcg/h (12.5), kun ved "
        "afrunding til plasterstyrker.",
    )
    patch_labels = serializers.ListField(
        child=serializers.CharField(),
        help_text='Plastrene som de er mærket på pakningen ("12" for 12,5 mcg/h).',
    )
    unchanged = serializers.BooleanField(help_text="Samme dosis som trinnet før (afrunding).")
    pause_intervals = serializers.IntegerField(
        help_text="Ekstra intervaller dosis holdes, før næste trin."
    )


class TaperPlanSerializer(serializers.Serializer):
    drug = serializers.CharField()
    drug_name = serializers.CharField()
    unit = serializers.CharField()
    factor = serializers.FloatField(allow_null=True)
    start_date = serializers.DateField()
    start_dose = serializers.FloatField()
    target_daily_dose = StrictFloatField()
    treatment_months = serializers.FloatField()
    reduction_percent = StrictFloatField()
    reduction_per_step = serializers.FloatField(
        help_text="reduction_percent af startdosis: hvert trins reduktion i en lineær plan. En "
        "aftagende plans (proportional) trin er i steps; de kan være større, hvor det mindste "
        "praktiske trin tager over (se notes)."
    )
    interval_weeks = serializers.IntegerField()
    rounded = serializers.BooleanField()
    shape = serializers.CharField()
    steps = TaperStepSerializer(many=True)
    follow_ups = serializers.ListField(child=serializers.DateField())
    notes = serializers.ListField(child=serializers.CharField())


class DrugDoseSerializer(_DrugAtDoseSerializer):
    daily_mme = serializers.FloatField(allow_null=True)


class CombinedStepSerializer(serializers.Serializer):
    step = serializers.IntegerField()
    date = serializers.DateField()
    doses = DrugDoseSerializer(many=True)
    daily_mme = serializers.FloatField(
        allow_null=True, help_text="Samlet MME/døgn for de opioider, der kan omregnes."
    )
    tapering = serializers.CharField(
        allow_null=True, help_text="Det opioid, der trappes ned i dette trin (null i trin 1)."
    )
    unchanged = serializers.BooleanField()
    pause_intervals = serializers.IntegerField()


class CombinedTaperPlanSerializer(serializers.Serializer):
    medications = serializers.SerializerMethodField()
    shape = serializers.CharField()
    start_date = serializers.DateField()
    treatment_months = serializers.FloatField()
    reduction_percent = StrictFloatField()
    interval_weeks = serializers.IntegerField()
    rounded = serializers.BooleanField()
    steps = CombinedStepSerializer(many=True)
    follow_ups = serializers.ListField(child=serializers.DateField())
    notes = serializers.ListField(child=serializers.CharField())

    def get_medications(self, plan: CombinedTaperPlan) -> list[dict]:
        return [
            {
                "drug": p.drug,
                "name": p.drug_name,
                "daily_dose": p.start_dose,
                "unit": p.unit,
                "target_daily_dose": p.target_daily_dose,
            }
            for p in plan.plans
        ]


# --- Views -----------------------------------------------------------------------------------


@patient_data_endpoint(
    request=MmeInputSerializer,
    response=MmeTableSerializer,
    description="Beregn orale morfinækvivalenter (MME/døgn) for patientens opioider. "
    "Faktorerne anslår samlet eksponering og må ikke bruges til at omregne ved skift mellem "
    "opioider; buprenorphin omregnes ikke; tærsklerne 50 og 90 er amerikanske (CDC 2022).",
)
def opioid_mme(request: Request) -> Response:
    table = mme_table_from_data(data=request.data)
    return Response(MmeTableSerializer(table).data)


@patient_data_endpoint(
    request=TaperPlanInputSerializer,
    response=PolymorphicProxySerializer(
        component_name="TaperPlanResult",
        serializers=[TaperPlanSerializer, CombinedTaperPlanSerializer],
        resource_type_field_name=None,
    ),
    description="Foreslå en nedtrapningsplan for et opioid: trin med dato, døgndosis og MME, "
    "opfølgningsdatoer og noter. Planen er et forslag, der skal justeres, ikke en ordination.",
)
def opioid_taper_plan(request: Request) -> Response:
    plan = taper_plan_from_data(data=request.data, today=timezone.localdate())
    if isinstance(plan, CombinedTaperPlan):
        return Response(CombinedTaperPlanSerializer(plan).data)
    return Response(TaperPlanSerializer(plan).data)
